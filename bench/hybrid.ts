/**
 * The hybrid's cost per step against the kernel's, same system, same steps, this process (rnn
 * n = 64, σ = 0.1, ergodic). A kernel step is one map and one parameter adjoint; a hybrid step is
 * one map and one full backward (state and parameter adjoint), plus one recomputed map when the
 * orbit does not fit the kept-orbit budget. The ratio is what the variance gain must repay.
 * Runs are interleaved (a change of the machine's load touches all three alike) and the median
 * CPU time of 7 is reported. Standalone: `node dist/bench/hybrid.js`.
 */
import { pathToFileURL } from 'node:url';
import { hybridEstimator, kernelEstimator, type GradientRequest, type Objective } from '../src/gradients/index.js';
import { cpuSeconds } from '../src/experiments/common.js';
import { median } from '../src/stats/index.js';
import { createSystem } from '../src/systems/index.js';
import type { BenchRow } from './types.js';

const STEPS = 50000;
const REPEATS = 7;

export async function bench(): Promise<BenchRow[]> {
  const sys = createSystem('rnn', { dim: 64, noise: 0.1 });
  const objective: Objective = { kind: 'average', observable: 'meansq', steps: STEPS, transient: 0 };
  const rows: BenchRow[] = [];
  for (const params of [['g'], ['g', 'W', 'b']]) {
    const req: GradientRequest = { system: sys, objective, params, seed: 1 };
    const label = params.length === 1 ? 'g' : 'g,W,b';
    const runs: [string, () => Promise<unknown>][] = [
      ['kernel W=5', () => kernelEstimator.estimate(req, { window: 5, repeats: 1 })],
      ['hybrid, orbit kept', () => hybridEstimator.estimate(req, { window: 5, repeats: 1 })],
      ['hybrid, orbit recomputed', () => hybridEstimator.estimate(req, { window: 5, repeats: 1, orbitMemory: 0 })],
    ];
    for (const [, run] of runs) await run(); // JIT warm-up
    const ns: number[][] = runs.map(() => []);
    for (let r = 0; r < REPEATS; r++) {
      for (const [i, [, run]] of runs.entries()) {
        const c0 = cpuSeconds();
        await run();
        ns[i].push(((cpuSeconds() - c0) * 1e9) / STEPS);
      }
    }
    const base = median(ns[0]);
    for (const [i, [name]] of runs.entries()) {
      const m = median(ns[i]);
      rows.push({ name: `rnn64 ${label}: ${name}`, value: m, unit: 'ns/step', note: i === 0 ? 'baseline (CPU, median of 7)' : `${(m / base).toFixed(2)}× kernel` });
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await bench()) process.stdout.write(`${r.name.padEnd(44)} ${r.value.toPrecision(4).padStart(10)} ${r.unit}${r.note ? `   (${r.note})` : ''}\n`);
}

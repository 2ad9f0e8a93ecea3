/**
 * The hybrid's cost per step against the kernel's, same system, same steps, this process (rnn
 * n = 64, σ = 0.1, ergodic). A kernel step is one map and one parameter adjoint; a hybrid step is
 * one map and one full backward (state and parameter adjoint), plus one recomputed map when the
 * orbit does not fit the kept-orbit budget. The ratio is what the variance gain must repay.
 * Standalone: `node dist/bench/hybrid.js`.
 */
import { pathToFileURL } from 'node:url';
import { hybridEstimator, kernelEstimator, type GradientRequest, type Objective } from '../src/gradients/index.js';
import { createSystem } from '../src/systems/index.js';
import type { BenchRow } from './types.js';

const STEPS = 40000;
const REPEATS = 3;

async function bestNs(run: () => Promise<{ cost: { seconds: number } }>): Promise<number> {
  let m = Infinity;
  for (let i = 0; i < REPEATS; i++) m = Math.min(m, (await run()).cost.seconds);
  return (m * 1e9) / STEPS;
}

export async function bench(): Promise<BenchRow[]> {
  const sys = createSystem('rnn', { dim: 64, noise: 0.1 });
  const objective: Objective = { kind: 'average', observable: 'meansq', steps: STEPS, transient: 0 };
  const rows: BenchRow[] = [];
  for (const params of [['g'], ['g', 'W', 'b']]) {
    const req: GradientRequest = { system: sys, objective, params, seed: 1 };
    const label = params.length === 1 ? 'g' : 'g,W,b';
    await kernelEstimator.estimate(req, { window: 5 }); // JIT warm-up
    await hybridEstimator.estimate(req, { window: 5 });
    const kernel = await bestNs(() => kernelEstimator.estimate(req, { window: 5, repeats: 1 }));
    const kept = await bestNs(() => hybridEstimator.estimate(req, { window: 5, repeats: 1 }));
    const recomputed = await bestNs(() => hybridEstimator.estimate(req, { window: 5, repeats: 1, orbitMemory: 0 }));
    rows.push(
      { name: `rnn64 ${label}: kernel W=5`, value: kernel, unit: 'ns/step', note: 'baseline' },
      { name: `rnn64 ${label}: hybrid, orbit kept`, value: kept, unit: 'ns/step', note: `${(kept / kernel).toFixed(2)}× kernel` },
      { name: `rnn64 ${label}: hybrid, orbit recomputed`, value: recomputed, unit: 'ns/step', note: `${(recomputed / kernel).toFixed(2)}× kernel (--orbit-memory 0)` },
    );
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await bench()) process.stdout.write(`${r.name.padEnd(44)} ${r.value.toPrecision(4).padStart(10)} ${r.unit}${r.note ? `   (${r.note})` : ''}\n`);
}

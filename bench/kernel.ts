/**
 * Kernel differentiation: cost per step against the number of differentiated parameters.
 * rnn n = 64 with noise: the gain g alone (1 parameter) against all of W (4096) and everything
 * (4161), ergodic and finite-time forms; the in-process baseline is the noisy simulation alone.
 * The score term needs ONE paramAdjoint per step whatever the parameter count, so the ratio
 * W / g should stay near 1 (what remains is gathering and averaging P numbers per step).
 */
import { pathToFileURL } from 'node:url';
import { kernelEstimator, type Objective } from '../src/gradients/index.js';
import { Rng } from '../src/random/index.js';
import { checkFinite, createSystem, initialState, step, type DynamicalSystem } from '../src/systems/index.js';
import type { BenchRow } from './types.js';

const STEPS = 20000;
const REPEATS = 3;

function simulateNs(sys: DynamicalSystem, steps: number): number {
  const rng = new Rng(1);
  let x: Float64Array = initialState(sys, rng, 100), y: Float64Array = new Float64Array(sys.dim);
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < steps; k++) {
    step(sys, x, y, rng);
    checkFinite(y, k);
    const t = x; x = y; y = t;
  }
  return Number(process.hrtime.bigint() - t0) / steps;
}

async function kernelNs(sys: DynamicalSystem, objective: Objective, params: string[], window?: number): Promise<number> {
  const r = await kernelEstimator.estimate({ system: sys, objective, params, seed: 1 }, { window, repeats: 1 });
  // time per contribution (transient and window tail included, as the user pays them)
  const contributions = objective.kind === 'average' ? objective.steps : objective.horizon * objective.samples;
  return (r.cost.seconds * 1e9) / contributions;
}

async function best(f: () => Promise<number> | number): Promise<number> {
  let m = Infinity;
  for (let i = 0; i < REPEATS; i++) m = Math.min(m, await f());
  return m;
}

export async function bench(): Promise<BenchRow[]> {
  const sys = createSystem('rnn', { dim: 64, noise: 0.1 });
  const ergodic: Objective = { kind: 'average', observable: 'mean', steps: STEPS, transient: 0 };
  const horizon: Objective = { kind: 'horizon', observable: 'mean', horizon: 50, samples: STEPS / 50 };
  await kernelNs(sys, ergodic, ['g'], 10); // warm-up of the JIT
  const sim = await best(() => simulateNs(sys, STEPS));
  const rows: BenchRow[] = [{ name: 'rnn n=64: noisy simulation alone', value: sim, unit: 'ns/step', note: 'baseline' }];
  for (const [label, obj, window] of [['ergodic W=10', ergodic, 10], ['finite-time L=50', horizon, undefined]] as const) {
    const g = await best(() => kernelNs(sys, obj, ['g'], window));
    const w = await best(() => kernelNs(sys, obj, ['W'], window));
    const all = await best(() => kernelNs(sys, obj, ['g', 'W', 'b'], window));
    rows.push(
      { name: `rnn n=64 kernel ${label}: g (1 param)`, value: g, unit: 'ns/step', note: `${(g / sim).toFixed(2)}× simulation` },
      { name: `rnn n=64 kernel ${label}: W (4096 params)`, value: w, unit: 'ns/step', note: `${(w / sim).toFixed(2)}× simulation` },
      { name: `rnn n=64 kernel ${label}: g,W,b (4161 params)`, value: all, unit: 'ns/step' },
      { name: `rnn n=64 kernel ${label}: ratio W / g`, value: w / g, unit: '×', note: 'cost per step vs parameter count (4096 : 1)' },
    );
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await bench()) process.stdout.write(`${r.name.padEnd(56)} ${r.value.toPrecision(4).padStart(10)} ${r.unit}${r.note ? `   (${r.note})` : ''}\n`);
}

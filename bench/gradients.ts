/**
 * Cost of BPTT against the forward simulation it differentiates (same system, same steps, this
 * process), and the checkpointing memory against storing every state. Best of 3 after a warm-up.
 * Standalone: `node dist/bench/gradients.js`.
 */
import { pathToFileURL } from 'node:url';
import { bpttEstimator, fdEstimator } from '../src/gradients/index.js';
import { Rng } from '../src/random/index.js';
import { createSystem, initialState, step, type DynamicalSystem } from '../src/systems/index.js';
import type { BenchRow } from './types.js';

function bestOf<T>(n: number, f: () => T): { seconds: number; value: T } {
  let best = Infinity;
  let value!: T;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    value = f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: best, value };
}

async function bestOfAsync<T>(n: number, f: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  let best = Infinity;
  let value!: T;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    value = await f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: best, value };
}

/** The baseline: T steps of the system from an attractor state, summing Φ (what BPTT's forward pass does). */
function forward(sys: DynamicalSystem, x0: Float64Array, T: number): number {
  let x = Float64Array.from(x0);
  let y = new Float64Array(sys.dim);
  let s = 0;
  for (let n = 0; n < T; n++) {
    step(sys, x, y, null);
    const t = x;
    x = y;
    y = t;
    s += x[x.length - 1];
  }
  return s;
}

async function bpttRatio(name: string, options: Record<string, number>, params: string[], T: number, observable: string): Promise<BenchRow[]> {
  const sys = createSystem(name, options);
  const x0 = initialState(sys, new Rng(0));
  forward(sys, x0, T);
  const fwd = bestOf(3, () => forward(sys, x0, T));
  // transient 0: the estimator then starts from a fresh draw, its cost is the orbit and the sweep only
  const req = { system: sys, objective: { kind: 'average' as const, observable, steps: T, transient: 0 }, params, seed: 0 };
  await bpttEstimator.estimate(req, { repeats: 1 });
  const b = await bestOfAsync(3, () => bpttEstimator.estimate(req, { repeats: 1 }));
  return [
    { name: `bptt.${name}${options.dim ? options.dim : ''}.nsPerStep`, value: (b.seconds / T) * 1e9, unit: 'ns/step', note: `T = ${T}, ${b.value.gradient.length} parameter entries` },
    { name: `bptt.${name}${options.dim ? options.dim : ''}.vsForward`, value: b.seconds / fwd.seconds, unit: '×', note: 'BPTT time / forward simulation time (forward + recompute + backward)' },
  ];
}

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  rows.push(...(await bpttRatio('lorenz63', {}, ['sigma', 'rho', 'beta'], 100_000, 'z')));
  rows.push(...(await bpttRatio('rnn', { dim: 64 }, ['g', 'W', 'b'], 1000, 'mean')));
  rows.push(...(await bpttRatio('henon', {}, ['a', 'b'], 1000, 'x0')));
  const T = 1_000_000;
  const sys = createSystem('lorenz63');
  const r = await bpttEstimator.estimate({ system: sys, objective: { kind: 'average', observable: 'z', steps: T, transient: 0 }, params: ['rho'], seed: 0 }, { repeats: 1, clipStep: 1 });
  const mem = r.diagnostics.peakMemoryBytes as number;
  rows.push({ name: 'bptt.lorenz63.memory1e6', value: mem / 1024, unit: 'KB', note: `checkpoints + one segment at T = 10⁶ (storing all states: ${(((T + 1) * 24) / 1024 / 1024).toFixed(1)} MB)` });
  rows.push({ name: 'bptt.lorenz63.memorySaving1e6', value: ((T + 1) * 24) / mem, unit: '×', note: 'all-states bytes / checkpointed bytes' });
  const fdReq = { system: sys, objective: { kind: 'average' as const, observable: 'z', steps: 100_000, transient: 0 }, params: ['rho'], seed: 0 };
  const x0 = initialState(sys, new Rng(0));
  const fwd = bestOf(3, () => forward(sys, x0, 100_000));
  const f = await bestOfAsync(3, () => fdEstimator.estimate(fdReq, { batches: 1 }));
  rows.push({ name: 'fd.lorenz63.perEntryVsForward', value: f.seconds / fwd.seconds, unit: '×', note: 'one batch, one entry: p, p + h, p − h (3 orbits)' });
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await bench()) process.stdout.write(`${r.name.padEnd(36)} ${r.value.toPrecision(4).padStart(10)} ${r.unit}${r.note ? `   (${r.note})` : ''}\n`);
}

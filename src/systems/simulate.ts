import { RuntimeFailure, requirePositiveInteger, unknownName, opt } from '../errors/index.js';
import { Rng } from '../random/index.js';
import { BatchMeans } from '../stats/batchMeans.js';
import { checkFinite, initialState, step } from './trajectory.js';
import type { DynamicalSystem, Observable } from './types.js';

export function findObservable(sys: DynamicalSystem, name: string): Observable {
  const ob = sys.observables.find((o) => o.name === name);
  if (!ob) unknownName(`observable of ${sys.name}`, name, sys.observables.map((o) => o.name));
  return ob;
}

export interface SimulateOptions {
  steps: number;
  transient?: number;
  seed?: number;
  /** observable names; default all */
  observables?: string[];
  batches?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SimulateResult {
  steps: number;
  transient: number;
  averages: Record<string, number>;
  stderr: Record<string, number>;
  finalState: number[];
}

export interface OrbitAverageOptions {
  batches?: number;
  /** index of x0 in the whole run (after a transient), for the blow-up message */
  firstIndex?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The loop of every time average: `steps` noisy steps from x0 (not modified), `fill(x, out)`
 * writing K values of each state x_1 … x_T into batch means. Returns them and the final state.
 */
export function orbitBatchMeans(
  sys: DynamicalSystem,
  x0: Float64Array,
  steps: number,
  rng: Rng,
  K: number,
  fill: (x: Float64Array, out: Float64Array) => void,
  opts: OrbitAverageOptions = {},
): { bm: BatchMeans; finalState: Float64Array } {
  let x = Float64Array.from(x0);
  let y = new Float64Array(sys.dim);
  const bm = new BatchMeans(K, steps, Math.min(opts.batches ?? 32, steps));
  const vals = new Float64Array(K);
  const first = opts.firstIndex ?? 0;
  const every = Math.max(1, Math.floor(steps / 100));
  for (let n = 0; n < steps; n++) {
    step(sys, x, y, rng);
    checkFinite(y, first + n + 1);
    const t = x;
    x = y;
    y = t;
    fill(x, vals);
    bm.push(vals);
    if (opts.onProgress && (n + 1) % every === 0) opts.onProgress(n + 1, steps);
  }
  return { bm, finalState: x };
}

/** Time averages of observables along one orbit, with batch-means standard errors. */
export function simulate(sys: DynamicalSystem, opts: SimulateOptions): SimulateResult {
  const steps = requirePositiveInteger(opt('steps'), opts.steps);
  const transient = requirePositiveInteger(opt('transient'), opts.transient ?? sys.defaultTransient, true);
  const obs = (opts.observables ?? sys.observables.map((o) => o.name)).map((n) => findObservable(sys, n));
  const rng = new Rng(opts.seed ?? 0);
  const x0 = initialState(sys, rng, transient);
  const { bm, finalState } = orbitBatchMeans(sys, x0, steps, rng, obs.length, (x, out) => {
    for (let i = 0; i < obs.length; i++) out[i] = obs[i].value(x);
  }, { batches: opts.batches, firstIndex: transient, onProgress: opts.onProgress });
  const mean = bm.mean();
  const se = bm.stderr();
  const averages: Record<string, number> = {};
  const stderr: Record<string, number> = {};
  obs.forEach((o, i) => {
    averages[o.name] = mean[i];
    stderr[o.name] = se[i];
  });
  // the orbit stayed finite (checked per step), but an observable or its running sums can overflow
  const bad = obs.filter((_, i) => !Number.isFinite(mean[i]) || !Number.isFinite(se[i])).map((o) => o.name);
  if (bad.length > 0) {
    throw new RuntimeFailure(`the average${bad.length > 1 ? 's' : ''} of ${bad.join(', ')} overflowed (not a finite number; the state reaches |x| ≈ ${Math.max(...Array.from(finalState, Math.abs)).toPrecision(3)}): choose other observables or a smaller scale`);
  }
  return { steps, transient, averages, stderr, finalState: Array.from(finalState) };
}

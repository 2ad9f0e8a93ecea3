import { requirePositiveInteger, unknownName } from '../errors/index.js';
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

/** Time averages of observables along one orbit, with batch-means standard errors. */
export function simulate(sys: DynamicalSystem, opts: SimulateOptions): SimulateResult {
  const steps = requirePositiveInteger('--steps', opts.steps);
  const transient = requirePositiveInteger('--transient', opts.transient ?? sys.defaultTransient, true);
  const obs = (opts.observables ?? sys.observables.map((o) => o.name)).map((n) => findObservable(sys, n));
  const rng = new Rng(opts.seed ?? 0);
  let x: Float64Array = initialState(sys, rng, transient);
  let y: Float64Array = new Float64Array(sys.dim);
  const bm = new BatchMeans(obs.length, steps, Math.min(opts.batches ?? 32, steps));
  const vals = new Float64Array(obs.length);
  const every = Math.max(1, Math.floor(steps / 100));
  for (let n = 0; n < steps; n++) {
    step(sys, x, y, rng);
    checkFinite(y, transient + n + 1);
    const t = x;
    x = y;
    y = t;
    for (let i = 0; i < obs.length; i++) vals[i] = obs[i].value(x);
    bm.push(vals);
    if (opts.onProgress && (n + 1) % every === 0) opts.onProgress(n + 1, steps);
  }
  const mean = bm.mean();
  const se = bm.stderr();
  const averages: Record<string, number> = {};
  const stderr: Record<string, number> = {};
  obs.forEach((o, i) => {
    averages[o.name] = mean[i];
    stderr[o.name] = se[i];
  });
  return { steps, transient, averages, stderr, finalState: Array.from(x) };
}

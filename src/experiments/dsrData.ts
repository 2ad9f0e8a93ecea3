import { series, type ObservedSeries } from '../optim/index.js';
import { Rng } from '../random/index.js';
import { createSystem, step, type DynamicalSystem } from '../systems/index.js';

/**
 * Data and summaries of the dynamical-systems-reconstruction experiment: a noisy observed
 * Lorenz 63 series (standardised per coordinate, then observation noise added), split into a
 * training and a test half.
 */

export interface LorenzSeries {
  train: ObservedSeries;
  test: ObservedSeries;
  /** per-coordinate mean and standard deviation of the clean orbit (the standardisation) */
  mean: number[];
  sd: number[];
}

/** `rows` observations x_t (dt apart) of Lorenz 63 after a transient, standardised, plus N(0, noise²) per entry. */
export function noisyLorenz(rows: number, dt: number, noise: number, seed: number): LorenzSeries {
  const sys = createSystem('lorenz63', { dt });
  const rng = new Rng(seed);
  const x = new Float64Array(3), y = new Float64Array(3), v = new Float64Array(rows * 3);
  sys.sampleInitial(rng, x);
  for (let t = 0; t < Math.round(20 / dt); t++) (sys.map(x, y), x.set(y));
  for (let t = 0; t < rows; t++) (v.set(x, 3 * t), sys.map(x, y), x.set(y));
  const mean = [0, 1, 2].map((i) => v.reduce((s, u, k) => (k % 3 === i ? s + u : s), 0) / rows);
  const sd = [0, 1, 2].map((i) => Math.sqrt(v.reduce((s, u, k) => (k % 3 === i ? s + (u - mean[i]) ** 2 : s), 0) / rows));
  for (let k = 0; k < v.length; k++) v[k] = (v[k] - mean[k % 3]) / sd[k % 3] + noise * rng.normal();
  const half = Math.floor(rows / 2);
  return { train: series(v.slice(0, 3 * half), 3), test: series(v.slice(3 * half, 3 * 2 * half), 3), mean, sd };
}

/** The observed coordinates (first `dim`) of `steps` steps of a system after `transient`, as rows. */
export function observedOrbit(sys: DynamicalSystem, dim: number, steps: number, transient: number, seed: number, x0?: ArrayLike<number>): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(sys.dim), y = new Float64Array(sys.dim);
  sys.sampleInitial(rng, x);
  if (x0) for (let i = 0; i < x0.length; i++) x[i] = x0[i];
  const out = new Float64Array(steps * dim);
  for (let t = -transient; t < steps; t++) {
    step(sys, x, y, rng);
    x.set(y);
    if (t >= 0) for (let i = 0; i < dim; i++) out[t * dim + i] = x[i];
  }
  return out;
}

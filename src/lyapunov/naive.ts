import { opt } from '../errors/index.js';
import { logAbsDet, singularValues, spectralRadius } from '../linalg/index.js';
import { BatchMeans } from '../stats/index.js';
import { checkFinite, step, type DynamicalSystem } from '../systems/index.js';
import { JacobianBuilder } from './jacobian.js';
import { checkCount, startRun, stepsFor, timeScale } from './setup.js';

export interface NaiveBoundsOptions {
  /** number of states sampled along the orbit (default: 2000 for small n, fewer for large n) */
  samples?: number;
  /** orbit steps between samples (default: ½ time unit for flows, 10 steps for maps) */
  every?: number;
  transient?: number;
  seed?: number;
  x0?: Float64Array;
  onProgress?: (done: number, total: number) => void;
}

export interface NaiveBoundsResult {
  /** ⟨log ‖J‖₂⟩, per step or per unit time: the one-step bound on the growth of any perturbation */
  logNormJ: number;
  logNormJStderr: number;
  /** ⟨log ρ(J)⟩: the one-step eigenvalue growth */
  logSpectralRadius: number;
  logSpectralRadiusStderr: number;
  /** ⟨log |det J|⟩: equals Σλ over all n exponents (an identity, not a bound) */
  logAbsDetJ: number;
  logAbsDetJStderr: number;
  samples: number;
  every: number;
  perUnitTime: boolean;
}

/** Samples balance accuracy against the O(n³) singular-value and eigenvalue cost per sample. */
export function defaultNaiveSamples(sys: DynamicalSystem): number {
  return Math.max(20, Math.min(2000, Math.round(3e7 / sys.dim ** 3)));
}

/**
 * The naive one-step bounds averaged along an orbit: log ‖J(x)‖₂ (largest singular value) and
 * log ρ(J(x)) (largest eigenvalue modulus), J built column by column with the tangent. ‖J‖ is
 * submultiplicative, so ⟨log‖J‖⟩ ≥ λ₁ always; ρ is not, so ⟨log ρ⟩ bounds nothing. These are
 * reported beside the exponents because they are what one-step reasoning would predict.
 */
export function naiveBounds(sys: DynamicalSystem, opts: NaiveBoundsOptions = {}): NaiveBoundsResult {
  const n = sys.dim;
  const samples = checkCount(opt('samples'), opts.samples ?? defaultNaiveSamples(sys));
  if (samples < 2) throw new Error('naiveBounds: need at least 2 samples for a standard error');
  const every = checkCount(opt('every'), opts.every ?? stepsFor(sys, 0.5, 10));
  const { x: x0, orbitRng } = startRun(sys, opts.seed ?? 0, opts.transient, opts.x0);
  const jac = new JacobianBuilder(sys);
  const bm = new BatchMeans(3, samples, Math.min(32, samples));
  const vals = new Float64Array(3);
  const matrix = { rows: n, cols: n, data: jac.matrix };
  let x: Float64Array = x0;
  let y: Float64Array = new Float64Array(n);
  let index = 0;
  for (let s = 0; s < samples; s++) {
    const J = jac.at(x);
    // O(n³) per sample (and allocating inside linalg): samples are spaced, never per orbit step
    vals[0] = Math.log(singularValues(matrix)[0]);
    vals[1] = Math.log(spectralRadius(J, n));
    vals[2] = logAbsDet(J, n);
    bm.push(vals);
    for (let t = 0; t < every; t++) {
      step(sys, x, y, orbitRng);
      checkFinite(y, ++index);
      const tmp = x;
      x = y;
      y = tmp;
    }
    opts.onProgress?.(s + 1, samples);
  }
  const scale = timeScale(sys);
  const mean = bm.mean(), se = bm.stderr();
  return {
    logNormJ: mean[0] * scale,
    logNormJStderr: se[0] * scale,
    logSpectralRadius: mean[1] * scale,
    logSpectralRadiusStderr: se[1] * scale,
    logAbsDetJ: mean[2] * scale,
    logAbsDetJStderr: se[2] * scale,
    samples,
    every,
    perUnitTime: sys.dt !== null,
  };
}

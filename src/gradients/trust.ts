import { RuntimeFailure, opt, usage } from '../errors/index.js';
import { Rng } from '../random/index.js';
import { initialState, type DynamicalSystem } from '../systems/index.js';

/**
 * The trust layer: every estimate is checked before it leaves (makeResult calls `checkResult`),
 * and estimators add the failure signatures only they can see (fd step, noise level, adjoint
 * growth). A number that is not a number, or not trustworthy, never leaves unflagged: it is an
 * error (RuntimeFailure, exit 1; UsageError, exit 2, when the input itself is below resolution)
 * or a warning carried in the result's `warnings`. The list of cases is in docs/ARCHITECTURE.md.
 */

/** Spacing of doubles relative to the value (2⁻⁵²). */
export const EPSILON = Number.EPSILON;

export interface CheckedParts {
  value: number;
  valueStderr: number | null;
  gradient: Float64Array;
  stderr: Float64Array | null;
}

/**
 * Generic checks: finite value and gradient, finite standard errors, and standard errors that are
 * not all exactly zero where noise drives the estimate. Throws RuntimeFailure; returns warnings.
 */
export function checkResult(method: string, system: DynamicalSystem, labels: readonly string[], parts: CheckedParts): string[] {
  if (!Number.isFinite(parts.value)) throw new RuntimeFailure(`${method}: the estimated objective is not finite (${parts.value}): the orbit or the observable overflowed`);
  for (let i = 0; i < parts.gradient.length; i++) {
    if (!Number.isFinite(parts.gradient[i])) throw new RuntimeFailure(`${method}: gradient entry ${labels[i] ?? i} is not finite (${parts.gradient[i]}): the derivative overflowed; shorten the orbit or use a shadowing or kernel method`);
  }
  if (parts.valueStderr !== null && !Number.isFinite(parts.valueStderr)) throw new RuntimeFailure(`${method}: the standard error of the objective is not finite`);
  const warnings: string[] = [];
  const se = parts.stderr;
  if (se === null) return warnings;
  for (let i = 0; i < se.length; i++) {
    if (!Number.isFinite(se[i])) throw new RuntimeFailure(`${method}: the standard error of ${labels[i] ?? i} is not finite (the samples overflow): the estimate ${parts.gradient[i]} cannot be trusted`);
  }
  const sigma = system.noise?.sigma ?? 0;
  if (sigma > 0 && se.length > 0) {
    const zero = Array.from(se.keys()).filter((i) => se[i] === 0 && parts.gradient[i] !== 0).map((i) => labels[i] ?? String(i));
    if (zero.length > 0) {
      warnings.push(`the standard error of ${zero.slice(0, 4).join(', ')}${zero.length > 4 ? ` and ${zero.length - 4} more` : ''} is exactly zero although noise σ = ${sigma} drives the estimate: the randomness did not reach it (noise below resolution?)`);
    }
  }
  return warnings;
}

/**
 * Largest |xᵢ| over a draw from the initial distribution and a few noise-free steps: the scale
 * against which a noise level is compared with the floating-point spacing. Few steps on purpose:
 * an unstable orbit must not inflate the scale (and the cost stays negligible).
 */
export function stateScale(system: DynamicalSystem): number {
  const quiet = system.noise ? system.withNoise(null) : system;
  let m = 0;
  for (const steps of [0, 10]) {
    for (const v of initialState(quiet, new Rng(0), steps)) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  }
  return m > 0 ? m : 1;
}

/** Relative rounding of a noise increment σξ added to a state of size `scale`: ε·scale/σ. */
export function noiseRounding(sigma: number, scale: number): number {
  return (EPSILON * scale) / sigma;
}

/**
 * Estimators that divide by σ (kernel, hybrid): a noise level at the floating-point spacing of the
 * state is lost in rounding (x + σξ == x), and the score weights ξ/σ then describe noise that was
 * never added. ≥ 0.5 of the spacing: UsageError; within 1000× of it: warning.
 */
export function checkNoiseResolution(system: DynamicalSystem): string[] {
  const sigma = system.noise?.sigma ?? 0;
  if (!(sigma > 0)) return [];
  const scale = stateScale(system);
  const q = noiseRounding(sigma, scale);
  const spacing = EPSILON * scale;
  if (q >= 0.5) {
    throw usage`${opt('noise')} σ = ${sigma} is below the floating-point resolution of the state (|x| up to ${scale.toPrecision(3)}, spacing ${spacing.toPrecision(2)}): the noise is lost in rounding; use ${opt('noise')} ≥ ${(1000 * spacing).toPrecision(2)}`;
  }
  if (q > 1e-3) {
    return [`noise σ = ${sigma} is within 1000× of the floating-point spacing of the state (${spacing.toPrecision(2)}): rounding biases the estimate by up to about ${(100 * q).toPrecision(2)}%, more than its standard error may show`];
  }
  return [];
}

/**
 * A finite-difference step against the parameter's spacing: p ± h == p (or nearly) is a UsageError;
 * h below 1e-8·max(|p|, 1) is a warning (the rounding error ε·|J|/h of the quotient can exceed the
 * batch standard error, which does not see it).
 */
export function checkFdStep(label: string, p: number, h: number): string[] {
  const step = (p + h) - p;
  if (step === 0 || Math.abs(step - h) > 0.5 * h) {
    throw usage`finite-difference step ${opt('h')} = ${h} is below the floating-point resolution of ${label} = ${p} (spacing ${(EPSILON * Math.max(Math.abs(p), Number.MIN_VALUE)).toPrecision(2)}): p ± h == p; use ${opt('h')} ≥ ${(1e-8 * Math.max(Math.abs(p), 1)).toPrecision(2)}`;
  }
  if (h < 1e-8 * Math.max(Math.abs(p), 1)) {
    return [`finite-difference step h = ${h} for ${label} is below 1e-8·max(|p|, 1): rounding error of the difference quotient (≈ ε·|J|/h) may exceed the standard error, which does not include it`];
  }
  return [];
}

/**
 * Growth of adjoints (or tangents) over an interval: e^(rate·length). BPTT over a long orbit and a
 * NILSAS segment both fail when it approaches 1/ε. Returns the exponent rate·length.
 */
export function growthExponent(rate: number | null, steps: number, dt: number | null): number | null {
  if (rate === null || !Number.isFinite(rate) || rate <= 0) return null;
  return rate * steps * (dt ?? 1);
}

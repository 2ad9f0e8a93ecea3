import { RuntimeFailure, UsageError, requirePositiveInteger } from '../../errors/index.js';
import type { DynamicalSystem } from '../../systems/index.js';

/**
 * Teacher forcing (the training mode of dynamical-systems reconstruction): a loss over short data
 * segments in which the model's state is pulled back to the data, so that the gradient through a
 * segment never sees the e^(λ₁T) stretching of a free-running chaotic orbit.
 *
 * Observation model: the first N latent coordinates are observed (identity read-out, as in PLRNN
 * DSR); the others are latent. Along a segment starting at data index s:
 *   z₀ = [x_s; 0],   z̃ₖ = f(zₖ₋₁),   loss += ‖z̃ₖ[:N] − x_{s+k}‖²,
 *   zₖ = forcing of z̃ₖ by x_{s+k}:
 *     sparse (Mikhaeil, Monfared & Durstewitz 2022): every τ-th step zₖ[:N] ← x_{s+k}, else zₖ = z̃ₖ;
 *     generalized (Hess et al. 2023): zₖ[:N] ← (1 − α)·z̃ₖ[:N] + α·x_{s+k} every step
 * (with ẑ = [x; z̃[N:]] this is z ← (1 − α)z + αẑ). The loss is the mean over segments, steps and
 * observed coordinates. Its gradient is exact BPTT through each segment with the system's
 * `backward` kernel (Jᵀw and (∂f/∂p)ᵀw in one pass), so any defineSystem model works.
 */

/** An observed time series: T rows of N values (row-major), one row per model step. */
export interface ObservedSeries {
  readonly length: number;
  readonly dim: number;
  readonly values: Float64Array;
}

export type ForcingMode = 'sparse' | 'generalized';

export interface ForcingSettings {
  readonly mode: ForcingMode;
  /** sparse: force every `interval` steps (τ) */
  readonly interval: number;
  /** generalized: the forcing weight α ∈ [0, 1] */
  readonly alpha: number;
  /** steps per segment */
  readonly segment: number;
}

export function series(values: Float64Array, dim: number): ObservedSeries {
  requirePositiveInteger('data dimension', dim);
  if (values.length % dim !== 0 || values.length === 0) throw new UsageError(`data: ${values.length} values are not rows of ${dim}`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new UsageError(`data: value ${i} (row ${Math.floor(i / dim)}) is not finite`);
  }
  return { length: values.length / dim, dim, values };
}

export function checkForcing(s: ForcingSettings, sys: DynamicalSystem, data: ObservedSeries): void {
  if (s.mode !== 'sparse' && s.mode !== 'generalized') throw new UsageError(`forcing mode must be 'sparse' or 'generalized' (got '${String(s.mode)}')`);
  requirePositiveInteger('forcing segment', s.segment);
  if (s.mode === 'sparse') requirePositiveInteger('forcing interval', s.interval);
  if (s.mode === 'generalized' && !(s.alpha >= 0 && s.alpha <= 1)) throw new UsageError(`forcing alpha must be in [0, 1] (got ${s.alpha})`);
  if (data.dim > sys.dim) throw new UsageError(`the data have ${data.dim} observed coordinates, more than the model's ${sys.dim} latent ones`);
  if (s.segment >= data.length) throw new UsageError(`forcing segment ${s.segment} must be shorter than the data (${data.length} rows)`);
}

/** Scratch buffers of one segment (states after forcing, one-step errors), reused across calls. */
export class ForcingWorkspace {
  readonly z: Float64Array;
  readonly e: Float64Array;
  readonly a: Float64Array;
  readonly ax: Float64Array;
  readonly ap: Float64Array;
  /** rows[k] views zₖ: made once, not two views per step of every segment */
  readonly rows: Float64Array[];
  constructor(readonly sys: DynamicalSystem, readonly segment: number, observed: number) {
    const n = sys.dim;
    this.z = new Float64Array((segment + 1) * n);
    this.rows = Array.from({ length: segment + 1 }, (_, k) => this.z.subarray(k * n, (k + 1) * n));
    this.e = new Float64Array((segment + 1) * observed);
    this.a = new Float64Array(sys.dim);
    this.ax = new Float64Array(sys.dim);
    this.ap = new Float64Array(sys.nParams);
  }
}

/** How much of z̃ₖ[:N] survives the forcing at step k (1 − α; sparse: 0 on forcing steps, else 1). */
export function forcingKeep(s: ForcingSettings, k: number): number {
  return s.mode === 'sparse' ? (k % s.interval === 0 ? 0 : 1) : 1 - s.alpha;
}

/**
 * Sum over steps and observed coordinates of the squared one-step errors along the segment that
 * starts at data row `start`, and (when `grad` is given) grad += its parameter gradient.
 */
export function segmentLoss(w: ForcingWorkspace, data: ObservedSeries, s: ForcingSettings, start: number, grad: Float64Array | null): number {
  const { sys, z, rows, e, a, ax, ap } = w;
  const n = sys.dim, N = data.dim, T = s.segment, x = data.values;
  z.fill(0, 0, n);
  for (let i = 0; i < N; i++) z[i] = x[start * N + i];
  let loss = 0;
  for (let k = 1; k <= T; k++) {
    const cur = rows[k];
    sys.map(rows[k - 1], cur);
    const c = forcingKeep(s, k), row = (start + k) * N;
    for (let i = 0; i < N; i++) {
      const ei = cur[i] - x[row + i];
      e[k * N + i] = ei;
      loss += ei * ei;
      cur[i] = x[row + i] + c * ei;
    }
    if (!Number.isFinite(cur[0] + cur[n - 1] + loss)) throw new RuntimeFailure(`teacher forcing: the model's state became non-finite at step ${k} of the segment starting at data row ${start}`);
  }
  if (grad === null) return loss;
  // reverse sweep: a = ∂loss/∂zₖ (after forcing) → ∂/∂z̃ₖ (observed part scaled by the forcing, plus
  // the error's own 2eₖ) → through f at zₖ₋₁ into ∂/∂zₖ₋₁ and the parameters
  a.fill(0);
  for (let k = T; k >= 1; k--) {
    const c = forcingKeep(s, k);
    for (let i = 0; i < N; i++) a[i] = c * a[i] + 2 * e[k * N + i];
    sys.backward(rows[k - 1], a, ax, ap);
    for (let q = 0; q < ap.length; q++) grad[q] += ap[q];
    a.set(ax);
  }
  return loss;
}

/** Mean squared one-step error over segments starting at `starts`, and its gradient into `grad` (overwritten). */
export function forcingLoss(sys: DynamicalSystem, data: ObservedSeries, s: ForcingSettings, starts: ArrayLike<number>, grad: Float64Array | null, w = new ForcingWorkspace(sys, s.segment, data.dim)): number {
  if (grad !== null) grad.fill(0);
  let loss = 0;
  for (let j = 0; j < starts.length; j++) loss += segmentLoss(w, data, s, starts[j], grad);
  const scale = 1 / (starts.length * s.segment * data.dim);
  if (grad !== null) for (let q = 0; q < grad.length; q++) grad[q] *= scale;
  return loss * scale;
}

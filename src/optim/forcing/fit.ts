import { RuntimeFailure, requirePositiveInteger } from '../../errors/index.js';
import { gather, selectParams } from '../../gradients/index.js';
import { Rng } from '../../random/index.js';
import type { DynamicalSystem } from '../../systems/index.js';
import { makeOptimizer, type OptimizerConfig } from '../optimisers.js';
import { ForcingWorkspace, checkForcing, forcingLoss, type ForcingSettings, type ObservedSeries } from './segments.js';

/** A teacher-forcing run: settings of the forcing, the batch of segments, the optimiser. */
export interface ForcingFitOptions {
  readonly forcing: ForcingSettings;
  /** generalized forcing: α anneals geometrically from forcing.alpha to this over the run */
  readonly alphaEnd?: number;
  /** segments per gradient */
  readonly batch: number;
  readonly iterations: number;
  readonly optimizer: OptimizerConfig;
  /** trained parameters (default: all) */
  readonly params?: readonly string[];
  /** iteration t draws its segment starts from new Rng(seed).split(t) */
  readonly seed: number;
  /** clip the gradient's norm to this (default: no clipping) */
  readonly clip?: number;
  onIteration?(record: ForcingRecord): void;
}

export interface ForcingRecord {
  iteration: number;
  /** mean squared one-step error of this iteration's batch (before the update) */
  loss: number;
  gradNorm: number;
  alpha: number;
}

export interface ForcingFit {
  labels: readonly string[];
  system: DynamicalSystem;
  records: ForcingRecord[];
}

/** α of iteration t: geometric from α₀ to α₁ (constant when alphaEnd is not given). */
export function annealedAlpha(alpha: number, alphaEnd: number | undefined, t: number, iterations: number): number {
  if (alphaEnd === undefined || iterations <= 1) return alpha;
  const f = t / (iterations - 1);
  return alpha > 0 && alphaEnd > 0 ? alpha * (alphaEnd / alpha) ** f : alpha + (alphaEnd - alpha) * f;
}

/** Uniform segment starts (rows 0 … length − segment − 1) of one batch. */
export function segmentStarts(rng: Rng, data: ObservedSeries, segment: number, batch: number): Int32Array {
  const span = data.length - segment;
  return Int32Array.from({ length: batch }, () => rng.int(span));
}

/**
 * Trains `sys` by teacher forcing on `data`: each iteration draws `batch` segments, computes the
 * forced loss and its exact BPTT gradient, and takes one optimiser step. Returns the trained system.
 */
export function fitForcing(sys: DynamicalSystem, data: ObservedSeries, o: ForcingFitOptions): ForcingFit {
  checkForcing(o.forcing, sys, data);
  requirePositiveInteger('forcing batch', o.batch);
  const sel = selectParams(sys, o.params ?? sys.params.map((p) => p.name));
  const theta = gather(sys.p, sel);
  const optimizer = makeOptimizer(o.optimizer, theta.length);
  const grad = new Float64Array(sys.nParams), g = new Float64Array(theta.length);
  const records: ForcingRecord[] = [];
  // a copy whose parameter vector is updated in place (its kernels read p where it lives)
  const model = sys.withParams(sys.p);
  const w = new ForcingWorkspace(model, o.forcing.segment, data.dim);
  for (let t = 0; t < o.iterations; t++) {
    const alpha = annealedAlpha(o.forcing.alpha, o.alphaEnd, t, o.iterations);
    const starts = segmentStarts(new Rng(o.seed).split(t), data, o.forcing.segment, o.batch);
    const loss = forcingLoss(model, data, { ...o.forcing, alpha }, starts, grad, w);
    let norm = 0;
    for (let i = 0; i < g.length; i++) norm += (g[i] = grad[sel.indices[i]]) ** 2;
    norm = Math.sqrt(norm);
    if (!Number.isFinite(norm)) throw new RuntimeFailure(`teacher forcing: the gradient is not finite at iteration ${t}`);
    if (o.clip !== undefined && norm > o.clip) for (let i = 0; i < g.length; i++) g[i] *= o.clip / norm;
    optimizer.step(theta, g);
    for (let i = 0; i < theta.length; i++) model.p[sel.indices[i]] = theta[i];
    const rec = { iteration: t, loss, gradNorm: norm, alpha };
    records.push(rec);
    o.onIteration?.(rec);
  }
  return { labels: sel.labels, system: model, records };
}

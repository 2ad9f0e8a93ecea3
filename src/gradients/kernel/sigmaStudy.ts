import { UsageError, usage, opt } from '../../errors/index.js';
import { Rng } from '../../random/index.js';
import { makeNoise, type DynamicalSystem } from '../../systems/index.js';
import type { Objective } from '../types.js';
import { kernelEstimator, type KernelOptions } from './estimator.js';
import { extrapolateToZero, type Extrapolation } from './extrapolate.js';

export interface SigmaStudyOptions {
  /** noise levels, all > 0 (at least degree + 1 distinct ones) */
  sigmas: readonly number[];
  objective: Objective;
  params: readonly string[];
  seed: number;
  /** options of the kernel estimator run at every σ */
  kernel?: KernelOptions;
  /** polynomial degree of the extrapolation in σ (default 1) */
  degree?: 1 | 2;
  onProgress?: (done: number, total: number) => void;
}

export interface SigmaPoint {
  sigma: number;
  value: number;
  valueStderr: number | null;
  gradient: number[];
  stderr: number[];
  seconds: number;
}

export interface SigmaStudy {
  system: string;
  objective: Objective;
  params: readonly string[];
  labels: readonly string[];
  kernel: string;
  directions: string;
  points: SigmaPoint[];
  /** one extrapolation to σ → 0 per gradient entry */
  extrapolation: (Extrapolation & { label: string })[];
}

/**
 * The kernel estimate of the same derivative at several noise levels, and its weighted
 * least-squares extrapolation to σ → 0 (the deterministic limit) with an error bar. The kernel
 * and noise directions are the system's (Gaussian isotropic if it has none); every σ gets its own
 * seed stream, so the points are independent as the fit assumes. The extrapolation is meaningful
 * only where the derivative is a smooth function of σ near 0 — a chaotic system's deterministic
 * linear response may not exist; the fit's χ² is reported for that reason.
 */
export async function sigmaStudy(system: DynamicalSystem, o: SigmaStudyOptions): Promise<SigmaStudy> {
  const degree = o.degree ?? 1;
  if (degree !== 1 && degree !== 2) throw new UsageError(`unknown extrapolation degree ${String(degree)} (valid: 1, 2)`);
  if (o.sigmas.length === 0) throw usage`the σ-study needs noise levels (${opt('sigmas')} a,b,c)`;
  for (const s of o.sigmas) if (!(Number.isFinite(s) && s > 0)) throw new UsageError(`every σ of the study must be a finite number > 0, got ${s}`);
  if (new Set(o.sigmas).size < degree + 1) throw new UsageError(`a degree-${degree} extrapolation needs at least ${degree + 1} distinct σ (got ${o.sigmas.join(', ')})`);
  const base = system.noise ?? makeNoise(system.dim, { sigma: 1 })!;
  const points: SigmaPoint[] = [];
  let labels: readonly string[] = [];
  const root = new Rng(o.seed);
  for (let i = 0; i < o.sigmas.length; i++) {
    const sigma = o.sigmas[i];
    const sys = system.withNoise({ ...base, sigma });
    const r = await kernelEstimator.estimate({ system: sys, objective: o.objective, params: o.params, seed: root.split(i).seed }, o.kernel ?? {});
    labels = r.labels;
    points.push({
      sigma,
      value: r.value,
      valueStderr: r.valueStderr,
      gradient: Array.from(r.gradient),
      stderr: Array.from(r.stderr ?? r.gradient.map(() => Infinity)),
      seconds: r.cost.seconds,
    });
    o.onProgress?.(i + 1, o.sigmas.length);
  }
  const xs = points.map((p) => p.sigma);
  const extrapolation = labels.map((label, j) => ({
    label,
    ...extrapolateToZero(xs, points.map((p) => p.gradient[j]), points.map((p) => p.stderr[j]), degree),
  }));
  return { system: system.name, objective: o.objective, params: o.params, labels, kernel: base.kernel.name, directions: base.directionsLabel, points, extrapolation };
}

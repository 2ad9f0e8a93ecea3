import { UsageError, usage, opt } from '../errors/index.js';
import { lyapunovSpectrum } from '../lyapunov/spectrum.js';
import { median, quantile } from '../stats/index.js';
import type { DynamicalSystem } from '../systems/index.js';
import { bpttEstimator } from './bptt.js';

/**
 * The explosion diagnostic: how the BPTT gradient of a T-step average grows with T, beside λ₁.
 * The norm reported is that of the UN-normalised sum Σ_{n=1..T} Φ(xₙ) (= T·‖∇J‖): the 1/T of the
 * average adds −ln T to ln‖g‖, which bends the line at short horizons; the exponential rate is the
 * same. The median over trajectories estimates the typical growth e^{λ₁T} (the mean would grow at
 * the faster generalised exponent, driven by rare strongly stretching orbits).
 */
export interface ExplodeOptions {
  /** horizons in steps; default: `points` log-spaced up to `maxHorizon` */
  horizons?: number[];
  maxHorizon?: number;
  points?: number;
  /** trajectories per horizon (default 16) */
  repeats?: number;
  observable?: string;
  params?: string[];
  transient?: number;
  seed?: number;
  /** steps of the λ₁ run (default: the Lyapunov module's) */
  lyapunovSteps?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ExplodeResult {
  system: string;
  observable: string;
  params: string[];
  repeats: number;
  /** horizons in steps, and in time units (= steps for maps) */
  horizons: number[];
  times: number[];
  /** median over trajectories of ‖∇ Σ_{n≤T} Φ(xₙ)‖; null where the adjoint overflowed */
  gradientNorms: (number | null)[];
  lowerQuartile: (number | null)[];
  upperQuartile: (number | null)[];
  /** least-squares slope of ln(median norm) against time over the fit range */
  growthRate: number;
  intercept: number;
  /** [first, last] time of the fitted points, and their number */
  fitRange: [number, number];
  fitPoints: number;
  lambda1: number;
  lambda1Stderr: number;
  /** growthRate / λ₁ */
  ratio: number;
  unit: 'per unit time' | 'per step';
}

export const DEFAULT_EXPLODE_REPEATS = 16;
export const DEFAULT_EXPLODE_POINTS = 12;

/** Default longest horizon: 40 time units of a flow, 60 steps of a map (e^(λ₁T) stays far from overflow for the built-ins). */
export function defaultMaxHorizon(sys: DynamicalSystem): number {
  return sys.dt !== null ? Math.round(40 / sys.dt) : 60;
}

/** λ₁ run length: 500 time units of a flow, 50 000 steps of a map (λ₁ stderr ~1e-3 for the built-ins). */
export function defaultLyapunovSteps(sys: DynamicalSystem): number {
  return sys.dt !== null ? Math.round(500 / sys.dt) : 50000;
}

/** `points` integer horizons log-spaced over [max/40, max] (duplicates after rounding dropped). */
export function logSpacedHorizons(max: number, points: number): number[] {
  if (!(Number.isInteger(max) && max >= 2)) throw usage`${opt('maxHorizon')} must be an integer >= 2, got ${max}`;
  if (!(Number.isInteger(points) && points >= 3)) throw usage`${opt('points')} must be an integer >= 3, got ${points}`;
  const min = Math.max(1, max / 40);
  const out = new Set<number>();
  for (let i = 0; i < points; i++) out.add(Math.round(min * (max / min) ** (i / (points - 1))));
  return [...out].sort((a, b) => a - b);
}

/** Least squares y = a + b·x. */
export function linearFit(x: readonly number[], y: readonly number[]): { intercept: number; slope: number } {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope };
}

/**
 * Fit of ln‖g‖ = a + ρ·t over the exponential regime: the finite points with t ≥ √(t_min·t_max)
 * (the upper half of a log-spaced range), at least 3 of them.
 */
export function fitGrowth(times: readonly number[], norms: readonly (number | null)[]): { slope: number; intercept: number; range: [number, number]; points: number } {
  const pts = times.map((t, i) => ({ t, v: norms[i] })).filter((p): p is { t: number; v: number } => p.v !== null && Number.isFinite(p.v) && p.v > 0);
  if (pts.length < 3) throw new UsageError(`need at least 3 horizons with a finite gradient to fit a growth rate, got ${pts.length}`);
  const cut = Math.sqrt(pts[0].t * pts[pts.length - 1].t);
  let used = pts.filter((p) => p.t >= cut);
  if (used.length < 3) used = pts.slice(-3);
  const { slope, intercept } = linearFit(used.map((p) => p.t), used.map((p) => Math.log(p.v)));
  return { slope, intercept, range: [used[0].t, used[used.length - 1].t], points: used.length };
}

/** Runs the study: BPTT gradient norms against horizon, the fitted rate, and λ₁. */
export async function explodeStudy(sys: DynamicalSystem, o: ExplodeOptions = {}): Promise<ExplodeResult> {
  const repeats = o.repeats ?? DEFAULT_EXPLODE_REPEATS;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw usage`${opt('repeats')} must be a positive integer, got ${repeats}`;
  const horizons = o.horizons ?? logSpacedHorizons(o.maxHorizon ?? defaultMaxHorizon(sys), o.points ?? DEFAULT_EXPLODE_POINTS);
  if (horizons.length < 3) throw new UsageError(`need at least 3 horizons, got ${horizons.length}`);
  for (const h of horizons) if (!(Number.isInteger(h) && h >= 1)) throw new UsageError(`horizons must be positive integers (steps), got ${h}`);
  if (new Set(horizons).size !== horizons.length || horizons.some((h, i) => i > 0 && h <= horizons[i - 1])) throw new UsageError('horizons must be strictly increasing');
  const observable = o.observable ?? 'mean';
  const params = o.params ?? sys.params.filter((p) => p.size === 1).map((p) => p.name);
  const seed = o.seed ?? 0;
  const dt = sys.dt ?? 1;
  const total = horizons.length + 1;
  const gradientNorms: (number | null)[] = [];
  const lowerQuartile: (number | null)[] = [];
  const upperQuartile: (number | null)[] = [];
  for (let i = 0; i < horizons.length; i++) {
    const T = horizons[i];
    let norms: number[] | null = null;
    try {
      const r = await bpttEstimator.estimate(
        { system: sys, objective: { kind: 'average', observable, steps: T, transient: o.transient }, params, seed },
        { repeats },
      );
      // the un-normalised sum: T·‖∇J‖
      norms = (r.diagnostics.trajectoryGradientNorms as number[]).map((g) => g * T);
    } catch (e) {
      if (!/overflowed/.test((e as Error).message)) throw e;
    }
    gradientNorms.push(norms ? median(norms) : null);
    lowerQuartile.push(norms ? quantile(norms, 0.25) : null);
    upperQuartile.push(norms ? quantile(norms, 0.75) : null);
    o.onProgress?.(i + 1, total);
  }
  const times = horizons.map((h) => h * dt);
  const fit = fitGrowth(times, gradientNorms);
  const spec = lyapunovSpectrum(sys, { k: 1, seed, steps: o.lyapunovSteps ?? defaultLyapunovSteps(sys), transient: o.transient });
  o.onProgress?.(total, total);
  const lambda1 = spec.exponents[0];
  return {
    system: sys.name,
    observable,
    params,
    repeats,
    horizons,
    times,
    gradientNorms,
    lowerQuartile,
    upperQuartile,
    growthRate: fit.slope,
    intercept: fit.intercept,
    fitRange: fit.range,
    fitPoints: fit.points,
    lambda1,
    lambda1Stderr: spec.stderr[0],
    ratio: fit.slope / lambda1,
    unit: sys.dt !== null ? 'per unit time' : 'per step',
  };
}

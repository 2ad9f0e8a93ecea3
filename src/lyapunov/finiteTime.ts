import { opt } from '../errors/index.js';
import { checkFinite, step, type DynamicalSystem } from '../systems/index.js';
import { TangentFrame } from './frame.js';
import { STREAM, checkCount, checkK, defaultBasisTransient, startRun, stepsFor, timeScale } from './setup.js';

export interface FiniteTimeOptions {
  k?: number;
  /** window length τ in steps (default: 1 time unit for flows, 10 steps for maps) */
  tau?: number;
  /** number of consecutive windows (default 2000) */
  windows?: number;
  transient?: number;
  basisTransient?: number;
  seed?: number;
  x0?: Float64Array;
  onProgress?: (done: number, total: number) => void;
}

export interface FiniteTimeStats {
  mean: number;
  sd: number;
  p05: number;
  median: number;
  p95: number;
  /** fraction of windows in which this exponent is positive */
  fractionPositive: number;
}

export interface FiniteTimeResult {
  k: number;
  /** window length in steps */
  tau: number;
  windows: number;
  perUnitTime: boolean;
  /** values[i][w]: exponent i over window w (per step or per unit time) */
  values: Float64Array[];
  stats: FiniteTimeStats[];
}

/**
 * Distribution of finite-time Lyapunov exponents along one orbit: the Gram–Schmidt basis is carried
 * continuously (converged after the basis transient) and λᵢ^τ(w) = (1/τ)·Σ_{window w} log Rᵢᵢ. The
 * mean over windows is the exponent itself; the spread (≈ √(2D/τ) for large τ, D the diffusion
 * coefficient of the stretching) measures how unevenly the orbit stretches, e.g. how often λ₁^τ < 0.
 */
export function finiteTimeExponents(sys: DynamicalSystem, opts: FiniteTimeOptions = {}): FiniteTimeResult {
  const n = sys.dim;
  const k = checkK(sys, opts.k);
  const tau = checkCount(opt('tau'), opts.tau ?? stepsFor(sys, 1, 10));
  const windows = checkCount(opt('windows'), opts.windows ?? 2000);
  const basisTransient = checkCount(opt('basisTransient'), opts.basisTransient ?? defaultBasisTransient(sys), true);
  const { x: x0, orbitRng, root } = startRun(sys, opts.seed ?? 0, opts.transient, opts.x0);
  const frame = new TangentFrame(sys, k, root.split(STREAM.basis));
  const values = Array.from({ length: k }, () => new Float64Array(windows));
  const logs = new Float64Array(k);
  const acc = new Float64Array(k);
  const scale = timeScale(sys);
  let x: Float64Array = x0;
  let y: Float64Array = new Float64Array(n);
  let index = 0;
  const total = basisTransient + windows * tau;
  for (let t = 0; t < total; t++) {
    frame.advance(x);
    const w = t - basisTransient;
    if (w >= 0) {
      frame.logDiagonal(logs);
      for (let i = 0; i < k; i++) acc[i] += logs[i];
      if ((w + 1) % tau === 0) {
        const win = (w + 1) / tau - 1;
        for (let i = 0; i < k; i++) {
          values[i][win] = (acc[i] / tau) * scale;
          acc[i] = 0;
        }
        opts.onProgress?.(win + 1, windows);
      }
    }
    step(sys, x, y, orbitRng);
    checkFinite(y, ++index);
    const tmp = x;
    x = y;
    y = tmp;
  }
  return { k, tau, windows, perUnitTime: sys.dt !== null, values, stats: values.map(describe) };
}

function describe(v: Float64Array): FiniteTimeStats {
  const m = v.length;
  let sum = 0, pos = 0;
  for (const a of v) {
    sum += a;
    if (a > 0) pos++;
  }
  const mean = sum / m;
  let ss = 0;
  for (const a of v) ss += (a - mean) ** 2;
  const sorted = Float64Array.from(v).sort();
  const q = (p: number) => {
    const at = p * (m - 1);
    const lo = Math.floor(at), hi = Math.min(m - 1, lo + 1);
    return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
  };
  return { mean, sd: m > 1 ? Math.sqrt(ss / (m - 1)) : 0, p05: q(0.05), median: q(0.5), p95: q(0.95), fractionPositive: pos / m };
}

import { UsageError } from '../../errors/index.js';
import { cholesky, choleskySolve } from '../../linalg/index.js';

/** A weighted least-squares polynomial fit y ≈ β₀ + β₁x (+ β₂x²) and its value at x = 0. */
export interface Extrapolation {
  degree: 1 | 2;
  /** β₀: the fit at x = 0 */
  value: number;
  /** standard error of β₀, inflated by the Birge ratio √(χ²/dof) when that exceeds 1 */
  stderr: number;
  /** standard error of β₀ from the data's error bars alone */
  stderrRaw: number;
  coefficients: number[];
  chi2: number;
  dof: number;
}

/**
 * Fits with weights 1/se² (the normal equations XᵀWXβ = XᵀWy, Cholesky) and reports β₀ with the
 * standard error √((XᵀWX)⁻¹)₀₀. When the points scatter more than their error bars allow
 * (χ²/dof > 1) the error is scaled up by √(χ²/dof): the model, not only the noise, is then in doubt.
 */
export function extrapolateToZero(x: readonly number[], y: readonly number[], se: readonly number[], degree: 1 | 2): Extrapolation {
  const k = degree + 1, n = x.length;
  if (n < k) throw new UsageError(`a degree-${degree} extrapolation needs at least ${k} values of σ, got ${n}`);
  if (new Set(x).size < k) throw new UsageError(`a degree-${degree} extrapolation needs ${k} distinct values of σ`);
  for (let i = 0; i < n; i++) {
    if (!(Number.isFinite(se[i]) && se[i] > 0 && Number.isFinite(y[i]))) {
      throw new UsageError(`extrapolation needs finite estimates with positive standard errors (σ = ${x[i]}: ${y[i]} ± ${se[i]})`);
    }
  }
  // scale x so the normal matrix is well conditioned whatever the units
  const s = Math.max(...x.map(Math.abs)) || 1;
  const a = new Float64Array(k * k), b = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const w = 1 / (se[i] * se[i]);
    const u = x[i] / s;
    for (let p = 0; p < k; p++) {
      b[p] += w * u ** p * y[i];
      for (let q = 0; q < k; q++) a[p * k + q] += w * u ** (p + q);
    }
  }
  cholesky(a, k);
  const beta = Float64Array.from(b);
  choleskySolve(a, k, beta);
  const e0 = new Float64Array(k);
  e0[0] = 1;
  choleskySolve(a, k, e0); // first column of (XᵀWX)⁻¹
  let chi2 = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let p = 0; p < k; p++) f += beta[p] * (x[i] / s) ** p;
    chi2 += ((y[i] - f) / se[i]) ** 2;
  }
  const dof = n - k;
  const raw = Math.sqrt(e0[0]);
  const birge = dof > 0 ? Math.max(1, Math.sqrt(chi2 / dof)) : 1;
  return {
    degree,
    value: beta[0],
    stderr: raw * birge,
    stderrRaw: raw,
    coefficients: Array.from(beta, (c, p) => c / s ** p),
    chi2,
    dof,
  };
}

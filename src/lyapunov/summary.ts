/**
 * Summary quantities of a Lyapunov spectrum (exponents descending). "Near zero" is decided by the
 * standard error: |λᵢ| ≤ Z·seᵢ, so a longer run can only sharpen the classification.
 */
export const NEAR_ZERO_Z = 3;

export interface SpectrumSummary {
  kaplanYorke: number;
  positiveCount: number;
  nearZeroCount: number;
  sumPositive: number;
}

/**
 * Kaplan–Yorke (Lyapunov) dimension D = j + (λ₁+…+λ_j)/|λ_{j+1}|, j the largest index with a
 * non-negative partial sum. 0 when λ₁ < 0; k when every partial sum of the k given exponents is
 * non-negative (the dimension is then at least k: compute more exponents).
 */
export function kaplanYorkeDimension(exponents: ArrayLike<number>): number {
  const k = exponents.length;
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const next = sum + exponents[j];
    if (next < 0) return j + sum / Math.abs(exponents[j]);
    sum = next;
  }
  return k;
}

/**
 * True when every partial sum of the computed exponents is non-negative and fewer exponents than
 * the dimension were computed: the Kaplan–Yorke value k is then only a lower bound (D ≥ k).
 */
export function kaplanYorkeIsLowerBound(exponents: ArrayLike<number>, dim: number): boolean {
  const k = exponents.length;
  return k < dim && kaplanYorkeDimension(exponents) === k;
}

export function isNearZero(lambda: number, stderr: number): boolean {
  return Math.abs(lambda) <= NEAR_ZERO_Z * stderr;
}

/** Exponents significantly above zero (λ > Z·se). */
export function positiveCount(exponents: ArrayLike<number>, stderr: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < exponents.length; i++) if (exponents[i] > NEAR_ZERO_Z * stderr[i]) c++;
  return c;
}

export function nearZeroCount(exponents: ArrayLike<number>, stderr: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < exponents.length; i++) if (isNearZero(exponents[i], stderr[i])) c++;
  return c;
}

/** Σ of the significantly positive exponents: the Pesin bound on the metric entropy (per step or per unit time). */
export function sumPositive(exponents: ArrayLike<number>, stderr: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < exponents.length; i++) if (exponents[i] > NEAR_ZERO_Z * stderr[i]) s += exponents[i];
  return s;
}

export function summarise(exponents: ArrayLike<number>, stderr: ArrayLike<number>): SpectrumSummary {
  return {
    kaplanYorke: kaplanYorkeDimension(exponents),
    positiveCount: positiveCount(exponents, stderr),
    nearZeroCount: nearZeroCount(exponents, stderr),
    sumPositive: sumPositive(exponents, stderr),
  };
}

/**
 * Split of k exponents into unstable / neutral / stable index ranges: [0, u), [u, u+z), [u+z, k).
 * A flow always has a neutral direction (along the vector field): when the statistics flag none,
 * the exponent closest to zero is taken as neutral.
 */
export function splitIndices(exponents: ArrayLike<number>, stderr: ArrayLike<number>, isFlow: boolean): { unstable: number; neutral: number } {
  const u = positiveCount(exponents, stderr);
  let z = 0;
  for (let i = u; i < exponents.length && isNearZero(exponents[i], stderr[i]); i++) z++;
  if (isFlow && z === 0 && exponents.length > u) z = 1;
  return { unstable: u, neutral: z };
}

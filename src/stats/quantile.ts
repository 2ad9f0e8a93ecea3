/**
 * Sample quantile by linear interpolation between order statistics (type 7, the R/NumPy default);
 * non-finite values are ignored. NaN for an empty sample.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q}`);
  const v = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (h - lo) * (v[hi] - v[lo]);
}

export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

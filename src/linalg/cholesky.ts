import { solveLower, solveLowerTransposed } from './triangular.js';

/**
 * In-place Cholesky A = L·Lᵀ of a row-major n×n symmetric matrix; only the lower triangle
 * is read, and on return the upper triangle is zeroed so `a` is exactly L.
 */
export function cholesky(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let p = 0; p < j; p++) d -= a[rj + p] * a[rj + p];
    // Written as !(d > 0) so that NaN is rejected too.
    if (!(d > 0)) throw new Error(`matrix is not positive definite (pivot ${j} = ${d})`);
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let p = 0; p < j; p++) s -= a[ri + p] * a[rj + p];
      a[ri + j] = s / ljj;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
}

/** Solves (L·Lᵀ)·x = b in place on b[off .. off+n), given L from {@link cholesky}. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, off = 0): void {
  solveLower(l, n, b, off);
  solveLowerTransposed(l, n, b, off);
}

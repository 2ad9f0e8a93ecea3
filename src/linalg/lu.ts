/** P·A = L·U packed in `lu` (unit-diagonal L below, U on and above the diagonal). */
export interface LUFactorization {
  readonly n: number;
  readonly lu: Float64Array;
  /** LAPACK-style interchanges: at step k, rows k and piv[k] were swapped. */
  readonly piv: Int32Array;
  /** Determinant of the permutation, ±1. */
  readonly sign: number;
  /** True when some pivot is exactly zero. */
  readonly singular: boolean;
}

/** LU with partial pivoting of a row-major n×n matrix; `a` is not modified. */
export function luFactor(a: Float64Array, n: number): LUFactorization {
  if (a.length < n * n) throw new Error(`luFactor: matrix has length ${a.length}, need n*n = ${n * n}`);
  const lu = Float64Array.from(a.subarray(0, n * n));
  const piv = new Int32Array(n);
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[k] = p;
    if (p !== k) {
      sign = -sign;
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[p * n + j];
        lu[p * n + j] = t;
      }
    }
    const pivot = lu[k * n + k];
    if (pivot === 0) {
      // Column already zero below the diagonal: nothing to eliminate, keep going for logAbsDet.
      singular = true;
      continue;
    }
    const inv = 1 / pivot;
    for (let i = k + 1; i < n; i++) {
      const f = lu[i * n + k] * inv;
      lu[i * n + k] = f;
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
    }
  }
  return { n, lu, piv, sign, singular };
}

/** Solves A·x = b from a factorisation; `out` may be `b` itself for an in-place solve. */
export function luSolve(f: LUFactorization, b: Float64Array, out: Float64Array = new Float64Array(f.n)): Float64Array {
  const { n, lu, piv } = f;
  if (f.singular) throw new Error('luSolve: matrix is singular');
  if (b.length < n || out.length < n) throw new Error(`luSolve: vectors must have length >= ${n}`);
  if (out !== b) out.set(b.subarray(0, n));
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) {
      const t = out[k];
      out[k] = out[p];
      out[p] = t;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = out[i];
    for (let j = 0; j < i; j++) s -= lu[i * n + j] * out[j];
    out[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = out[i];
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * out[j];
    out[i] = s / lu[i * n + i];
  }
  return out;
}

/** log|det A|, −Infinity when A is exactly singular. Summing logs avoids over/underflow of the product. */
export function logAbsDet(a: Float64Array, n: number): number {
  const f = luFactor(a, n);
  if (f.singular) return -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(Math.abs(f.lu[i * n + i]));
  return s;
}

/** x = A⁻¹·b as a new array; throws if A is exactly singular. */
export function solve(a: Float64Array, n: number, b: Float64Array): Float64Array {
  return luSolve(luFactor(a, n), b);
}

// Row-major k×k triangular solves, in place on b[off .. off+k). The loops are arranged so
// that the innermost access to the factor is always along a contiguous row.
// No singularity checks: these run inside time-stepping loops; a zero pivot yields ±Infinity/NaN.

/** R·x = b, R upper triangular. */
export function solveUpper(r: Float64Array, k: number, b: Float64Array, off = 0): void {
  for (let i = k - 1; i >= 0; i--) {
    const ri = i * k;
    let s = b[off + i];
    for (let j = i + 1; j < k; j++) s -= r[ri + j] * b[off + j];
    b[off + i] = s / r[ri + i];
  }
}

/** Rᵀ·x = b, R upper triangular (so Rᵀ is lower). */
export function solveUpperTransposed(r: Float64Array, k: number, b: Float64Array, off = 0): void {
  for (let i = 0; i < k; i++) {
    const ri = i * k;
    const xi = b[off + i] / r[ri + i];
    b[off + i] = xi;
    for (let j = i + 1; j < k; j++) b[off + j] -= r[ri + j] * xi;
  }
}

/** L·x = b, L lower triangular. */
export function solveLower(l: Float64Array, k: number, b: Float64Array, off = 0): void {
  for (let i = 0; i < k; i++) {
    const li = i * k;
    let s = b[off + i];
    for (let j = 0; j < i; j++) s -= l[li + j] * b[off + j];
    b[off + i] = s / l[li + i];
  }
}

/** Lᵀ·x = b, L lower triangular (so Lᵀ is upper). */
export function solveLowerTransposed(l: Float64Array, k: number, b: Float64Array, off = 0): void {
  for (let i = k - 1; i >= 0; i--) {
    const li = i * k;
    const xi = b[off + i] / l[li + i];
    b[off + i] = xi;
    for (let j = 0; j < i; j++) b[off + j] -= l[li + j] * xi;
  }
}

/** out ← R⁻¹ (upper triangular, strictly lower part zeroed). `out` must not alias `r`. */
export function invertUpper(r: Float64Array, k: number, out: Float64Array): void {
  if (out === r) throw new Error('invertUpper: out must not alias r');
  out.fill(0, 0, k * k);
  // Row i of R⁻¹ from rows below it: X[i,j] = (δ_ij − Σ_{l>i} R[i,l]·X[l,j]) / R[i,i].
  for (let i = k - 1; i >= 0; i--) {
    const ri = i * k;
    const inv = 1 / r[ri + i];
    out[ri + i] = inv;
    for (let l = i + 1; l < k; l++) {
      const ril = r[ri + l];
      const xl = l * k;
      for (let j = l; j < k; j++) out[ri + j] -= ril * out[xl + j];
    }
    for (let j = i + 1; j < k; j++) out[ri + j] *= inv;
  }
}

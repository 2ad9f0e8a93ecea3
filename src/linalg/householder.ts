import { norm2 } from './matrix.js';

/**
 * Householder reflector j of column j of `col` (column-major with n rows, column start cj = j·n),
 * rows j…n−1: writes u (u_j = 1, below it the column scaled by 1/(x₀ − β)) and tau[j], and returns
 * β = R_jj. The sign of β is opposite to x₀ so that x₀ − β never cancels. A zero column gives the
 * identity (tau 0, β 0) without dividing by zero, and leaves u untouched. Shared by the unblocked
 * and the blocked QR, so both form their reflectors with the same operations.
 */
export function householderReflector(col: Float64Array, u: Float64Array, tau: Float64Array, n: number, j: number, cj: number): number {
  const x0 = col[cj + j];
  const nrm = norm2(col, n - j, cj + j);
  if (nrm === 0) {
    tau[j] = 0;
    return 0;
  }
  const beta = x0 >= 0 ? -nrm : nrm;
  const inv = 1 / (x0 - beta);
  u[cj + j] = 1;
  for (let i = j + 1; i < n; i++) u[cj + i] = col[cj + i] * inv;
  tau[j] = (beta - x0) / beta;
  return beta;
}

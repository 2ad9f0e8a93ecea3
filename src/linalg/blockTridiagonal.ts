import { cholesky } from './cholesky.js';
import { solveLower, solveLowerTransposed } from './triangular.js';

function checkBlocks(fn: string, diag: Float64Array[], upper: Float64Array[], m: number): void {
  const K = diag.length;
  if (!Number.isInteger(m) || m < 0) throw new Error(`${fn}: block size m must be a non-negative integer, got ${m}`);
  if (upper.length !== Math.max(K - 1, 0)) {
    throw new Error(`${fn}: ${K} diagonal blocks need ${Math.max(K - 1, 0)} upper blocks, got ${upper.length}`);
  }
  for (let i = 0; i < K; i++) {
    if (diag[i].length !== m * m) throw new Error(`${fn}: diag[${i}] has length ${diag[i].length}, expected ${m * m}`);
  }
  for (let i = 0; i < upper.length; i++) {
    if (upper[i].length !== m * m) throw new Error(`${fn}: upper[${i}] has length ${upper[i].length}, expected ${m * m}`);
  }
}

function checkVector(fn: string, name: string, x: Float64Array[], K: number, m: number): void {
  if (x.length !== K) throw new Error(`${fn}: ${name} has ${x.length} blocks, expected ${K}`);
  for (let i = 0; i < K; i++) {
    if (x[i].length !== m) throw new Error(`${fn}: ${name}[${i}] has length ${x[i].length}, expected ${m}`);
  }
}

/** A block Cholesky factor A = L·Lᵀ of an SPD block-tridiagonal matrix (factorBlockTridiagonalSPD). */
export interface BlockTridiagonalFactor {
  readonly m: number;
  /** diagonal blocks L_i (lower triangular, row-major m×m) */
  readonly L: Float64Array[];
  /** W_i = L_i⁻¹·U_i: the sub-diagonal blocks of L are W_iᵀ */
  readonly W: Float64Array[];
}

/**
 * Solves the SPD block-tridiagonal system with diagonal blocks diag[i] and super-diagonal
 * blocks upper[i] = A_{i,i+1} (A_{i+1,i} = upper[i]ᵀ) by block Cholesky, O(K·m³).
 * Inputs are left untouched; the solution blocks are returned. Several right-hand sides with one
 * matrix: factor once (factorBlockTridiagonalSPD), then solveFactored for each (the same bits).
 */
export function solveBlockTridiagonalSPD(
  diag: Float64Array[],
  upper: Float64Array[],
  m: number,
  rhs: Float64Array[],
): Float64Array[] {
  const fn = 'solveBlockTridiagonalSPD';
  checkBlocks(fn, diag, upper, m);
  checkVector(fn, 'rhs', rhs, diag.length, m);
  return solveFactored(factorBlockTridiagonalSPD(diag, upper, m), rhs);
}

/** The block Cholesky factor of the matrix of solveBlockTridiagonalSPD; throws when it is not positive definite. */
export function factorBlockTridiagonalSPD(diag: Float64Array[], upper: Float64Array[], m: number): BlockTridiagonalFactor {
  const fn = 'solveBlockTridiagonalSPD';
  checkBlocks(fn, diag, upper, m);
  const K = diag.length;
  // A = L·Lᵀ with L block-bidiagonal: diagonal blocks L_i (lower), sub-diagonal blocks W_iᵀ
  // where W_i = L_i⁻¹·U_i, and the Schur complements S_{i+1} = D_{i+1} − W_iᵀ·W_i.
  const L: Float64Array[] = new Array(K);
  const W: Float64Array[] = new Array(Math.max(K - 1, 0));
  if (m === 0) return { m, L, W };
  for (let i = 0; i < K; i++) {
    const s = Float64Array.from(diag[i]);
    if (i > 0) {
      const w = W[i - 1];
      for (let r = 0; r < m; r++) {
        const wr = r * m;
        for (let a = 0; a < m; a++) {
          const wra = w[wr + a];
          const sa = a * m;
          for (let b = 0; b < m; b++) s[sa + b] -= wra * w[wr + b];
        }
      }
    }
    try {
      cholesky(s, m);
    } catch (e) {
      throw new Error(`${fn}: block ${i}: ${(e as Error).message}`);
    }
    L[i] = s;
    if (i < K - 1) W[i] = lowerSolveRows(s, upper[i], m);
  }
  return { m, L, W };
}

/** x = A⁻¹·rhs from the factor of A (rhs untouched; the solution blocks are returned). */
export function solveFactored(f: BlockTridiagonalFactor, rhs: Float64Array[]): Float64Array[] {
  const { m, L, W } = f;
  const K = L.length;
  checkVector('solveFactored', 'rhs', rhs, K, m);
  const x = rhs.map((b) => Float64Array.from(b));
  if (K === 0 || m === 0) return x;
  // Forward: L·y = b, with y_i = L_i⁻¹ (b_i − W_{i−1}ᵀ·y_{i−1}).
  for (let i = 0; i < K; i++) {
    const xi = x[i];
    if (i > 0) {
      const w = W[i - 1];
      const prev = x[i - 1];
      for (let r = 0; r < m; r++) {
        const pr = prev[r];
        const wr = r * m;
        for (let a = 0; a < m; a++) xi[a] -= w[wr + a] * pr;
      }
    }
    solveLower(L[i], m, xi);
  }
  // Backward: Lᵀ·x = y, with x_i = L_i⁻ᵀ (y_i − W_i·x_{i+1}).
  for (let i = K - 1; i >= 0; i--) {
    const xi = x[i];
    if (i < K - 1) {
      const w = W[i];
      const next = x[i + 1];
      for (let r = 0; r < m; r++) {
        let s = 0;
        const wr = r * m;
        for (let a = 0; a < m; a++) s += w[wr + a] * next[a];
        xi[r] -= s;
      }
    }
    solveLowerTransposed(L[i], m, xi);
  }
  return x;
}

// L⁻¹·U for row-major m×m blocks, computed row by row so the inner loop is contiguous.
function lowerSolveRows(l: Float64Array, u: Float64Array, m: number): Float64Array {
  const w = Float64Array.from(u);
  for (let r = 0; r < m; r++) {
    const wr = r * m;
    const lr = r * m;
    for (let p = 0; p < r; p++) {
      const lrp = l[lr + p];
      const wp = p * m;
      for (let c = 0; c < m; c++) w[wr + c] -= lrp * w[wp + c];
    }
    const inv = 1 / l[lr + r];
    for (let c = 0; c < m; c++) w[wr + c] *= inv;
  }
  return w;
}

/** y = A·x for the block-tridiagonal matrix described as in {@link solveBlockTridiagonalSPD}. */
export function blockTridiagonalMultiply(
  diag: Float64Array[],
  upper: Float64Array[],
  m: number,
  x: Float64Array[],
): Float64Array[] {
  const fn = 'blockTridiagonalMultiply';
  checkBlocks(fn, diag, upper, m);
  const K = diag.length;
  checkVector(fn, 'x', x, K, m);
  const y: Float64Array[] = [];
  for (let i = 0; i < K; i++) {
    const yi = new Float64Array(m);
    const d = diag[i];
    const xi = x[i];
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let c = 0; c < m; c++) s += d[r * m + c] * xi[c];
      yi[r] = s;
    }
    if (i < K - 1) {
      const u = upper[i];
      const xn = x[i + 1];
      for (let r = 0; r < m; r++) {
        let s = 0;
        for (let c = 0; c < m; c++) s += u[r * m + c] * xn[c];
        yi[r] += s;
      }
    }
    if (i > 0) {
      const u = upper[i - 1];
      const xp = x[i - 1];
      for (let c = 0; c < m; c++) {
        const xc = xp[c];
        for (let r = 0; r < m; r++) yi[r] += u[c * m + r] * xc;
      }
    }
    y.push(yi);
  }
  return y;
}

import type { Matrix } from './matrix.js';
import { BlockedQRScratch, qrBlocked } from './qrBlocked.js';
import { householderReflector } from './householder.js';

/** Blocks of at least this many vectors are factored by the blocked (GEMM) QR; smaller ones column by column. */
export const QR_BLOCKED_MIN_K = 16;

/**
 * Scratch space for {@link qrBlock}: the Householder vectors (one per column, each stored
 * with stride n) and their scalar factors, so the per-step QR allocates nothing.
 */
export class QRWorkspace {
  readonly n: number;
  readonly k: number;
  readonly u: Float64Array;
  readonly tau: Float64Array;
  /** scratch of the blocked QR (kernel memory), for k ≥ QR_BLOCKED_MIN_K */
  readonly blocked: BlockedQRScratch | null;

  constructor(n: number, k: number) {
    if (!Number.isInteger(n) || !Number.isInteger(k) || n < 0 || k < 0 || k > n) {
      throw new Error(`QRWorkspace: need integers 0 <= k <= n, got n = ${n}, k = ${k}`);
    }
    this.n = n;
    this.k = k;
    this.u = new Float64Array(n * k);
    this.tau = new Float64Array(k);
    this.blocked = k >= QR_BLOCKED_MIN_K ? new BlockedQRScratch(n, k) : null;
  }
}

/**
 * Thin Householder QR of the n×k matrix whose columns are the k vectors of `v`
 * (vector j at [j·n, (j+1)·n)). On return `v` holds Q in the same layout and `r`
 * (k×k row-major) is upper triangular with non-negative diagonal, old_j = Σ_i r[i·k+j]·Q_i.
 */
export function qrBlock(v: Float64Array, n: number, k: number, r: Float64Array, ws: QRWorkspace): void {
  if (k > n) throw new Error(`qrBlock: need k <= n, got n = ${n}, k = ${k}`);
  if (v.length < n * k) throw new Error(`qrBlock: v has length ${v.length}, need n*k = ${n * k}`);
  if (r.length < k * k) throw new Error(`qrBlock: r has length ${r.length}, need k*k = ${k * k}`);
  if (ws.n !== n || ws.k < k) {
    throw new Error(`qrBlock: workspace is for n = ${ws.n}, k = ${ws.k}; called with n = ${n}, k = ${k}`);
  }
  if (ws.blocked !== null && k >= QR_BLOCKED_MIN_K) return qrBlocked(v, n, k, r, ws.blocked);
  qrUnblocked(v, n, k, r, ws);
}

/** The column-by-column Householder QR (the reference the blocked form is tested against). */
export function qrUnblocked(v: Float64Array, n: number, k: number, r: Float64Array, ws: QRWorkspace): void {
  const u = ws.u;
  const tau = ws.tau;
  r.fill(0, 0, k * k);

  // Factor: reflector j maps column j (rows j..n-1) onto a multiple of e_j.
  for (let j = 0; j < k; j++) {
    const cj = j * n;
    const beta = householderReflector(v, u, tau, n, j, cj);
    // a zero column's reflector is the identity: u = 0 keeps the updates below from touching anything
    if (beta === 0) u.fill(0, cj + j, cj + n);
    r[j * k + j] = beta;
    const tj = tau[j];
    for (let c = j + 1; c < k; c++) {
      const cc = c * n;
      if (tj !== 0) {
        let w = 0;
        for (let i = j; i < n; i++) w += u[cj + i] * v[cc + i];
        w *= tj;
        for (let i = j; i < n; i++) v[cc + i] -= w * u[cj + i];
      }
      // Later reflectors never touch row j, so this entry of R is final.
      r[j * k + c] = v[cc + j];
    }
  }

  // Form Q = H_0 ⋯ H_{k-1} [I; 0] backwards: H_j only mixes columns >= j, rows >= j.
  v.fill(0, 0, n * k);
  for (let j = 0; j < k; j++) v[j * n + j] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const tj = tau[j];
    if (tj === 0) continue;
    const cj = j * n;
    for (let c = j; c < k; c++) {
      const cc = c * n;
      let w = 0;
      for (let i = j; i < n; i++) w += u[cj + i] * v[cc + i];
      w *= tj;
      for (let i = j; i < n; i++) v[cc + i] -= w * u[cj + i];
    }
  }

  // Positive diagonal makes the factorisation unique, which Lyapunov sums rely on (log R_jj).
  for (let j = 0; j < k; j++) {
    if (r[j * k + j] < 0) {
      for (let c = j; c < k; c++) r[j * k + c] = -r[j * k + c];
      const cj = j * n;
      for (let i = 0; i < n; i++) v[cj + i] = -v[cj + i];
    }
  }
}

/** Thin QR of a row-major m×n matrix (m ≥ n): q is m×n with orthonormal columns, r is n×n with positive diagonal. */
export function householderQR(a: Matrix): { q: Matrix; r: Matrix } {
  const m = a.rows;
  const n = a.cols;
  if (n > m) throw new Error(`householderQR: need rows >= cols, got ${m}x${n}`);
  const block = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) block[j * m + i] = a.data[i * n + j];
  const r = new Float64Array(n * n);
  qrBlock(block, m, n, r, new QRWorkspace(m, n));
  const q = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] = block[j * m + i];
  return { q: { rows: m, cols: n, data: q }, r: { rows: n, cols: n, data: r } };
}

import { kernels as defaultKernels, type Kernels } from './kernels/index.js';
import { householderReflector } from './householder.js';

/** Panel width of the blocked QR: 8 columns keep the scalar panel work small and the GEMMs long. */
export const QR_PANEL = 8;

/**
 * Scratch of {@link qrBlocked}, all in kernel memory so that the updates run in the GEMM kernel:
 * the block (copied in and out), the Householder vectors with zeros above their leading 1 (row j
 * of `u` is u_j, stride n), the panel's triangular factor T and the GEMM products.
 */
export class BlockedQRScratch {
  readonly a: Float64Array;
  readonly u: Float64Array;
  readonly tau: Float64Array;
  readonly t: Float64Array;
  readonly w: Float64Array;
  readonly w2: Float64Array;
  readonly z: Float64Array;
  constructor(readonly n: number, readonly k: number, readonly kern: Kernels = defaultKernels()) {
    this.a = kern.f64(n * k);
    this.u = kern.f64(n * k);
    this.tau = new Float64Array(k);
    this.t = kern.f64(QR_PANEL * QR_PANEL);
    this.w = kern.f64(QR_PANEL * k);
    this.w2 = kern.f64(QR_PANEL * k);
    this.z = new Float64Array(QR_PANEL);
  }
}

/**
 * Thin Householder QR of the n×k block `v` (vector j at [j·n, (j+1)·n)), the contract of qrBlock,
 * blocked in compact WY form (Schreiber–Van Loan, LAPACK dgeqrt): each panel of QR_PANEL columns
 * is factored column by column, its reflectors H_p⋯H_{p+w−1} = I − Y·T·Yᵀ, and the trailing columns
 * and the accumulation of Q are updated by GEMMs (Yᵀ·C, T·W, C − Y·W). The reflectors are those of
 * the unblocked code; only the summation order of the updates differs (agreement ~1e-15, tested).
 * Same numbers on the wasm and pure-TS kernel paths (the GEMM kernels agree bit for bit).
 */
export function qrBlocked(v: Float64Array, n: number, k: number, r: Float64Array, s: BlockedQRScratch): void {
  const a = s.a, u = s.u;
  a.set(v.subarray(0, n * k));
  u.fill(0, 0, n * k);
  r.fill(0, 0, k * k);
  for (let p = 0; p < k; p += QR_PANEL) {
    const w = Math.min(QR_PANEL, k - p);
    factorPanel(s, n, k, p, w, r);
    buildT(s, n, p, w);
    const nc = k - p - w;
    if (nc > 0) {
      applyBlock(s, n, p, w, p + w, nc, true);
      // rows p…p+w−1 of the trailing columns are final: later reflectors start at row p+w
      for (let j = p; j < p + w; j++) for (let c = p + w; c < k; c++) r[j * k + c] = a[c * n + j];
    }
  }
  // Q = H_0⋯H_{k−1}·[I; 0], accumulated backwards panel by panel (panel p touches columns ≥ p, rows ≥ p)
  a.fill(0, 0, n * k);
  for (let j = 0; j < k; j++) a[j * n + j] = 1;
  const last = Math.floor((k - 1) / QR_PANEL) * QR_PANEL;
  for (let p = last; p >= 0; p -= QR_PANEL) {
    const w = Math.min(QR_PANEL, k - p);
    buildT(s, n, p, w);
    applyBlock(s, n, p, w, p, k - p, false);
  }
  v.set(a.subarray(0, n * k));
  // positive diagonal, as qrBlock
  for (let j = 0; j < k; j++) {
    if (r[j * k + j] < 0) {
      for (let c = j; c < k; c++) r[j * k + c] = -r[j * k + c];
      for (let i = 0; i < n; i++) v[j * n + i] = -v[j * n + i];
    }
  }
}

/** Unblocked Householder on columns p…p+w−1 (rows ≥ j), the loop of qrBlock restricted to the panel. */
function factorPanel(s: BlockedQRScratch, n: number, k: number, p: number, w: number, r: Float64Array): void {
  const { a, u, tau } = s;
  for (let j = p; j < p + w; j++) {
    const cj = j * n;
    const beta = householderReflector(a, u, tau, n, j, cj);
    r[j * k + j] = beta;
    const tj = tau[j];
    for (let c = j + 1; c < p + w; c++) {
      const cc = c * n;
      if (tj !== 0) {
        let d = 0;
        for (let i = j; i < n; i++) d += u[cj + i] * a[cc + i];
        d *= tj;
        for (let i = j; i < n; i++) a[cc + i] -= d * u[cj + i];
      }
      r[j * k + c] = a[cc + j];
    }
  }
}

/** T (w×w upper triangular) with H_p⋯H_{p+w−1} = I − Y·T·Yᵀ (LAPACK dlarft, forward, columnwise). */
function buildT(s: BlockedQRScratch, n: number, p: number, w: number): void {
  const { u, tau, t, z } = s;
  t.fill(0, 0, w * w);
  for (let i = 0; i < w; i++) {
    const ti = tau[p + i], ci = (p + i) * n;
    t[i * w + i] = ti;
    if (ti === 0) continue;
    // z_l = u_lᵀ·u_i (u_i is zero above row p+i)
    for (let l = 0; l < i; l++) {
      const cl = (p + l) * n;
      let d = 0;
      for (let q = p + i; q < n; q++) d += u[cl + q] * u[ci + q];
      z[l] = d;
    }
    // T[0:i, i] = −τ_i·T[0:i, 0:i]·z
    for (let l = 0; l < i; l++) {
      let d = 0;
      for (let m = l; m < i; m++) d += t[l * w + m] * z[m];
      t[l * w + i] = -ti * d;
    }
  }
}

/**
 * Columns c0…c0+nc−1 (rows ≥ p) of the block ← (I − Y·T·Yᵀ)ᵀ·C when `transposed` (the
 * factorization: H_{p+w−1}⋯H_p applied to C), else (I − Y·T·Yᵀ)·C (forming Q). Vectors are rows
 * of the stored block, so C is stored transposed: W = Yᵀ·C is gemm(Yᵀ, Cᵀᵀ), C − Y·W is Cᵀ − Wᵀ·Yᵀ.
 */
function applyBlock(s: BlockedQRScratch, n: number, p: number, w: number, c0: number, nc: number, transposed: boolean): void {
  const { a, u, t, w: W, w2: W2, kern } = s;
  const m = n - p;
  const Y = u.subarray(p * n + p), C = a.subarray(c0 * n + p);
  kern.gemm(false, true, w, nc, m, 1, Y, n, C, n, 0, W, nc); // W = Yᵀ·C (w × nc)
  kern.gemm(transposed, false, w, nc, w, 1, t, w, W, nc, 0, W2, nc); // W2 = T·W or Tᵀ·W
  kern.gemm(true, false, nc, m, w, -1, W2, nc, Y, n, 1, C, n); // Cᵀ ← Cᵀ − W2ᵀ·Yᵀ
}

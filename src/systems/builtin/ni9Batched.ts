import type { Kernels } from '../../linalg/index.js';
import { LaneScratch } from '../batched.js';
import type { BatchedStepKernels } from '../types.js';

/**
 * Lockstep kernels of ni9 (x ↦ J·tanh(x + γ) + c·1) over B lanes: the 9×9 products are GEMMs with
 * the lanes as columns, tanh runs across all 9·B entries at once (kernel tanh, see linalg/kernels).
 */
export function ni9Batched(J: Float64Array, p: Float64Array, k: Kernels): BatchedStepKernels {
  const N = 9;
  const Jk = k.f64(N * N);
  Jk.set(J);
  const gamma = p[0], c = p[1]; // parameters are fixed while a batch runs (bind again after a change)
  const scratch = new LaneScratch(k, N, 3);
  let T = k.f64(0), D = T, U = T;
  function ensure(B: number): void {
    if (scratch.fit(B)) [T, D, U] = scratch.blocks;
  }
  /** T ← tanh(X + γ), D ← 1 − T² */
  function prime(X: Float64Array, B: number): void {
    ensure(B);
    k.tanh(X, gamma, T, N * B);
    for (let i = 0; i < N * B; i++) D[i] = 1 - T[i] * T[i];
  }
  /** U ← Jᵀ·W (per lane) */
  function transposed(W: Float64Array, B: number): void {
    k.gemm(true, false, N, B, N, 1, Jk, N, W, B, 0, U, B);
  }
  /** out[b] ← Σ_i U[i,b]·D[i,b] (∂/∂γ) and out[B+b] ← Σ_i W[i,b] (∂/∂c), or their lane sums */
  function paramLanes(W: Float64Array, B: number, out: Float64Array): void {
    for (let b = 0; b < B; b++) {
      let sg = 0, sc = 0;
      for (let i = 0; i < N; i++) {
        sg += U[i * B + b] * D[i * B + b];
        sc += W[i * B + b];
      }
      out[b] = sg;
      out[B + b] = sc;
    }
  }
  function paramSum(W: Float64Array, B: number, out: Float64Array): void {
    let tg = 0, tc = 0;
    for (let b = 0; b < B; b++) {
      let sg = 0, sc = 0;
      for (let i = 0; i < N; i++) {
        sg += U[i * B + b] * D[i * B + b];
        sc += W[i * B + b];
      }
      tg += sg;
      tc += sc;
    }
    out[0] = tg;
    out[1] = tc;
  }
  /** out ← J·T + c (T from prime or tanh) */
  function mapFromT(B: number, out: Float64Array): void {
    k.gemm(false, false, N, B, N, 1, Jk, N, T, B, 0, out, B);
    if (c !== 0) k.scaleShift(1, out, c, out, N * B);
  }
  return {
    map(X, B, out) {
      ensure(B);
      k.tanh(X, gamma, T, N * B);
      mapFromT(B, out);
    },
    mapParamAdjointLanes(X, W, B, out, outP) {
      // the kernel estimator's step: every pass in the kernels (D = 1 − T² folded into the scores)
      ensure(B);
      k.tanh(X, gamma, T, N * B);
      mapFromT(B, out);
      transposed(W, B);
      k.tanhScoreLanes(U, T, W, N, B, outP);
    },
    jvp(X, V, B, out) {
      prime(X, B);
      for (let i = 0; i < N * B; i++) U[i] = D[i] * V[i];
      k.gemm(false, false, N, B, N, 1, Jk, N, U, B, 0, out, B);
    },
    vjp(X, W, B, out) {
      prime(X, B);
      transposed(W, B);
      for (let i = 0; i < N * B; i++) out[i] = D[i] * U[i];
    },
    paramAdjointLanes(X, W, B, out) {
      prime(X, B);
      transposed(W, B);
      paramLanes(W, B, out);
    },
    paramAdjointSum(X, W, B, out) {
      prime(X, B);
      transposed(W, B);
      paramSum(W, B, out);
    },
    backward(X, W, B, outX, outP, outF) {
      prime(X, B);
      if (outF) mapFromT(B, outF);
      transposed(W, B);
      paramSum(W, B, outP);
      for (let i = 0; i < N * B; i++) outX[i] = D[i] * U[i];
    },
  };
}

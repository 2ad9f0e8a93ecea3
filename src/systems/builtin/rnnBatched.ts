import type { Kernels } from '../../linalg/index.js';
import { LaneScratch } from '../batched.js';
import type { BatchedStepKernels } from '../types.js';

/**
 * Lockstep kernels of the tanh network x ↦ tanh(g·W·x + b) over B lanes: W·X, Wᵀ·U and the
 * parameter rank update U·Xᵀ are GEMMs (lanes as columns); tanh runs across all n·B entries.
 * Parameter layout as the model: [g, W (n×n row-major), b (n)].
 */
export function rnnBatched(n: number, p: Float64Array, k: Kernels): BatchedStepKernels {
  const nn = n * n, P = 1 + nn + n;
  const W = k.f64(nn);
  W.set(p.subarray(1, 1 + nn)); // parameters are fixed while a batch runs (bind again after a change)
  const g = p[0];
  const bias = Float64Array.from(p.subarray(1 + nn, P));
  const scratch = new LaneScratch(k, n, 3);
  let pre = k.f64(0), T = pre, U = pre, gW = pre;
  function ensure(B: number): void {
    if (scratch.fit(B)) [pre, T, U] = scratch.blocks;
  }
  /** pre ← W·X, T ← tanh(g·pre + b) */
  function forward(X: Float64Array, B: number): void {
    ensure(B);
    k.gemm(false, false, n, B, n, 1, W, n, X, B, 0, pre, B);
    for (let i = 0; i < n; i++) {
      const bi = bias[i], o = i * B;
      for (let q = 0; q < B; q++) T[o + q] = g * pre[o + q] + bi;
    }
    k.tanh(T, 0, T, n * B);
  }
  /** U ← (1 − T²) ⊙ Win */
  function scaled(Win: Float64Array, B: number): void {
    for (let i = 0; i < n * B; i++) U[i] = (1 - T[i] * T[i]) * Win[i];
  }
  /** out ← Σ-over-lanes parameter adjoint from U, pre, X */
  function paramSum(X: Float64Array, B: number, out: Float64Array): void {
    let sg = 0;
    for (let b = 0; b < B; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += U[i * B + b] * pre[i * B + b];
      sg += s;
    }
    out[0] = sg;
    if (k.owns(out)) k.gemm(false, true, n, n, B, g, U, B, X, B, 0, out.subarray(1, 1 + nn), n); // in place
    else {
      if (gW.length < nn) gW = k.f64(nn);
      k.gemm(false, true, n, n, B, g, U, B, X, B, 0, gW, n);
      out.set(gW.subarray(0, nn), 1);
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += U[i * B + b];
      out[1 + nn + i] = s;
    }
  }
  return {
    gemmParamSum: true,
    map(X, B, out) {
      forward(X, B);
      for (let i = 0; i < n * B; i++) out[i] = T[i];
    },
    jvp(X, V, B, out) {
      forward(X, B);
      k.gemm(false, false, n, B, n, 1, W, n, V, B, 0, U, B);
      for (let i = 0; i < n * B; i++) out[i] = g * ((1 - T[i] * T[i]) * U[i]);
    },
    vjp(X, Win, B, out) {
      forward(X, B);
      scaled(Win, B);
      k.gemm(true, false, n, B, n, g, W, n, U, B, 0, out, B);
    },
    paramAdjointSum(X, Win, B, out) {
      forward(X, B);
      scaled(Win, B);
      paramSum(X, B, out);
    },
    paramAdjointLanes(X, Win, B, out) {
      forward(X, B);
      scaled(Win, B);
      for (let b = 0; b < B; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += U[i * B + b] * pre[i * B + b];
        out[b] = s;
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const o = (1 + i * n + j) * B;
          for (let b = 0; b < B; b++) out[o + b] = g * U[i * B + b] * X[j * B + b];
        }
        for (let b = 0; b < B; b++) out[(1 + nn + i) * B + b] = U[i * B + b];
      }
    },
    backward(X, Win, B, outX, outP, outF) {
      forward(X, B);
      if (outF) for (let i = 0; i < n * B; i++) outF[i] = T[i];
      scaled(Win, B);
      paramSum(X, B, outP);
      k.gemm(true, false, n, B, n, g, W, n, U, B, 0, outX, B);
    },
  };
}

import { dot } from '../matrix.js';
import type { Kernels, ZigguratTables } from './types.js';

// Pure-TS twins of asm/kernels.ts: the same operations in the same order (see types.ts).

/** C ← α·op(A)·op(B) + β·C, one sequential sum per entry. */
export function gemmJs(tA: boolean, tB: boolean, M: number, N: number, K: number, alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number, beta: number, C: Float64Array, ldc: number): void {
  const sak = tA ? lda : 1, sai = tA ? 1 : lda;
  const sbk = tB ? 1 : ldb, sbj = tB ? ldb : 1;
  for (let i = 0; i < M; i++) {
    const ai = i * sai;
    for (let j = 0; j < N; j++) {
      let s = 0;
      const bj = j * sbj;
      for (let k = 0; k < K; k++) s += A[ai + k * sak] * B[k * sbk + bj];
      const o = i * ldc + j;
      C[o] = beta === 0 ? alpha * s : alpha * s + beta * C[o];
    }
  }
}

/** y ← A·x, each row by dot() (the order the wasm kernel reproduces). */
export function matVecJs(M: number, K: number, A: Float64Array, lda: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < M; i++) y[i] = dot(A, x, K, i * lda, 0);
}

/** y ← Aᵀc in groups of four rows (one load and store of y per four rows). */
export function matTVecJs(M: number, N: number, A: Float64Array, lda: number, c: Float64Array, y: Float64Array): void {
  y.fill(0, 0, N);
  let i = 0;
  for (; i + 3 < M; i += 4) {
    const c0 = c[i], c1 = c[i + 1], c2 = c[i + 2], c3 = c[i + 3];
    const o0 = i * lda, o1 = o0 + lda, o2 = o1 + lda, o3 = o2 + lda;
    for (let j = 0; j < N; j++) y[j] += c0 * A[o0 + j] + c1 * A[o1 + j] + c2 * A[o2 + j] + c3 * A[o3 + j];
  }
  for (; i < M; i++) {
    const ci = c[i], o = i * lda;
    for (let j = 0; j < N; j++) y[j] += ci * A[o + j];
  }
}

export function axpyJs(a: number, x: Float64Array, y: Float64Array, len: number): number {
  let chk = 0;
  for (let i = 0; i < len; i++) {
    const v = y[i] + a * x[i];
    y[i] = v;
    chk += v * 0; // 0·Inf and 0·NaN are NaN
  }
  return chk;
}

export function scaleShiftJs(a: number, x: Float64Array, c: number, out: Float64Array, len: number): void {
  if (c === 0) for (let i = 0; i < len; i++) out[i] = a * x[i];
  else for (let i = 0; i < len; i++) out[i] = a * x[i] + c;
}

export function tanhScoreLanesJs(U: Float64Array, T: Float64Array, W: Float64Array, n: number, B: number, out: Float64Array): void {
  for (let b = 0; b < B; b++) {
    let sg = 0, sc = 0;
    for (let i = 0; i < n; i++) {
      const t = T[i * B + b];
      sg += U[i * B + b] * (1 - t * t);
      sc += W[i * B + b];
    }
    out[b] = sg;
    out[B + b] = sc;
  }
}

const P0 = -9.64399179425052238628e-1, P1 = -9.92877231001918586564e1, P2 = -1.61468768441708447952e3;
const Q0 = 1.12811678491632931402e2, Q1 = 2.23548839060100448583e3, Q2 = 4.84406305325125486048e3;
const LOG2E = 1.4426950408889634;
const LN2HI = 6.9314718036912381649e-1, LN2LO = 1.90821492927058770002e-10;

/** 2^k for the k ∈ [0, 60] of expReduced (a table: 2 ** k is a slow call in V8) */
const POW2 = Float64Array.from({ length: 61 }, (_, k) => 2 ** k);

/** e^y for 0 ≤ y ≤ 40 as the wasm kernel computes it (Cody–Waite reduction, degree-13 Taylor). */
function expReduced(y: number): number {
  const k = Math.floor(y * LOG2E + 0.5);
  const r = y - k * LN2HI - k * LN2LO;
  let p = 1 / 6227020800;
  p = p * r + 1 / 479001600;
  p = p * r + 1 / 39916800;
  p = p * r + 1 / 3628800;
  p = p * r + 1 / 362880;
  p = p * r + 1 / 40320;
  p = p * r + 1 / 5040;
  p = p * r + 1 / 720;
  p = p * r + 1 / 120;
  p = p * r + 1 / 24;
  p = p * r + 1 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  p = p * r + 1;
  return p * POW2[k];
}

/** tanh as the wasm kernel computes it (Cephes: rational below 0.625, 1 − 2/(e^{2z}+1) above). */
export function tanhKernel(x: number): number {
  const z = Math.min(Math.abs(x), 20);
  if (z >= 0.625) {
    const big = 1 - 2 / (expReduced(z + z) + 1);
    return x < 0 ? -big : big;
  }
  const s = x * x;
  const num = (P0 * s + P1) * s + P2;
  const den = ((s + Q0) * s + Q1) * s + Q2;
  return x + x * s * (num / den);
}

export function tanhJs(x: Float64Array, shift: number, out: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) out[i] = tanhKernel(x[i] + shift);
}

// xoshiro128** of the lane being drawn, exactly as Rng.nextUint32 (int32 arithmetic)
let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
function next(): number {
  const a0 = s0, a1 = s1, a2 = s2 ^ a0, a3 = s3 ^ a1;
  const m = Math.imul(a1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9);
  s0 = a0 ^ a3;
  s1 = a1 ^ a2;
  s2 = a2 ^ (a1 << 9);
  s3 = (a3 << 11) | (a3 >>> 21);
  return result >>> 0;
}
function uniform(): number {
  return ((next() >>> 5) * 67108864 + (next() >>> 6)) * 2 ** -53;
}
function uniformOpen(): number {
  return ((next() >>> 6) * 67108864 + (next() >>> 6) + 0.5) * 2 ** -52;
}
let ZIG_X: Float64Array = new Float64Array(0), ZIG_F: Float64Array = ZIG_X, ZIG_RATIO: Float64Array = ZIG_X, ZIG_R = 0;
function normal(): number {
  for (;;) {
    const a = next(), b = next();
    const i = a & 127;
    const u = ((a >>> 11) * 4294967296 + b) * 2 ** -53;
    const x = u * ZIG_X[i];
    if (u < ZIG_RATIO[i]) return a & 128 ? -x : x;
    if (i === 0) {
      let t: number;
      for (;;) {
        const tx = -Math.log(uniformOpen()) / ZIG_R;
        const ty = -Math.log(uniformOpen());
        if (ty + ty >= tx * tx) {
          t = ZIG_R + tx;
          break;
        }
      }
      return a & 128 ? -t : t;
    }
    const y = ZIG_F[i] + uniform() * (ZIG_F[i + 1] - ZIG_F[i]);
    if (y < Math.exp(-0.5 * x * x)) return a & 128 ? -x : x;
  }
}

export function normalsJs(state: Uint32Array, B: number, comps: number, out: Float64Array, tables: ZigguratTables): void {
  ({ x: ZIG_X, f: ZIG_F, ratio: ZIG_RATIO, r: ZIG_R } = tables);
  for (let b = 0; b < B; b++) {
    const o = 4 * b;
    s0 = state[o] | 0;
    s1 = state[o + 1] | 0;
    s2 = state[o + 2] | 0;
    s3 = state[o + 3] | 0;
    for (let c = 0; c < comps; c++) out[c * B + b] = normal();
    state[o] = s0;
    state[o + 1] = s1;
    state[o + 2] = s2;
    state[o + 3] = s3;
  }
}

export const jsKernels: Kernels = {
  name: 'js',
  f64: (len) => new Float64Array(len),
  u32: (len) => new Uint32Array(len),
  owns: () => true,
  gemm: gemmJs,
  matVec: matVecJs,
  matTVec: matTVecJs,
  axpy: axpyJs,
  scaleShift: scaleShiftJs,
  tanhScoreLanes: tanhScoreLanesJs,
  tanh: tanhJs,
  normals: normalsJs,
};

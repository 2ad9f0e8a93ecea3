/**
 * The hot-loop kernels behind lockstep ensembles. Two implementations with one contract:
 * WebAssembly SIMD (asm/kernels.ts, compiled by `npm run build`) and pure TypeScript (js.ts), the
 * latter selected by CHAOSGRAD_KERNELS=js. Both perform the same floating-point operations in the
 * same order, so they agree bit for bit.
 *
 * Buffers from `f64`/`u32` live in kernel memory (the WebAssembly memory on the wasm path); the
 * wasm kernels work in place on them. Arrays from elsewhere are accepted too (the call then runs
 * the pure-TS twin: same numbers, slower). Views (subarray) of kernel buffers are fine, but keep
 * the buffer returned by `f64` alive while its views are used: it is recycled once collected.
 */
/** The 128-layer ziggurat tables of Rng.normal (random/ziggurat.ts; passed in: linalg sits beside random). */
export interface ZigguratTables {
  readonly x: Float64Array;
  readonly f: Float64Array;
  readonly ratio: Float64Array;
  readonly r: number;
}

export interface Kernels {
  readonly name: 'wasm' | 'js';
  /** A zero-filled buffer of `len` doubles in kernel memory. */
  f64(len: number): Float64Array;
  /** True when `a` lives in kernel memory (the wasm kernels then work in place; else they run the TS twin). */
  owns(a: ArrayBufferView): boolean;
  /** A zero-filled buffer of `len` 32-bit words in kernel memory (random-generator states). */
  u32(len: number): Uint32Array;
  /**
   * C (M×N) ← α·op(A)·op(B) + β·C, row-major with leading dimensions (op: transpose when tA/tB).
   * Each entry is one sequential sum over k from 0 (β = 0 ignores C's old contents, NaN included).
   */
  gemm(tA: boolean, tB: boolean, M: number, N: number, K: number, alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number, beta: number, C: Float64Array, ldc: number): void;
  /**
   * y[i] ← Σ_k A[i,k]·x[k], i < M, k < K (A row-major, leading dimension lda), each row in the order
   * of linalg's dot() (four partial sums by k mod 4): a single orbit's W·x, A read in place.
   */
  matVec(M: number, K: number, A: Float64Array, lda: number, x: Float64Array, y: Float64Array): void;
  /**
   * y[j] ← Σ_i c[i]·A[i,j], j < N, i < M: y ← 0, then per group of four rows
   * y_j += ((c₀a₀ⱼ + c₁a₁ⱼ) + c₂a₂ⱼ) + c₃a₃ⱼ and the leftover rows one by one (Aᵀc, A read in place).
   */
  matTVec(M: number, N: number, A: Float64Array, lda: number, c: Float64Array, y: Float64Array): void;
  /** y[i] ← y[i] + a·x[i], i < len; returns 0, or NaN when some new y[i] is not finite (one check per block). */
  axpy(a: number, x: Float64Array, y: Float64Array, len: number): number;
  /** out[i] ← a·x[i] + c, i < len (x and out may coincide; c = 0 adds nothing, so −0 stays −0). */
  scaleShift(a: number, x: Float64Array, c: number, out: Float64Array, len: number): void;
  /**
   * Per-lane scores of a layer x ↦ J·tanh(x + γ) + c over n×B lane-major blocks, with U = Jᵀ·W and
   * T = tanh(x + γ): out[b] ← Σ_i U[i,b]·(1 − T[i,b]²) (∂/∂γ), out[B + b] ← Σ_i W[i,b] (∂/∂c).
   */
  tanhScoreLanes(U: Float64Array, T: Float64Array, W: Float64Array, n: number, B: number, out: Float64Array): void;
  /** out[i] ← tanh(x[i] + shift), i < len (Cephes form; within 2 ulp of Math.tanh). */
  tanh(x: Float64Array, shift: number, out: Float64Array, len: number): void;
  /**
   * out[c·B + b] ← the next standard normal of lane b, c < comps, b < B: lane b draws from its own
   * xoshiro128** state (words 4b…4b+3 of `state`, advanced), by the ziggurat of Rng.normal.
   */
  normals(state: Uint32Array, B: number, comps: number, out: Float64Array, tables: ZigguratTables): void;
}

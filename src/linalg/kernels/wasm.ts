import { readFileSync } from 'node:fs';
import { axpyJs, gemmJs, matTVecJs, matVecJs, normalsJs, scaleShiftJs, tanhJs, tanhScoreLanesJs } from './js.js';
import type { Kernels, ZigguratTables } from './types.js';

/** The compiled kernels (asm/kernels.ts → wasm/kernels.wasm by `npm run build`). */
export const WASM_URL = new URL('../../../../wasm/kernels.wasm', import.meta.url);

interface Exports {
  gemm(tA: number, tB: number, M: number, N: number, K: number, alpha: number, pA: number, lda: number, pB: number, ldb: number, beta: number, pC: number, ldc: number, work: number): void;
  matVec(M: number, K: number, pA: number, lda: number, px: number, py: number): void;
  matTVec(M: number, N: number, pA: number, lda: number, pc: number, py: number): void;
  tanhv(px: number, shift: number, pout: number, len: number): void;
  axpy(a: number, px: number, py: number, len: number): number;
  scaleShift(a: number, px: number, c: number, pout: number, len: number): void;
  tanhScoreLanes(pU: number, pT: number, pW: number, n: number, B: number, pout: number): void;
  setZiggurat(px: number, pf: number, pr: number, r: number): void;
  normals(pstate: number, B: number, comps: number, pout: number): void;
}

const PAGE = 65536;
const tablesInUse: Float64Array[] = [];
const MAX_PAGES = 16384; // 1 GiB: the declared maximum of the shared memory

/**
 * Kernel memory: the module's shared WebAssembly memory (growing a shared memory never detaches
 * the views already handed out). Blocks are power-of-two sized and recycled through free lists
 * when the buffer handed out is garbage-collected, so long runs that bind kernels repeatedly
 * (training) do not leak.
 */
class Heap {
  private top = 1024; // keep address 0 unused
  private readonly free = new Map<number, number[]>();
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly registry = new FinalizationRegistry<[number, number]>(([ptr, size]) => this.freeList(size).push(ptr));
  constructor(readonly memory: WebAssembly.Memory) {
    this.buffers.add(memory.buffer);
  }
  private freeList(size: number): number[] {
    let l = this.free.get(size);
    if (l === undefined) this.free.set(size, (l = []));
    return l;
  }
  /** Byte offset of a fresh block of at least `bytes` bytes (16-byte aligned). */
  alloc(bytes: number): { ptr: number; size: number } {
    let size = 64;
    while (size < bytes) size *= 2;
    const reuse = this.freeList(size).pop();
    if (reuse !== undefined) return { ptr: reuse, size };
    const ptr = this.top;
    this.top += size;
    const need = Math.ceil(this.top / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) {
      if (this.memory.buffer.byteLength / PAGE + need > MAX_PAGES) throw new RangeError(`kernel memory: ${this.top} bytes exceed the 1 GiB limit`);
      this.memory.grow(need);
      this.buffers.add(this.memory.buffer);
    }
    return { ptr, size };
  }
  f64(len: number): Float64Array {
    return this.view(Float64Array, len);
  }
  u32(len: number): Uint32Array {
    return this.view(Uint32Array, len);
  }
  /** A zero-filled typed array on a fresh block, recycled once the array is collected. */
  private view<T extends Float64Array | Uint32Array>(Type: { new (b: ArrayBufferLike, off: number, len: number): T; BYTES_PER_ELEMENT: number }, len: number): T {
    const { ptr, size } = this.alloc(len * Type.BYTES_PER_ELEMENT);
    const a = new Type(this.memory.buffer, ptr, len);
    a.fill(0);
    this.registry.register(a, [ptr, size]);
    return a;
  }
  owns(a: ArrayBufferView): boolean {
    return this.buffers.has(a.buffer);
  }
}

/** Instantiates the wasm kernels synchronously; throws when the file is missing or SIMD is not supported. */
export function loadWasmKernels(): Kernels {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
  const module = new WebAssembly.Module(readFileSync(WASM_URL));
  const instance = new WebAssembly.Instance(module, { env: { memory, exp: Math.exp, log: Math.log } });
  const w = instance.exports as unknown as Exports;
  const heap = new Heap(memory);
  let tables: ZigguratTables | null = null;
  /** copies the ziggurat tables into kernel memory on first use (and if other tables come) */
  function useTables(t: ZigguratTables): void {
    if (t === tables) return;
    const zx = heap.f64(t.x.length), zf = heap.f64(t.f.length), zr = heap.f64(t.ratio.length);
    zx.set(t.x);
    zf.set(t.f);
    zr.set(t.ratio);
    w.setZiggurat(zx.byteOffset, zf.byteOffset, zr.byteOffset, t.r);
    tablesInUse.push(zx, zf, zr); // never recycled
    tables = t;
  }
  let work = heap.f64(8 * 64);
  return {
    name: 'wasm',
    f64: (len) => heap.f64(len),
    u32: (len) => heap.u32(len),
    owns: (a) => heap.owns(a),
    gemm(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) {
      if (!(heap.owns(A) && heap.owns(B) && heap.owns(C))) return gemmJs(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
      const need = 4 * K * Math.ceil(N / 4) + (4 * K + 8) * Math.ceil(M / 4); // B panels, then A blocks (all of A when transposed)
      if (work.length < need) work = heap.f64(need);
      w.gemm(tA ? 1 : 0, tB ? 1 : 0, M, N, K, alpha, A.byteOffset, lda, B.byteOffset, ldb, beta, C.byteOffset, ldc, work.byteOffset);
    },
    matVec(M, K, A, lda, x, y) {
      if (!(heap.owns(A) && heap.owns(x) && heap.owns(y))) return matVecJs(M, K, A, lda, x, y);
      w.matVec(M, K, A.byteOffset, lda, x.byteOffset, y.byteOffset);
    },
    matTVec(M, N, A, lda, c, y) {
      if (!(heap.owns(A) && heap.owns(c) && heap.owns(y))) return matTVecJs(M, N, A, lda, c, y);
      w.matTVec(M, N, A.byteOffset, lda, c.byteOffset, y.byteOffset);
    },
    axpy(a, x, y, len) {
      if (!(heap.owns(x) && heap.owns(y))) return axpyJs(a, x, y, len);
      return w.axpy(a, x.byteOffset, y.byteOffset, len);
    },
    scaleShift(a, x, c, out, len) {
      if (!(heap.owns(x) && heap.owns(out))) return scaleShiftJs(a, x, c, out, len);
      w.scaleShift(a, x.byteOffset, c, out.byteOffset, len);
    },
    tanhScoreLanes(U, T, W, n, B, out) {
      if (!(heap.owns(U) && heap.owns(T) && heap.owns(W) && heap.owns(out))) return tanhScoreLanesJs(U, T, W, n, B, out);
      w.tanhScoreLanes(U.byteOffset, T.byteOffset, W.byteOffset, n, B, out.byteOffset);
    },
    tanh(x, shift, out, len) {
      if (!(heap.owns(x) && heap.owns(out))) return tanhJs(x, shift, out, len);
      w.tanhv(x.byteOffset, shift, out.byteOffset, len);
    },
    normals(state, B, comps, out, t) {
      if (!(heap.owns(state) && heap.owns(out))) return normalsJs(state, B, comps, out, t);
      useTables(t);
      w.normals(state.byteOffset, B, comps, out.byteOffset);
    },
  };
}

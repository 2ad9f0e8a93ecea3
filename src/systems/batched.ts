import { kernels as defaultKernels, type Kernels } from '../linalg/index.js';
import type { BatchedStepKernels, DynamicalSystem } from './types.js';

export type { BatchedStepKernels } from './types.js';

/** The batched kernels of a system, with the system they belong to. */
export interface BatchedSystem extends BatchedStepKernels {
  readonly system: DynamicalSystem;
  readonly dim: number;
  readonly nParams: number;
  /** true when the model supplied its own batched kernels (false: lane-by-lane fallback) */
  readonly native: boolean;
}

/** Scratch blocks (`count` blocks of rows·B doubles in kernel memory) for batched kernels, regrown when B grows. */
export class LaneScratch {
  private cap = 0;
  blocks: Float64Array[] = [];
  constructor(private readonly k: Kernels, private readonly rows: number, private readonly count: number) {}
  /** Makes room for B lanes; true when the blocks were reallocated (take them again). */
  fit(B: number): boolean {
    if (B <= this.cap) return false;
    this.cap = B;
    this.blocks = Array.from({ length: this.count }, () => this.k.f64(this.rows * B));
    return true;
  }
}

/** Copies lane b of a lane-major block (n·B) into a plain vector. */
export function gatherLane(X: Float64Array, n: number, B: number, b: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) out[i] = X[i * B + b];
}

/** Writes a plain vector into lane b of a lane-major block. */
export function scatterLane(v: Float64Array, n: number, B: number, b: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) out[i * B + b] = v[i];
}

/**
 * The batched form of `sys` bound to its current parameters: the model's own batched kernels
 * when it has them, otherwise the lane-by-lane fallback. Bind once per run (it allocates).
 */
export function batchedKernels(sys: DynamicalSystem, k: Kernels = defaultKernels()): BatchedSystem {
  const own = sys.bindBatched?.(k) ?? null;
  return { ...(own ?? laneLoop(sys)), system: sys, dim: sys.dim, nParams: sys.nParams, native: own !== null };
}

/** Batched kernels that run the single-orbit kernels one lane at a time (the generic fallback). */
export function laneLoop(sys: DynamicalSystem): BatchedStepKernels {
  const n = sys.dim, P = sys.nParams;
  const x = new Float64Array(n), v = new Float64Array(n), y = new Float64Array(n), gp = new Float64Array(P);
  function perLane(X: Float64Array, V: Float64Array, B: number, out: Float64Array, f: (x: Float64Array, v: Float64Array, y: Float64Array) => void): void {
    for (let b = 0; b < B; b++) {
      gatherLane(X, n, B, b, x);
      gatherLane(V, n, B, b, v);
      f(x, v, y);
      scatterLane(y, n, B, b, out);
    }
  }
  function map(X: Float64Array, B: number, out: Float64Array): void {
    for (let b = 0; b < B; b++) {
      gatherLane(X, n, B, b, x);
      sys.map(x, y);
      scatterLane(y, n, B, b, out);
    }
  }
  return {
    map,
    jvp: (X, V, B, out) => perLane(X, V, B, out, (xx, vv, yy) => sys.tangent(xx, vv, 1, yy)),
    vjp: (X, W, B, out) => perLane(X, W, B, out, (xx, ww, yy) => sys.adjoint(xx, ww, 1, yy)),
    paramAdjointSum(X, W, B, out) {
      out.fill(0, 0, P);
      for (let b = 0; b < B; b++) {
        gatherLane(X, n, B, b, x);
        gatherLane(W, n, B, b, v);
        sys.paramAdjoint(x, v, gp);
        for (let q = 0; q < P; q++) out[q] += gp[q];
      }
    },
    paramAdjointLanes(X, W, B, out) {
      for (let b = 0; b < B; b++) {
        gatherLane(X, n, B, b, x);
        gatherLane(W, n, B, b, v);
        sys.paramAdjoint(x, v, gp);
        scatterLane(gp, P, B, b, out);
      }
    },
    wrap(X, B) {
      for (let b = 0; b < B; b++) {
        gatherLane(X, n, B, b, x);
        sys.wrap(x);
        scatterLane(x, n, B, b, X);
      }
    },
    backward(X, W, B, outX, outP, outF) {
      if (outF) map(X, B, outF);
      outP.fill(0, 0, P);
      for (let b = 0; b < B; b++) {
        gatherLane(X, n, B, b, x);
        gatherLane(W, n, B, b, v);
        sys.backward(x, v, y, gp);
        scatterLane(y, n, B, b, outX);
        for (let q = 0; q < P; q++) outP[q] += gp[q];
      }
    },
  };
}

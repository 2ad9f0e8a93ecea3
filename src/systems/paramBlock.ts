import { kernels as defaultKernels, type Kernels } from '../linalg/index.js';
import { batchedKernels, type BatchedSystem } from './batched.js';
import type { DynamicalSystem } from './types.js';

/** Steps per block: the rnn's rank-k update U·Xᵀ runs near GEMM speed from k ≈ 32; 64 halves the per-block n² write again. */
export const PARAM_BLOCK_STEPS = 64;

/**
 * The batched kernels an adjoint sweep should sum its parameter adjoints with, in blocks of steps
 * (ParamAdjointBlock), or null to form (∂f/∂p)(x_t)ᵀw_t at every step. The rule: blocks when the
 * model's batched parameter sum is a rank-k GEMM update (`gemmParamSum`: the rnn) and the model has
 * at least 4·dim parameters — then the per-step parameter pass (nParams writes, plus the estimator's
 * pass over the selected ones) outweighs the 2·dim copies per step the block path adds. A model
 * program's batched executor is a lane loop: measured 25 % slower than its fused per-step backward
 * (BPTT on gru and plrnn-clipped), so it stays per step. `choice` (true/false) overrides the rule,
 * e.g. to compare the two paths in tests; forced on a system without batched kernels, the lane loop
 * over paramAdjoint (batched.ts) sums the block.
 */
export function paramBlockKernels(sys: DynamicalSystem, choice?: boolean, k: Kernels = defaultKernels()): BatchedSystem | null {
  if (choice === false) return null;
  if (choice === true) return batchedKernels(sys, k);
  if (sys.bindBatched === undefined || sys.nParams < 4 * sys.dim) return null;
  const bk = batchedKernels(sys, k);
  return bk.gemmParamSum === true ? bk : null;
}

/** Whether paramBlockKernels picks blocks for this system (binds its batched kernels to decide). */
export function paramBlocksPay(sys: DynamicalSystem, choice?: boolean): boolean {
  return paramBlockKernels(sys, choice) !== null;
}

/**
 * The parameter adjoint Σ_t (∂f/∂p)(x_t)ᵀw_t of a block of steps of ONE orbit, formed at once.
 * An adjoint sweep is sequential in the state covector w_t, but the parameter part is a sum over
 * steps that needs only the pairs (x_t, w_t): they are buffered here (`push`) and summed by the
 * system's batched kernels with the steps as lanes (`flush`: for the rnn W·X, tanh and the rank-k
 * update g·U·Xᵀ, i.e. GEMMs instead of k outer products). Systems without batched kernels get the
 * lane loop over `paramAdjoint`, so every system works. Only the summation order differs from
 * summing step by step. Memory: 4·capacity·dim + nParams doubles.
 *
 * The batched kernels are bound to the parameters at construction: build the block after the last
 * change of sys.p it must see.
 */
export class ParamAdjointBlock {
  private readonly bk: BatchedSystem;
  private readonly n: number;
  private readonly xs: Float64Array;
  private readonly ws: Float64Array;
  private readonly X: Float64Array;
  private readonly Wl: Float64Array;
  /** the last flush's sum (nParams, in kernel memory); overwritten by the next flush */
  readonly sum: Float64Array;
  private held = 0;

  /** @param bk batched kernels of the system bound with the kernels k (batchedKernels(sys, k), paramBlockKernels) */
  constructor(bk: BatchedSystem, readonly capacity: number = PARAM_BLOCK_STEPS, k: Kernels = defaultKernels()) {
    if (!(capacity >= 1)) throw new Error(`ParamAdjointBlock: capacity must be ≥ 1, got ${capacity}`);
    this.bk = bk;
    const n = (this.n = bk.dim);
    this.xs = new Float64Array(capacity * n);
    this.ws = new Float64Array(capacity * n);
    this.X = k.f64(capacity * n);
    this.Wl = k.f64(capacity * n);
    this.sum = k.f64(bk.nParams);
  }

  /** pairs buffered since the last flush */
  get count(): number {
    return this.held;
  }

  get bytes(): number {
    return 8 * (4 * this.capacity * this.n + this.sum.length);
  }

  /** Buffers the pair (x_t, w_t) (both copied); the block must not be full. */
  push(x: Float64Array, w: Float64Array): void {
    if (this.held === this.capacity) throw new Error('ParamAdjointBlock: push on a full block (flush first)');
    const n = this.n, o = this.held * n, { xs, ws } = this;
    // element copies: a subarray view per push would be two allocations per step
    for (let i = 0; i < n; i++) {
      xs[o + i] = x[i];
      ws[o + i] = w[i];
    }
    this.held++;
  }

  /** sum ← Σ over the buffered pairs of (∂f/∂p)(x)ᵀw (zero when none), empties the block; returns sum. */
  flush(): Float64Array {
    const B = this.held, n = this.n, { xs, ws, X, Wl } = this;
    if (B === 0) return this.sum.fill(0);
    // step-major pairs → lane-major blocks (component i of all B steps contiguous)
    for (let b = 0; b < B; b++) {
      const o = b * n;
      for (let i = 0; i < n; i++) {
        X[i * B + b] = xs[o + i];
        Wl[i * B + b] = ws[o + i];
      }
    }
    this.bk.paramAdjointSum(X, Wl, B, this.sum);
    this.held = 0;
    return this.sum;
  }
}

import { UsageError } from '../errors/index.js';
import { ParamAdjointBlock, paramBlockKernels, type DynamicalSystem } from '../systems/index.js';

/** Checks the library option `paramBlocks` (true, false or absent for the rule). */
export function checkParamBlocks(value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new UsageError(`paramBlocks must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Receives parameter adjoints from an adjoint sweep: `sum` (nParams) is Σ (∂f/∂p)(x_t)ᵀw_t over
 * `count` consecutive steps and `extra` the sum of the values passed with those steps. `sum` is only
 * valid during the call.
 */
export type ParamAdjointSink = (sum: Float64Array, count: number, extra: number) => void;

/**
 * The backward steps of an adjoint sweep with their parameter adjoints. Per step (the default for
 * small parameter counts and model programs) `step` runs sys.backward and hands each step's (∂f/∂p)(x_t)ᵀw_t to the
 * sink. In block mode (systems/paramBlock.ts: paramBlockKernels' rule, or forced by `blocks`) it runs
 * only the state adjoint J(x_t)ᵀw_t, which is what the sweep needs next, and buffers (x_t, w_t): the
 * sink receives block sums of up to PARAM_BLOCK_STEPS steps, formed by the system's batched kernels
 * (the rnn: GEMMs), so no O(nParams) pass runs per step. A block never extends past `room()` steps
 * (e.g. the end of a batch-means batch). Call `flush` before reading what the sink gathered.
 */
export class AdjointSteps {
  private readonly blk: ParamAdjointBlock | null;
  private readonly tp: Float64Array;
  private limit = 0;
  private extra = 0;

  constructor(private readonly sys: DynamicalSystem, private readonly sink: ParamAdjointSink, blocks?: boolean, private readonly room: () => number = () => Infinity) {
    const bk = paramBlockKernels(sys, blocks);
    this.blk = bk ? new ParamAdjointBlock(bk) : null;
    this.tp = this.blk ? new Float64Array(0) : new Float64Array(sys.nParams);
  }

  /** true when parameter adjoints are summed in blocks */
  get blocked(): boolean {
    return this.blk !== null;
  }

  /** bytes of the block buffers (0 per step) */
  get bytes(): number {
    return this.blk?.bytes ?? 0;
  }

  /** outX ← J(x)ᵀw; (∂f/∂p)(x)ᵀw and `extra` go to the sink (now or with the block). */
  step(x: Float64Array, w: Float64Array, outX: Float64Array, extra = 0): void {
    const blk = this.blk;
    if (blk === null) {
      this.sys.backward(x, w, outX, this.tp);
      this.sink(this.tp, 1, extra);
      return;
    }
    this.sys.adjoint(x, w, 1, outX);
    if (blk.count === 0) this.limit = Math.min(blk.capacity, this.room());
    blk.push(x, w);
    this.extra += extra;
    if (blk.count >= this.limit) this.flush();
  }

  /** Hands the buffered steps' sum to the sink (nothing when none are buffered). */
  flush(): void {
    const blk = this.blk;
    if (blk === null || blk.count === 0) return;
    const count = blk.count, extra = this.extra;
    this.extra = 0;
    this.sink(blk.flush(), count, extra);
  }
}

import { LaneStreams } from '../../random/index.js';
import { LockstepEnsemble } from '../../systems/index.js';
import { resolveObjective } from '../objective.js';
import { selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { addSample, emptyMoments, momentEstimate } from './moments.js';

export interface HorizonChunkOptions {
  /** number of sample blocks the N samples are split into (fixed by the request, not by the cores) */
  chunks: number;
  baseline: boolean;
  /** lanes run in lockstep (default KERNEL_LANES); results do not depend on it */
  lanes?: number;
}

/** Samples handled by block i of `chunks` when N samples are split as evenly as possible. */
export function chunkSamples(total: number, chunks: number, i: number): number {
  return Math.floor(total / chunks) + (i < total % chunks ? 1 : 0);
}

/** First sample index of block i (blocks hold consecutive samples). */
function firstSample(total: number, chunks: number, i: number): number {
  return Math.floor(total / chunks) * i + Math.min(i, total % chunks);
}

/** Lanes advanced in lockstep: enough to amortise every kernel call, small enough for cache. */
export const KERNEL_LANES = 128;
/** Cap on the per-lane parameter adjoints (nParams × lanes doubles, 32 MB): big networks get fewer lanes. */
const LANE_PARAM_DOUBLES = 1 << 22;

/** Lanes for a run: results do not depend on it, memory does (O(lanes·(n + nParams))). */
export function kernelLanes(nParams: number, samples: number, requested = KERNEL_LANES): number {
  return Math.max(1, Math.min(requested, samples, Math.floor(LANE_PARAM_DOUBLES / Math.max(1, nParams))));
}

/**
 * One block of the finite-time kernel estimator (a runRepeats task). Every sample draws x₀ from
 * the initial distribution and runs L noisy steps x_{m+1} = f(x_m) + σBξ_m, accumulating the score
 * sum S = Σ_{m<L} (∂f/∂p)(x_m)ᵀ B s(ξ_m)/σ, then records Φ(x_L). Samples run in lockstep, up to
 * KERNEL_LANES at a time (lane-major, see systems/batched.ts); sample s draws from its own stream
 * (LaneStreams), so the block's moments are the same bits whatever the lane count and the number
 * of workers. Memory: O(lanes·(n + nParams)), never an orbit.
 * Returns the block's moment sums in `diagnostics.moments`; the estimator merges the blocks.
 */
export function kernelHorizonChunk(arg: RepeatArg<HorizonChunkOptions>): RepeatOutcome {
  const { system: sys } = repeatContext(arg);
  const obj = arg.objective;
  if (obj.kind !== 'horizon') throw new Error('kernelHorizonChunk needs a horizon objective');
  const ob = resolveObjective(sys, obj); // a combined objective (training loss) too
  const sel = selectParams(sys, arg.params);
  const L = obj.horizon;
  const samples = chunkSamples(obj.samples, arg.options.chunks, arg.stream);
  const first = firstSample(obj.samples, arg.options.chunks, arg.stream);
  const ens = new LockstepEnsemble(sys, new LaneStreams(arg.seed), kernelLanes(sys.nParams, samples, arg.options.lanes));
  const P = sel.indices.length;
  const m = emptyMoments(P);
  const score = new Float64Array(P), x = new Float64Array(sys.dim);
  for (let s0 = 0; s0 < samples; s0 += ens.capacity) {
    const B = Math.min(ens.capacity, samples - s0);
    ens.start(first + s0, B);
    const S = ens.scores(sel.indices);
    for (let t = 0; t < L; t++) ens.advance(t, true);
    for (let b = 0; b < B; b++) {
      ens.lane(b, x);
      for (let j = 0; j < P; j++) score[j] = S[j * B + b];
      addSample(m, ob.value(x), score);
    }
  }
  // the block's own estimate is informative only; the estimator merges the moments of all blocks
  const est = samples > 1 ? momentEstimate(m, arg.options.baseline) : null;
  return {
    value: est?.value ?? m.phi,
    gradient: est?.gradient ?? new Float64Array(P),
    cost: { steps: samples * L, tangentSolves: 0, adjointSolves: samples * L },
    diagnostics: { moments: m },
  };
}

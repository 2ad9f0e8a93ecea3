import { checkFinite, step } from '../../systems/index.js';
import { resolveObjective } from '../objective.js';
import { selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { addSample, emptyMoments, momentEstimate } from './moments.js';
import { ScoreCovector } from './score.js';

export interface HorizonChunkOptions {
  /** number of sample blocks the N samples are split into (fixed by the request, not by the cores) */
  chunks: number;
  baseline: boolean;
}

/** Samples handled by block i of `chunks` when N samples are split as evenly as possible. */
export function chunkSamples(total: number, chunks: number, i: number): number {
  return Math.floor(total / chunks) + (i < total % chunks ? 1 : 0);
}

/**
 * One block of the finite-time kernel estimator (a runRepeats task). Every sample draws x₀ from
 * the initial distribution and runs L noisy steps x_{m+1} = f(x_m) + σBξ_m, accumulating the score
 * sum S = Σ_{m<L} (∂f/∂p)(x_m)ᵀ B s(ξ_m)/σ (one paramAdjoint per step), then records Φ(x_L).
 * Returns the block's moment sums in `diagnostics.moments`; the estimator merges the blocks.
 */
export function kernelHorizonChunk(arg: RepeatArg<HorizonChunkOptions>): RepeatOutcome {
  const { system: sys, rng } = repeatContext(arg);
  const obj = arg.objective;
  if (obj.kind !== 'horizon') throw new Error('kernelHorizonChunk needs a horizon objective');
  const ob = resolveObjective(sys, obj); // a combined objective (training loss) too
  const sel = selectParams(sys, arg.params);
  const idx = sel.indices, P = idx.length, L = obj.horizon;
  const samples = chunkSamples(obj.samples, arg.options.chunks, arg.stream);
  const n = sys.dim;
  let x = new Float64Array(n), y = new Float64Array(n);
  const xi = new Float64Array(sys.noise?.rank ?? 0);
  const cov = new ScoreCovector(sys);
  const full = new Float64Array(sys.nParams);
  const score = new Float64Array(P);
  const m = emptyMoments(P);
  for (let i = 0; i < samples; i++) {
    sys.sampleInitial(rng, x);
    score.fill(0);
    for (let t = 0; t < L; t++) {
      step(sys, x, y, rng, xi);
      checkFinite(y, t + 1);
      // the score of ξ_t weighs the transition out of x_t: ∂f is taken at x_t
      sys.paramAdjoint(x, cov.set(xi, 1), full);
      for (let j = 0; j < P; j++) score[j] += full[idx[j]];
      const tmp = x;
      x = y;
      y = tmp;
    }
    addSample(m, ob.value(x), score);
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

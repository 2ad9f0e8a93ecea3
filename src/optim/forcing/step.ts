/**
 * The stabilised statistics step of the combined objective (forcing.statisticsTrust = ρ).
 *
 * Why: the statistics gradient ĝ_S is a noisy estimate (‖ĝ‖/‖stderr‖ ≈ 1.6–1.9 on dsr-lorenz) with a
 * norm ~10³ times the clipped forcing gradient's. Added to the gradient Adam sees, it inflates
 * Adam's second moment (which then shrinks the forcing steps for ~1/(1−β₂) iterations) and its
 * momentum turns one estimate into tens of full-size steps. Applied outside the optimiser and
 * capped relative to the optimiser's own update, a statistics step can be no larger than ρ forcing
 * steps, whatever the estimate's scale, and leaves the optimiser's state untouched.
 */
import { norm2 as norm } from '../../linalg/index.js';
import type { DynamicalSystem } from '../../systems/index.js';

export interface StatisticsStep {
  /** the step added to θ: s·scale */
  step: Float64Array;
  /** min(1, ρ‖Δ_F‖/‖s‖) (1 when s = 0) */
  scale: number;
}

/**
 * The step s = −λ·ĝ_S (given as `step`) shortened to norm ρ·‖Δ_F‖ when it is longer, where Δ_F is
 * the optimiser's update of the same iteration: s·min(1, ρ‖Δ_F‖/‖s‖).
 */
export function statisticsStep(step: Float64Array, update: Float64Array, trust: number): StatisticsStep {
  if (step.length !== update.length) throw new RangeError(`statisticsStep: ${step.length} step entries for ${update.length} update entries`);
  const n = norm(step);
  const scale = n === 0 ? 1 : Math.min(1, (trust * norm(update)) / n);
  return { step: step.map((v) => v * scale), scale };
}

/** The statistics part of a combined iteration with forcing.statisticsTrust, for the train loop to apply. */
export interface PlainStep {
  /** −λ·ĝ_S */
  step: Float64Array;
  trust: number;
  gradNorm: number;
  gradStderrNorm: number | null;
  /** forcing.statisticsCheck: L_S at a parameter point, always on the same seed of this iteration */
  measure?: (sys: DynamicalSystem) => { loss: number; steps: number };
  /** forcing.statisticsBacktrack = J: the check also tries the capped step shortened by 4, 16, …, 4^J */
  backtrack?: number;
}

/** What a log record says of an applied statistics step. */
export interface StatisticsStepRecord {
  /** ‖ĝ_S‖ and ‖stderr‖ of the estimate, the optimiser's update norm ‖Δ_F‖, the capped step's norm and scale */
  gradNorm: number;
  gradStderrNorm: number | null;
  updateNorm: number;
  norm: number;
  scale: number;
  /**
   * forcing.statisticsCheck: L_S after the optimiser's update without the step and with each
   * candidate (the capped step, then shortened by 4, 16, … with statisticsBacktrack; one seed), the
   * lowest candidate's loss, whether it was kept, and the factor of the kept step (0: none)
   */
  check?: { lossWithout: number; lossWith: number; kept: boolean; candidates: number[]; factor: number };
}

/** Each shortening of the statisticsBacktrack ladder divides the step by this. */
export const BACKTRACK_FACTOR = 4;

/**
 * Adds the capped statistics step to θ after the optimiser's update θ − before. With
 * forcing.statisticsCheck the step is kept only when L_S, measured on one seed at θ without and
 * with it, is lower with it: a noisy estimate (‖ĝ‖/‖stderr‖ ≈ 1–2 on dsr-lorenz) then cannot walk
 * L_S up, and a rejected step leaves θ as the optimiser left it. With statisticsBacktrack = J the
 * step shortened by 4, 16, …, 4^J is measured too (same seed) and the candidate with the lowest L_S
 * is kept if it is below L_S without a step: on dsr-lorenz L_S is so curved along ĝ that a step of
 * norm 0.01 already raises it while one of 0.002 lowers it 2.5× (docs/experiments.md §7).
 * Returns the record and the primal steps the measurements ran.
 */
export function applyStatisticsStep(
  theta: Float64Array,
  before: Float64Array,
  p: PlainStep,
  systemAt: (p: Float64Array) => DynamicalSystem,
): { record: StatisticsStepRecord; evaluationSteps: number } {
  const update = theta.map((v, i) => v - before[i]);
  const s = statisticsStep(p.step, update, p.trust);
  const record: StatisticsStepRecord = { gradNorm: p.gradNorm, gradStderrNorm: p.gradStderrNorm, updateNorm: norm(update), norm: norm(s.step), scale: s.scale };
  if (!p.measure) {
    for (let i = 0; i < theta.length; i++) theta[i] += s.step[i];
    return { record, evaluationSteps: 0 };
  }
  const without = p.measure(systemAt(theta));
  let steps = without.steps, best: Float64Array | null = null, bestLoss = Infinity, bestFactor = 0;
  const candidates: number[] = [];
  for (let j = 0, factor = 1; j <= (p.backtrack ?? 0); j++, factor /= BACKTRACK_FACTOR) {
    const candidate = theta.map((v, i) => v + factor * s.step[i]);
    const m = p.measure(systemAt(candidate));
    steps += m.steps;
    candidates.push(m.loss);
    // NaN compares false: a candidate whose orbit fails is never the best
    if (m.loss < bestLoss) [best, bestLoss, bestFactor] = [candidate, m.loss, factor];
  }
  const kept = best !== null && bestLoss < without.loss;
  if (kept) theta.set(best!);
  record.check = { lossWithout: without.loss, lossWith: best === null ? NaN : bestLoss, kept, candidates, factor: kept ? bestFactor : 0 };
  return { record, evaluationSteps: steps };
}

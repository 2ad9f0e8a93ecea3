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

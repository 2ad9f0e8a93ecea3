import { Rng } from '../../random/index.js';
import { correlationTime, type CorrelationTime } from '../../stats/index.js';
import { initialState, orbitBatchMeans, type DynamicalSystem } from '../../systems/index.js';
import { resolveObjective, transientOf } from '../objective.js';
import type { GradientCost, Objective } from '../types.js';

/**
 * Pilot runs: short, cheap looks at a system before an estimator fixes its settings. Every pilot
 * draws from its own stream of the run's seed (PILOT_STREAM), so a pilot never shifts the noise
 * of the estimate that follows it, and the same seed gives the same plan.
 */
export const PILOT_STREAM = 0x9170;

/**
 * Pilot length: a tenth of the run (so a pilot never costs more than 10% of what it plans — a
 * training loop plans at every iteration), at least 500 steps, at most 2·10⁵ (0.2 s on Lorenz 63;
 * enough to see its 180-step correlation envelope 1100 times over). A pilot too short for the
 * correlation time says so (`truncated`).
 */
export function pilotSteps(runSteps: number): number {
  return Math.max(500, Math.min(200_000, Math.round(runSteps / 10)));
}

export interface ObjectivePilot {
  /** Φ(x₁) … Φ(x_N) along one orbit after the objective's transient */
  readonly series: Float64Array;
  readonly correlation: CorrelationTime;
  readonly cost: Omit<GradientCost, 'seconds'>;
}

/** One orbit of the objective's observable and its correlation time (in steps). */
export function pilotObjective(sys: DynamicalSystem, objective: Objective, seed: number, steps: number): ObjectivePilot {
  const ob = resolveObjective(sys, objective);
  const rng = new Rng(seed).split(PILOT_STREAM);
  const transient = transientOf(sys, objective);
  const series = new Float64Array(steps);
  let k = 0;
  orbitBatchMeans(sys, initialState(sys, rng, transient), steps, rng, 1, (x, out) => {
    out[0] = series[k++] = ob.value(x);
  }, { firstIndex: transient });
  return { series, correlation: correlationTime(series), cost: { steps: transient + steps, tangentSolves: 0, adjointSolves: 0 } };
}

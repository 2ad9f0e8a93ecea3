import { lyapunovSpectrum } from '../../lyapunov/index.js';
import type { DynamicalSystem } from '../../systems/index.js';
import type { GradientCost, Objective } from '../types.js';
import { checkObjectiveContinuity, type ContinuityCheck } from './continuity.js';
import { PILOT_STREAM } from './pilot.js';

/**
 * The path-kernel fraction α of the hybrid from the pilot's largest Lyapunov exponent. The pathwise
 * part of the adjoint is multiplied by (1 − α) per step while the dynamics stretch it by about
 * e^{λ₁Δ} (Δ = dt for a flow, 1 for a map), so it stays bounded only when (1 − α)·e^{λ₁Δ} < 1.
 * The plan asks for a contraction CONTRACTION per step on average, which leaves room for the
 * finite-time excursions of the stretching above its mean:
 *
 *     α = max(ALPHA_MIN, 1 − CONTRACTION·e^{−λ₁Δ}).
 *
 * This is α = 0.5 (the former fixed default, measured on ni9 and rnn) wherever λ₁Δ ≪ 1 — every
 * flow and the weakly chaotic maps — and rises where the fixed default failed: the tent map
 * (λ₁ = ln 3: α = 0.5 grows the adjoint by 1.5 per step, "adjoint became non-finite"; planned α =
 * 0.83) and the solenoid (λ₁ ≈ ln 2: α = 0.5 is neutral, the adjoint random-walks, 57 ± 200;
 * planned α = 0.75).
 * Where the objective jumps at the state's wrap (plan/continuity.ts) the pathwise part is biased
 * whatever its size, so the plan gives everything to the kernel: α = 1.
 */
export const CONTRACTION = 0.5;
export const ALPHA_MIN = 0.5;

export interface AlphaPlan {
  readonly alpha: number;
  readonly from: AlphaEvidence;
  readonly cost: Omit<GradientCost, 'seconds'>;
}

export interface AlphaEvidence {
  readonly rule: string;
  /** λ₁ per step (maps) or per unit time (flows), from the pilot */
  readonly lambda1: number;
  readonly lambda1Stderr: number;
  /** λ₁·Δ: growth per step */
  readonly growthPerStep: number;
  /** the noise level the pilot ran at (the kernel part's variance scales like 1/σ²) */
  readonly sigma: number;
  readonly pilotSteps: number;
  /** (1 − α)·e^{λ₁Δ}: the pathwise adjoint's mean factor per step at the chosen α */
  readonly contraction: number;
  /** wraps along a pilot that made the objective jump (then α = 1) */
  readonly objectiveJumps: number;
  readonly wrapsSeen: number;
}

/** Steps of the continuity pilot. */
export const CONTINUITY_PILOT_STEPS = 2000;

/** A warning when the pathwise part is used although the objective jumps at the wrap. */
export function jumpWarning(check: ContinuityCheck, alpha: number | null): string | null {
  if (check.jumps === 0 || alpha === 1) return null;
  return `the objective jumps where the state wraps (${check.jumps} of ${check.wraps} wraps in a ${check.pilotSteps}-step pilot moved it by up to ${+check.largestJump.toPrecision(3)}, ` +
    `its spread is ${+check.spread.toPrecision(3)}): pathwise derivatives miss the jumps and are biased; use alpha 1 (the kernel) or the kernel method`;
}

/**
 * Pilot length of the λ₁ estimate: 100 time units of a flow, 3000 steps of a map, but at most a tenth
 * of the run (at least 500 steps): the rule needs λ₁Δ only where it is large, and there it converges fast.
 */
export function alphaPilotSteps(sys: DynamicalSystem, runSteps = Infinity): number {
  const full = sys.dt !== null ? Math.max(1, Math.round(100 / sys.dt)) : 3000;
  return Math.min(full, Math.max(500, Math.round(runSteps / 10)));
}

/** Continuity pilot: CONTINUITY_PILOT_STEPS, at most a tenth of the run (at least 200). */
export function continuityPilotSteps(runSteps: number): number {
  return Math.min(CONTINUITY_PILOT_STEPS, Math.max(200, Math.round(runSteps / 10)));
}

/** α from λ₁·Δ (pure: the rule without the pilot). */
export function alphaFromGrowth(growthPerStep: number): number {
  return Math.min(1, Math.max(ALPHA_MIN, 1 - CONTRACTION * Math.exp(-Math.max(0, growthPerStep))));
}

/** λ₁ (per step for maps, per unit time for flows) from a short pilot, with its stderr and cost. */
export function pilotLambda1(sys: DynamicalSystem, seed: number, runSteps = Infinity): { lambda1: number; stderr: number; steps: number; cost: Omit<GradientCost, 'seconds'> } {
  const steps = alphaPilotSteps(sys, runSteps);
  const spec = lyapunovSpectrum(sys, { k: 1, steps, seed: (seed ^ PILOT_STREAM) >>> 0 });
  return {
    lambda1: spec.exponents[0],
    stderr: spec.stderr[0],
    steps,
    cost: { steps: spec.transient + spec.basisTransient + spec.steps, tangentSolves: spec.basisTransient + spec.steps, adjointSolves: 0 },
  };
}

function runLength(o: Objective): number {
  return o.kind === 'average' ? o.steps : o.horizon * o.samples;
}

export function planAlpha(sys: DynamicalSystem, objective: Objective, seed: number, continuity: ContinuityCheck = checkObjectiveContinuity(sys, objective, seed, continuityPilotSteps(runLength(objective)))): AlphaPlan {
  const spec = pilotLambda1(sys, seed, runLength(objective));
  const steps = spec.steps;
  const lambda1 = spec.lambda1;
  const growth = lambda1 * (sys.dt ?? 1);
  const jumps = continuity.jumps > 0;
  const alpha = jumps ? 1 : alphaFromGrowth(growth);
  return {
    alpha,
    from: {
      rule: jumps
        ? 'α = 1: the objective jumps where the state wraps, which a pathwise derivative cannot see'
        : `α = max(${ALPHA_MIN}, 1 − ${CONTRACTION}·e^{−λ₁Δ}) from a pilot λ₁ (the pathwise adjoint contracts by ${CONTRACTION} per step on average)`,
      lambda1,
      lambda1Stderr: spec.stderr,
      growthPerStep: growth,
      sigma: sys.noise?.sigma ?? 0,
      pilotSteps: steps,
      contraction: (1 - alpha) * Math.exp(growth),
      objectiveJumps: continuity.jumps,
      wrapsSeen: continuity.wraps,
    },
    cost: { ...spec.cost, steps: spec.cost.steps + continuity.cost.steps },
  };
}

import { UsageError } from '../errors/index.js';
import type { Objective, ObservableTerm } from '../gradients/index.js';

/** A long-time statistic S = ⟨Φ^power⟩ (or E[Φ^power(x_L)] for a finite-horizon objective). */
export interface Statistic {
  readonly observable: string;
  readonly power: number;
}

/** One term wₖ(Sₖ − targetₖ)² of the squared-error loss. */
export interface LossTerm {
  readonly observable: string;
  /** default 1: Φ^power, e.g. power 2 for a mean square */
  readonly power?: number;
  readonly target: number;
  /** default 1 */
  readonly weight?: number;
}

/**
 * A differentiable function L(S₁, …, S_K) of estimated statistics. Its parameter gradient is
 * ∇L = Σₖ (∂L/∂Sₖ)·∇Sₖ = ∇⟨Ψ⟩ with Ψ = Σₖ (∂L/∂Sₖ)·Φₖ^pₖ, the weights held at the current S:
 * one estimator call whatever K is.
 */
export interface StatisticsLoss {
  readonly statistics: readonly Statistic[];
  value(s: ArrayLike<number>): number;
  /** out[k] ← ∂L/∂Sₖ */
  gradient(s: ArrayLike<number>, out: Float64Array): void;
  /**
   * E[L(Ŝ)] − L(S) to leading order when Ŝ has standard errors `se`: ½Σ ∂²L/∂Sₖ²·seₖ² (the noise
   * floor a plug-in estimate cannot go below; for the squared error Σ wₖseₖ²).
   */
  noiseFloor(se: ArrayLike<number>): number;
}

export type ObjectiveSettings =
  | { readonly kind: 'average'; readonly steps: number; readonly transient?: number }
  | { readonly kind: 'horizon'; readonly horizon: number; readonly samples: number };

export function statisticLabel(s: Statistic): string {
  return s.power === 1 ? s.observable : `${s.observable}^${s.power}`;
}

/** L(S) = Σₖ wₖ(Sₖ − targetₖ)², with ∂L/∂Sₖ = 2wₖ(Sₖ − targetₖ). */
export function squaredErrorLoss(terms: readonly LossTerm[]): StatisticsLoss {
  if (terms.length === 0) throw new UsageError('the loss needs at least one term');
  const w = terms.map((t) => t.weight ?? 1);
  const target = terms.map((t) => t.target);
  return {
    statistics: terms.map((t) => ({ observable: t.observable, power: t.power ?? 1 })),
    value(s) {
      let l = 0;
      for (let k = 0; k < w.length; k++) l += w[k] * (s[k] - target[k]) ** 2;
      return l;
    },
    gradient(s, out) {
      for (let k = 0; k < w.length; k++) out[k] = 2 * w[k] * (s[k] - target[k]);
    },
    noiseFloor(se) {
      let f = 0;
      for (let k = 0; k < w.length; k++) f += w[k] * se[k] ** 2;
      return f;
    },
  };
}

/**
 * The objective an estimator differentiates to get ∇L at statistics `s`: Ψ = Σₖ (∂L/∂Sₖ)·Φₖ^pₖ
 * averaged as `settings` say (named 'loss' in results).
 */
export function lossObjective(loss: StatisticsLoss, s: ArrayLike<number>, settings: ObjectiveSettings): Objective {
  const dl = new Float64Array(loss.statistics.length);
  loss.gradient(s, dl);
  const terms: ObservableTerm[] = loss.statistics.map((st, k) => ({ observable: st.observable, weight: dl[k], power: st.power }));
  return settings.kind === 'average'
    ? { kind: 'average', observable: 'loss', terms, steps: settings.steps, transient: settings.transient }
    : { kind: 'horizon', observable: 'loss', terms, horizon: settings.horizon, samples: settings.samples };
}

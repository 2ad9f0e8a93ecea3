import type { DynamicalSystem } from '../systems/index.js';

/**
 * What is differentiated. `average`: the long-time average ⟨Φ⟩ estimated over `steps` steps after a
 * transient (one or several orbits). `horizon`: E[Φ(x_L)] over the system's initial distribution
 * (the "deep network of L layers" reading of a map), estimated from `samples` independent samples.
 */
export type Objective =
  | ({ readonly kind: 'average'; readonly steps: number; readonly transient?: number } & ObservableChoice)
  | ({ readonly kind: 'horizon'; readonly horizon: number; readonly samples: number } & ObservableChoice);

/**
 * The differentiated observable: a named one, or (when `terms` is given) the combination
 * Ψ(x) = Σ weight·Φ(x)^power — how a training loss Σ wₖ(⟨Φₖ⟩ − targetₖ)² gets its gradient from one
 * estimate: ∇L = ∇⟨Ψ⟩ with weightₖ = 2wₖ(⟨Φₖ⟩ − targetₖ). Plain data, so it crosses to workers.
 */
export interface ObservableChoice {
  /** observable name (a label such as 'loss' when `terms` is given) */
  readonly observable: string;
  readonly terms?: readonly ObservableTerm[];
}

export interface ObservableTerm {
  readonly observable: string;
  readonly weight: number;
  /** default 1 */
  readonly power?: number;
}

/** The common input of every estimator. */
export interface GradientRequest {
  readonly system: DynamicalSystem;
  readonly objective: Objective;
  /** parameter names; the gradient lists their entries in this order, arrays flattened row-major */
  readonly params: readonly string[];
  /** every random draw of the estimate derives from this seed */
  readonly seed: number;
  /** called with (done, total) on long runs */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface GradientCost {
  /** primal steps of the system (including transients and recomputation) */
  steps: number;
  /** tangent-vector propagations (one vector through one step counts 1) */
  tangentSolves: number;
  /** adjoint-vector propagations (one covector through one step counts 1) */
  adjointSolves: number;
  seconds: number;
}

/** The one result type every estimator returns. */
export interface GradientResult {
  readonly method: string;
  readonly system: string;
  readonly objective: Objective;
  /** parameter names as requested */
  readonly params: readonly string[];
  /** one label per gradient entry: 'rho', 'W[3,5]', 'b[2]' */
  readonly labels: readonly string[];
  /** the estimated objective */
  readonly value: number;
  readonly valueStderr: number | null;
  readonly gradient: Float64Array;
  /** same shape as gradient, or null where the method gives none */
  readonly stderr: Float64Array | null;
  readonly cost: GradientCost;
  readonly diagnostics: Record<string, unknown>;
  /** why the estimate may not be trustworthy (checked by the trust layer, gradients/trust.ts); empty when none */
  readonly warnings: readonly string[];
}

/**
 * A gradient estimator is a value: a name and a function of a request and method options.
 * Estimators are interchangeable wherever a gradient is needed (grad, compare, training).
 */
export interface GradientEstimator<O = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  /** the valid keys of its options; others are rejected with a UsageError naming these */
  readonly optionKeys?: readonly string[];
  estimate(request: GradientRequest, options: O): Promise<GradientResult>;
  /**
   * The set-up step: options with the settings a pilot would choose filled in (the hybrid's u, α and
   * window; NILSAS's M and segment length), so that repeated estimates on one request (growing
   * budgets, say) run the pilot once. Options already given are kept; absent when nothing is planned.
   */
  plan?(request: GradientRequest, options: O): O;
}

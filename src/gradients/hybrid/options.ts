/** Options of the hybrid (shadowing/path-kernel) estimator. */
export interface HybridOptions {
  /** 'pathkernel' (P = α·I) or 'shadowing' (P = QQᵀ on the first u Gram–Schmidt vectors); default DEFAULT_SPLIT */
  split?: 'pathkernel' | 'shadowing';
  /** path-kernel fraction α ∈ [0, 1] (default: planned from a pilot λ₁, plan/alpha.ts — DEFAULT_ALPHA where λ₁Δ ≪ 1) */
  alpha?: number;
  /** shadowing: number of unstable directions given to the kernel (default: exponents λᵢ > −λ₁/2, ≥ 1) */
  u?: number;
  /** ergodic decorrelation window W in steps (default: planned from a pilot of the objective's correlation time, plan/window.ts) */
  window?: number;
  /** independent orbits (ergodic) — standard error across them when ≥ 2, else batch means */
  repeats?: number;
  /** checkpoint segment length (default ≈ √T) */
  segmentSteps?: number;
  /** steps for the Gram–Schmidt frame to settle before the orbit (shadowing, ergodic) */
  basisTransient?: number;
  /** MiB per orbit for keeping states and noise from the forward pass instead of recomputing them (default DEFAULT_ORBIT_MEMORY_MIB; 0: recompute all) */
  orbitMemory?: number;
  /** ergodic: the predictive baseline (noise-free forecasts of the window sums, kernel/predict.ts); default: on when a pilot finds it pays (plan/predict.ts) */
  predict?: boolean;
  /**
   * ergodic path-kernel: 'forward' carries one tangent per parameter and scans a window ladder on one
   * orbit (hybrid/forward.ts); 'backward' runs one adjoint pass for all parameters at one window
   * (hybrid/ergodic.ts). Default for at most FORWARD_MAX_PARAMS parameters: predicted from the run's
   * work counts (hybrid/sweep.ts, diagnostics.sweepFrom); backward for more.
   */
  sweep?: 'forward' | 'backward';
  /**
   * backward sweep: sum the parameter adjoints over blocks of steps by the system's batched kernels
   * (true) or step by step (false); default: the rule of systems/paramBlock.ts (blocks for many
   * parameters on a system with batched kernels). Only the summation order differs.
   */
  paramBlocks?: boolean;
}

export const DEFAULT_SPLIT = 'pathkernel';
export const DEFAULT_ALPHA = 0.5;
/** 256 MiB keeps 2.6·10⁵ steps of a 64-unit rnn whole: a budget-sized run needs no recomputation */
export const DEFAULT_ORBIT_MEMORY_MIB = 256;

/** Resolved options as sent to a repetition (plain data). */
export interface HybridRunOptions {
  split: 'pathkernel' | 'shadowing';
  alpha: number;
  u: number;
  window: number;
  segmentSteps: number;
  basisTransient: number;
  keepBytes: number;
  /** the predictive baseline's forecast settings; null: the running mean */
  predict?: { every: number; horizon: number } | null;
  sweep?: 'forward' | 'backward';
  /** forward sweep: the window ladder (the kernel's scan picks one) */
  windows?: number[];
  /**
   * backward sweeps: sum the parameter adjoints in blocks of steps (true), step by step (false), or
   * by the rule of systems/paramBlock.ts (absent). Only the summation order differs.
   */
  paramBlocks?: boolean;
}

/** The forward sweep costs one tangent per parameter: the default up to this many. */
export const FORWARD_MAX_PARAMS = 4;

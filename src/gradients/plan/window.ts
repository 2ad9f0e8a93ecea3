import type { DynamicalSystem } from '../../systems/index.js';
import type { GradientCost, Objective } from '../types.js';
import { pilotObjective, pilotSteps } from './pilot.js';

/**
 * The decorrelation window W of the ergodic kernel and hybrid estimators, from a pilot estimate of
 * the objective's correlation time. The estimate truncates the response Σ_{j≥1} R_j at W, so W must
 * span the time over which Φ remembers a perturbation; its variance grows about like W, so no
 * longer. W = ⌈WINDOW_FACTOR·τ_abs⌉, τ_abs = ½ + Σ|ρ(k)| (the envelope of the autocorrelation:
 * the signed sum cancels for oscillating correlations such as Lorenz 63's z, where it is 13 steps
 * while the response needs ≈ 400).
 *
 * WINDOW_FACTOR is where the kernel's window scan starts (it then doubles W while the estimate
 * moves: windowLadder/selectWindow); the hybrid, whose kernel part sits inside the adjoint
 * recursion and cannot scan windows for free, takes HYBRID_WINDOW_FACTOR directly (an exponential
 * decay leaves e^{−4} ≈ 2% of the response beyond 4τ). Window scans against long finite differences
 * (docs/kernel.md, *Automatic window*): noisy Lorenz 63 ⟨z⟩/ρ has τ_abs ≈ 150–200 steps and its
 * response settles from W ≈ 400–700 on; noisy Lorenz 96 ⟨mean⟩/F has τ_abs ≈ 31 steps and settles
 * from W ≈ 40–60; the AR(1) map with a = ½ has τ = 1.5 and needs W ≈ 8 for 1% truncation.
 */
export const WINDOW_FACTOR = 2;
export const HYBRID_WINDOW_FACTOR = 4;

export interface WindowPlan {
  /** the window in steps */
  readonly window: number;
  /** how it was found, for `diagnostics.windowFrom` */
  readonly from: WindowEvidence;
  readonly cost: Omit<GradientCost, 'seconds'>;
}

export interface WindowEvidence {
  readonly rule: string;
  readonly pilotSteps: number;
  /** ½ + Σ ρ(k) in steps (integrated autocorrelation time) */
  readonly tauSteps: number;
  /** ½ + Σ |ρ(k)| in steps (envelope) */
  readonly tauAbsSteps: number;
  /** flows: the same in time units */
  readonly tauAbsTime: number | null;
  readonly lags: number;
  readonly factor: number;
  /** the window the rule gives (the chosen one, or what the user's is compared with) */
  readonly suggested: number;
  readonly truncated: boolean;
}

/** The planned window for an average objective (a pilot of min(2·10⁵, max(T/10, 500)) steps). */
export function planWindow(sys: DynamicalSystem, objective: Objective & { kind: 'average' }, seed: number, factor = WINDOW_FACTOR, floor = 1): WindowPlan {
  const N = pilotSteps(objective.steps);
  const pilot = pilotObjective(sys, objective, seed, N);
  const c = pilot.correlation;
  // at most a tenth of the run: a window as long as the orbit leaves nothing to average
  const suggested = Math.max(1, Math.min(Math.max(Math.ceil(factor * c.tauAbs), floor), Math.max(1, Math.floor(objective.steps / 10))));
  return {
    window: suggested,
    from: {
      rule: `W = ⌈${factor}·τ_abs⌉${floor > 1 ? `, at least ${floor}` : ''} from a pilot orbit (τ_abs = ½ + Σ|ρ(k)| of the objective, Sokal window)`,
      pilotSteps: N,
      tauSteps: c.tau,
      tauAbsSteps: c.tauAbs,
      tauAbsTime: sys.dt !== null ? c.tauAbs * sys.dt : null,
      lags: c.lags,
      factor,
      suggested,
      truncated: c.truncated,
    },
    cost: pilot.cost,
  };
}

/**
 * A warning when an explicit window is shorter than the correlation time τ_abs: the truncated
 * response is then likely larger than the error bar (Lorenz 63 at W = 10 steps: 0.08 ± 0.01 against 0.93).
 */
export function windowWarning(window: number, plan: WindowPlan, sys: DynamicalSystem): string | null {
  if (window >= plan.from.tauAbsSteps) return null;
  const time = (w: number) => (sys.dt !== null ? ` (${+(w * sys.dt).toPrecision(3)} time units)` : '');
  return `window ${window} steps${time(window)} is shorter than the objective's correlation time τ_abs = ${plan.from.tauAbsSteps.toFixed(1)} steps${time(plan.from.tauAbsSteps)}: ` +
    `the truncated response likely biases the estimate; the pilot suggests window ${plan.window}${time(plan.window)} (omit the window to use it)`;
}

/**
 * Doubling: the planned window W and 2W, 4W, … (at most WINDOW_DOUBLINGS more, none longer than a
 * tenth of the run). The kernel estimates all of them from one orbit and keeps the first after
 * which the estimate stops moving (selectWindow): the pilot's correlation time guesses where the
 * response ends, the scan checks it. An explicit window is used alone.
 */
export const WINDOW_DOUBLINGS = 3;
/** a doubling is taken when some entry moves by more than this many standard errors of the move */
export const DOUBLING_Z = 2;

export function windowLadder(first: number, steps: number, doublings = WINDOW_DOUBLINGS): number[] {
  const out = [first];
  const cap = Math.floor(steps / 10);
  for (let i = 0; i < doublings && 2 * out[out.length - 1] <= cap; i++) out.push(2 * out[out.length - 1]);
  return out;
}

export interface ScanEntry {
  readonly window: number;
  readonly gradient: ArrayLike<number>;
  readonly stderr: ArrayLike<number>;
  /** stderr of (this − previous) from paired batches; null for the first */
  readonly diffStderr: ArrayLike<number> | null;
}

/** Index of the first window whose successor does not move any entry by more than z·stderr of the move. */
export function selectWindow(scan: readonly ScanEntry[], z = DOUBLING_Z): number {
  let i = 0;
  while (i + 1 < scan.length) {
    const a = scan[i], b = scan[i + 1];
    let moved = false;
    for (let j = 0; j < a.gradient.length; j++) if (Math.abs(b.gradient[j] - a.gradient[j]) > z * b.diffStderr![j]) moved = true;
    if (!moved) break;
    i++;
  }
  return i;
}

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

/**
 * What the scan could not see: doubling the chosen window moves the estimate by `move` ± `moveStderr`
 * (paired batches), so a truncated response smaller than DOUBLING_Z·moveStderr passes the doubling
 * test unseen. Measured on noisy Lorenz 96 (σ = 0.05, d⟨mean⟩/dF, FD 0.140 ± 0.001): at 2·10⁶ steps
 * the scan stops at W ≈ 122 with 0.12 ± 0.011 while the next window moves by −0.03 ± 0.025, and six
 * 10⁷-step orbits show the truncation: 0.126 ± 0.002 at W ≈ 122, 0.135 ± 0.007 at 2W, 0.137 ± 0.013 at
 * 4W — a bias of 11% that no test on the 2·10⁶-step orbit can resolve.
 */
export interface ScanResolution {
  /** the next (doubled) window and the move to it, per entry */
  readonly next: number;
  readonly move: number[];
  readonly moveStderr: number[];
  /** DOUBLING_Z·moveStderr: the smallest truncation the doubling test detects, per entry */
  readonly unresolved: number[];
}

/** null when the chosen window is the last of the ladder (nothing to compare with). */
export function scanResolution(scan: readonly ScanEntry[], chosen: number, z = DOUBLING_Z): ScanResolution | null {
  if (chosen + 1 >= scan.length) return null;
  const a = scan[chosen], b = scan[chosen + 1];
  const move = Array.from(a.gradient, (g, j) => b.gradient[j] - g);
  const moveStderr = Array.from(b.diffStderr!);
  return { next: b.window, move, moveStderr, unresolved: moveStderr.map((s) => z * s) };
}

/** A truncation this large a fraction of the estimate passing the scan unseen gets a warning. */
export const SCAN_RESOLUTION_WARN = 0.2;

/** The warning when the scan cannot exclude a truncation of ≥ SCAN_RESOLUTION_WARN·|estimate|, with the run length that would. */
export function scanWarning(res: ScanResolution | null, window: number, gradient: ArrayLike<number>, steps: number, labels: readonly string[]): string | null {
  if (res === null) return null;
  let worst = -1, ratio = 0;
  for (let j = 0; j < gradient.length; j++) {
    const r = res.unresolved[j] / (SCAN_RESOLUTION_WARN * Math.abs(gradient[j]));
    if (Number.isFinite(r) && r > 1 && r > ratio) { ratio = r; worst = j; }
  }
  if (worst < 0) return null;
  const f = (v: number) => +v.toPrecision(2);
  const need = steps * ratio * ratio;
  return `window scan: window ${res.next} moves ${labels[worst]} by ${f(res.move[worst])} ± ${f(res.moveStderr[worst])} from window ${window}; ` +
    `a truncated response up to ${f(res.unresolved[worst])} (${Math.round((100 * res.unresolved[worst]) / Math.abs(gradient[worst]))}% of the estimate) would pass the doubling test unseen — ` +
    `about ${f(need)} steps resolve ${SCAN_RESOLUTION_WARN * 100}%`;
}

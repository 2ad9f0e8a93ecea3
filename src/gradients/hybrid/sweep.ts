/**
 * Which sweep of the ergodic path-kernel hybrid costs less on this run, predicted from the run's
 * work counts. Both sweeps are the same estimator (hybrid/forward.ts is the transpose of
 * hybrid/ergodic.ts) when they use the same window; what differs is the price per step:
 *
 * - forward: P tangents and P parameter tangents (two passes through the step's Jacobian per
 *   parameter) and K·P window-ladder updates (running sums, batch means, kernel weights);
 * - backward: one fused adjoint pass for all parameters, one window ring, and a recomputed map for
 *   every step the orbit memory cannot keep.
 *
 * Measured (session 5, same window, CPU per step, in-process after warm-up / whole process):
 * lorenz63 P = 1 forward 0.82 against backward 0.45 µs (whole process 2.26 against 1.62 s at 2·10⁶
 * steps: 1.4×); lorenz63 P = 3 1.64 against 0.48 µs (2.13 against 1.00 s at 10⁶: 2.1×); the linear
 * map P = 2 0.39 against 0.15 µs; lorenz96 (n = 40) P = 1 3.89 against 3.92 s at 4·10⁵ (a tie);
 * rnn (n = 64) P = 1 24.9 against 22.8 µs (1.1×). So the forward sweep's bookkeeping decides on
 * small systems and its extra passes from P = 2 on, while one parameter of a system whose passes
 * dominate (n ≥ 40) is a tie — which goes to the forward sweep, since it also scans windows.
 *
 * The rule is a function of the request (no timing), so the same seed gives the same bits on
 * every machine.
 */
export const SWEEP_SMALL_DIM = 8;

export interface SweepFacts {
  /** parameters differentiated */
  readonly params: number;
  /** state dimension */
  readonly dim: number;
  /** rungs of the forward sweep's window ladder */
  readonly rungs: number;
  /** fraction of the orbit the backward sweep keeps from its forward pass (the rest is recomputed) */
  readonly keptFraction: number;
  /** the backward sweep's single window and the forward ladder's first */
  readonly backwardWindow: number;
  readonly forwardWindow: number;
}

export interface SweepEvidence extends SweepFacts {
  readonly chosen: 'forward' | 'backward';
  readonly rule: string;
  /** passes through the step's Jacobian per step (maps and tangent/adjoint products), and bookkeeping updates */
  readonly forwardPasses: number;
  readonly backwardPasses: number;
  readonly forwardUpdates: number;
  readonly backwardUpdates: number;
}

/** The cheaper sweep by the work counts; ties to forward (it scans windows). */
export function chooseSweep(f: SweepFacts): SweepEvidence {
  const forwardPasses = 1 + 2 * f.params;
  const backwardPasses = 2 + (1 - f.keptFraction);
  const forwardUpdates = f.rungs * f.params, backwardUpdates = 1;
  const counts = { forwardPasses, backwardPasses, forwardUpdates, backwardUpdates };
  const out = (chosen: 'forward' | 'backward', rule: string): SweepEvidence => ({ ...f, ...counts, chosen, rule });
  if (f.backwardWindow !== f.forwardWindow) {
    // the backward window is floored (10 steps, 1 time unit): a longer, noisier window is not the same estimate for less
    return out('forward', `forward: the backward sweep's window ${f.backwardWindow} (floored) differs from the ladder's first ${f.forwardWindow}, so the two are not the same estimate`);
  }
  if (f.params >= 2) return out('backward', `backward: ${f.params} parameters cost the forward sweep ${forwardPasses} passes and ${forwardUpdates} ladder updates per step against ${+backwardPasses.toFixed(2)} passes (measured 2.1× on lorenz63 with 3)`);
  if (f.dim <= SWEEP_SMALL_DIM && f.keptFraction >= 1) {
    return out('backward', `backward: one parameter of a ${f.dim}-dimensional system with the orbit kept whole: the forward sweep's ${forwardUpdates} ladder updates per step dominate (measured 1.4× on lorenz63)`);
  }
  return out('forward', `forward: one parameter, and ${f.dim > SWEEP_SMALL_DIM ? `a ${f.dim}-dimensional step whose passes dominate (a tie: lorenz96, rnn)` : `${+(1 - f.keptFraction).toFixed(2)} of the orbit recomputed by the backward sweep`}; the forward sweep also scans windows`);
}

import { UsageError, usage, opt, type OptionName } from '../errors/index.js';
import { CheckpointedOrbit } from '../systems/orbit.js';
import type { Rng } from '../random/index.js';
import { BatchMeans } from '../stats/index.js';
import type { DynamicalSystem } from '../systems/index.js';
import { SubspaceAngle, summariseAngles, type AngleSummary } from './angles.js';
import { TangentFrame } from './frame.js';
import { TriangularHistory, combine, inverseStep, randomUpperTriangular } from './ginelli.js';
import { STREAM, checkCount, checkK, defaultGinelliTransient, startRun, stepsFor, timeScale } from './setup.js';
import { splitIndices } from './summary.js';

/**
 * Steps of a Ginelli run, counted from the start state: the forward basis settles for
 * `forwardTransient` steps, CLVs are produced on the window [0, steps) that follows, and the
 * backward iteration starts `backwardTransient` steps after the window so that it has converged
 * when it reaches it. Orbit length T = forwardTransient + steps + backwardTransient.
 */
export interface GinelliLayout {
  readonly forwardTransient: number;
  readonly steps: number;
  readonly backwardTransient: number;
}

export function layoutFrom(sys: DynamicalSystem, o: { steps?: number; forwardTransient?: number; backwardTransient?: number }, defaultSteps: number): GinelliLayout {
  return {
    forwardTransient: checkCount(opt('forwardTransient'), o.forwardTransient ?? defaultGinelliTransient(sys), true),
    steps: checkCount(opt('steps'), o.steps ?? defaultSteps),
    backwardTransient: checkCount(opt('backwardTransient'), o.backwardTransient ?? defaultGinelliTransient(sys), true),
  };
}

export function orbitLength(l: GinelliLayout): number {
  return l.forwardTransient + l.steps + l.backwardTransient;
}

/** Sorted unique window steps, each checked to lie in [0, steps). */
export function checkWindowSteps(name: string | OptionName, steps: readonly number[], window: number): number[] {
  for (const s of steps) {
    if (!Number.isInteger(s) || s < 0 || s >= window) throw usage`${name}: step ${s} is outside the window [0, ${window})`;
  }
  return [...new Set(steps)].sort((a, b) => a - b);
}

/**
 * The forward half of Ginelli's method: the QR pass (J(x_t)·Q_t = Q_{t+1}·R_t) feeding a
 * `TriangularHistory` of R over the window and the backward transient, with Q_t and x_t kept at
 * chosen window steps; then the backward pass C_t = R_t⁻¹·C_{t+1} (columns normalised) from a
 * random upper-triangular start. CLV_j(x_t) = Q_t·c_j(t). Shared by `covariantVectors` and
 * `adjointSpectrum`, which need the forward CLVs on the same orbit.
 */
export class ForwardGinelli {
  readonly n: number;
  readonly frame: TangentFrame;
  readonly history: TriangularHistory;
  readonly totalSteps: number;
  private readonly slotOf = new Map<number, number>();
  private readonly qKept: Float64Array;
  private readonly xKept: Float64Array;
  private readonly bm: BatchMeans;
  private readonly sums: Float64Array;
  private readonly logs: Float64Array;

  constructor(sys: DynamicalSystem, readonly k: number, readonly layout: GinelliLayout, rng: Rng, readonly keptSteps: readonly number[], batches: number) {
    const n = sys.dim;
    this.n = n;
    this.frame = new TangentFrame(sys, k, rng);
    this.history = new TriangularHistory(k, 0, layout.steps + layout.backwardTransient);
    this.totalSteps = orbitLength(layout);
    keptSteps.forEach((s, i) => this.slotOf.set(s, i));
    this.qKept = new Float64Array(keptSteps.length * n * k);
    this.xKept = new Float64Array(keptSteps.length * n);
    this.bm = new BatchMeans(k, layout.steps, batches);
    this.sums = new Float64Array(k);
    this.logs = new Float64Array(k);
  }

  /** Feed every orbit state x_t, t = 0..T (CheckpointedOrbit's visitor). */
  visit(x: Float64Array, t: number): void {
    if (t >= this.totalSteps) return;
    const w = t - this.layout.forwardTransient;
    const slot = w >= 0 ? this.slotOf.get(w) : undefined;
    if (slot !== undefined) {
      this.qKept.set(this.frame.q, slot * this.n * this.k);
      this.xKept.set(x, slot * this.n);
    }
    this.frame.advance(x);
    if (w < 0) return;
    this.history.store(w, this.frame.r);
    if (w < this.layout.steps) {
      this.frame.logDiagonal(this.logs);
      for (let i = 0; i < this.k; i++) this.sums[i] += this.logs[i];
      this.bm.push(this.logs);
    }
  }

  /** Forward QR exponents over the window (per step), with batch-means standard errors. */
  exponentsPerStep(): { exponents: Float64Array; stderr: Float64Array } {
    return { exponents: this.sums.map((s) => s / this.layout.steps), stderr: this.bm.stderr() };
  }

  /**
   * Backward pass; `visitC(w, c, logNorm)` sees the coefficients C_w at every window step from
   * steps−1 down to 0, with logNorm[j] = log‖R_w⁻¹c_j(w+1)‖ = −(log growth of CLV j over step w).
   */
  backward(rng: Rng, visitC: (w: number, c: Float64Array, logNorm: Float64Array) => void, onStep?: () => void): void {
    const k = this.k;
    const c = randomUpperTriangular(k, rng);
    const logNorm = new Float64Array(k);
    const data = this.history.data;
    for (let w = this.history.count - 1; w >= 0; w--) {
      inverseStep(data, this.history.offset(w), c, k, logNorm);
      if (w < this.layout.steps) visitC(w, c, logNorm);
      onStep?.();
    }
  }

  isKept(w: number): boolean {
    return this.slotOf.has(w);
  }

  /** out ← the k CLVs at kept window step w (vector j at [j·n, (j+1)·n)), unit vectors. */
  vectorsAt(w: number, c: Float64Array, out: Float64Array, outOff = 0): void {
    const slot = this.slotOf.get(w);
    if (slot === undefined) throw new Error(`ForwardGinelli: Q was not kept at window step ${w}`);
    combine(this.qKept, slot * this.n * this.k, c, this.n, this.k, out, outOff);
  }

  stateAt(w: number): Float64Array {
    const slot = this.slotOf.get(w);
    if (slot === undefined) throw new Error(`ForwardGinelli: x was not kept at window step ${w}`);
    return this.xKept.slice(slot * this.n, (slot + 1) * this.n);
  }
}

/** Options shared by the two-pass (forward, then backward) Ginelli-type runs: CLVs and the adjoint spectrum. */
export interface TwoPassOptions {
  k?: number;
  /** window length: results are computed at window steps 0..steps−1 */
  steps?: number;
  /** steps to reach the attractor before anything else */
  transient?: number;
  /** steps for the forward Gram–Schmidt basis to converge (default 50 time units / 500 steps) */
  forwardTransient?: number;
  /** steps after the window where the backward iteration starts (default as forwardTransient) */
  backwardTransient?: number;
  seed?: number;
  /** window steps at which the full vectors (CLVs) or covectors (adjoint) are returned */
  at?: number[];
  batches?: number;
  x0?: Float64Array;
  onProgress?: (done: number, total: number) => void;
}

export interface ClvOptions extends TwoPassOptions {
  /** window steps between angle samples (default: at most 20 000 samples) */
  angleEvery?: number;
  /** override the statistical unstable/neutral split used for the angles */
  unstableDim?: number;
  neutralDim?: number;
}

export interface ClvSnapshot {
  /** window step */
  step: number;
  state: Float64Array;
  /** k unit CLVs, vector j at [j·n, (j+1)·n) (sign: positive along the j-th Gram–Schmidt vector) */
  vectors: Float64Array;
}

/** What both two-pass runs report first: the forward QR exponents over the window. */
export interface TwoPassResult {
  k: number;
  steps: number;
  layout: GinelliLayout;
  perUnitTime: boolean;
  /** forward QR exponents over the window, with batch-means standard errors */
  exponents: Float64Array;
  stderr: Float64Array;
}

export interface ClvResult extends TwoPassResult {
  /** growth rates of the CLVs themselves over the window (equal the exponents: a consistency check) */
  clvExponents: Float64Array;
  unstableDim: number;
  neutralDim: number;
  snapshots: ClvSnapshot[];
  /** smallest principal angle between span(e_1..e_u) and span(e_{u+z+1}..e_k) at the sampled steps, radians */
  angles: Float64Array;
  angleSummary: AngleSummary | null;
  angleEvery: number;
}

/**
 * Covariant Lyapunov vectors by Ginelli's method, with the distribution of angles between the
 * unstable and the stable subspaces (a hyperbolicity diagnostic: angles near 0 are tangencies).
 * Memory: (steps + backwardTransient)·k² doubles for R, k·n per requested snapshot.
 */
export function covariantVectors(sys: DynamicalSystem, opts: ClvOptions = {}): ClvResult {
  const n = sys.dim;
  const k = checkK(sys, opts.k);
  const layout = layoutFrom(sys, opts, stepsFor(sys, 500, 20000));
  const N = layout.steps;
  const at = checkWindowSteps(opt('at'), opts.at ?? [], N);
  const angleEvery = checkCount(opt('angleEvery'), opts.angleEvery ?? Math.max(1, Math.floor(N / 20000)));
  const batches = Math.min(opts.batches ?? 32, N);
  if (batches < 2) throw usage`${opt('steps')} must be at least 2 for standard errors, got ${N}`;
  const { x, orbitRng, root } = startRun(sys, opts.seed ?? 0, opts.transient, opts.x0);
  const fwd = new ForwardGinelli(sys, k, layout, root.split(STREAM.basis), at, batches);
  const T = fwd.totalSteps;
  const progress = opts.onProgress;
  const every = Math.max(1, Math.floor(T / 50));
  // one segment: the orbit is consumed on the fly, only its start is stored
  new CheckpointedOrbit(sys, x, T, orbitRng, {
    segmentSteps: T,
    visit: (xt, t) => {
      fwd.visit(xt, t);
      if (progress && t % every === 0) progress(t, 2 * T);
    },
  });

  const scale = timeScale(sys);
  const { exponents: perStep, stderr: sePerStep } = fwd.exponentsPerStep();
  const split = splitIndices(perStep, sePerStep, sys.kind === 'flow');
  const unstable = opts.unstableDim ?? split.unstable;
  const neutral = opts.neutralDim ?? split.neutral;
  if (!Number.isInteger(unstable) || !Number.isInteger(neutral) || unstable < 0 || neutral < 0 || unstable + neutral > k) {
    throw new UsageError(`unstable (${unstable}) and neutral (${neutral}) dimensions must be non-negative integers with sum <= k = ${k}`);
  }
  const angle = new SubspaceAngle(k, unstable, neutral);
  const angles = new Float64Array(angle.defined ? Math.ceil(N / angleEvery) : 0);
  const growth = new Float64Array(k);
  const snapshots: ClvSnapshot[] = [];
  let done = 0;
  fwd.backward(root.split(STREAM.backwardCoefficients), (w, c, logNorm) => {
    for (let j = 0; j < k; j++) growth[j] -= logNorm[j];
    if (angle.defined && w % angleEvery === 0) angles[w / angleEvery] = angle.angle(c);
    if (fwd.isKept(w)) {
      const vectors = new Float64Array(n * k);
      fwd.vectorsAt(w, c, vectors);
      snapshots.push({ step: w, state: fwd.stateAt(w), vectors });
    }
  }, () => {
    done++;
    if (progress && done % every === 0) progress(T + done, 2 * T);
  });
  snapshots.reverse();
  return {
    k,
    steps: N,
    layout,
    perUnitTime: sys.dt !== null,
    exponents: perStep.map((v) => v * scale),
    stderr: sePerStep.map((v) => v * scale),
    clvExponents: growth.map((g) => (g / N) * scale),
    unstableDim: unstable,
    neutralDim: neutral,
    snapshots,
    angles,
    angleSummary: summariseAngles(angles),
    angleEvery,
  };
}

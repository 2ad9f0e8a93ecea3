import { usage, opt } from '../errors/index.js';
import { BatchMeans } from '../stats/index.js';
import { checkFinite, step, type DynamicalSystem } from '../systems/index.js';
import { TangentFrame } from './frame.js';
import { STREAM, checkCount, checkK, defaultBasisTransient, defaultSpectrumSteps, startRun, timeScale } from './setup.js';
import { summarise } from './summary.js';

export interface SpectrumOptions {
  /** number of exponents (default: the dimension n) */
  k?: number;
  /** steps over which exponents are averaged (default: defaultSpectrumSteps) */
  steps?: number;
  /** steps discarded to reach the attractor (default: the system's) */
  transient?: number;
  /** steps for the random basis to settle onto the Gram–Schmidt vectors before averaging */
  basisTransient?: number;
  /** QR every m steps (exponents use the m-step product; fewer QRs, risk of overflow for large m) */
  qrEvery?: number;
  seed?: number;
  /** batches for the batch-means standard errors (default 32) */
  batches?: number;
  onProgress?: (done: number, total: number) => void;
  /** start from this state (then `transient` defaults to 0) instead of a draw from the initial distribution */
  x0?: Float64Array;
  /** points of the convergence trace (default 64) */
  tracePoints?: number;
}

export interface SpectrumResult {
  /** descending, per step (maps) or per unit time (flows) */
  exponents: Float64Array;
  stderr: Float64Array;
  k: number;
  steps: number;
  perUnitTime: boolean;
  /** running estimates: exponents after `step` averaging steps */
  trace: { step: number; exponents: number[] }[];
  kaplanYorke: number;
  positiveCount: number;
  nearZeroCount: number;
  sumPositive: number;
  qrEvery: number;
  transient: number;
  basisTransient: number;
  /** state after the last step (continue an orbit from here) */
  finalState: Float64Array;
}

/**
 * Lyapunov spectrum by the QR method (Benettin et al. 1980; Shimada–Nagashima 1979): k tangent
 * vectors are propagated with the system's tangent block and re-orthonormalised by Householder QR
 * every `qrEvery` steps; λᵢ = (1/T) Σ log Rᵢᵢ. Standard errors from batch means over QR events.
 * The R diagonal is unique (positive), so Σᵢ log Rᵢᵢ over a step is exactly log|det| of the
 * k-dimensional volume stretching: with k = n, Σλ is the orbit average of log|det J|.
 */
export function lyapunovSpectrum(sys: DynamicalSystem, opts: SpectrumOptions = {}): SpectrumResult {
  const n = sys.dim;
  const k = checkK(sys, opts.k);
  const steps = checkCount(opt('steps'), opts.steps ?? defaultSpectrumSteps(sys, k));
  const qrEvery = checkCount(opt('qrEvery'), opts.qrEvery ?? 1);
  if (qrEvery > steps) throw usage`${opt('qrEvery')} (${qrEvery}) must not exceed ${opt('steps')} (${steps})`;
  const basisTransient = checkCount(opt('basisTransient'), opts.basisTransient ?? defaultBasisTransient(sys), true);
  const events = Math.ceil(steps / qrEvery);
  const batches = checkCount(opt('batches'), opts.batches ?? Math.min(32, events));
  if (batches < 2 || batches > events) throw usage`${opt('batches')} must be between 2 and the number of QR events (${events}), got ${batches}`;
  const transient = opts.transient ?? (opts.x0 ? 0 : sys.defaultTransient);
  const seed = opts.seed ?? 0;
  const { x: x0, orbitRng, root } = startRun(sys, seed, transient, opts.x0);

  const frame = new TangentFrame(sys, k, root.split(STREAM.basis));
  let x: Float64Array = x0;
  let y: Float64Array = new Float64Array(n);
  let index = transient;
  // the basis transient: QR every step so nothing overflows while the random basis aligns
  for (let t = 0; t < basisTransient; t++) {
    frame.advance(x);
    step(sys, x, y, orbitRng);
    checkFinite(y, ++index);
    const tmp = x;
    x = y;
    y = tmp;
  }

  const bm = new BatchMeans(k, events, batches);
  const logs = new Float64Array(k);
  const sums = new Float64Array(k);
  const tracePoints = Math.max(1, Math.min(events, opts.tracePoints ?? 64));
  const traceEvery = Math.max(1, Math.floor(events / tracePoints));
  const trace: { step: number; exponents: number[] }[] = [];
  const scale = timeScale(sys);
  const progressEvery = Math.max(1, Math.floor(steps / 100));
  let done = 0;
  for (let e = 0; e < events; e++) {
    const len = Math.min(qrEvery, steps - done);
    for (let j = 0; j < len; j++) {
      frame.advance(x, j === len - 1);
      step(sys, x, y, orbitRng);
      checkFinite(y, ++index);
      const tmp = x;
      x = y;
      y = tmp;
      done++;
      if (opts.onProgress && done % progressEvery === 0) opts.onProgress(done, steps);
    }
    frame.logDiagonal(logs);
    for (let i = 0; i < k; i++) {
      sums[i] += logs[i];
      logs[i] /= len;
    }
    bm.push(logs);
    if ((e + 1) % traceEvery === 0 || e === events - 1) trace.push({ step: done, exponents: Array.from(sums, (s) => (s / done) * scale) });
  }

  const exponents = Float64Array.from(sums, (s) => (s / steps) * scale);
  const stderr = bm.stderr().map((s) => s * scale);
  return {
    exponents,
    stderr,
    k,
    steps,
    perUnitTime: sys.dt !== null,
    trace,
    ...summarise(exponents, stderr),
    qrEvery,
    transient,
    basisTransient,
    finalState: Float64Array.from(x),
  };
}

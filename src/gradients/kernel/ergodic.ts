import { initialState, type DynamicalSystem } from '../../systems/index.js';
import type { Rng } from '../../random/index.js';
import { resolveObjective } from '../objective.js';
import { selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { chunkSamples } from './horizon.js';
import { ergodicScan } from './ergodicScan.js';
import type { StepWeights } from './weights.js';

export type { StepWeights } from './weights.js';
import { PredictiveBaseline, type PredictSettings } from './predict.js';

/** Steps per call of the scan's run(): many calls let V8 optimise the loop as a function rather than by on-stack replacement. */
const RUN_CHUNK = 4096;

export interface ErgodicOrbitOptions {
  /** decorrelation windows W, ascending: one estimate per window from the same orbit (a scan) */
  windows: number[];
  baseline: boolean;
  /** independent orbits the `steps` are split over */
  orbits: number;
  transient: number;
  batches: number;
  /** the predictive baseline (noise-free forecasts of the window sums, kernel/predict.ts); null: the running mean */
  predict?: PredictSettings | null;
}

/** One window's estimate along one orbit. */
export interface WindowEstimate {
  window: number;
  gradient: Float64Array;
  stderr: Float64Array;
  /** batch-means stderr of this window's gradient minus the previous window's (paired batches); null for the first */
  diffStderr: Float64Array | null;
}

/**
 * One orbit of the ergodic kernel estimator (a runRepeats task):
 *
 *   d⟨Φ⟩/dp ≈ (1/T) Σ_{n<T} u_n·ψ_n,  u_n = (∂f/∂p)(x_n)ᵀ B s(ξ_n)/σ,  ψ_n = Σ_{j=1..W} (Φ(x_{n+j}) − b_n).
 *
 * Indexing: x_{n+1} = f(x_n) + σBξ_n, so the score of ξ_n (weighted by ∂f at x_n) multiplies the
 * W states it moves, x_{n+1} … x_{n+W}. The baseline b_n is the running mean of Φ(x_0 … x_n):
 * it is known before ξ_n is drawn and E[s(ξ_n)] = 0, so it removes variance without any bias.
 *
 * u_n is ONE paramAdjoint of the covector B s(ξ_n)/σ at step n (cost independent of the number
 * of parameters); its selected entries wait in a ring until the windows close. Several windows
 * W₁ < W₂ < … share the orbit and u_n: each keeps a running sum of its last Wᵢ values of Φ, and
 * contribution n of window i is u_n·ψ_n⁽ⁱ⁾ once Φ(x_{n+Wᵢ}) is known — a window scan for a few
 * scalar multiplications per step. Memory O(W_max·P). The orbit runs transient + T + W_max − 1 steps.
 */
export function kernelErgodicOrbit(arg: RepeatArg<ErgodicOrbitOptions>): RepeatOutcome {
  const { system: sys, rng } = repeatContext(arg);
  return windowedOrbit(arg, sys, rng, null);
}

/**
 * The orbit shared by the ergodic kernel (weights null: u_k) and the forward hybrid: contribution m
 * of window i is w_m·ψ_m⁽ⁱ⁾ (+ the pathwise term of step m), pushed once Φ(x_{m+Wᵢ}) is known.
 */
export function windowedOrbit(arg: RepeatArg<ErgodicOrbitOptions>, sys: DynamicalSystem, rng: Rng, weights: StepWeights | null): RepeatOutcome {
  const obj = arg.objective;
  if (obj.kind !== 'average') throw new Error('the windowed ergodic estimators need an average objective');
  const { windows, baseline, transient } = arg.options;
  const K = windows.length, Wmax = windows[K - 1];
  const ob = resolveObjective(sys, obj); // a combined objective (training loss) too
  const sel = selectParams(sys, arg.params);
  const P = sel.indices.length;
  const T = chunkSamples(obj.steps, arg.options.orbits, arg.stream);
  const x0 = initialState(sys, rng, transient);
  // predictive baseline: per slot and window the baseline b and the forecast residual f (for β)
  const pb = baseline && arg.options.predict ? new PredictiveBaseline(sys, ob, windows, arg.options.predict) : null;
  const scan0 = ergodicScan(sys, rng, ob, sel.indices, windows, T, arg.options.batches, baseline, transient, x0, pb, weights);
  const bms = scan0.bms;
  const lastStep = T + Wmax - 1;
  const report = arg.progress, every = Math.max(1, Math.floor(lastStep / 100));
  let nextReport = 0;
  for (let k = 0; k < lastStep; k += RUN_CHUNK) {
    for (; report && nextReport < Math.min(lastStep, k + RUN_CHUNK); nextReport += every) report(nextReport / lastStep);
    scan0.run(k, Math.min(lastStep, k + RUN_CHUNK));
  }
  const first = bms[0].mean(), firstSe = bms[0].stderr();
  const scan: WindowEstimate[] = windows.map((window, i) => ({
    window,
    gradient: i === 0 ? first.slice(0, P) : bms[i].mean(),
    stderr: i === 0 ? firstSe.slice(0, P) : bms[i].stderr(),
    diffStderr: i === 0 ? null : pairedDiffStderr(bms[i - 1].batchRows(), bms[i].batchRows(), P),
  }));
  return {
    value: first[P],
    gradient: scan[0].gradient,
    cost: { steps: transient + lastStep + (pb?.maps ?? 0), tangentSolves: T * (weights?.tangentsPerStep ?? 0), adjointSolves: T * (weights?.adjointsPerStep ?? 1) },
    diagnostics: { steps: T, scan, valueStderr: firstSe[P], ...(pb ? { beta: windows.map((_, i) => pb.beta(i)), forecastMaps: pb.maps } : {}) },
  };
}

/** Standard error of mean(b − a) over paired batch rows (first P entries). */
function pairedDiffStderr(a: Float64Array[], b: Float64Array[], P: number): Float64Array {
  const nb = Math.min(a.length, b.length), se = new Float64Array(P);
  if (nb < 2) return se.fill(Infinity);
  for (let j = 0; j < P; j++) {
    let m = 0;
    for (let q = 0; q < nb; q++) m += b[q][j] - a[q][j];
    m /= nb;
    let ss = 0;
    for (let q = 0; q < nb; q++) ss += (b[q][j] - a[q][j] - m) ** 2;
    se[j] = Math.sqrt(ss / (nb - 1) / nb);
  }
  return se;
}

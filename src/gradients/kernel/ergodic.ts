import { BatchMeans } from '../../stats/index.js';
import { checkFinite, initialState, step, type DynamicalSystem } from '../../systems/index.js';
import type { Rng } from '../../random/index.js';
import { resolveObjective } from '../objective.js';
import { selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { chunkSamples } from './horizon.js';
import { ScoreCovector } from './score.js';
import { PredictiveBaseline, type PredictSettings } from './predict.js';

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

/**
 * What a windowed score estimator needs per step, after the step x_k → x_{k+1} with noise ξ_k:
 * the P score weights of ξ_k (they multiply the window sums ψ_k) and, for an estimator with a
 * pathwise part, P pathwise terms of the step. The kernel's weights are u_k = (∂f/∂p)(x_k)ᵀBs(ξ_k)/σ
 * (`kernelWeights`); the forward path-kernel hybrid's are its absorbed shifts (hybrid/forward.ts).
 */
export interface StepWeights {
  weigh(x: Float64Array, y: Float64Array, xi: Float64Array, w: Float64Array, p: Float64Array, off: number): void;
  readonly pathwise: boolean;
  readonly tangentsPerStep: number;
  readonly adjointsPerStep: number;
}

/** The kernel's weights: ONE paramAdjoint of the covector B s(ξ_k)/σ per step, whatever P. */
export function kernelWeights(sys: DynamicalSystem, indices: ArrayLike<number>): StepWeights {
  const cov = new ScoreCovector(sys);
  const full = new Float64Array(sys.nParams), P = indices.length;
  return {
    pathwise: false,
    tangentsPerStep: 0,
    adjointsPerStep: 1,
    weigh(x, _y, xi, w, _p, off) {
      sys.paramAdjoint(x, cov.set(xi, 1), full);
      for (let j = 0; j < P; j++) w[off + j] = full[indices[j]];
    },
  };
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
  return windowedOrbit(arg, sys, rng, kernelWeights(sys, selectParams(sys, arg.params).indices));
}

/**
 * The orbit loop shared by the ergodic kernel and the forward hybrid: contribution m of window i is
 * w_m·ψ_m⁽ⁱ⁾ (+ the pathwise term of step m), pushed to batch means once Φ(x_{m+Wᵢ}) is known.
 */
export function windowedOrbit(arg: RepeatArg<ErgodicOrbitOptions>, sys: DynamicalSystem, rng: Rng, weights: StepWeights): RepeatOutcome {
  const obj = arg.objective;
  if (obj.kind !== 'average') throw new Error('the windowed ergodic estimators need an average objective');
  const { windows, baseline, transient } = arg.options;
  const K = windows.length, Wmax = windows[K - 1];
  const ob = resolveObjective(sys, obj); // a combined objective (training loss) too
  const sel = selectParams(sys, arg.params);
  const idx = sel.indices, P = idx.length;
  const T = chunkSamples(obj.steps, arg.options.orbits, arg.stream);
  const n = sys.dim, r = sys.noise?.rank ?? 0;

  let x: Float64Array = initialState(sys, rng, transient);
  let y: Float64Array = new Float64Array(n);
  const xi = new Float64Array(r);
  // ring slot k % Wmax holds w_k (selected entries), the pathwise terms, b_k, and Φ(x_{k+1})
  const ringU = new Float64Array(Wmax * P), ringB = new Float64Array(Wmax), ringPhi = new Float64Array(Wmax);
  const ringPath = new Float64Array(weights.pathwise ? Wmax * P : 0);
  // predictive baseline: per slot and window the baseline b and the forecast residual f (for β)
  const pb = baseline && arg.options.predict ? new PredictiveBaseline(sys, ob, windows, arg.options.predict) : null;
  const ringBw = pb ? new Float64Array(Wmax * K) : null, ringF = pb ? new Float64Array(Wmax * K) : null;
  const bms = windows.map((_, i) => new BatchMeans(i === 0 ? P + 1 : P, T, Math.min(arg.options.batches, T)));
  const row = new Float64Array(P + 1); // contribution u_m·ψ_m, then (first window) Φ(x_{m+1}) for ⟨Φ⟩
  const sums = new Float64Array(K); // Σ of the last Wᵢ values of Φ
  let phiSum = ob.value(x), phiCount = 1;
  const lastStep = T + Wmax - 1;
  const report = arg.progress, every = Math.max(1, Math.floor(lastStep / 100));
  for (let k = 0; k < lastStep; k++) {
    if (report && k % every === 0) report(k / lastStep);
    const slot = k % Wmax;
    ringB[slot] = baseline ? phiSum / phiCount : 0;
    if (pb && k < T) pb.at(k, x, ringB[slot], ringBw!, ringF!, slot * K);
    step(sys, x, y, rng, xi);
    checkFinite(y, transient + k + 1);
    if (k < T) weights.weigh(x, y, xi, ringU, ringPath, slot * P);
    const tmp = x;
    x = y;
    y = tmp;
    const phi = ob.value(x);
    phiSum += phi;
    phiCount++;
    // the value leaving window i: Φ(x_{k+1−W}), W slots back (absent during the first W steps);
    // read before this step's Φ overwrites the slot (the same slot when W = W_max)
    for (let i = 0; i < K; i++) sums[i] += phi - (k >= windows[i] ? ringPhi[(k - windows[i]) % Wmax] : 0);
    ringPhi[slot] = phi;
    for (let i = 0; i < K; i++) {
      const W = windows[i];
      if (slot === Wmax - 1) {
        // exact re-sum once per lap keeps the running sums from drifting over 10⁷ steps
        let s = 0;
        for (let j = 0; j < Math.min(W, k + 1); j++) s += ringPhi[(k - j) % Wmax];
        sums[i] = s;
      }
      const m = k + 1 - W; // the step whose window Φ(x_{m+1}) … Φ(x_{m+W}) just completed
      if (m < 0 || m >= T) continue;
      const ms = m % Wmax;
      const psi = sums[i] - (pb ? ringBw![ms * K + i] : W * ringB[ms]);
      if (pb) pb.learn(i, sums[i] - W * ringB[ms], ringF![ms * K + i]);
      for (let j = 0; j < P; j++) row[j] = psi * ringU[ms * P + j];
      if (weights.pathwise) for (let j = 0; j < P; j++) row[j] += ringPath[ms * P + j];
      if (i === 0) row[P] = ringPhi[ms];
      bms[i].push(i === 0 ? row : row.subarray(0, P));
    }
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
    cost: { steps: transient + lastStep + (pb?.maps ?? 0), tangentSolves: T * weights.tangentsPerStep, adjointSolves: T * weights.adjointsPerStep },
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

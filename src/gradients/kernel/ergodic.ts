import { BatchMeans } from '../../stats/index.js';
import { checkFinite, initialState, step } from '../../systems/index.js';
import { resolveObjective } from '../objective.js';
import { selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { chunkSamples } from './horizon.js';
import { ScoreCovector } from './score.js';

export interface ErgodicOrbitOptions {
  /** decorrelation window W */
  window: number;
  baseline: boolean;
  /** independent orbits the `steps` are split over */
  orbits: number;
  transient: number;
  batches: number;
}

/**
 * One orbit of the ergodic kernel estimator (a runRepeats task):
 *
 *   d⟨Φ⟩/dp ≈ (1/T) Σ_{n<T} c_n·ψ_n,  c_n = (∂f/∂p)(x_n)ᵀ B s(ξ_n)/σ,  ψ_n = Σ_{j=1..W} (Φ(x_{n+j}) − b_n).
 *
 * Indexing: x_{n+1} = f(x_n) + σBξ_n, so the score of ξ_n (weighted by ∂f at x_n) multiplies the
 * W states it moves, x_{n+1} … x_{n+W}. The baseline b_n is the running mean of Φ(x_0 … x_n):
 * it is known before ξ_n is drawn and E[s(ξ_n)] = 0, so it removes variance without any bias.
 *
 * One pass with memory O(W·(n + r)): contribution n is completed W steps later, when Φ(x_{n+W})
 * is known; a ring buffer keeps x_n, ξ_n and b_n until then, and the window sum of Φ runs along.
 * Then c_n·ψ_n is ONE paramAdjoint of the covector ψ_n·B s(ξ_n)/σ (cost independent of the
 * number of parameters), and its selected entries go to batch means for the standard error.
 * The orbit runs transient + T + W − 1 steps for T complete contributions.
 */
export function kernelErgodicOrbit(arg: RepeatArg<ErgodicOrbitOptions>): RepeatOutcome {
  const { system: sys, rng } = repeatContext(arg);
  const obj = arg.objective;
  if (obj.kind !== 'average') throw new Error('kernelErgodicOrbit needs an average objective');
  const { window: W, baseline, transient } = arg.options;
  const ob = resolveObjective(sys, obj); // a combined objective (training loss) too
  const sel = selectParams(sys, arg.params);
  const idx = sel.indices, P = idx.length;
  const T = chunkSamples(obj.steps, arg.options.orbits, arg.stream);
  const n = sys.dim, r = sys.noise?.rank ?? 0;
  const cov = new ScoreCovector(sys);

  let x: Float64Array = initialState(sys, rng, transient);
  let y: Float64Array = new Float64Array(n);
  const xi = new Float64Array(r);
  // ring slot k % W holds x_k, ξ_k, b_k, and Φ(x_{k+1})
  const ringX = new Float64Array(W * n), ringXi = new Float64Array(W * r), ringB = new Float64Array(W), ringPhi = new Float64Array(W);
  const xm = new Float64Array(n);
  const full = new Float64Array(sys.nParams);
  const row = new Float64Array(P + 1); // contribution c_m·ψ_m, then Φ(x_{m+1}) for ⟨Φ⟩
  const bm = new BatchMeans(P + 1, T, Math.min(arg.options.batches, T));
  let phiSum = ob.value(x), phiCount = 1;
  let windowSum = 0; // Σ of the last W values of Φ
  const lastStep = T + W - 1;
  const report = arg.progress, every = Math.max(1, Math.floor(lastStep / 100));
  for (let k = 0; k < lastStep; k++) {
    if (report && k % every === 0) report(k / lastStep);
    const slot = k % W;
    for (let i = 0; i < n; i++) ringX[slot * n + i] = x[i];
    ringB[slot] = baseline ? phiSum / phiCount : 0;
    step(sys, x, y, rng, xi);
    checkFinite(y, transient + k + 1);
    for (let i = 0; i < r; i++) ringXi[slot * r + i] = xi[i];
    const tmp = x;
    x = y;
    y = tmp;
    const phi = ob.value(x);
    phiSum += phi;
    phiCount++;
    const old = ringPhi[slot];
    ringPhi[slot] = phi;
    if (slot === W - 1) {
      // exact re-sum once per lap keeps the running sum from drifting over 10⁷ steps
      windowSum = 0;
      for (let j = 0; j < W; j++) windowSum += ringPhi[j];
    } else windowSum += phi - old;
    const m = k + 1 - W; // the step whose window Φ(x_{m+1}) … Φ(x_{m+W}) just completed
    if (m < 0) continue;
    const ms = m % W;
    for (let i = 0; i < n; i++) xm[i] = ringX[ms * n + i];
    sys.paramAdjoint(xm, cov.set(ringXi, windowSum - W * ringB[ms], ms * r), full);
    for (let j = 0; j < P; j++) row[j] = full[idx[j]];
    row[P] = ringPhi[ms];
    bm.push(row);
  }
  const mean = bm.mean(), se = bm.stderr();
  return {
    value: mean[P],
    gradient: mean.slice(0, P),
    cost: { steps: transient + lastStep, tangentSolves: 0, adjointSolves: T },
    diagnostics: { steps: T, stderr: se.slice(0, P), valueStderr: se[P] },
  };
}

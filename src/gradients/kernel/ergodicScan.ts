import { kernels } from '../../linalg/index.js';
import { BatchMeans } from '../../stats/index.js';
import { NonFiniteStateError } from '../../errors/index.js';
import { applyNoise, checkFinite, drawNoise, type DynamicalSystem, type NoiseModel, type Observable, type ScalarStepKernels } from '../../systems/index.js';
import type { Rng } from '../../random/index.js';
import type { PredictiveBaseline } from './predict.js';
import type { StepWeights } from './weights.js';
import { ScoreCovector, requireNoise } from './score.js';

/** Steps whose noise one draw call fills (the generator's state goes to the kernels once per block). */
const NOISE_BLOCK = 4096;

/** One orbit's scan: `run(k0, k1)` advances steps k0 … k1 − 1 (called in order from 0); `bms` holds the rows. */
export interface ErgodicScan {
  readonly bms: BatchMeans[];
  run(k0: number, k1: number): void;
}

/**
 * The per-step work of the ergodic kernel estimator along one orbit (see kernelErgodicOrbit in
 * ergodic.ts for the estimator): the noisy step, the score covector's parameter adjoint u_k into a
 * ring of W_max slots, running window sums of Φ and one batch-means row per completed window.
 *
 * The hot loop is a closure called once per chunk of steps, so V8 optimises it as an ordinary
 * function (a class method here re-entered deoptimised code on every call), and the noise comes in
 * blocks: `drawNoise` fills up to NOISE_BLOCK steps at once, the same numbers in the same order as
 * step() would draw them, so the estimate is bit-for-bit that of the step-by-step loop.
 *
 * A one-dimensional map with scalar kernels (`sys.scalar`) and isotropic noise steps on numbers:
 * map, σξ, wrap, the finiteness check and u_k without vector loops or the score covector — the
 * same operations in the same order, so the same bits (test/gradients/kernel-ergodic-scan.test.ts
 * runs both forms); ≈ 1.3× fewer CPU-seconds for the noisy tent.
 */
export function ergodicScan(
  sys: DynamicalSystem,
  rng: Rng,
  ob: Observable,
  indices: ArrayLike<number>,
  windowList: readonly number[],
  /** samples T: steps whose u_k enters an estimate */
  T: number,
  batches: number,
  baseline: boolean,
  /** index of x0 in the orbit (its transient), for error messages */
  first: number,
  x0: Float64Array,
  /** the predictive baseline, or null for the running mean */
  pb: PredictiveBaseline | null = null,
  /** per-step weights other than the kernel's u_k (the forward hybrid), or null */
  weights: StepWeights | null = null,
): ErgodicScan {
  const noise: NoiseModel = requireNoise(sys);
  const cov = new ScoreCovector(sys);
  const idx = Int32Array.from(indices);
  const P = idx.length;
  const windows = Int32Array.from(windowList);
  const K = windows.length, Wmax = windows[K - 1], r = noise.rank;
  const ringU = new Float64Array(Wmax * P), ringB = new Float64Array(Wmax), ringPhi = new Float64Array(Wmax);
  const full = new Float64Array(sys.nParams);
  const pathwise = weights !== null && weights.pathwise;
  const ringPath = new Float64Array(pathwise ? Wmax * P : 0);
  const bms = windowList.map((_, i) => new BatchMeans(i === 0 ? P + 1 : P, T, Math.min(batches, T)));
  const row = new Float64Array(P + 1); // contribution u_m·ψ_m, then (first window) Φ(x_{m+1}) for ⟨Φ⟩
  const rowP = row.subarray(0, P);
  const sums = new Float64Array(K); // Σ of the last Wᵢ values of Φ
  // predictive baseline: per slot and window the baseline b and the forecast residual f (for β)
  const ringBw = pb ? new Float64Array(Wmax * K) : null, ringF = pb ? new Float64Array(Wmax * K) : null;
  const xi = kernels().f64(NOISE_BLOCK * r);
  // the orbit's two state buffers (swapped each step) and the running sums carried between calls
  const xy = [x0, new Float64Array(sys.dim)];
  const acc = new Float64Array([ob.value(x0), 1, 0]); // Σ Φ so far, their count, ring slot k mod W_max
  const sc = scalarKernels(sys, noise);
  const { sigma, kernel } = noise;
  const invSigma = 1 / sigma; // the score covector's scale/σ with scale 1

  function run(k0: number, k1: number): void {
    let x = xy[0], y = xy[1];
    let phiSum = acc[0], phiCount = acc[1], slot = acc[2];
    let q = 0, qLen = 0;
    for (let k = k0; k < k1; k++) {
      if (q === qLen) {
        // the noise of the next steps up to the end of this call, at most NOISE_BLOCK
        qLen = Math.min(NOISE_BLOCK, k1 - k);
        drawNoise(noise, rng, xi, qLen);
        q = 0;
      }
      const xiOff = q * r;
      q++;
      ringB[slot] = baseline ? phiSum / phiCount : 0;
      if (pb && k < T) pb.at(k, x, ringB[slot], ringBw!, ringF!, slot * K);
      if (sc !== null) {
        // the scalar form of the lines below: y = wrap(f(x) + σξ), 0·y is NaN for ±∞ and NaN
        const x1 = x[0], z = xi[xiOff];
        const v = sc.wrap(sc.map(x1) + sigma * z);
        if (0 + v * 0 !== 0) throw new NonFiniteStateError(first + k + 1, 'trajectory');
        y[0] = v;
        if (k < T && weights === null) {
          sc.paramAdjoint(x1, invSigma * kernel.score(z), full);
          for (let j = 0; j < P; j++) ringU[slot * P + j] = full[idx[j]];
        }
      } else {
        // step(sys, x, y, rng, xi) with this step's drawn noise
        sys.map(x, y);
        applyNoise(noise, xi, xiOff, y);
        sys.wrap(y);
        checkFinite(y, first + k + 1);
        if (k < T && weights === null) {
          sys.paramAdjoint(x, cov.set(xi, 1, xiOff), full);
          for (let j = 0; j < P; j++) ringU[slot * P + j] = full[idx[j]];
        }
      }
      if (k < T && weights !== null) weights.weigh(x, y, xi, xiOff, ringU, ringPath, slot * P);
      const tmp = x;
      x = y;
      y = tmp;
      const phi = ob.value(x);
      phiSum += phi;
      phiCount++;
      // the value leaving window i: Φ(x_{k+1−W}), W slots back (absent during the first W steps);
      // read before this step's Φ overwrites the slot (the same slot when W = W_max)
      for (let i = 0; i < K; i++) {
        const W = windows[i];
        sums[i] += phi - (k >= W ? ringPhi[slot >= W ? slot - W : slot - W + Wmax] : 0);
      }
      ringPhi[slot] = phi;
      for (let i = 0; i < K; i++) {
        const W = windows[i];
        if (slot === Wmax - 1) {
          // exact re-sum once per lap keeps the running sums from drifting over 10⁷ steps
          let s = 0;
          const count = Math.min(W, k + 1);
          for (let j = 0; j < count; j++) s += ringPhi[slot - j]; // slot − j ≥ 0: slot = Wmax − 1 ≥ W − 1
          sums[i] = s;
        }
        const m = k + 1 - W; // the step whose window Φ(x_{m+1}) … Φ(x_{m+W}) just completed
        if (m < 0 || m >= T) continue;
        const ms = slot + 1 >= W ? slot + 1 - W : slot + 1 - W + Wmax; // m mod Wmax
        const psi = sums[i] - (pb ? ringBw![ms * K + i] : W * ringB[ms]);
        if (pb) pb.learn(i, sums[i] - W * ringB[ms], ringF![ms * K + i]);
        for (let j = 0; j < P; j++) row[j] = psi * ringU[ms * P + j];
        if (pathwise) for (let j = 0; j < P; j++) row[j] += ringPath[ms * P + j];
        if (i === 0) row[P] = ringPhi[ms];
        bms[i].push(i === 0 ? row : rowP);
      }
      slot = slot === Wmax - 1 ? 0 : slot + 1;
    }
    // each call draws the noise of its own steps only (qLen ≤ k1 − k): nothing is left over
    xy[0] = x;
    xy[1] = y;
    acc[0] = phiSum;
    acc[1] = phiCount;
    acc[2] = slot;
  }
  return { bms, run };
}

/** The scalar kernels the scan steps on, when the system has them and its noise is isotropic (σ·ξ on the one coordinate); else null. */
export function scalarKernels(sys: DynamicalSystem, noise: NoiseModel): ScalarStepKernels | null {
  return sys.scalar !== undefined && sys.dim === 1 && noise.directions === null ? sys.scalar : null;
}

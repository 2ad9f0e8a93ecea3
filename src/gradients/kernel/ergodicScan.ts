import { kernels } from '../../linalg/index.js';
import type { BatchMeans } from '../../stats/index.js';
import { applyNoise, checkFinite, drawNoise, type DynamicalSystem, type NoiseModel, type Observable } from '../../systems/index.js';
import type { Rng } from '../../random/index.js';
import type { PredictiveBaseline } from './predict.js';
import type { StepWeights } from './weights.js';
import { ScoreCovector, requireNoise } from './score.js';
import { windowRings } from './windows.js';

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
  const K = windowList.length, Wmax = windowList[K - 1], r = noise.rank;
  const full = new Float64Array(sys.nParams);
  const rings = windowRings(windowList, P, T, batches, pb, weights !== null && weights.pathwise);
  const { ringU, ringPath, ringB, ringBw, ringF, close } = rings;
  const xi = kernels().f64(NOISE_BLOCK * r);
  // the orbit's two state buffers (swapped each step) and the running sums carried between calls
  const xy = [x0, new Float64Array(sys.dim)];
  const acc = new Float64Array([ob.value(x0), 1, 0]); // Σ Φ so far, their count, ring slot k mod W_max

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
      // step(sys, x, y, rng, xi) with this step's drawn noise
      sys.map(x, y);
      applyNoise(noise, xi, xiOff, y);
      sys.wrap(y);
      checkFinite(y, first + k + 1);
      if (k < T && weights !== null) weights.weigh(x, y, xi, xiOff, ringU, ringPath, slot * P);
      else if (k < T) {
        sys.paramAdjoint(x, cov.set(xi, 1, xiOff), full);
        for (let j = 0; j < P; j++) ringU[slot * P + j] = full[idx[j]];
      }
      const tmp = x;
      x = y;
      y = tmp;
      const phi = ob.value(x);
      phiSum += phi;
      phiCount++;
      close(k, slot, phi);
      slot = slot === Wmax - 1 ? 0 : slot + 1;
    }
    // each call draws the noise of its own steps only (qLen ≤ k1 − k): nothing is left over
    xy[0] = x;
    xy[1] = y;
    acc[0] = phiSum;
    acc[1] = phiCount;
    acc[2] = slot;
  }
  return { bms: rings.bms, run };
}

import { kernels } from '../../linalg/index.js';
import { NonFiniteStateError } from '../../errors/index.js';
import { drawNoise, type DynamicalSystem, type NoiseModel, type Observable, type ScalarStepKernels } from '../../systems/index.js';
import type { Rng } from '../../random/index.js';
import type { ErgodicScan } from './ergodicScan.js';
import { requireNoise } from './score.js';
import { windowRings } from './windows.js';

/** Steps whose noise one draw call fills (as in ergodicScan.ts). */
const NOISE_BLOCK = 4096;

/**
 * The scalar form of the scan, when it applies: a one-dimensional map with scalar kernels
 * (`sys.scalar`), isotropic noise, the kernel's own weights u_k and the running-mean baseline.
 */
export function scalarScanApplies(sys: DynamicalSystem, predictive: boolean, weighted: boolean): sys is DynamicalSystem & { scalar: ScalarStepKernels } {
  return sys.scalar !== undefined && sys.dim === 1 && sys.noise !== null && sys.noise.directions === null && !predictive && !weighted;
}

/**
 * The ergodic kernel scan of ergodicScan.ts for a one-dimensional map on its scalar kernels: the
 * state, the noise component and the score are numbers, not vectors of length 1 (no array traffic
 * and no vector loops per step). The same operations in the same order as the vector scan with
 * weights null and no predictive baseline — step, wrap, finiteness check, u_k = (∂f/∂p)(x_k)ᵀ s(ξ_k)/σ,
 * Φ, window sums — so the same bits (test/gradients/kernel-ergodic-scan.test.ts compares them).
 */
export function ergodicScanScalar(
  sys: DynamicalSystem & { scalar: ScalarStepKernels },
  rng: Rng,
  ob: Observable,
  indices: ArrayLike<number>,
  windowList: readonly number[],
  T: number,
  batches: number,
  baseline: boolean,
  /** index of x0 in the orbit (its transient), for error messages */
  first: number,
  x0: Float64Array,
): ErgodicScan {
  const noise: NoiseModel = requireNoise(sys);
  const { sigma, kernel } = noise;
  const f = 1 / sigma; // ScoreCovector's scale/σ with scale 1
  const sc = sys.scalar;
  const idx = Int32Array.from(indices);
  const P = idx.length;
  const Wmax = windowList[windowList.length - 1];
  const full = new Float64Array(sys.nParams);
  const rings = windowRings(windowList, P, T, batches, null, false);
  const { ringU, ringB, close } = rings;
  const xi = kernels().f64(NOISE_BLOCK);
  const at = new Float64Array(1); // Φ reads a state vector
  // the state and the running sums carried between calls: x, Σ Φ so far, their count; the ring slot k mod W_max
  at[0] = x0[0];
  const acc = new Float64Array([x0[0], ob.value(at), 1]);
  let slot0 = 0;

  function run(k0: number, k1: number): void {
    let x = acc[0], phiSum = acc[1], phiCount = acc[2], slot = slot0;
    let q = 0, qLen = 0;
    for (let k = k0; k < k1; k++) {
      if (q === qLen) {
        qLen = Math.min(NOISE_BLOCK, k1 - k);
        drawNoise(noise, rng, xi, qLen);
        q = 0;
      }
      const z = xi[q++];
      ringB[slot] = baseline ? phiSum / phiCount : 0;
      // map, applyNoise (isotropic: y + σ·ξ), wrap, checkFinite (0·y is NaN for ±∞ and NaN)
      const y = sc.wrap(sc.map(x) + sigma * z);
      if (0 + y * 0 !== 0) throw new NonFiniteStateError(first + k + 1, 'trajectory');
      if (k < T) {
        sc.paramAdjoint(x, f * kernel.score(z), full);
        for (let j = 0; j < P; j++) ringU[slot * P + j] = full[idx[j]];
      }
      x = y;
      at[0] = x;
      const phi = ob.value(at);
      phiSum += phi;
      phiCount++;
      close(k, slot, phi);
      slot = slot === Wmax - 1 ? 0 : slot + 1;
    }
    acc[0] = x;
    acc[1] = phiSum;
    acc[2] = phiCount;
    slot0 = slot;
  }
  return { bms: rings.bms, run };
}

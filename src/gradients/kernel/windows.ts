import { BatchMeans } from '../../stats/index.js';
import type { PredictiveBaseline } from './predict.js';

/**
 * The window bookkeeping of the ergodic scans (ergodicScan.ts, ergodicScalar.ts), shared by both:
 * the rings of the last W_max steps (per-step weights u, baselines b, values Φ), the running sums of
 * the last Wᵢ values of Φ per window, and one batch-means row per completed window.
 */
export interface WindowRings {
  /** weights u_k of slot k mod W_max (P per slot) */
  readonly ringU: Float64Array;
  /** pathwise terms of slot k mod W_max (P per slot; empty without a pathwise part) */
  readonly ringPath: Float64Array;
  /** running-mean baseline b_k of slot k mod W_max */
  readonly ringB: Float64Array;
  /** predictive baseline: per slot and window the baseline and the forecast residual (null without) */
  readonly ringBw: Float64Array | null;
  readonly ringF: Float64Array | null;
  readonly bms: BatchMeans[];
  /**
   * After step k (slot = k mod W_max) with Φ(x_{k+1}) = phi: updates the window sums and pushes the
   * row of every window whose last value this was, u_m·ψ_m (+ the pathwise term), and for the first
   * window Φ(x_{m+1}) too (for ⟨Φ⟩).
   */
  close(k: number, slot: number, phi: number): void;
}

export function windowRings(
  windowList: readonly number[],
  /** parameters P */
  P: number,
  /** samples T: steps whose u_k enters an estimate */
  T: number,
  batches: number,
  pb: PredictiveBaseline | null,
  pathwise: boolean,
): WindowRings {
  const windows = Int32Array.from(windowList);
  const K = windows.length, Wmax = windows[K - 1];
  const ringU = new Float64Array(Wmax * P), ringB = new Float64Array(Wmax), ringPhi = new Float64Array(Wmax);
  const ringPath = new Float64Array(pathwise ? Wmax * P : 0);
  const ringBw = pb ? new Float64Array(Wmax * K) : null, ringF = pb ? new Float64Array(Wmax * K) : null;
  const bms = windowList.map((_, i) => new BatchMeans(i === 0 ? P + 1 : P, T, Math.min(batches, T)));
  const row = new Float64Array(P + 1); // contribution u_m·ψ_m, then (first window) Φ(x_{m+1}) for ⟨Φ⟩
  const rowP = row.subarray(0, P);
  const sums = new Float64Array(K); // Σ of the last Wᵢ values of Φ

  /** The exact sum of the last min(W, k + 1) values of Φ at the end of a lap (slot W_max − 1): re-summed once per lap, the running sums do not drift over 10⁷ steps. */
  function resum(W: number, k: number): number {
    let s = 0;
    const count = Math.min(W, k + 1);
    for (let j = 0; j < count; j++) s += ringPhi[Wmax - 1 - j]; // ≥ 0: W ≤ W_max
    return s;
  }

  function close(k: number, slot: number, phi: number): void {
    // the value leaving window i is Φ(x_{k+1−W}), W slots back (absent during the first W steps):
    // for W = W_max that is this slot, read before this step's Φ overwrites it
    const leaving = ringPhi[slot];
    ringPhi[slot] = phi;
    for (let i = 0; i < K; i++) {
      const W = windows[i];
      sums[i] += phi - (k < W ? 0 : W === Wmax ? leaving : ringPhi[slot >= W ? slot - W : slot - W + Wmax]);
      if (slot === Wmax - 1) sums[i] = resum(W, k);
      const m = k + 1 - W; // the step whose window Φ(x_{m+1}) … Φ(x_{m+W}) just completed
      if (m < 0 || m >= T) continue;
      const ms = slot + 1 >= W ? slot + 1 - W : slot + 1 - W + Wmax; // m mod Wmax
      const psi = sums[i] - (pb ? ringBw![ms * K + i] : W * ringB[ms]);
      if (pb) pb.learn(i, sums[i] - W * ringB[ms], ringF![ms * K + i]);
      emit(i, ms, psi);
    }
  }

  /** Window i's row for step m (slot ms): u_m·ψ_m (+ the pathwise term), and Φ(x_{m+1}) for the first window. */
  function emit(i: number, ms: number, psi: number): void {
    for (let j = 0; j < P; j++) row[j] = psi * ringU[ms * P + j];
    if (pathwise) for (let j = 0; j < P; j++) row[j] += ringPath[ms * P + j];
    if (i === 0) row[P] = ringPhi[ms];
    bms[i].push(i === 0 ? row : rowP);
  }
  return { ringU, ringPath, ringB, ringBw, ringF, bms, close };
}

import { usage, opt } from '../errors/index.js';
import { CheckpointedOrbit } from '../systems/orbit.js';
import { BatchMeans } from '../stats/index.js';
import type { DynamicalSystem } from '../systems/index.js';
import { TangentFrame } from './frame.js';
import { ForwardGinelli, checkWindowSteps, layoutFrom, type GinelliLayout, type TwoPassOptions, type TwoPassResult } from './clv.js';
import { TriangularHistory, combine, inverseStep, randomUpperTriangular } from './ginelli.js';
import { STREAM, checkCount, checkK, startRun, stepsFor, timeScale } from './setup.js';

/**
 * `steps` is the window over which both spectra are averaged and duality is checked;
 * `forwardTransient` also settles the adjoint coefficient pass, `backwardTransient` the forward one.
 */
export interface AdjointOptions extends TwoPassOptions {
  /** window steps between bi-orthogonality checks (default: about 200 checks) */
  checkEvery?: number;
  /** steps per checkpoint segment of the stored orbit (default ≈ √T) */
  segmentSteps?: number;
}

export interface CovectorSnapshot {
  step: number;
  state: Float64Array;
  /** forward CLVs e_j (unit), vector j at [j·n, (j+1)·n) */
  vectors: Float64Array;
  /** covariant adjoint covectors ε_j (unit), same layout */
  covectors: Float64Array;
}

export interface AdjointResult extends TwoPassResult {
  /** exponents of covectors propagated backward with Jᵀ over the same window */
  adjointExponents: Float64Array;
  adjointStderr: Float64Array;
  /** max_i |λᵢ − λᵢ*| / √(seᵢ² + seᵢ*²): duality holds when this is O(1) */
  dualityResidual: number;
  /** max_i |λᵢ − λᵢ*| in the exponents' units */
  dualityDifference: number;
  /** max over checked steps and i ≠ j of |⟨εᵢ, eⱼ⟩| / (‖εᵢ‖‖eⱼ‖) */
  biorthogonalityResidual: number;
  /** min over checked steps and i of |⟨εᵢ, eᵢ⟩|/(‖εᵢ‖‖eᵢ‖): how far from degenerate the pairing is */
  minPairing: number;
  checks: number;
  snapshots: CovectorSnapshot[];
}

/**
 * Adjoint Lyapunov spectrum and the two dualities, on one stored orbit (CheckpointedOrbit):
 *
 * 1. forward: J(x_t)·Q_t = Q_{t+1}·R_t (QR), then Ginelli's backward pass C_t ∝ R_t⁻¹C_{t+1}
 *    gives the CLVs e_j(t) = Q_t·c_j(t);
 * 2. adjoint: covectors carried backward, J(x_t)ᵀ·P_{t+1} = P_t·S_t (QR), λᵢ* = ⟨log S_ii⟩ —
 *    the singular values of a product and of its transpose agree, so λᵢ* = λᵢ;
 * 3. adjoint Ginelli pass, forward in time: D_{t+1} ∝ S_t⁻¹·D_t from a random upper-triangular
 *    D_0 (because J_tᵀ·P_{t+1}·D_{t+1} = P_t·S_t·D_{t+1}), giving covariant covectors
 *    ε_j(t) = P_t·d_j(t) with J_tᵀ·ε_j(t+1) ∥ ε_j(t).
 * The covectors come from their own QR sequence, random bases and coefficient iteration, not
 * from inverting the CLV matrix, so ⟨εᵢ, eⱼ⟩ = 0 (i ≠ j) is a non-trivial check: it holds only if
 * both constructions converged to the true Oseledets splitting and its dual.
 */
export function adjointSpectrum(sys: DynamicalSystem, opts: AdjointOptions = {}): AdjointResult {
  const n = sys.dim;
  const k = checkK(sys, opts.k);
  const layout = layoutFrom(sys, opts, stepsFor(sys, 500, 20000));
  const { forwardTransient: Tf, steps: N } = layout;
  const checkEvery = checkCount(opt('checkEvery'), opts.checkEvery ?? Math.max(1, Math.floor(N / 200)));
  const checkSteps: number[] = [];
  for (let w = 0; w < N; w += checkEvery) checkSteps.push(w);
  const at = checkWindowSteps(opt('at'), opts.at ?? [], N);
  const kept = [...new Set([...checkSteps, ...at])].sort((a, b) => a - b);
  const batches = Math.min(opts.batches ?? 32, N);
  if (batches < 2) throw usage`${opt('steps')} must be at least 2 for standard errors, got ${N}`;
  const { x, orbitRng, root } = startRun(sys, opts.seed ?? 0, opts.transient, opts.x0);

  // forward pass: orbit checkpoints and the forward QR in one sweep
  const fwd = new ForwardGinelli(sys, k, layout, root.split(STREAM.basis), kept, batches);
  const T = fwd.totalSteps;
  const segmentSteps = checkCount(opt('segmentSteps'), opts.segmentSteps ?? Math.max(1, Math.ceil(Math.sqrt(T))));
  const progress = opts.onProgress;
  const every = Math.max(1, Math.floor(T / 50));
  let done = 0;
  const tick = () => {
    done++;
    if (progress && done % every === 0) progress(done, 4 * T);
  };
  const orbit = new CheckpointedOrbit(sys, x, T, orbitRng, {
    segmentSteps,
    visit: (xt, t) => {
      fwd.visit(xt, t);
      if (t > 0) tick();
    },
  });

  // forward CLVs at the kept steps
  const slot = new Map(kept.map((w, i) => [w, i] as const));
  const E = new Float64Array(kept.length * n * k);
  fwd.backward(root.split(STREAM.backwardCoefficients), (w, c) => {
    const s = slot.get(w);
    if (s !== undefined) fwd.vectorsAt(w, c, E, s * n * k);
  }, tick);

  // adjoint QR pass backward over the recomputed orbit, S_t stored for t ∈ [0, Tf + N)
  const adj = new TangentFrame(sys, k, root.split(STREAM.adjointBasis));
  const sHist = new TriangularHistory(k, 0, Tf + N, 'adjoint S factors');
  const P = new Float64Array(kept.length * n * k);
  const bm = new BatchMeans(k, N, batches);
  const logs = new Float64Array(k);
  const sums = new Float64Array(k);
  const buf = orbit.allocSegment();
  const xt = new Float64Array(n);
  for (let s = orbit.segments - 1; s >= 0; s--) {
    const len = orbit.segment(s, buf);
    const start = orbit.segmentStart(s);
    for (let j = len - 1; j >= 0; j--) {
      const t = start + j;
      for (let i = 0; i < n; i++) xt[i] = buf.states[j * n + i];
      adj.advanceAdjoint(xt); // P_{t+1} → P_t, S_t
      if (t < Tf + N) sHist.store(t, adj.r);
      const w = t - Tf;
      if (w >= 0 && w < N) {
        adj.logDiagonal(logs);
        for (let i = 0; i < k; i++) sums[i] += logs[i];
        bm.push(logs);
        const sl = slot.get(w);
        if (sl !== undefined) P.set(adj.q, sl * n * k);
      }
      tick();
    }
  }

  // adjoint Ginelli pass forward in time: D_{t+1} ∝ S_t⁻¹·D_t; ε(t) = P_t·D_t
  const d = randomUpperTriangular(k, root.split(STREAM.adjointCoefficients));
  const logNorm = new Float64Array(k);
  const eps = new Float64Array(n * k);
  let biorth = 0, minPairing = Infinity, checks = 0;
  const snapshots: CovectorSnapshot[] = [];
  const atSet = new Set(at);
  for (let t = 0; t <= Tf + N - 1; t++) {
    const w = t - Tf;
    const sl = w >= 0 ? slot.get(w) : undefined;
    if (sl !== undefined) {
      combine(P, sl * n * k, d, n, k, eps);
      const off = sl * n * k;
      if (w % checkEvery === 0) {
        checks++;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            let dot = 0, ne = 0, nv = 0;
            for (let a = 0; a < n; a++) {
              dot += eps[i * n + a] * E[off + j * n + a];
              ne += eps[i * n + a] ** 2;
              nv += E[off + j * n + a] ** 2;
            }
            const cos = Math.abs(dot) / Math.sqrt(ne * nv);
            if (i === j) minPairing = Math.min(minPairing, cos);
            else biorth = Math.max(biorth, cos);
          }
        }
      }
      if (atSet.has(w)) snapshots.push({ step: w, state: fwd.stateAt(w), vectors: E.slice(off, off + n * k), covectors: eps.slice() });
    }
    // D_{t+1} from D_t: the inverse iteration with S_t (the covectors' backward growth, read forward)
    inverseStep(sHist.data, sHist.offset(t), d, k, logNorm);
    tick();
  }

  const scale = timeScale(sys);
  const { exponents: fe, stderr: fse } = fwd.exponentsPerStep();
  const exponents = fe.map((v) => v * scale);
  const stderr = fse.map((v) => v * scale);
  const adjointExponents = sums.map((v) => (v / N) * scale);
  const adjointStderr = bm.stderr().map((v) => v * scale);
  let dualityResidual = 0, dualityDifference = 0;
  for (let i = 0; i < k; i++) {
    const diff = Math.abs(exponents[i] - adjointExponents[i]);
    dualityDifference = Math.max(dualityDifference, diff);
    const se = Math.hypot(stderr[i], adjointStderr[i]);
    dualityResidual = Math.max(dualityResidual, se > 0 ? diff / se : diff === 0 ? 0 : Infinity);
  }
  return {
    k,
    steps: N,
    layout,
    perUnitTime: sys.dt !== null,
    exponents,
    stderr,
    adjointExponents,
    adjointStderr,
    dualityResidual,
    dualityDifference,
    biorthogonalityResidual: biorth,
    minPairing,
    checks,
    snapshots,
  };
}

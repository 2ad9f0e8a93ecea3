import { failure, opt } from '../../errors/index.js';
import type { Rng } from '../../random/index.js';
import type { DynamicalSystem, Observable } from '../../systems/index.js';
import { CheckpointedOrbit } from '../../systems/orbit.js';
import { solveNilsasKkt, type NilsasKkt } from './kkt.js';
import { schurConditionNumber } from './schur.js';
import { allocStats, allocSums, NilsasSweeper, type AdjointStats, type SegmentSums } from './segments.js';

/** Power/inverse iterations of the condition estimate (a lower bound, usually within a factor 2). */
const CONDITION_ITERATIONS = 10;

export interface NilsasTrajectorySpec {
  readonly observable: Observable;
  /** homogeneous adjoints (unstable directions, + 1 for a flow's neutral one) */
  readonly M: number;
  readonly segmentSteps: number;
  /** flows: impose Σ⟨v_n, dt·F(x_n)⟩ = 0 (the neutral-direction constraint); false only to study it */
  readonly neutral: boolean;
  /** estimate the Schur complement's condition number (a diagnostic: up to 10 extra solves of the Schur system) */
  readonly condition: boolean;
  /** index of x₀ in the whole run, for error messages */
  readonly firstIndex?: number;
}

export interface NilsasTrajectory {
  /** ⟨Φ⟩ = (1/T)Σ_{n=1..T} Φ(x_n) */
  value: number;
  /** (1/T)Σ_{n=0}^{T−1} (∂f/∂p)(x_n)ᵀ v_{n+1} over the FULL parameter vector */
  gradient: Float64Array;
  /** the least-squares problem and its solution (for tests and diagnostics) */
  kkt: NilsasKkt;
  a: Float64Array[];
  mu: number | null;
  /** relative shift δ of the Schur complement when it was numerically singular (0 normally) */
  regularisation: number;
  /** relative violation of continuity by the solved coefficients (≈1e-16 when the solve is accurate) */
  continuityResidual: number;
  stats: AdjointStats;
  schurCondition: number | null;
  segments: number;
  segmentSteps: number;
  primalSteps: number;
  adjointSolves: number;
  checkpointBytes: number;
  /** checkpoints + segment buffer + stored interface blocks + least-squares data + sweep buffers */
  memoryBytes: number;
}

/**
 * NILSAS along one orbit of `steps` steps from x₀ (not modified), in three passes:
 *  1. forward, storing checkpoints (CheckpointedOrbit) and summing Φ;
 *  2. backward, segment by segment from the end: the block [W, v*] (M+1 adjoints) is swept back,
 *     the least-squares sums are collected, and at each interface W is re-orthonormalised (W = QR)
 *     and v* made orthogonal to Q; the renormalised block is kept as the earlier segment's terminal;
 *  3. after the KKT solve for the a_k, each segment is swept once more with the single exact adjoint
 *     v = v* + Q·a_k from its stored terminal value, accumulating (∂f/∂p)ᵀv for every parameter.
 * The random terminal W at x_T is drawn from `basisRng`. With M = 0 this is exactly BPTT.
 */
export function nilsasTrajectory(
  sys: DynamicalSystem,
  x0: Float64Array,
  steps: number,
  rng: Rng | null,
  basisRng: Rng,
  spec: NilsasTrajectorySpec,
): NilsasTrajectory {
  const { observable, M } = spec;
  const n = sys.dim;
  const first = spec.firstIndex ?? 0;
  const neutral = spec.neutral && sys.kind === 'flow';
  const segmentSteps = Math.min(steps, spec.segmentSteps);
  let sum = 0;
  const orbit = new CheckpointedOrbit(sys, x0, steps, rng, {
    segmentSteps,
    visit: (x, i) => {
      if (i > 0) sum += observable.value(x);
    },
    firstIndex: first,
  });
  const value = sum / steps;
  const K = orbit.segments;
  const buf = orbit.allocSegment();
  const sweeper = new NilsasSweeper(sys, M, observable, neutral);
  const width = (M + 1) * n;
  // terminal block [Q_k, v*_k] of every segment: where pass 3 restarts
  const terminals = new Float64Array(K * width);
  const sums: SegmentSums[] = new Array(K);
  const R = Array.from({ length: K - 1 }, () => new Float64Array(M * M));
  const b = Array.from({ length: K - 1 }, () => new Float64Array(M));
  let primalSteps = steps;

  for (let k = K - 1; k >= 0; k--) {
    const len = orbit.segment(k, buf);
    primalSteps += len;
    if (k === K - 1) {
      terminalBlock(sweeper, buf.states.subarray(len * n, (len + 1) * n), basisRng);
      terminals.set(sweeper.block, k * width);
    }
    const s = allocSums(M, neutral);
    sweeper.homogeneousPass(buf.states, len, k > 0, s);
    NilsasSweeper.finishSums(s, M);
    sums[k] = s;
    if (k > 0) {
      checkFiniteBlock(sweeper.block, k, first + orbit.segmentStart(k));
      sweeper.renormalise(R[k - 1], b[k - 1]);
      terminals.set(sweeper.block, (k - 1) * width);
    }
  }

  const kkt: NilsasKkt = {
    M,
    C: sums.map((x) => x.C),
    d: sums.map((x) => x.d),
    R,
    b,
    ...(neutral ? { e: sums.map((x) => x.e!), g: sums.map((x) => x.g) } : {}),
  };
  const sol = solveNilsasKkt(kkt);
  const schurCondition = spec.condition ? schurConditionNumber(kkt, CONDITION_ITERATIONS) : null;

  const gradient = new Float64Array(sys.nParams);
  const stats = allocStats();
  const v = new Float64Array(n);
  for (let k = K - 1; k >= 0; k--) {
    const len = orbit.segment(k, buf);
    primalSteps += len;
    // v = v*_k + Q_k·a_k at the segment's last state
    const off = k * width;
    for (let i = 0; i < n; i++) v[i] = terminals[off + M * n + i];
    const a = sol.a[k];
    for (let j = 0; j < M; j++) for (let i = 0; i < n; i++) v[i] += a[j] * terminals[off + j * n + i];
    sweeper.gradientPass(buf.states, len, v, gradient, stats, value);
  }
  for (let q = 0; q < gradient.length; q++) {
    gradient[q] /= steps;
    if (!Number.isFinite(gradient[q])) throw failure`NILSAS gradient is non-finite over a ${steps}-step orbit: use shorter ${opt('segmentSteps')} or a smaller ${opt('M')}`;
  }

  const kktBytes = 8 * K * (2 * M * M + 3 * M + 1);
  const memoryBytes = orbit.checkpointBytes + 8 * (buf.states.length + buf.xi.length) + terminals.byteLength + kktBytes + sweeper.bufferBytes + 8 * (sys.nParams + n);
  return {
    value,
    gradient,
    kkt,
    a: sol.a,
    mu: sol.mu,
    regularisation: sol.regularisation,
    continuityResidual: sol.continuityResidual,
    stats,
    schurCondition,
    segments: K,
    segmentSteps,
    primalSteps,
    adjointSolves: sweeper.adjointSolves,
    checkpointBytes: orbit.checkpointBytes,
    memoryBytes,
  };
}

/** Terminal block at x_T: W random orthonormal (Gaussian, then QR), v* = ∇Φ(x_T) made orthogonal to W. */
function terminalBlock(sweeper: NilsasSweeper, xT: Float64Array, basisRng: Rng): void {
  const { n, M } = sweeper;
  const block = sweeper.block;
  basisRng.fillNormal(block, 0, M * n);
  const grad = new Float64Array(n);
  sweeper.observable.gradient(xT, grad);
  block.set(grad, M * n);
  // R and b of the terminal are not needed: a_K is free
  sweeper.renormalise(new Float64Array(M * M), new Float64Array(M));
}

function checkFiniteBlock(block: Float64Array, k: number, stepIndex: number): void {
  let s = 0;
  for (let i = 0; i < block.length; i++) s += block[i] * 0; // NaN·0 and ∞·0 are NaN
  if (s !== 0) {
    throw failure`NILSAS adjoints became non-finite in segment ${k} (after step ${stepIndex}): use shorter ${opt('segmentSteps')}`;
  }
}

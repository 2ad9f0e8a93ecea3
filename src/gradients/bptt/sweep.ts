import { failure, opt } from '../../errors/index.js';
import { norm2 } from '../../linalg/index.js';
import type { Observable } from '../../systems/index.js';
import type { CheckpointedOrbit } from '../../systems/orbit.js';
import { AdjointSteps } from '../adjointSteps.js';

/** What the backward sweep differentiates and which fixes it applies. */
export interface SweepSpec {
  readonly observable: Observable;
  /** weight of each source ∇Φ(xₙ): 1/T for an average, 1 for a horizon */
  readonly weight: number;
  /** first state index with a source (1 for an average over x₁..x_T, T for a horizon Φ(x_T)) */
  readonly firstSource: number;
  /** bound on ‖ν‖/weight, the adjoint of the un-normalised objective (per-step clipping) */
  readonly clipStep?: number;
  /** chunk length of truncated BPTT ("detach every K steps") */
  readonly truncate?: number;
  /** parameter adjoints summed in blocks of steps (AdjointSteps; absent: its rule) */
  readonly paramBlocks?: boolean;
}

export interface SweepStats {
  /** largest ‖νₙ‖ met in the sweep (of the normalised objective) */
  adjointNormMax: number;
  /** ‖ν_T‖ where the sweep starts and ‖ν₁‖ where it ends */
  adjointNormStart: number;
  adjointNormEnd: number;
  /** steps at which per-step clipping was active */
  clippedSteps: number;
  /** backward (adjoint) steps and recomputed primal steps */
  adjointSolves: number;
  recomputedSteps: number;
  /** bytes of the recomputation buffers (the checkpoints are counted by the orbit) */
  bufferBytes: number;
}

/**
 * The discrete adjoint of an orbit, walked segment by segment in reverse (each segment recomputed
 * from its checkpoint): ν_T = w∇Φ(x_T), νₘ = J(xₘ)ᵀν_{m+1} + w∇Φ(xₘ), and the parameter gradient
 * Σₘ (∂f/∂p)(xₘ)ᵀν_{m+1} is ADDED to `grad` (length nParams): one `backward` call per step, or
 * for many parameters the state adjoint per step and the parameter sums per block (AdjointSteps).
 * Noise enters additively, so it changes the states (replayed by the orbit) but not the Jacobians.
 */
export function adjointSweep(orbit: CheckpointedOrbit, spec: SweepSpec, grad: Float64Array): SweepStats {
  const sys = orbit.sys;
  const n = sys.dim;
  const T = orbit.steps;
  const { observable, weight, firstSource } = spec;
  const clipAt = spec.clipStep === undefined ? Infinity : spec.clipStep * weight;
  const K = spec.truncate ?? 0;
  const buf = orbit.allocSegment();
  const nu = new Float64Array(n);
  const outX = new Float64Array(n);
  const steps = new AdjointSteps(sys, (sum) => {
    for (let q = 0; q < sum.length; q++) grad[q] += sum[q];
  }, spec.paramBlocks);
  const source = new Float64Array(n);
  const xs = new Float64Array(n);
  const stats: SweepStats = {
    adjointNormMax: 0,
    adjointNormStart: 0,
    adjointNormEnd: 0,
    clippedSteps: 0,
    adjointSolves: 0,
    recomputedSteps: 0,
    bufferBytes: buf.states.byteLength + buf.xi.byteLength + 6 * 8 * n + (steps.blocked ? steps.bytes : 8 * sys.nParams),
  };

  /** Clips ν and records its norm; an overflowed adjoint is a runtime failure naming the fix. */
  const settle = (m: number): number => {
    let norm = norm2(nu);
    if (!Number.isFinite(norm)) {
      throw failure`BPTT adjoint overflowed ${T - m} steps back from the end of a ${T}-step orbit (it grows like e^(λ₁·t)): shorten ${opt('steps')}/${opt('horizon')} or use ${opt('clipStep')}/${opt('truncate')}`;
    }
    if (norm > clipAt) {
      const s = clipAt / norm;
      for (let i = 0; i < n; i++) nu[i] *= s;
      norm = clipAt;
      stats.clippedSteps++;
    }
    if (norm > stats.adjointNormMax) stats.adjointNormMax = norm;
    return norm;
  };

  for (let s = orbit.segments - 1; s >= 0; s--) {
    const recomputed = orbit.recomputedSteps;
    const len = orbit.segment(s, buf);
    stats.recomputedSteps += orbit.recomputedSteps - recomputed;
    const start = orbit.segmentStart(s);
    if (s === orbit.segments - 1) {
      // ν_T from the last state
      for (let i = 0; i < n; i++) xs[i] = buf.states[len * n + i];
      if (T >= firstSource) {
        observable.gradient(xs, source);
        for (let i = 0; i < n; i++) nu[i] = weight * source[i];
      }
      stats.adjointNormStart = settle(T);
      stats.adjointNormEnd = stats.adjointNormStart;
    }
    for (let j = len - 1; j >= 0; j--) {
      const m = start + j; // step m maps x_m to x_{m+1}; nu holds ν_{m+1}
      for (let i = 0; i < n; i++) xs[i] = buf.states[j * n + i];
      steps.step(xs, nu, outX);
      stats.adjointSolves++;
      if (m === 0) break; // x₀ is held fixed: ν₀ is not needed
      // truncated BPTT: x_m starts a chunk, so nothing flows back through it
      if (K > 0 && m % K === 0) nu.fill(0);
      else nu.set(outX);
      if (m >= firstSource) {
        observable.gradient(xs, source);
        for (let i = 0; i < n; i++) nu[i] += weight * source[i];
      }
      stats.adjointNormEnd = settle(m);
    }
  }
  steps.flush();
  for (let q = 0; q < grad.length; q++) {
    if (!Number.isFinite(grad[q])) throw failure`BPTT gradient overflowed over a ${T}-step orbit: shorten ${opt('steps')}/${opt('horizon')} or use ${opt('clipStep')}/${opt('truncate')}`;
  }
  return stats;
}

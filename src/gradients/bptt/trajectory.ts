import type { Rng } from '../../random/index.js';
import type { DynamicalSystem, Observable } from '../../systems/index.js';
import { CheckpointedOrbit } from '../../systems/orbit.js';
import { adjointSweep, type SweepStats } from './sweep.js';

export interface TrajectorySpec {
  readonly observable: Observable;
  /** 'average': J = (1/T)Σ_{n=1..T} Φ(xₙ); 'horizon': J = Φ(x_T) */
  readonly kind: 'average' | 'horizon';
  readonly clipStep?: number;
  readonly truncate?: number;
  /** parameter adjoints summed in blocks of steps (sweep.ts; absent: the rule) */
  readonly paramBlocks?: boolean;
  /** checkpoint spacing; default ⌈√T⌉ */
  readonly segmentSteps?: number;
  /** index of x₀ in the whole run (after a transient), for error messages */
  readonly firstIndex?: number;
}

export interface TrajectoryGradient {
  value: number;
  /** dJ/dp over the FULL parameter vector (x₀ and the noise held fixed) */
  gradient: Float64Array;
  sweep: SweepStats;
  /** primal steps: forward pass plus recomputation */
  primalSteps: number;
  segments: number;
  segmentSteps: number;
  /** checkpoints plus recomputation buffers */
  memoryBytes: number;
}

/** Default checkpoint spacing: ⌈√T⌉ balances checkpoint memory against the segment buffer. */
export function defaultSegmentSteps(steps: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(steps)));
}

/**
 * BPTT along one orbit of `steps` steps from x₀ (not modified), with the noise drawn from `rng`:
 * a checkpointed forward pass accumulating J, then the segment-wise adjoint sweep.
 */
export function bpttTrajectory(sys: DynamicalSystem, x0: Float64Array, steps: number, rng: Rng | null, spec: TrajectorySpec): TrajectoryGradient {
  const { observable, kind } = spec;
  let sum = 0;
  const visit = kind === 'average'
    ? (x: Float64Array, n: number) => {
        if (n > 0) sum += observable.value(x);
      }
    : (x: Float64Array, n: number) => {
        if (n === steps) sum = observable.value(x);
      };
  const segmentSteps = Math.min(steps, spec.segmentSteps ?? defaultSegmentSteps(steps));
  const orbit = new CheckpointedOrbit(sys, x0, steps, rng, { segmentSteps, visit, firstIndex: spec.firstIndex ?? 0 });
  const gradient = new Float64Array(sys.nParams);
  const sweep = adjointSweep(
    orbit,
    {
      observable,
      weight: kind === 'average' ? 1 / steps : 1,
      firstSource: kind === 'average' ? 1 : steps,
      clipStep: spec.clipStep,
      truncate: spec.truncate,
      paramBlocks: spec.paramBlocks,
    },
    gradient,
  );
  return {
    value: kind === 'average' ? sum / steps : sum,
    gradient,
    sweep,
    primalSteps: steps + sweep.recomputedSteps,
    segments: orbit.segments,
    segmentSteps,
    memoryBytes: orbit.checkpointBytes + sweep.bufferBytes,
  };
}

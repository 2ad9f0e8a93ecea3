import { UsageError } from '../../errors/index.js';
import { hybridEstimator, type HybridOptions } from '../../gradients/hybrid/index.js';
import { DEFAULT_ALPHA, DEFAULT_ORBIT_MEMORY_MIB, DEFAULT_SPLIT } from '../../gradients/hybrid/options.js';
import { num, str } from '../args.js';
import type { MethodAdapter } from './method.js';
import { predictChoice } from './predict.js';

function sweepChoice(v: string | undefined): 'forward' | 'backward' | undefined {
  if (v === undefined || v === 'forward' || v === 'backward') return v;
  throw new UsageError(`unknown --sweep '${v}' (valid: forward, backward)`);
}

export const hybridMethod: MethodAdapter<HybridOptions> = {
  estimator: hybridEstimator,
  options: {
    split: { type: 'string', group: 'method', choices: ['pathkernel', 'shadowing'], default: DEFAULT_SPLIT, description: 'how the perturbation is split between kernel and adjoint' },
    alpha: { type: 'string', group: 'method', kind: 'number', min: 0, max: 1, value: 'α', default: DEFAULT_ALPHA, description: 'path-kernel fraction (with --split pathkernel)' },
    u: { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'U', default: 'exponents λᵢ > −λ₁/2', description: 'unstable directions given to the kernel (with --split shadowing)' },
    window: { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'W', unit: 'steps', default: '10 for maps, 1 time unit for flows', description: 'ergodic decorrelation window' },
    repeats: { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'R', default: 1, description: 'independent orbits (stderr across them when >= 2, else batch means)' },
    'segment-steps': { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'S', unit: 'steps', default: '≈ √T', description: 'checkpoint segment length' },
    'basis-transient': { type: 'string', group: 'method', kind: 'integer', min: 0, value: 'N', unit: 'steps', description: 'steps for the Gram–Schmidt frame to settle (shadowing)' },
    predict: { type: 'string', group: 'method', choices: ['auto', 'on', 'off'], default: 'auto', description: 'ergodic: subtract noise-free forecasts of the window sums (auto: when a pilot finds they pay)' },
    sweep: { type: 'string', group: 'method', choices: ['forward', 'backward'], default: 'for ≤ 4 parameters of an ergodic path-kernel estimate predicted from the run\'s work counts: backward for ≥ 2 parameters or one parameter of a system of ≤ 8 dimensions whose orbit fits --orbit-memory, forward otherwise or where the backward window would be floored longer; else backward', description: 'forward: one tangent per parameter, window scanned on one orbit; backward: one adjoint pass for all parameters' },
    'orbit-memory': { type: 'string', group: 'method', kind: 'number', min: 0, value: 'MiB', unit: 'MiB per orbit', default: DEFAULT_ORBIT_MEMORY_MIB, description: 'memory for keeping the forward orbit instead of recomputing it (0: recompute)' },
  },
  parse(values) {
    const split = str(values, 'split') ?? DEFAULT_SPLIT;
    if (split !== 'pathkernel' && split !== 'shadowing') throw new UsageError(`unknown --split '${split}' (valid: pathkernel, shadowing)`);
    if (split === 'pathkernel' && values.u !== undefined) throw new UsageError('--u goes with --split shadowing');
    if (split === 'shadowing' && values.alpha !== undefined) throw new UsageError('--alpha goes with --split pathkernel');
    return {
      split,
      alpha: num(values, 'alpha', undefined, { min: 0, max: 1 }),
      u: num(values, 'u', undefined, { integer: true, min: 1 }),
      window: num(values, 'window', undefined, { integer: true, min: 1 }),
      repeats: num(values, 'repeats', undefined, { integer: true, min: 1 }),
      segmentSteps: num(values, 'segment-steps', undefined, { integer: true, min: 1 }),
      basisTransient: num(values, 'basis-transient', undefined, { integer: true, min: 0 }),
      orbitMemory: num(values, 'orbit-memory', undefined, { min: 0 }),
      predict: predictChoice(str(values, 'predict')),
      sweep: sweepChoice(str(values, 'sweep')),
    };
  },
};

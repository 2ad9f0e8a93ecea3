import { UsageError } from '../../errors/index.js';
import { hybridEstimator, type HybridOptions } from '../../gradients/hybrid/index.js';
import { DEFAULT_SPLIT } from '../../gradients/hybrid/options.js';
import { num, str } from '../args.js';
import type { MethodAdapter } from './method.js';

export const hybridMethod: MethodAdapter<HybridOptions> = {
  estimator: hybridEstimator,
  options: {
    split: { type: 'string' },
    alpha: { type: 'string' },
    u: { type: 'string' },
    window: { type: 'string' },
    repeats: { type: 'string' },
    'segment-steps': { type: 'string' },
    'basis-transient': { type: 'string' },
    'orbit-memory': { type: 'string' },
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
    };
  },
};

import { kernelEstimator, needsNoise, type KernelOptions } from '../../gradients/index.js';

import { flag, num, type OptionValues } from '../args.js';
import type { MethodAdapter } from './method.js';

/**
 * `grad <system> --method kernel --noise σ [--kernel K] [--noise-dirs ones|FILE] [--window W]
 *  [--steps T | --horizon L --samples N] [--repeats R] [--no-baseline]`
 */
export const kernelMethod: MethodAdapter<KernelOptions> = {
  estimator: kernelEstimator,
  options: {
    window: { type: 'string' },
    repeats: { type: 'string' },
    'no-baseline': { type: 'boolean' },
  },
  // the score estimator's variance is large: a useful default orbit is long
  defaultSteps: (req) => (req.system.dt !== null ? Math.round(1000 / req.system.dt) : 100000),
  parse(values: OptionValues, req) {
    if (req.system.noise === null) throw needsNoise();
    return {
      window: num(values, 'window', undefined, { integer: true, min: 1 }),
      repeats: num(values, 'repeats', undefined, { integer: true, min: 1 }),
      baseline: !flag(values, 'no-baseline'),
    };
  },
};

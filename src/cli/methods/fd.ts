import { fdEstimator, type FdOptions } from '../../gradients/index.js';
import { flag, num, type OptionValues } from '../args.js';
import type { MethodAdapter } from './method.js';

/**
 * `grad <system> --method fd [--h STEP] [--richardson] [--batches B]`
 * --h is an absolute step for every entry; without it hᵢ = 0.01·max(|pᵢ|, 1).
 */
export const fdMethod: MethodAdapter<FdOptions> = {
  estimator: fdEstimator,
  options: {
    h: { type: 'string' },
    richardson: { type: 'boolean' },
    batches: { type: 'string' },
  },
  parse(values: OptionValues): FdOptions {
    return {
      h: num(values, 'h', undefined, { above: 0 }),
      richardson: flag(values, 'richardson'),
      batches: num(values, 'batches', undefined, { integer: true, min: 2 }),
    };
  },
};

import { fdEstimator, type FdOptions } from '../../gradients/index.js';
import { DEFAULT_BATCHES } from '../../gradients/fd.js';
import { flag, num, type OptionValues } from '../args.js';
import type { MethodAdapter } from './method.js';

/**
 * `grad <system> --method fd [--h STEP] [--richardson] [--batches B]`
 * --h is an absolute step for every entry; without it hᵢ = 0.01·max(|pᵢ|, 1).
 */
export const fdMethod: MethodAdapter<FdOptions> = {
  estimator: fdEstimator,
  options: {
    h: { type: 'string', group: 'method', kind: 'number', above: 0, value: 'STEP', default: '0.01·max(|p|, 1)', description: 'absolute finite-difference step for every entry' },
    richardson: { type: 'boolean', group: 'method', description: 'Richardson extrapolation (steps h and h/2)' },
    batches: { type: 'string', group: 'method', kind: 'integer', min: 2, value: 'B', default: DEFAULT_BATCHES, description: 'independent batches for the confidence interval' },
  },
  parse(values: OptionValues): FdOptions {
    return {
      h: num(values, 'h', undefined, { above: 0 }),
      richardson: flag(values, 'richardson'),
      batches: num(values, 'batches', undefined, { integer: true, min: 2 }),
    };
  },
};

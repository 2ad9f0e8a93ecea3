import { bpttEstimator, type BpttOptions } from '../../gradients/index.js';
import { num, type OptionValues } from '../args.js';
import type { MethodAdapter } from './method.js';

/**
 * `grad <system> --method bptt [--repeats R] [--clip C] [--clip-step c] [--truncate K] [--l2 W] [--ensemble E]`
 * The fixes are baselines (biased on purpose); docs/gradients.md says what each computes.
 */
export const bpttMethod: MethodAdapter<BpttOptions> = {
  estimator: bpttEstimator,
  options: {
    repeats: { type: 'string' },
    clip: { type: 'string' },
    'clip-step': { type: 'string' },
    truncate: { type: 'string' },
    l2: { type: 'string' },
    ensemble: { type: 'string' },
  },
  // the BPTT gradient grows like e^(λ₁T): a short default orbit keeps it representable (20 time units, 200 steps)
  defaultSteps: (req) => (req.system.dt !== null ? Math.round(20 / req.system.dt) : 200),
  parse(values: OptionValues): BpttOptions {
    return {
      repeats: num(values, 'repeats', undefined, { integer: true, min: 1 }),
      clip: num(values, 'clip', undefined, { above: 0 }),
      clipStep: num(values, 'clip-step', undefined, { above: 0 }),
      truncate: num(values, 'truncate', undefined, { integer: true, min: 1 }),
      l2: num(values, 'l2', undefined, { min: 0 }),
      ensemble: num(values, 'ensemble', undefined, { integer: true, min: 1 }),
    };
  },
};

import { bpttEstimator, type BpttOptions } from '../../gradients/index.js';
import { DEFAULT_REPEATS } from '../../gradients/bptt/options.js';
import { num, type OptionValues } from '../args.js';
import type { MethodAdapter } from './method.js';

/**
 * `grad <system> --method bptt [--repeats R] [--clip C] [--clip-step c] [--truncate K] [--l2 W] [--ensemble E]`
 * The fixes are baselines (biased on purpose); docs/gradients.md says what each computes.
 */
export const bpttMethod: MethodAdapter<BpttOptions> = {
  estimator: bpttEstimator,
  options: {
    repeats: { type: 'string', group: 'method', kind: 'integer', min: 1, default: DEFAULT_REPEATS, description: 'independent trajectories for the standard error' },
    clip: { type: 'string', group: 'method', kind: 'number', above: 0, value: 'C', description: 'global norm clipping of each trajectory\'s gradient (biased baseline)' },
    'clip-step': { type: 'string', group: 'method', kind: 'number', above: 0, value: 'c', description: 'per-step adjoint norm clipping (biased baseline)' },
    truncate: { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'K', unit: 'steps', description: 'truncated BPTT: detach every K steps (biased baseline)' },
    l2: { type: 'string', group: 'method', kind: 'number', min: 0, value: 'W', default: 0, description: 'add W·|p|² to the objective' },
    ensemble: { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'E', description: 'average over E trajectories of T/E steps (Lea et al. 2000)' },
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

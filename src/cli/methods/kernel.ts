import { kernelEstimator, needsNoise, type KernelOptions } from '../../gradients/index.js';
import { DEFAULT_WINDOW } from '../../gradients/kernel/index.js';
import { flag, num, str, type OptionValues } from '../args.js';
import type { MethodAdapter } from './method.js';
import { predictChoice } from './predict.js';

/**
 * `grad <system> --method kernel --noise σ [--kernel K] [--noise-dirs ones|FILE] [--window W]
 *  [--steps T | --horizon L --samples N] [--repeats R] [--no-baseline]`
 */
export const kernelMethod: MethodAdapter<KernelOptions> = {
  estimator: kernelEstimator,
  options: {
    window: { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'W', unit: 'steps', default: DEFAULT_WINDOW, description: 'decorrelation window of the ergodic form: bias decays with W, variance grows like W' },
    repeats: { type: 'string', group: 'method', kind: 'integer', min: 1, value: 'R', default: 1, description: 'independent orbits sharing the steps (finite horizon: blocks of samples)' },
    predict: { type: 'string', group: 'method', choices: ['auto', 'on', 'off'], default: 'auto', description: 'ergodic: subtract noise-free forecasts of the window sums (auto: when a pilot finds they pay)' },
    'no-baseline': { type: 'boolean', group: 'method', description: 'do not subtract a baseline from Φ (larger variance, same mean)' },
  },
  // the score estimator's variance is large: a useful default orbit is long
  defaultSteps: (req) => (req.system.dt !== null ? Math.round(1000 / req.system.dt) : 100000),
  parse(values: OptionValues, req) {
    if (req.system.noise === null) throw needsNoise();
    return {
      window: num(values, 'window', undefined, { integer: true, min: 1 }),
      repeats: num(values, 'repeats', undefined, { integer: true, min: 1 }),
      baseline: !flag(values, 'no-baseline'),
      predict: predictChoice(str(values, 'predict')),
    };
  },
};

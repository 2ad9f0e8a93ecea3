import type { GradientEstimator, GradientRequest } from '../../gradients/index.js';
import type { OptionValues } from '../args.js';
import type { OptionDecls } from '../options.js';

/**
 * How the CLI reaches one gradient method: its own options and their parsing into the
 * estimator's options object. The numerics live in src/gradients; this is only argument handling.
 */
export interface MethodAdapter<O = any> {
  readonly estimator: GradientEstimator<O>;
  readonly options: OptionDecls;
  /** default --steps for an average objective when the user gives none */
  defaultSteps?(req: Omit<GradientRequest, 'objective'>): number;
  parse(values: OptionValues, req: Omit<GradientRequest, 'objective'>): O;
}

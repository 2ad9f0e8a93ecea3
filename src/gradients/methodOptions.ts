import { checkOptionKeys } from '../systems/index.js';
import type { GradientEstimator } from './types.js';

/**
 * The option names of an estimator, as a record that must list every key of its options type
 * (`satisfies Record<keyof O, true>`): a new option that is not listed here fails to compile
 * instead of being rejected at run time.
 */
export type OptionKeys<O> = Record<keyof O, true>;

/** Rejects unknown option keys (a typo such as `windw` must not be silently ignored). */
export function checkMethodOptions(estimator: Pick<GradientEstimator<unknown>, 'name' | 'optionKeys'>, options: unknown): void {
  if (options === undefined) return;
  checkOptionKeys(`${estimator.name} options`, options as object, estimator.optionKeys ?? []);
}

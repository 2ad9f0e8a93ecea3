import { bpttEstimator } from './bptt.js';
import type { BpttOptions } from './bptt/options.js';
import { fdEstimator, type FdOptions } from './fd.js';
import { hybridEstimator } from './hybrid/index.js';
import type { HybridOptions } from './hybrid/options.js';
import { kernelEstimator, type KernelOptions } from './kernel/index.js';
import { checkMethodOptions } from './methodOptions.js';
import { nilsasEstimator } from './nilsas/index.js';
import type { NilsasOptions } from './nilsas/options.js';
import { getEstimator } from './registry.js';
import type { GradientEstimator, GradientRequest, GradientResult } from './types.js';

/**
 * A gradient method as a typed value: the estimator with its options, checked once when the value
 * is made (unknown keys are a UsageError naming the valid ones):
 *
 *     const g = await estimate(request, hybrid({ split: 'pathkernel', alpha: 0.5 }));
 */
export interface Method<O = unknown> {
  readonly estimator: GradientEstimator<O>;
  readonly options: Readonly<O>;
}

function method<O>(estimator: GradientEstimator<O>, options: O): Method<O> {
  checkMethodOptions(estimator as GradientEstimator<unknown>, options);
  return Object.freeze({ estimator, options: Object.freeze({ ...options }) });
}

export const bptt = (options: BpttOptions = {}): Method<BpttOptions> => method(bpttEstimator, options);
export const fd = (options: FdOptions = {}): Method<FdOptions> => method(fdEstimator, options);
export const nilsas = (options: NilsasOptions = {}): Method<NilsasOptions> => method(nilsasEstimator, options);
export const kernel = (options: KernelOptions = {}): Method<KernelOptions> => method(kernelEstimator, options);
export const hybrid = (options: HybridOptions = {}): Method<HybridOptions> => method(hybridEstimator, options);

/** A method by name with options from data (a config file, the CLI's method options). */
export function methodByName(name: string, options: Record<string, unknown> = {}): Method<Record<string, unknown>> {
  return method(getEstimator(name) as GradientEstimator<Record<string, unknown>>, options);
}

/** Runs a method on a request: the one entry point for every estimator. */
export function estimate<O>(request: GradientRequest, m: Method<O>): Promise<GradientResult> {
  return m.estimator.estimate(request, m.options as O);
}

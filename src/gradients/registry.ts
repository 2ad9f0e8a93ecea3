import { unknownName } from '../errors/index.js';
import type { GradientEstimator } from './types.js';
import { kernelEstimator } from './kernel/index.js';
import { bpttEstimator } from './bptt.js';
import { fdEstimator } from './fd.js';
import { hybridEstimator } from './hybrid/index.js';
import { nilsasEstimator } from './nilsas/index.js';

/**
 * Every gradient estimator, by name. A static list (no self-registration side effects): a new
 * method is one import and one entry here.
 */
const ESTIMATORS: readonly GradientEstimator<any>[] = [kernelEstimator, bpttEstimator, fdEstimator, hybridEstimator, nilsasEstimator];

export function estimatorNames(): string[] {
  return ESTIMATORS.map((e) => e.name);
}

export function getEstimator(name: string): GradientEstimator<any> {
  const e = ESTIMATORS.find((x) => x.name === name);
  if (!e) unknownName('method', name, estimatorNames());
  return e;
}

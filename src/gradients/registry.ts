import { unknownName } from '../errors/index.js';
import type { GradientEstimator } from './types.js';

/** Every gradient estimator by name; a new method registers itself with one line here. */
const ESTIMATORS = new Map<string, GradientEstimator<any>>();

export function registerEstimator(e: GradientEstimator<any>): void {
  ESTIMATORS.set(e.name, e);
}

export function estimatorNames(): string[] {
  return [...ESTIMATORS.keys()];
}

export function getEstimator(name: string): GradientEstimator<any> {
  const e = ESTIMATORS.get(name);
  if (!e) unknownName('method', name, estimatorNames());
  return e;
}

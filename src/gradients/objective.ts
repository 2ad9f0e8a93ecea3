import { UsageError, requirePositiveInteger } from '../errors/index.js';
import { findObservable, type DynamicalSystem, type Observable } from '../systems/index.js';
import type { Objective } from './types.js';

/** Validates an objective against a system; returns its observable. */
export function resolveObjective(sys: DynamicalSystem, objective: Objective): Observable {
  const ob = findObservable(sys, objective.observable);
  if (objective.kind === 'average') {
    requirePositiveInteger('--steps', objective.steps);
    if (objective.transient !== undefined) requirePositiveInteger('--transient', objective.transient, true);
  } else if (objective.kind === 'horizon') {
    requirePositiveInteger('--horizon', objective.horizon);
    requirePositiveInteger('--samples', objective.samples);
  } else {
    throw new UsageError(`unknown objective kind '${(objective as { kind: string }).kind}'`);
  }
  return ob;
}

export function transientOf(sys: DynamicalSystem, objective: Objective): number {
  return objective.kind === 'average' ? (objective.transient ?? sys.defaultTransient) : 0;
}

export function describeObjective(o: Objective): string {
  return o.kind === 'average' ? `⟨${o.observable}⟩ over ${o.steps} steps` : `E[${o.observable}(x_${o.horizon})] over ${o.samples} samples`;
}

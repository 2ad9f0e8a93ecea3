import { UsageError, requirePositiveInteger, opt } from '../errors/index.js';
import { findObservable, type DynamicalSystem, type Observable } from '../systems/index.js';
import type { Objective, ObservableTerm } from './types.js';

/** Ψ(x) = Σ weight·Φ(x)^power with its gradient. */
export function combinedObservable(sys: DynamicalSystem, name: string, terms: readonly ObservableTerm[]): Observable {
  if (terms.length === 0) throw new UsageError('an objective combination needs at least one term');
  const obs = terms.map((t) => {
    if (!Number.isFinite(t.weight)) throw new UsageError(`objective term ${t.observable}: weight must be finite`);
    const power = t.power ?? 1;
    if (!Number.isInteger(power) || power < 1) throw new UsageError(`objective term ${t.observable}: power must be a positive integer`);
    return { ob: findObservable(sys, t.observable), weight: t.weight, power };
  });
  const g = new Float64Array(sys.dim);
  return {
    name,
    description: terms.map((t) => `${t.weight}·${t.observable}${(t.power ?? 1) !== 1 ? `^${t.power}` : ''}`).join(' + '),
    value(x) {
      let s = 0;
      for (const t of obs) s += t.weight * t.ob.value(x) ** t.power;
      return s;
    },
    gradient(x, out) {
      out.fill(0);
      for (const t of obs) {
        t.ob.gradient(x, g);
        const c = t.weight * (t.power === 1 ? 1 : t.power * t.ob.value(x) ** (t.power - 1));
        for (let i = 0; i < out.length; i++) out[i] += c * g[i];
      }
    },
  };
}

/** Validates an objective against a system; returns its observable. */
export function resolveObjective(sys: DynamicalSystem, objective: Objective): Observable {
  const ob = objective.terms ? combinedObservable(sys, objective.observable, objective.terms) : findObservable(sys, objective.observable);
  if (objective.kind === 'average') {
    requirePositiveInteger(opt('steps'), objective.steps);
    if (objective.transient !== undefined) requirePositiveInteger(opt('transient'), objective.transient, true);
  } else if (objective.kind === 'horizon') {
    requirePositiveInteger(opt('horizon'), objective.horizon);
    requirePositiveInteger(opt('samples'), objective.samples);
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

import { UsageError } from '../../src/errors/index.js';
import { CostMeter, makeResult, selectParams, type GradientEstimator, type GradientRequest } from '../../src/gradients/index.js';
import { Rng } from '../../src/random/index.js';
import type { DynamicalSystem } from '../../src/systems/index.js';

/**
 * Closed forms of the AR(1) process x' = a·x + c + σξ (the `linear` system): mean m = c/(1−a),
 * variance v = σ²/(1−a²), ⟨x²⟩ = v + m², with their derivatives in a and c.
 */
export function linearMoments(a: number, c: number, sigma: number): { m: number; m2: number; dm: [number, number]; dm2: [number, number] } {
  const m = c / (1 - a);
  const v = (sigma * sigma) / (1 - a * a);
  const dm: [number, number] = [c / (1 - a) ** 2, 1 / (1 - a)];
  const dv: [number, number] = [(2 * a * sigma * sigma) / (1 - a * a) ** 2, 0];
  return { m, m2: v + m * m, dm, dm2: [dv[0] + 2 * m * dm[0], dv[1] + 2 * m * dm[1]] };
}

/** ⟨Φ^p⟩ and its (a, c) gradient for Φ ∈ {x0, mean, sum} (all equal x) with p ≤ 2, or meansq. */
function moment(sys: DynamicalSystem, observable: string, power: number): { value: number; grad: [number, number] } {
  const mo = linearMoments(sys.p[0], sys.p[1], sys.noise?.sigma ?? 0);
  const order = observable === 'meansq' ? 2 * power : ['x0', 'mean', 'sum'].includes(observable) ? power : NaN;
  if (order === 1) return { value: mo.m, grad: mo.dm };
  if (order === 2) return { value: mo.m2, grad: mo.dm2 };
  throw new UsageError(`exact linear estimator: no closed form for ⟨${observable}^${power}⟩`);
}

/**
 * An exact "estimator" of ∇⟨Ψ⟩ on `linear` (tests of the training loop that must not depend on
 * the real methods). With `noise` s > 0 it adds N(0, s²) to every entry from the request's seed
 * and reports s as the standard error, like an honest stochastic estimator.
 */
export function exactLinearEstimator(noise = 0): GradientEstimator<Record<string, unknown>> {
  return {
    name: 'exact-linear',
    description: 'closed-form gradient of AR(1) statistics (tests only)',
    async estimate(req: GradientRequest) {
      const meter = new CostMeter();
      const sel = selectParams(req.system, req.params);
      const o = req.objective;
      if (o.kind !== 'average') throw new UsageError('exact linear estimator: average objectives only');
      const terms = o.terms ?? [{ observable: o.observable, weight: 1, power: 1 }];
      let value = 0;
      const full = [0, 0];
      for (const t of terms) {
        const mo = moment(req.system, t.observable, t.power ?? 1);
        value += t.weight * mo.value;
        full[0] += t.weight * mo.grad[0];
        full[1] += t.weight * mo.grad[1];
      }
      const gradient = Float64Array.from(sel.indices, (i) => full[i]);
      let stderr: Float64Array | null = null;
      if (noise > 0) {
        const rng = new Rng(req.seed);
        for (let i = 0; i < gradient.length; i++) gradient[i] += noise * rng.normal();
        stderr = new Float64Array(gradient.length).fill(noise);
      }
      meter.steps = o.steps;
      return makeResult('exact-linear', req, sel, { value, valueStderr: null, gradient, stderr, cost: meter });
    },
  };
}

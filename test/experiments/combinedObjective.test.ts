import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getEstimator, type Objective } from '../../src/gradients/index.js';
import { createSystem, type DynamicalSystem } from '../../src/systems/index.js';

/**
 * Training differentiates a combination Ψ = Σ wₖΦₖ^pₖ in one estimator call (the loss weights).
 * Every estimator the experiments train with must accept it, and since each is linear in the
 * observable for a fixed seed (same orbit, same noise), the combination's gradient must equal the
 * same combination of the single-observable gradients — an identity that catches an estimator
 * that ignores the terms and differentiates the named observable instead.
 */

async function grad(method: string, sys: DynamicalSystem, objective: Objective, options: Record<string, unknown>): Promise<Float64Array> {
  const r = await getEstimator(method).estimate({ system: sys, objective, params: sys.params.filter((p) => p.size === 1).map((p) => p.name), seed: 5 }, options);
  return r.gradient;
}

const CASES: { method: string; system: string; options: Record<string, unknown>; noise: number; a: string; b: string; objective: 'average' | 'horizon' }[] = [
  // a short orbit: BPTT through Hénon (λ₁ = 0.42) would overflow over 2000 steps
  { method: 'bptt', system: 'henon', options: {}, noise: 0, a: 'x0', b: 'x1', objective: 'horizon' },
  // a fixed window: a planned one follows each observable's correlation time, so differs between the three calls
  { method: 'kernel', system: 'ni9', options: { window: 10 }, noise: 0.5, a: 'x0', b: 'x3', objective: 'average' },
  { method: 'kernel', system: 'ni9', options: { repeats: 2 }, noise: 0.5, a: 'x0', b: 'x3', objective: 'horizon' },
  { method: 'hybrid', system: 'ni9', options: { split: 'pathkernel', alpha: 0.5, window: 10 }, noise: 0.5, a: 'x0', b: 'x3', objective: 'average' },
  { method: 'nilsas', system: 'lorenz63', options: { M: 2, repeats: 2, spectrumSteps: 0, segmentSteps: 200 }, noise: 0, a: 'z', b: 'x', objective: 'average' },
];

describe('combined objectives (the training loss) in every estimator', () => {
  for (const c of CASES) {
    it(`${c.method} (${c.objective}): ∇⟨2·${c.a} − 0.5·${c.b}²⟩ = 2∇⟨${c.a}⟩ − 0.5∇⟨${c.b}²⟩`, async () => {
      const sys = createSystem(c.system, c.noise > 0 ? { noise: c.noise } : {});
      const size = c.objective === 'average' ? { kind: 'average' as const, steps: 2000, transient: 100 } : { kind: 'horizon' as const, horizon: 10, samples: 200 };
      const one = (observable: string, power: number) => grad(c.method, sys, { ...size, observable: 'part', terms: [{ observable, weight: 1, power }] }, c.options);
      const ga = await one(c.a, 1);
      const gb = await one(c.b, 2);
      const combined = await grad(c.method, sys, { ...size, observable: 'loss', terms: [{ observable: c.a, weight: 2 }, { observable: c.b, weight: -0.5, power: 2 }] }, c.options);
      for (let i = 0; i < combined.length; i++) {
        const expected = 2 * ga[i] - 0.5 * gb[i];
        assert.ok(Math.abs(combined[i] - expected) <= 1e-9 * Math.max(1, Math.abs(expected), Math.abs(2 * ga[i]), Math.abs(0.5 * gb[i])), `entry ${i}: ${combined[i]} vs ${expected}`);
      }
      // and the combination is not just the first term (which a name-only lookup would return)
      assert.ok(combined.some((g, i) => Math.abs(g - ga[i]) > 1e-6 * Math.max(1, Math.abs(g))), 'the combined gradient equals a single term');
    });
  }
});

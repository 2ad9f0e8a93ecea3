import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTrainConfig, train } from '../../../src/optim/index.js';
import { createSystem, simulate } from '../../../src/systems/index.js';

/** Small noisy instances of the zoo, the parameters trained, and the estimator. */
const CASES = [
  // the tent lattice's attractor scales with h1: a growing target keeps it far from its repeller
  { name: 'plrnn', dim: 3, noise: 0.05, params: ['h1'], method: 'kernel', factor: 1.25, lr: 0.05 },
  { name: 'plrnn-clipped', dim: 3, noise: 0.1, params: ['h1', 'A'], method: 'hybrid', factor: 0.8, lr: 0.05 },
  { name: 'gru', dim: 6, noise: 0.05, params: ['bz', 'bh'], method: 'hybrid', factor: 0.8, lr: 0.05 },
  { name: 'mlp-ode', dim: 6, noise: 0.05, params: ['bout'], method: 'hybrid', factor: 0.8, lr: 0.1 },
];

describe('the zoo trains', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.method} gradients move ⟨meansq⟩ toward a target ${c.factor}× its start`, async () => {
      const sys = createSystem(c.name, { dim: c.dim, noise: c.noise });
      const start = simulate(sys, { steps: 20000, seed: 3, observables: ['meansq'] }).averages.meansq;
      const target = c.factor * start;
      const r = await train(parseTrainConfig({
        system: { name: c.name, dim: c.dim, noise: c.noise },
        params: c.params,
        loss: [{ observable: 'meansq', target }],
        estimator: { method: c.method, steps: 4000 },
        optimizer: { name: 'adam', lr: c.lr },
        ema: { beta: 0.5 },
        iterations: 12,
        seed: 2,
        evaluation: { steps: 20000 },
      }));
      const first = r.records[0];
      assert.ok(r.records.every((rec) => Number.isFinite(rec.loss) && Number.isFinite(rec.gradNorm)));
      const drop = first.loss - r.final.loss;
      assert.ok(drop > 3 * Math.hypot(first.lossStderr, r.final.lossStderr), `${c.name}: loss ${first.loss} ± ${first.lossStderr} → ${r.final.loss} ± ${r.final.lossStderr}`);
    });
  }
});

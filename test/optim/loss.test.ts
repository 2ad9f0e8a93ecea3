import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NonFiniteStateError } from '../../src/errors/index.js';
import { evaluateLoss, lossObjective, measureStatistics, squaredErrorLoss } from '../../src/optim/index.js';
import { createSystem } from '../../src/systems/index.js';
import { exactLinearEstimator, linearMoments } from './linearExact.js';

const SIGMA = 0.5;
const linear = (a: number, c: number) => createSystem('linear', { set: { a, c }, noise: SIGMA });

describe('squared-error loss of statistics', () => {
  it('value, ∂L/∂S = 2w(S − target) and noise floor Σ w·se² by hand', () => {
    const loss = squaredErrorLoss([
      { observable: 'x0', target: 1 },
      { observable: 'x0', power: 2, target: 3, weight: 0.5 },
    ]);
    assert.deepEqual(loss.statistics, [{ observable: 'x0', power: 1 }, { observable: 'x0', power: 2 }]);
    assert.equal(loss.value([2, 1]), 1 + 0.5 * 4);
    const d = new Float64Array(2);
    loss.gradient([2, 1], d);
    assert.deepEqual(Array.from(d), [2, -2]);
    assert.equal(loss.noiseFloor([0.1, 0.2]), 0.1 ** 2 + 0.5 * 0.2 ** 2);
  });

  it('the combined objective Ψ = Σ (∂L/∂Sₖ)Φₖ^pₖ gives ∇L: exact gradient vs finite differences of L(θ)', async () => {
    // L(a, c) = (⟨x⟩ − 3)² + 0.5(⟨x²⟩ − 10)² with closed-form statistics
    const loss = squaredErrorLoss([
      { observable: 'x0', target: 3 },
      { observable: 'x0', power: 2, target: 10, weight: 0.5 },
    ]);
    const L = (a: number, c: number) => {
      const m = linearMoments(a, c, SIGMA);
      return loss.value([m.m, m.m2]);
    };
    const [a, c] = [0.6, 0.9];
    const m = linearMoments(a, c, SIGMA);
    const objective = lossObjective(loss, [m.m, m.m2], { kind: 'average', steps: 1000, transient: 10 });
    assert.equal(objective.kind, 'average');
    assert.deepEqual(objective.terms?.map((t) => t.power), [1, 2]);
    const r = await exactLinearEstimator().estimate({ system: linear(a, c), objective, params: ['a', 'c'], seed: 0 }, {});
    const h = 1e-6;
    const fd = [(L(a + h, c) - L(a - h, c)) / (2 * h), (L(a, c + h) - L(a, c - h)) / (2 * h)];
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(r.gradient[i] - fd[i]) < 1e-6 * Math.max(1, Math.abs(fd[i])), `entry ${i}: ${r.gradient[i]} vs ${fd[i]}`);
  });

  it('a horizon objective keeps its horizon and samples', () => {
    const loss = squaredErrorLoss([{ observable: 'mean', target: 0 }]);
    const o = lossObjective(loss, [0.5], { kind: 'horizon', horizon: 7, samples: 30 });
    assert.deepEqual(o, { kind: 'horizon', observable: 'loss', terms: [{ observable: 'mean', weight: 1, power: 1 }], horizon: 7, samples: 30 });
  });
});

describe('measured statistics against the closed forms of AR(1)', () => {
  const stats = [{ observable: 'x0', power: 1 }, { observable: 'x0', power: 2 }, { observable: 'meansq', power: 1 }];
  const [a, c] = [0.5, 1];
  const exact = linearMoments(a, c, SIGMA);

  it('time averages agree with m = c/(1−a) and ⟨x²⟩ = σ²/(1−a²) + m² within 4 standard errors', () => {
    const r = measureStatistics(linear(a, c), stats, { kind: 'average', steps: 40000 }, 3);
    const ref = [exact.m, exact.m2, exact.m2];
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(r.values[k] - ref[k]) < 4 * r.stderr[k], `statistic ${k}: ${r.values[k]} ± ${r.stderr[k]} vs ${ref[k]}`);
    assert.equal(r.values[1], r.values[2]); // x0² and meansq are the same function in one dimension
    assert.equal(r.steps, 40000 + 100);
  });

  it('the standard errors are calibrated: z-scores over 40 independent runs have unit spread', () => {
    // statistics and a correlated combination (⟨x⟩ and ⟨x²⟩ are strongly correlated when m ≠ 0)
    const comb = [2, -0.5];
    const refComb = comb[0] * exact.m + comb[1] * exact.m2;
    const z: number[][] = [[], [], []];
    for (let s = 0; s < 40; s++) {
      const r = measureStatistics(linear(a, c), stats.slice(0, 2), { kind: 'average', steps: 5000 }, 100 + s);
      z[0].push((r.values[0] - exact.m) / r.stderr[0]);
      z[1].push((r.values[1] - exact.m2) / r.stderr[1]);
      z[2].push((comb[0] * r.values[0] + comb[1] * r.values[1] - refComb) / r.stderrOf(comb));
    }
    for (const zs of z) {
      const rms = Math.sqrt(zs.reduce((t, v) => t + v * v, 0) / zs.length);
      // batch-means errors with 32 batches: rms z ≈ 1 (a 40-run estimate lies in [0.7, 1.4] with > 99% probability)
      assert.ok(rms > 0.7 && rms < 1.4, `rms z-score ${rms}`);
    }
  });

  it('finite-horizon statistics: E[x_L] = c(1 − a^L)/(1 − a) from x₀ ~ N(0, 1), within 4 standard errors', () => {
    const L = 3;
    const r = measureStatistics(linear(a, c), [{ observable: 'x0', power: 1 }], { kind: 'horizon', horizon: L, samples: 4000 }, 8);
    const ref = (c * (1 - a ** L)) / (1 - a);
    assert.ok(Math.abs(r.values[0] - ref) < 4 * r.stderr[0], `${r.values[0]} ± ${r.stderr[0]} vs ${ref}`);
    assert.equal(r.steps, 4000 * L);
  });

  it('evaluateLoss: delta-method error of L and its noise floor; a blow-up names the step', () => {
    const loss = squaredErrorLoss([{ observable: 'x0', target: 1 }]);
    const e = evaluateLoss(linear(a, c), loss, { kind: 'average', steps: 20000 }, 1);
    assert.ok(Math.abs(e.statistics[0] - exact.m) < 4 * e.statisticsStderr[0]);
    // L = (S − 1)², dL/dS = 2(S − 1): the loss error is |2(S − 1)|·se(S)
    assert.ok(Math.abs(e.lossStderr - Math.abs(2 * (e.statistics[0] - 1)) * e.statisticsStderr[0]) < 1e-12);
    assert.equal(e.lossNoiseFloor, e.statisticsStderr[0] ** 2);
    assert.throws(() => measureStatistics(createSystem('linear', { set: { a: 3 } }), [{ observable: 'x0', power: 1 }], { kind: 'average', steps: 5000, transient: 0 }, 0), NonFiniteStateError);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareIntervals, interval95, trainingSeeds } from '../../src/experiments/seedStudy.js';
import { referenceOptimum } from '../../src/experiments/referenceOptimum.js';
import { createSystem } from '../../src/systems/index.js';

describe('seed studies', () => {
  it('interval95: mean ± t(0.975, n − 1)·sd/√n', () => {
    const i = interval95([1, 2, 3, 4, 5]);
    // sd = √2.5, t(0.975, 4) = 2.7764
    const half = 2.7764451 * Math.sqrt(2.5) / Math.sqrt(5);
    assert.ok(Math.abs(i.mean - 3) < 1e-12);
    assert.ok(Math.abs(i.hi - 3 - half) < 1e-6 && Math.abs(3 - i.lo - half) < 1e-6, `${i.lo} ${i.hi}`);
    assert.equal(i.n, 5);
    assert.ok(Number.isNaN(interval95([1]).lo));
    assert.equal(compareIntervals({ mean: 1, lo: 0.5, hi: 1.5, n: 5 }, { mean: 3, lo: 2, hi: 4, n: 5 }), 'below');
    assert.equal(compareIntervals({ mean: 3, lo: 2, hi: 4, n: 5 }, { mean: 1, lo: 0.5, hi: 1.5, n: 5 }), 'above');
    assert.equal(compareIntervals({ mean: 1, lo: 0.5, hi: 2.5, n: 5 }, { mean: 3, lo: 2, hi: 4, n: 5 }), 'overlapping');
  });

  it('training seeds are distinct streams of the experiment seed, reproducible', () => {
    const a = trainingSeeds(3, 5);
    assert.equal(new Set(a).size, 5);
    assert.deepEqual(trainingSeeds(3, 5), a);
    assert.notDeepEqual(trainingSeeds(4, 5), a);
  });

  it('referenceOptimum finds the exact trade-off optimum of AR(1) targets that cannot both be met', () => {
    // x ↦ 0.5x + c + ξ: ⟨x⟩ = μ = 2c, ⟨x²⟩ = 4/3 + μ². Targets ⟨x⟩ = 1, ⟨x²⟩ = 1 conflict (⟨x²⟩ ≥ 4/3):
    // L(μ) = (μ − 1)² + (1/3 + μ²)², minimal where 4μ³ + (10/3)μ − 2 = 0
    let mu = 0.5;
    for (let k = 0; k < 50; k++) mu -= (4 * mu ** 3 + (10 / 3) * mu - 2) / (12 * mu ** 2 + 10 / 3);
    const exactC = mu / 2;
    const sys = createSystem('linear', { noise: 1 });
    const terms = [{ observable: 'x0', power: 1, target: 1 }, { observable: 'x0', power: 2, target: 1 }];
    const r = referenceOptimum(sys, ['c'], terms, { steps: 200_000, transient: 100, iterations: 4, h: [0.05], seed: 2 });
    assert.ok(Math.abs(r.theta[0] - exactC) < 4 * r.thetaStderr[0] + 1e-3, `c* = ${r.theta[0]} ± ${r.thetaStderr[0]}, exact ${exactC}`);
    assert.ok(r.thetaStderr[0] > 0 && r.thetaStderr[0] < 0.01, `stderr ${r.thetaStderr[0]}`);
    const exactLoss = (mu - 1) ** 2 + (1 / 3 + mu ** 2) ** 2;
    assert.ok(Math.abs(r.loss - exactLoss) < 4 * r.lossStderr + 0.01, `loss ${r.loss} ± ${r.lossStderr}, exact ${exactLoss}`);
    // from c = 1 (μ = 2) the first full Gauss–Newton step is accepted or halved, never makes the loss worse
    assert.equal(r.path.length, 5);
  });
});

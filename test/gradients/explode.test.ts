import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explodeStudy, fitGrowth, linearFit, logSpacedHorizons } from '../../src/gradients/explode.js';
import { createSystem } from '../../src/systems/index.js';

describe('explosion diagnostic: pieces', () => {
  it('log-spaced horizons are increasing integers over [max/40, max]', () => {
    const h = logSpacedHorizons(8000, 12);
    assert.equal(h.length, 12);
    assert.equal(h[0], 200);
    assert.equal(h[11], 8000);
    assert.ok(h.every((v, i) => Number.isInteger(v) && (i === 0 || v > h[i - 1])));
    assert.throws(() => logSpacedHorizons(1, 5), /maxHorizon must be an integer >= 2/);
  });

  it('the fit recovers an exact exponential over the upper half and skips overflowed points', () => {
    const times = [1, 2, 4, 8, 16, 32, 64];
    const norms = times.map((t) => 3 * Math.exp(0.7 * t + (t < 8 ? 1 / t : 0)));
    const f = fitGrowth(times, [...norms.slice(0, 6), null]);
    assert.deepEqual(f.range, [8, 32]);
    assert.equal(f.points, 3);
    assert.ok(Math.abs(f.slope - 0.7) < 1e-12 && Math.abs(f.intercept - Math.log(3)) < 1e-10);
    const l = linearFit([0, 1, 2], [1, 3, 5]);
    assert.ok(Math.abs(l.slope - 2) < 1e-15 && Math.abs(l.intercept - 1) < 1e-15);
  });
});

describe('explosion diagnostic: the BPTT gradient grows at λ₁', () => {
  it('lorenz63, ∂Σz/∂ρ: fitted rate within 20% of λ₁ (and λ₁ near the published 0.9056)', async () => {
    const r = await explodeStudy(createSystem('lorenz63'), { observable: 'z', params: ['rho'], lyapunovSteps: 40_000 });
    assert.equal(r.unit, 'per unit time');
    assert.ok(Math.abs(r.lambda1 - 0.9056) < 0.06, `λ₁ = ${r.lambda1}`);
    assert.ok(Math.abs(r.ratio - 1) < 0.2, `rate ${r.growthRate} vs λ₁ ${r.lambda1}`);
    assert.ok(r.gradientNorms.every((g) => g !== null && g > 0));
  });

  it('rnn (default network, n = 64, g = 3), ∂Σmean/∂g: fitted rate within 20% of λ₁', async () => {
    const r = await explodeStudy(createSystem('rnn'), { lyapunovSteps: 20_000 });
    assert.deepEqual(r.params, ['g']);
    assert.equal(r.unit, 'per step');
    assert.ok(r.lambda1 > 0.1, `λ₁ = ${r.lambda1}: the default network is chaotic`);
    assert.ok(Math.abs(r.ratio - 1) < 0.2, `rate ${r.growthRate} vs λ₁ ${r.lambda1}`);
  });

  it('a contracting system does not explode: for linear (a = 0.5) ‖∇ΣΦ‖ grows only like T/(1−a)', async () => {
    const r = await explodeStudy(createSystem('linear', { noise: 0.3 }), { observable: 'x0', params: ['c'], maxHorizon: 200, lyapunovSteps: 5000 });
    assert.ok(Math.abs(r.lambda1 - Math.log(0.5)) < 1e-9);
    // Σ_{n≤T} (1 − aⁿ)/(1 − a) exactly: no exponential regime at all
    r.horizons.forEach((T, i) => assert.ok(Math.abs(r.gradientNorms[i]! - (T - (0.5 * (1 - 0.5 ** T)) / 0.5) / 0.5) < 1e-9 * T));
    assert.ok(r.growthRate < 0.02, `rate ${r.growthRate}`);
  });
});

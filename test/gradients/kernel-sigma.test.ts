import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extrapolateToZero, sigmaStudy } from '../../src/gradients/index.js';
import { Rng } from '../../src/random/index.js';
import { createSystem } from '../../src/systems/index.js';
import { linearStationaryExact, within } from './kernelSupport.js';

process.env.CHAOSGRAD_WORKERS ??= '1';

describe('extrapolation to σ → 0 (weighted least squares)', () => {
  it('reproduces exact polynomials and the textbook two-point error', () => {
    const xs = [0.1, 0.2, 0.4, 0.8];
    const line = extrapolateToZero(xs, xs.map((x) => 2 + 3 * x), [1, 1, 1, 1], 1);
    assert.ok(Math.abs(line.value - 2) < 1e-12 && Math.abs(line.coefficients[1] - 3) < 1e-12 && line.chi2 < 1e-20);
    const quad = extrapolateToZero(xs, xs.map((x) => -1 + 0.5 * x - 4 * x * x), [0.1, 0.2, 0.1, 0.3], 2);
    assert.ok(Math.abs(quad.value + 1) < 1e-12 && Math.abs(quad.coefficients[2] + 4) < 1e-10);
    // two points, equal errors s: Var β₀ = s²(x₁² + x₂²)/(x₂ − x₁)²
    const two = extrapolateToZero([1, 3], [5, 4], [0.5, 0.5], 1);
    assert.ok(Math.abs(two.value - 5.5) < 1e-12);
    assert.ok(Math.abs(two.stderr - 0.5 * Math.sqrt(10) / 2) < 1e-12);
    assert.equal(two.dof, 0);
  });

  it('its error bar covers the truth 95% of the time at 1.96 stderr (synthetic data)', () => {
    const rng = new Rng(21);
    const xs = [0.2, 0.3, 0.5, 0.7, 1.0], se = [0.05, 0.08, 0.1, 0.1, 0.2];
    let hits = 0;
    const trials = 600;
    for (let t = 0; t < trials; t++) {
      const ys = xs.map((x, i) => 1.5 - 2 * x + 0.7 * x * x + se[i] * rng.normal());
      const e = extrapolateToZero(xs, ys, se, 2);
      if (Math.abs(e.value - 1.5) < 1.96 * e.stderrRaw) hits++;
    }
    // binomial(600, 0.95): ±3 sd ≈ ±0.027
    assert.ok(Math.abs(hits / trials - 0.95) < 0.03, `coverage ${hits / trials}`);
  });

  it('inflates the error by √(χ²/dof) when the points scatter more than their error bars', () => {
    const e = extrapolateToZero([0.1, 0.2, 0.3, 0.4], [1, 2, 0, 3], [0.01, 0.01, 0.01, 0.01], 1);
    assert.ok(e.chi2 / e.dof > 1 && Math.abs(e.stderr / e.stderrRaw - Math.sqrt(e.chi2 / e.dof)) < 1e-12);
  });
});

describe('sigmaStudy', () => {
  it('linear map: d⟨x²⟩/da = 2aσ²/(1−a²)² + 2c²/(1−a)³ at each σ, and its σ → 0 limit 16 by a quadratic fit', async () => {
    const sys = createSystem('linear', { noise: 0.5 });
    const sigmas = [0.2, 0.4, 0.6, 0.8];
    const s = await sigmaStudy(sys, { sigmas, objective: { kind: 'average', observable: 'meansq', steps: 200000 }, params: ['a'], seed: 3, degree: 2, kernel: { window: 30 } });
    assert.deepEqual(s.labels, ['a']);
    assert.equal(s.kernel, 'gaussian');
    s.points.forEach((p) => {
      assert.equal(within(p.gradient[0], p.stderr[0], linearStationaryExact(0.5, 1, p.sigma, 1).dSqDa, 3, `σ = ${p.sigma}`), null);
    });
    const e = s.extrapolation[0];
    assert.equal(within(e.value, e.stderr, 16, 3, 'σ → 0'), null);
    assert.ok(e.stderr < 1.5, `extrapolation error ${e.stderr}`);
  });

  it('keeps the kernel and directions of the system and rejects bad noise levels', async () => {
    const sys = createSystem('ni9', { noise: 0.5, kernel: 'student:5', noiseDirections: 'ones' });
    const s = await sigmaStudy(sys, { sigmas: [0.5, 1], objective: { kind: 'horizon', observable: 'sum', horizon: 3, samples: 200 }, params: ['c'], seed: 1 });
    assert.equal(s.kernel, 'student:5');
    assert.equal(s.directions, 'ones');
    await assert.rejects(sigmaStudy(sys, { sigmas: [0.5, 0], objective: { kind: 'horizon', observable: 'sum', horizon: 3, samples: 20 }, params: ['c'], seed: 1 }), /finite number > 0, got 0/);
    await assert.rejects(sigmaStudy(sys, { sigmas: [0.5], objective: { kind: 'horizon', observable: 'sum', horizon: 3, samples: 20 }, params: ['c'], seed: 1 }), /at least 2 distinct σ/);
  });
});

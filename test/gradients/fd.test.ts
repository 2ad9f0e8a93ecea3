import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors/index.js';
import { fdEstimator, type Objective } from '../../src/gradients/index.js';
import { studentTCdf, studentTQuantile } from '../../src/stats/index.js';
import { createSystem } from '../../src/systems/index.js';

describe('Student-t quantiles for the batch confidence intervals', () => {
  it('match tabulated values and invert the CDF', () => {
    const table: [number, number, number][] = [[0.975, 1, 12.706204736], [0.975, 2, 4.302652730], [0.975, 9, 2.262157163], [0.975, 30, 2.042272456], [0.995, 4, 4.604094871], [0.95, 19, 1.729132812]];
    for (const [p, nu, t] of table) {
      assert.ok(Math.abs(studentTQuantile(p, nu) - t) < 1e-8, `t(${p}, ${nu}) = ${studentTQuantile(p, nu)} vs ${t}`);
      assert.ok(Math.abs(studentTCdf(t, nu) - p) < 1e-10);
      assert.ok(Math.abs(studentTCdf(-t, nu) - (1 - p)) < 1e-10);
    }
    assert.equal(studentTQuantile(0.025, 9), -studentTQuantile(0.975, 9));
  });
});

describe('finite differences on linear with noise (exact answers)', () => {
  const a = 0.5, c = 1, sigma = 0.5, T = 20_000;
  const system = createSystem('linear', { noise: sigma });
  const average = (observable: string): Objective => ({ kind: 'average', observable, steps: T, transient: 100 });

  it('d⟨x⟩/dc = 1/(1−a): with common random numbers the noise cancels exactly (zero variance)', async () => {
    const r = await fdEstimator.estimate({ system, objective: average('x0'), params: ['c'], seed: 1 }, { batches: 8 });
    const finiteT = 1 / (1 - a) - (a * (1 - a ** T)) / ((1 - a) ** 2 * T);
    assert.ok(Math.abs(r.gradient[0] - finiteT) < 1e-9, `${r.gradient[0]} vs ${finiteT}`);
    assert.ok(r.stderr![0] < 1e-9, `stderr ${r.stderr![0]}: p ± h share the noise`);
    assert.ok(Math.abs(r.gradient[0] - 1 / (1 - a)) <= 3 * r.stderr![0] + (1.000001 * a) / ((1 - a) ** 2 * T));
  });

  it('d⟨x²⟩/da = 2aσ²/(1−a²)² + 2c²/(1−a)³ within 3 standard errors (Richardson), with a t-interval', async () => {
    const exact = (2 * a * sigma ** 2) / (1 - a * a) ** 2 + (2 * c * c) / (1 - a) ** 3;
    const r = await fdEstimator.estimate({ system, objective: average('meansq'), params: ['a'], seed: 12 }, { batches: 16, richardson: true });
    const se = r.stderr![0];
    assert.ok(Math.abs(r.gradient[0] - exact) <= 3 * se, `${r.gradient[0]} ± ${se} vs ${exact}`);
    assert.ok(se < 0.02 * exact);
    const [lo, hi] = (r.diagnostics.ci95 as number[][])[0];
    const t = studentTQuantile(0.975, 15);
    assert.ok(Math.abs(hi - lo - 2 * t * se) < 1e-12 * exact);
    assert.equal(r.diagnostics.tQuantile, t);
    assert.deepEqual(r.diagnostics.h, [0.01]);
  });

  it('a direction gives d·∇ of the per-entry differences (same batches, same noise)', async () => {
    const req = { system, objective: { ...average('meansq'), steps: 2000 }, params: ['a', 'c'], seed: 3 };
    const g = await fdEstimator.estimate(req, { batches: 3, relativeH: 1e-4, richardson: true });
    const d = await fdEstimator.estimate(req, { batches: 3, relativeH: 1e-4, richardson: true, direction: [1, -2] });
    assert.deepEqual(d.labels, ['direction']);
    const expect = g.gradient[0] - 2 * g.gradient[1];
    assert.ok(Math.abs(d.gradient[0] - expect) < 1e-6 * Math.abs(expect), `${d.gradient[0]} vs ${expect}`);
  });

  it('finite horizon: d E[x_L]/da = c·d/da[(1−a^L)/(1−a)] within 3 standard errors', async () => {
    const L = 10;
    const r = await fdEstimator.estimate({ system, objective: { kind: 'horizon', observable: 'x0', horizon: L, samples: 4000 }, params: ['a', 'c'], seed: 4 }, { batches: 10, richardson: true });
    const geo = (x: number) => (1 - x ** L) / (1 - x);
    const dGeo = (geo(a + 1e-6) - geo(a - 1e-6)) / 2e-6;
    assert.ok(Math.abs(r.gradient[0] - c * dGeo) <= 3 * r.stderr![0], `${r.gradient[0]} ± ${r.stderr![0]} vs ${c * dGeo}`);
    assert.ok(Math.abs(r.gradient[1] - geo(a)) < 1e-8, 'd/dc is deterministic per sample');
    assert.ok(Math.abs(r.value - c * geo(a)) <= 3 * (r.valueStderr as number));
  });
});

describe('finite differences on lorenz63', () => {
  it('d⟨z⟩/dρ at ρ = 28: the 95% interval of a short run contains 1.00 (the long recipe is in validate)', async () => {
    const system = createSystem('lorenz63');
    const r = await fdEstimator.estimate({ system, objective: { kind: 'average', observable: 'z', steps: 40_000, transient: 2000 }, params: ['rho'], seed: 7 }, { batches: 12, h: 1 });
    const [lo, hi] = (r.diagnostics.ci95 as number[][])[0];
    assert.ok(lo < 1 && 1 < hi, `[${lo}, ${hi}]`);
    assert.ok(hi - lo < 0.8, `interval width ${hi - lo}`);
  });
});

describe('finite-difference options', () => {
  const system = createSystem('henon');
  const req = { system, objective: { kind: 'average', observable: 'x0', steps: 100 } as Objective, params: ['a'], seed: 0 };
  it('bad options are usage errors naming the option', async () => {
    await assert.rejects(fdEstimator.estimate(req, { batches: 0 }), (e: Error) => e instanceof UsageError && /batches must be a positive integer/.test(e.message));
    await assert.rejects(fdEstimator.estimate(req, { h: -1 }), /h must be a finite number > 0/);
    await assert.rejects(fdEstimator.estimate(req, { direction: [1, 2] }), /direction must be a non-zero finite vector of 1 entries/);
    await assert.rejects(fdEstimator.estimate({ ...req, objective: { kind: 'horizon', observable: 'x0', horizon: 3, samples: 2 } }, { batches: 3 }), /batches 3 exceeds samples 2/);
  });
  it('the same seed gives the same bits', async () => {
    const a = await fdEstimator.estimate(req, { batches: 3 });
    const b = await fdEstimator.estimate(req, { batches: 3 });
    assert.deepEqual(a.gradient, b.gradient);
    assert.deepEqual(a.stderr, b.stderr);
  });
});

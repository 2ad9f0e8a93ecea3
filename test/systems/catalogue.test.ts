import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spectralRadius } from '../../src/linalg/index.js';
import { Rng } from '../../src/random/index.js';
import { NI9_J0, NI9_SCALE, createSystem, simulate, SYSTEM_NAMES } from '../../src/systems/index.js';

describe('built-in systems', () => {
  it('embeds the ni9 matrix exactly (checksums of 4·J0)', () => {
    const J = NI9_J0.flat().map((v) => NI9_SCALE * v);
    const sum = J.reduce((a, b) => a + b, 0);
    const frob = Math.sqrt(J.reduce((a, b) => a + b * b, 0));
    assert.ok(Math.abs(sum - -12.40123172) < 1e-7, `sum ${sum}`);
    assert.ok(Math.abs(frob - 9.27528116) < 1e-7, `frobenius ${frob}`);
    assert.ok(Math.abs(spectralRadius(Float64Array.from(J), 9) - 2.954277) < 1e-6);
  });

  it('every system has the standard observables and its named ones', () => {
    for (const name of SYSTEM_NAMES) {
      const sys = createSystem(name);
      const names = sys.observables.map((o) => o.name);
      for (const o of ['mean', 'meansq', 'sum', 'x0']) assert.ok(names.includes(o), `${name} lacks ${o}`);
    }
    assert.ok(createSystem('lorenz63').observables.some((o) => o.name === 'z'));
    assert.ok(createSystem('solenoid').observables.some((o) => o.name === 'phi'));
    assert.ok(createSystem('tent').observables.some((o) => o.name === 'x'));
  });

  it('an RK4 flow step approaches x + h·F(x) as h → 0 (the map integrates its vector field)', () => {
    for (const dt of [1e-3, 1e-4]) {
      const sys = createSystem('lorenz63', { dt });
      const x = Float64Array.of(1, 2, 20), y = new Float64Array(3), f = new Float64Array(3);
      sys.map(x, y);
      sys.vectorField!(x, f);
      const err = Math.max(...[0, 1, 2].map((i) => Math.abs((y[i] - x[i]) / dt - f[i])));
      assert.ok(err < 200 * dt, `dt ${dt}: ${err}`);
    }
  });

  it('same seed gives the same bits; another seed another orbit', () => {
    const sys = createSystem('tent');
    const a = simulate(sys, { steps: 1000, seed: 5 });
    const b = simulate(sys, { steps: 1000, seed: 5 });
    const c = simulate(sys, { steps: 1000, seed: 6 });
    assert.deepEqual(a, b);
    assert.notEqual(a.averages.x, c.averages.x);
  });

  it('linear with noise reproduces the exact stationary mean and variance', () => {
    const sys = createSystem('linear', { noise: 0.5 });
    const r = simulate(sys, { steps: 200000, seed: 3, observables: ['x0', 'meansq'] });
    const mean = 1 / (1 - 0.5), variance = 0.25 / (1 - 0.25);
    assert.ok(Math.abs(r.averages.x0 - mean) < 3 * r.stderr.x0, `mean ${r.averages.x0} ± ${r.stderr.x0}`);
    const second = variance + mean * mean;
    assert.ok(Math.abs(r.averages.meansq - second) < 3 * r.stderr.meansq, `E x² ${r.averages.meansq} ± ${r.stderr.meansq}`);
  });

  it('noise kernels: noisy steps use the kernel and record ξ', () => {
    const sys = createSystem('linear', { noise: 1, kernel: 'student:5' });
    assert.equal(sys.noise?.kernel.name, 'student:5');
    assert.equal(createSystem('ni9', { noise: 0.5, noiseDirections: 'ones' }).noise?.rank, 1);
    const rng = new Rng(1);
    assert.ok(Number.isFinite(rng.normal()));
  });
});

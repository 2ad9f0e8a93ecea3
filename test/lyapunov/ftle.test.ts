import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors/index.js';
import { singularValues } from '../../src/linalg/index.js';
import { ftleField } from '../../src/lyapunov/index.js';
import { createSystem, type DynamicalSystem } from '../../src/systems/index.js';

/** (1/L)·log σ_max of the central-difference Jacobian of the L-layer map: an independent reference. */
function fdFtle(sys: DynamicalSystem, x0: Float64Array, L: number): number {
  const n = sys.dim, eps = 1e-6;
  const run = (x: Float64Array) => {
    let a = Float64Array.from(x);
    const b = new Float64Array(n);
    for (let l = 0; l < L; l++) {
      sys.map(a, b);
      a = Float64Array.from(b);
    }
    return a;
  };
  const M = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const xp = Float64Array.from(x0), xm = Float64Array.from(x0);
    xp[j] += eps;
    xm[j] -= eps;
    const fp = run(xp), fm = run(xm);
    for (let i = 0; i < n; i++) M[i * n + j] = (fp[i] - fm[i]) / (2 * eps);
  }
  return Math.log(singularValues({ rows: n, cols: n, data: M })[0]) / L;
}

describe('ftleField', () => {
  for (const { name, options } of [{ name: 'ni9', options: {} }, { name: 'rnn', options: { dim: 6 } }]) {
    it(`${name}: every grid point matches finite differences of the L-layer map (L = 4)`, () => {
      const sys = createSystem(name, options);
      const G = 3;
      const centre = Float64Array.from({ length: sys.dim }, (_, i) => 0.1 * (i + 1));
      const r = ftleField(sys, { horizon: 4, grid: G, range: [-1, 1], centre });
      for (let i = 0; i < G; i++) for (let j = 0; j < G; j++) {
        // field[i·G + j] is at (a_j, b_i) along the first two axes
        const x0 = Float64Array.from(centre);
        x0[0] += -1 + j;
        x0[1] += -1 + i;
        const ref = fdFtle(sys, x0, 4);
        assert.ok(Math.abs(r.field[i * G + j] - ref) < 1e-6, `(${i},${j}): ${r.field[i * G + j]} vs fd ${ref}`);
      }
    });
  }

  it('full product and power iteration agree (ni9, L = 50)', () => {
    const sys = createSystem('ni9');
    const a = ftleField(sys, { grid: 6, method: 'full' });
    const b = ftleField(sys, { grid: 6, method: 'power' });
    assert.equal(a.horizon, 50);
    for (let i = 0; i < 36; i++) assert.ok(Math.abs(a.field[i] - b.field[i]) < 1e-10, `${a.field[i]} vs ${b.field[i]}`);
    assert.ok(a.min <= a.mean && a.mean <= a.max);
  });

  it('the field is that of the deterministic network: noise is switched off', () => {
    const a = ftleField(createSystem('ni9', { noise: 0.5 }), { grid: 3, horizon: 20 });
    const b = ftleField(createSystem('ni9'), { grid: 3, horizon: 20 });
    assert.deepEqual(Array.from(a.field), Array.from(b.field));
  });

  it('usage errors: 1-d system, missing horizon, bad grid, range and directions', () => {
    assert.throws(() => ftleField(createSystem('linear')), (e: Error) => e instanceof UsageError && /dimension >= 2/.test(e.message));
    assert.throws(() => ftleField(createSystem('lorenz63')), (e: Error) => e instanceof UsageError && /horizon is required/.test(e.message));
    assert.throws(() => ftleField(createSystem('ni9'), { grid: 1 }), UsageError);
    assert.throws(() => ftleField(createSystem('ni9'), { range: [1, -1] }), UsageError);
    const e0 = new Float64Array(9);
    e0[0] = 1;
    assert.throws(() => ftleField(createSystem('ni9'), { directions: [e0, e0.map((v) => 2 * v)] }), /parallel/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors/index.js';
import { singularValues } from '../../src/linalg/index.js';
import { gradientGrowth } from '../../src/lyapunov/index.js';
import { createSystem } from '../../src/systems/index.js';
import { constantLinearMap } from './support.js';

describe('gradientGrowth', () => {
  it('scalar linear map: every backpropagated gradient grows by exactly log|a| per step', () => {
    const rows = gradientGrowth(createSystem('linear', { set: { a: 0.8 } }), { horizons: [1, 7], samples: 5 });
    for (const r of rows) assert.ok(Math.abs(r.rate - Math.log(0.8)) < 1e-14);
  });

  it('constant non-normal map with eigenvalues 0.9, 0.5, 0.1: the rate tends to log 0.9 like 1/L, not to log‖A‖', () => {
    const V = [[1, 1, 0], [0, 1, 1], [1, 0, 1]];
    const Vinv = [[0.5, -0.5, 0.5], [0.5, 0.5, -0.5], [-0.5, 0.5, 0.5]];
    const D = [0.9, 0.5, 0.1];
    const A = V.map((row, i) => row.map((_, j) => V[i].reduce((s, _v, m) => s + V[i][m] * D[m] * Vinv[m][j], 0)));
    const [short, long] = gradientGrowth(constantLinearMap(A), { horizons: [2, 400], samples: 400, seed: 1 });
    assert.ok(Math.abs(long.rate - Math.log(0.9)) < 0.01, `L = 400: ${long.rate}`);
    assert.ok(Math.abs(short.rate - Math.log(0.9)) > Math.abs(long.rate - Math.log(0.9)));
    // the one-step bound is far off: ‖A‖₂ > 1 although every direction eventually contracts
    const normA = singularValues({ rows: 3, cols: 3, data: Float64Array.from(A.flat()) })[0];
    assert.ok(Math.log(normA) > 0, `log‖A‖ = ${Math.log(normA)}`);
  });

  it('henon: the measured rate at L = 100 agrees with λ₁ = 0.4192 within its standard error and the O(1/L) bias', () => {
    const [r] = gradientGrowth(createSystem('henon'), { horizons: [100], samples: 400, seed: 2 });
    assert.ok(Math.abs(r.rate - 0.4192) < 4 * r.stderr + 0.01, `${r.rate} ± ${r.stderr}`);
  });

  it('needs horizons and at least 2 samples', () => {
    assert.throws(() => gradientGrowth(createSystem('henon'), { horizons: [] }), UsageError);
    assert.throws(() => gradientGrowth(createSystem('henon'), { horizons: [3], samples: 1 }), UsageError);
  });
});

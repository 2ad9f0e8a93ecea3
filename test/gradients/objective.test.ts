import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combinedObservable, resolveObjective, selectParams } from '../../src/gradients/index.js';
import { Rng } from '../../src/random/index.js';
import { createSystem } from '../../src/systems/index.js';
import { dotp, randn } from '../helpers/cases.js';

describe('objectives and parameter selection', () => {
  it('a combination Σ w·Φ^p has the gradient of its value (finite differences)', () => {
    const sys = createSystem('rnn', { dim: 5 });
    const ob = combinedObservable(sys, 'loss', [
      { observable: 'x1', weight: 0.7 },
      { observable: 'x2', weight: -1.3, power: 2 },
      { observable: 'meansq', weight: 0.2, power: 3 },
    ]);
    const rng = new Rng(3);
    const x = randn(rng, 5), v = randn(rng, 5), g = new Float64Array(5);
    ob.gradient(x, g);
    const eps = 1e-6;
    const fd = (ob.value(x.map((xi, i) => xi + eps * v[i])) - ob.value(x.map((xi, i) => xi - eps * v[i]))) / (2 * eps);
    assert.ok(Math.abs(dotp(g, v) - fd) < 1e-7 * Math.max(1, Math.abs(fd)));
  });

  it('objective validation names the problem', () => {
    const sys = createSystem('henon');
    assert.throws(() => resolveObjective(sys, { kind: 'average', observable: 'q', steps: 10 }), /unknown observable of henon 'q'/);
    assert.throws(() => resolveObjective(sys, { kind: 'horizon', observable: 'x0', horizon: 0, samples: 3 }), /horizon must be a positive integer/);
    assert.throws(() => resolveObjective(sys, { kind: 'average', observable: 'loss', steps: 10, terms: [{ observable: 'x0', weight: 1, power: 0 }] }), /power must be a positive integer/);
  });

  it('selects parameters by name with row-major labels for arrays', () => {
    const sys = createSystem('rnn', { dim: 3 });
    const sel = selectParams(sys, ['g', 'W', 'b']);
    assert.equal(sel.indices.length, 1 + 9 + 3);
    assert.equal(sel.labels[0], 'g');
    assert.equal(sel.labels[1 + 5], 'W[1,2]');
    assert.equal(sel.labels[12], 'b[2]');
    assert.throws(() => selectParams(sys, ['q']), /unknown parameter of rnn 'q' \(valid: g, W, b\)/);
    assert.throws(() => selectParams(sys, ['g', 'g']), /listed twice/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jointBumpObservable, reconstructionStatistics, series } from '../../../src/optim/index.js';
import { Rng } from '../../../src/random/index.js';
import { buildSystem, defaultParams, findObservable, plrnn } from '../../../src/systems/index.js';

describe('reconstruction statistics: smoothed joint histograms', () => {
  it('a joint bump’s gradient equals central finite differences (entries i and j; every other entry 0)', () => {
    const ob = jointBumpObservable(0, 2, 5, 0.3, -0.4, 0.5, 0.8);
    const x = Float64Array.from([0.1, 7, 0.2, -1]), g = new Float64Array(4).fill(9);
    ob.gradient(x, g);
    const h = 1e-6;
    for (let k = 0; k < 4; k++) {
      const a = Float64Array.from(x), b = Float64Array.from(x);
      a[k] += h;
      b[k] -= h;
      const fd = (ob.value(a) - ob.value(b)) / (2 * h);
      assert.ok(Math.abs(g[k] - fd) < 1e-8, `entry ${k}: ${g[k]} vs ${fd}`);
    }
    assert.ok(Math.abs(g[0]) > 0.1 && Math.abs(g[2]) > 0.1 && g[1] === 0 && g[3] === 0);
    // the bump is 1 at its centre
    assert.equal(ob.value(Float64Array.from([0.3, 0, -0.4])), 1);
  });

  it('jointBins b adds b² bumps per pair with the data’s bump means as targets, named observables of the model', () => {
    const rng = new Rng(8);
    const data = series(Float64Array.from({ length: 3000 }, () => rng.normal()), 3);
    const st = reconstructionStatistics(data, { bins: 4, momentWeight: 1, binWeight: 1, jointBins: 3, jointWeight: 2 });
    const joint = st.terms.filter((t) => t.observable.startsWith('joint'));
    // 3 pairs × 9 bumps; 3 means, 3 squares, 3 products, 12 marginal bins
    assert.equal(joint.length, 27);
    assert.equal(st.terms.length, 27 + 9 + 12);
    assert.ok(joint.every((t) => t.weight === 2 && t.target > 0 && t.target < 1));
    const m = plrnn({ dim: 3, hidden: 6, clipped: true, observables: st.observables });
    const sys = buildSystem(m, defaultParams(m), null);
    // the target is the bump's mean over the data rows
    const t = joint[13], ob = findObservable(sys, t.observable);
    let s = 0;
    for (let r = 0; r < data.length; r++) s += ob.value(data.values.subarray(3 * r, 3 * r + 3));
    assert.ok(Math.abs(t.target - s / data.length) < 1e-12);
    // a centred standard normal pair: the middle bump of the 3 × 3 grid has the largest mean
    const pair01 = joint.filter((u) => u.observable.startsWith('joint01_'));
    assert.equal(pair01.reduce((best, u, k) => (u.target > pair01[best].target ? k : best), 0), 4);
  });
});

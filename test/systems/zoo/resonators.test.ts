import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconstructionStatistics, resonatorStatistics, series } from '../../../src/optim/index.js';
import { Rng } from '../../../src/random/index.js';
import { buildSystem, checkDerivatives, defaultParams, findObservable, plrnn } from '../../../src/systems/index.js';

describe('plrnn resonators (spectral statistics as state observables)', () => {
  const resonators = { observed: 2, frequencies: [0, 0.3, 1.1], decay: 0.9 };
  const model = plrnn({ dim: 3, hidden: 12, clipped: true, resonators });
  const sys = buildSystem(model, defaultParams(model), null);

  it('the augmented model passes every derivative identity; its PLRNN part equals the plain PLRNN', () => {
    assert.equal(sys.dim, 3 + 2 * 2 * 3);
    assert.ok(checkDerivatives(sys, { seed: 2 }).passed);
    const plain = plrnn({ dim: 3, hidden: 12, clipped: true });
    const ps = buildSystem(plain, defaultParams(plain), null);
    const x = Float64Array.from({ length: sys.dim }, (_, i) => Math.sin(i + 1)), y = new Float64Array(sys.dim), yp = new Float64Array(3);
    sys.map(x, y);
    ps.map(x.subarray(0, 3), yp);
    assert.deepEqual(Array.from(y.subarray(0, 3)), Array.from(yp));
  });

  it('⟨xᵢ·Re w⟩ along an orbit equals resonatorStatistics of the same orbit’s observed coordinates, and its definition Σ ρ^{k−1}cos(ω(k−1))xᵢ(t)xᵢ(t−k)', () => {
    const T = 3000, x = new Float64Array(sys.dim), y = new Float64Array(sys.dim), rows = new Float64Array(T * 2);
    sys.sampleInitial(new Rng(3), x);
    const skip = Math.ceil(10 / (1 - resonators.decay));
    const sums = new Float64Array(6);
    const obs = [0, 1].flatMap((i) => [0, 1, 2].map((j) => findObservable(sys, `spec${i}_${j}`)));
    for (let t = 0; t < T; t++) {
      rows[2 * t] = x[0];
      rows[2 * t + 1] = x[1];
      if (t >= skip) obs.forEach((o, k) => (sums[k] += o.value(x)));
      sys.map(x, y);
      x.set(y);
    }
    const direct = resonatorStatistics(series(rows, 2), resonators).flat();
    direct.forEach((v, k) => assert.ok(Math.abs(v - sums[k] / (T - skip)) < 1e-9 * (1 + Math.abs(v)), `term ${k}: ${v} vs ${sums[k] / (T - skip)}`));
    // the lag sum, truncated where ρ^k < 1e-12
    const i = 1, omega = 1.1, K = Math.ceil(Math.log(1e-12) / Math.log(resonators.decay));
    let lagSum = 0;
    for (let t = skip; t < T; t++) for (let k = 1; k <= Math.min(K, t); k++) lagSum += resonators.decay ** (k - 1) * Math.cos(omega * (k - 1)) * rows[2 * t + i] * rows[2 * (t - k) + i];
    assert.ok(Math.abs(direct[5] - lagSum / (T - skip)) < 1e-6, `${direct[5]} vs ${lagSum / (T - skip)}`);
  });

  it('reconstruction statistics: targets are the data’s moments, bins and spectra, and name observables of the model', () => {
    const rng = new Rng(4);
    const data = series(Float64Array.from({ length: 2000 }, () => rng.normal()), 2);
    const st = reconstructionStatistics(data, { bins: 4, momentWeight: 1, binWeight: 2, resonators, spectrumWeight: 0.5 });
    const m = plrnn({ dim: 3, hidden: 12, clipped: true, observables: st.observables, resonators });
    const s2 = buildSystem(m, defaultParams(m), null);
    for (const t of st.terms) findObservable(s2, t.observable);
    // 2 coordinates: 2 means, 2 squares, 1 product, 8 bins, 6 spectra
    assert.equal(st.terms.length, 2 + 2 + 1 + 8 + 6);
    const mean0 = data.values.filter((_, k) => k % 2 === 0).reduce((a, b) => a + b, 0) / 1000;
    assert.ok(Math.abs(st.terms[0].target - mean0) < 1e-12);
    assert.ok(st.terms.filter((t) => t.observable.startsWith('bin')).every((t) => t.weight === 2 && t.target > 0 && t.target <= 1));
  });
});

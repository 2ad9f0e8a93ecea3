import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/random/index.js';
import { fft, hellinger, histogram, histogramGrid, histogramKl, powerSpectrum, smoothSpectrum, spectralDistance, stateSpaceDivergence } from '../../src/stats/index.js';

describe('state-space divergence D_stsp', () => {
  it('is 0 for identical point sets and ln 2 when the model spreads the data over twice the range', () => {
    const n = 30_000, rng = new Rng(1);
    const data = Float64Array.from({ length: n }, () => rng.uniform());
    // 0 up to the ε smoothing of the model histogram (≈ −Bε·p-weighted, 1e-9 here)
    assert.ok(Math.abs(stateSpaceDivergence(data, data, 1, { bins: 30, margin: 0 })) < 1e-8);
    // model uniform on [0, 2): half its mass falls outside the data's grid [0, 1], each data bin gets half
    const model = Float64Array.from(data, (v) => 2 * v);
    const d = stateSpaceDivergence(data, model, 1, { bins: 30, margin: 0 });
    assert.ok(Math.abs(d - Math.LN2) < 0.02, `D_stsp ${d}`);
  });

  it('two 2-D Gaussians: the histogram KL approaches the analytic KL (μ shifted by 0.5, 50 bins)', () => {
    const n = 400_000, rng = new Rng(2), dim = 2;
    const p = new Float64Array(n * dim), q = new Float64Array(n * dim);
    for (let i = 0; i < n * dim; i++) {
      p[i] = rng.normal();
      q[i] = rng.normal() + (i % dim === 0 ? 0.5 : 0);
    }
    // KL(N(0, I) ‖ N(μ, I)) = |μ|²/2 = 0.125
    const d = stateSpaceDivergence(p, q, dim, { bins: 50 });
    assert.ok(Math.abs(d - 0.125) < 0.03, `D_stsp ${d}`);
  });

  it('a bin the model misses costs p·ln(p(1 + Bε)/ε); points outside the grid count in the total', () => {
    const g = histogramGrid(Float64Array.of(0, 1), 1, 2, 0);
    assert.deepEqual(Array.from(histogram(Float64Array.of(0.2, 0.7, 5), 1, g)), [1 / 3, 1 / 3]);
    const kl = histogramKl(Float64Array.of(0.5, 0.5), Float64Array.of(1, 0), 1e-6);
    const exact = 0.5 * Math.log((0.5 * (1 + 2e-6)) / (1 + 1e-6)) + 0.5 * Math.log((0.5 * (1 + 2e-6)) / 1e-6);
    assert.ok(Math.abs(kl - exact) < 1e-12);
  });
});

describe('power spectra and D_H', () => {
  it('fft of a cosine puts |X|² = (L/2)² at ±k and nothing elsewhere', () => {
    const L = 64, k0 = 5;
    const re = Float64Array.from({ length: L }, (_, t) => Math.cos((2 * Math.PI * k0 * t) / L)), im = new Float64Array(L);
    fft(re, im);
    for (let k = 0; k < L; k++) {
      const p = re[k] ** 2 + im[k] ** 2;
      assert.ok(Math.abs(p - (k === k0 || k === L - k0 ? (L / 2) ** 2 : 0)) < 1e-9, `bin ${k}: ${p}`);
    }
  });

  it('Hellinger between spectra of two sinusoids: 1 − exp(−Δk²/(8σ²)) for Gaussian smoothing σ', () => {
    const L = 1024, sigma = 4;
    const wave = (k0: number) => Float64Array.from({ length: 4 * L }, (_, t) => Math.sin((2 * Math.PI * k0 * t) / L));
    for (const [k1, k2] of [[100, 100], [100, 106], [100, 112], [100, 300]]) {
      const p = smoothSpectrum(powerSpectrum(wave(k1), 1, 0, L), sigma), q = smoothSpectrum(powerSpectrum(wave(k2), 1, 0, L), sigma);
      const h = hellinger(p, q), exact = Math.sqrt(1 - Math.exp(-((k1 - k2) ** 2) / (8 * sigma * sigma)));
      assert.ok(Math.abs(h - exact) < 3e-3, `k ${k1}, ${k2}: H ${h} vs ${exact}`);
    }
  });

  it('D_H of a series with itself is 0, with white noise against a slow AR(1) clearly above 0.3', () => {
    const rng = new Rng(3), n = 16_384;
    const white = Float64Array.from({ length: n }, () => rng.normal());
    let x = 0;
    const slow = Float64Array.from({ length: n }, () => (x = 0.95 * x + rng.normal()));
    assert.ok(spectralDistance(white, white, 1).mean < 1e-7);
    assert.ok(spectralDistance(white, slow, 1).mean > 0.3);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finiteTimeExponents, lyapunovSpectrum } from '../../src/lyapunov/index.js';
import { createSystem } from '../../src/systems/index.js';

describe('finiteTimeExponents', () => {
  it('noisy tent map: every window stretches by exactly log γ (zero spread)', () => {
    const r = finiteTimeExponents(createSystem('tent'), { tau: 5, windows: 200 });
    assert.ok(r.values[0].every((v) => Math.abs(v - Math.log(3)) < 1e-13));
    assert.ok(r.stats[0].sd < 1e-13 && r.stats[0].fractionPositive === 1);
  });

  it('the window average is the spectrum on the same orbit (lorenz63)', () => {
    const sys = createSystem('lorenz63');
    const f = finiteTimeExponents(sys, { tau: 100, windows: 50, seed: 3 });
    const s = lyapunovSpectrum(sys, { steps: 5000, seed: 3 });
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(f.stats[i].mean - s.exponents[i]) < 1e-9 * Math.max(1, Math.abs(s.exponents[i])));
  });

  it('henon: the spread shrinks like 1/√τ for windows longer than the correlation time', () => {
    const sys = createSystem('henon');
    const short = finiteTimeExponents(sys, { k: 1, tau: 50, windows: 4000, seed: 4 });
    const long = finiteTimeExponents(sys, { k: 1, tau: 200, windows: 4000, seed: 5 });
    const ratio = short.stats[0].sd / long.stats[0].sd;
    // sd of 4000 windows is known to ±1.2%; the diffusive limit is 2
    assert.ok(ratio > 1.8 && ratio < 2.2, `sd ratio ${ratio}`);
    assert.ok(long.stats[0].p05 <= long.stats[0].median && long.stats[0].median <= long.stats[0].p95);
    // short windows sometimes contract: the finite-time exponent is a distribution, not a number
    const tiny = finiteTimeExponents(sys, { k: 1, tau: 10, windows: 4000, seed: 6 });
    assert.ok(tiny.stats[0].fractionPositive < 1 && tiny.stats[0].fractionPositive > 0.9, `${tiny.stats[0].fractionPositive}`);
  });
});

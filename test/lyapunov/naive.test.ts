import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lyapunovSpectrum, naiveBounds } from '../../src/lyapunov/index.js';
import { createSystem } from '../../src/systems/index.js';

describe('naiveBounds', () => {
  it('henon: |det J| = b everywhere, so ⟨log|det J|⟩ = ln b exactly; ⟨log‖J‖⟩ bounds λ₁ from above', () => {
    const sys = createSystem('henon');
    const nb = naiveBounds(sys, { samples: 500 });
    assert.ok(Math.abs(nb.logAbsDetJ - Math.log(0.3)) < 1e-12);
    const s = lyapunovSpectrum(sys, { steps: 100000 });
    assert.ok(nb.logNormJ > s.exponents[0] + 3 * (nb.logNormJStderr + s.stderr[0]), `${nb.logNormJ} vs λ₁ ${s.exponents[0]}`);
  });

  it('lorenz63: ⟨log|det J|⟩ per unit time is the divergence −(σ + 1 + β) up to RK4 error; ‖J‖ overestimates λ₁ several-fold', () => {
    const sys = createSystem('lorenz63');
    const nb = naiveBounds(sys, { samples: 400 });
    assert.equal(nb.perUnitTime, true);
    assert.ok(Math.abs(nb.logAbsDetJ + 10 + 1 + 8 / 3) < 1e-3, `${nb.logAbsDetJ}`);
    assert.ok(nb.logNormJ > 3 * 0.906, `${nb.logNormJ}`);
  });

  it('a constant Jacobian has zero spread: linear map, log‖J‖ = log ρ = log|a|', () => {
    const nb = naiveBounds(createSystem('linear', { set: { a: 0.5 } }), { samples: 50 });
    assert.ok(Math.abs(nb.logNormJ - Math.log(0.5)) < 1e-15 && Math.abs(nb.logSpectralRadius - Math.log(0.5)) < 1e-15);
    assert.ok(nb.logNormJStderr < 1e-15);
  });
});

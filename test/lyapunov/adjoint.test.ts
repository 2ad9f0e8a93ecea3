import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adjointSpectrum } from '../../src/lyapunov/index.js';
import { createSystem } from '../../src/systems/index.js';
import { constantLinearMap, directionError, vectorOf } from './support.js';

describe('adjointSpectrum', () => {
  it('constant map A = V·D·V⁻¹: covariant covectors are the left eigenvectors (rows of V⁻¹)', () => {
    const V = [[1, 1, 0], [0, 1, 1], [1, 0, 1]];
    const Vinv = [[0.5, -0.5, 0.5], [0.5, 0.5, -0.5], [-0.5, 0.5, 0.5]];
    const D = [2, 1, 0.25];
    const A = V.map((row, i) => row.map((_, j) => V[i].reduce((s, _v, m) => s + V[i][m] * D[m] * Vinv[m][j], 0)));
    const r = adjointSpectrum(constantLinearMap(A), { steps: 200, forwardTransient: 100, backwardTransient: 100, at: [0, 120] });
    for (const snap of r.snapshots) {
      for (let j = 0; j < 3; j++) assert.ok(directionError(vectorOf(snap.covectors, j, 3), Vinv[j]) < 1e-12, `covector ${j}: ${vectorOf(snap.covectors, j, 3)}`);
    }
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(r.adjointExponents[j] - Math.log(D[j])) < 0.02, `${r.adjointExponents[j]}`);
    assert.ok(r.biorthogonalityResidual < 1e-12);
  });

  for (const { name, steps } of [
    { name: 'henon', steps: 20000 },
    { name: 'lorenz63', steps: 20000 },
  ]) {
    it(`${name}: adjoint exponents equal the forward ones within 2 standard errors; ⟨ε_i, e_j⟩ = 0 for i ≠ j (< 1e-8)`, () => {
      const r = adjointSpectrum(createSystem(name), { steps, seed: 12 });
      for (let i = 0; i < r.k; i++) {
        const se = Math.hypot(r.stderr[i], r.adjointStderr[i]);
        assert.ok(Math.abs(r.exponents[i] - r.adjointExponents[i]) < 2 * se, `λ${i + 1}: ${r.exponents[i]} vs λ* ${r.adjointExponents[i]} (se ${se})`);
      }
      assert.ok(r.dualityResidual < 2);
      assert.ok(r.biorthogonalityResidual < 1e-8, `bi-orthogonality ${r.biorthogonalityResidual}`);
      assert.ok(r.minPairing > 1e-6, 'the pairing ⟨ε_i, e_i⟩ never vanishes');
      assert.equal(r.checks, 200);
    });
  }

  it('lorenz63: covectors are covariant backward, Jᵀ·ε_i(x_{n+1}) ∥ ε_i(x_n)', () => {
    const sys = createSystem('lorenz63');
    const r = adjointSpectrum(sys, { steps: 3000, at: [500, 501], seed: 13 });
    const [a, b] = r.snapshots;
    const out = new Float64Array(9);
    sys.adjoint(a.state, b.covectors, 3, out);
    for (let j = 0; j < 3; j++) assert.ok(directionError(vectorOf(out, j, 3), vectorOf(a.covectors, j, 3)) < 1e-8);
  });

  it('without convergence the check can fail: a 1-step transient leaves bi-orthogonality far from 0', () => {
    const r = adjointSpectrum(createSystem('lorenz63'), { steps: 400, forwardTransient: 1, backwardTransient: 1, seed: 14 });
    assert.ok(r.biorthogonalityResidual > 1e-4, `${r.biorthogonalityResidual}`);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Objective } from '../../src/gradients/index.js';
import { nilsasEstimator, type NilsasOptions } from '../../src/gradients/nilsas/index.js';
import { adjointExponents, adjointGrowth } from '../../src/gradients/nilsas/exponents.js';
import { createSystem, type DynamicalSystem } from '../../src/systems/index.js';

const average = (observable: string, steps: number, transient: number): Objective => ({ kind: 'average', observable, steps, transient });

async function nilsas(system: DynamicalSystem, objective: Objective, params: string[], options: NilsasOptions, seed = 1) {
  return nilsasEstimator.estimate({ system, objective, params, seed }, options);
}

/**
 * With M and the segment length given NILSAS skips its short Lyapunov run and reports the M
 * exponents of its own QR factors (gradients/nilsas/exponents.ts). Checked against the run it
 * replaces: the same estimate to the bit, exponents within the two runs' standard errors.
 */
describe('NILSAS: exponents from the run itself when the options are fixed', () => {
  it('lorenz63: the same gradient, value and errors as with the pilot; the adjoint exponents agree with the pilot\'s', async () => {
    const sys = createSystem('lorenz63', {});
    const obj = average('z', 8000, 1000);
    const fixed: NilsasOptions = { M: 2, segmentSteps: 200, repeats: 3 };
    const own = await nilsas(sys, obj, ['rho', 'sigma'], fixed);
    const pilot = await nilsas(sys, obj, ['rho', 'sigma'], { ...fixed, spectrumSteps: 20000 });
    assert.deepEqual(Array.from(own.gradient), Array.from(pilot.gradient));
    assert.deepEqual(Array.from(own.stderr!), Array.from(pilot.stderr!));
    assert.equal(own.value, pilot.value);
    const a = own.diagnostics as Record<string, any>, b = pilot.diagnostics as Record<string, any>;
    assert.equal(a.exponentsFrom, 'adjoints');
    assert.equal(b.exponentsFrom, 'pilot');
    assert.equal(a.exponents.length, 2);
    assert.equal(b.exponents.length, 3);
    for (let j = 0; j < 2; j++) {
      const tol = 4 * Math.hypot(a.exponentStderr[j], b.exponentStderr[j]);
      assert.ok(Math.abs(a.exponents[j] - b.exponents[j]) <= tol, `λ${j + 1}: run ${a.exponents[j]} ± ${a.exponentStderr[j]}, pilot ${b.exponents[j]} ± ${b.exponentStderr[j]}`);
    }
    assert.ok(a.exponents[0] > 0.7 && a.exponents[0] < 1.1, `λ₁ = ${a.exponents[0]} (reference 0.906)`);
    assert.equal(a.requiredM, null); // one unstable + the neutral one = M: exponent 3 is not seen
    assert.deepEqual(a.warnings, []);
    // no pilot: no tangent solves
    assert.equal(own.cost.tangentSolves, 0);
    assert.ok(pilot.cost.tangentSolves > 0);
  });

  it('henon: λ₁ from the adjoints is the map\'s 0.42 per step; M = 2 shows the stable one, so requiredM = 1', async () => {
    const sys = createSystem('henon', {});
    const r = await nilsas(sys, average('x0', 20000, 100), ['a'], { M: 2, segmentSteps: 10, repeats: 2 });
    const d = r.diagnostics as Record<string, any>;
    assert.equal(d.exponentsFrom, 'adjoints');
    assert.ok(Math.abs(d.exponents[0] - 0.419) < 4 * d.exponentStderr[0] + 0.01, `λ₁ = ${d.exponents[0]} ± ${d.exponentStderr[0]}`);
    assert.ok(Math.abs(d.exponents[1] + 1.623) < 4 * d.exponentStderr[1] + 0.01, `λ₂ = ${d.exponents[1]} ± ${d.exponentStderr[1]}`);
    assert.equal(d.requiredM, 1);
  });

  it('a flow whose kept adjoints all grow lacks its neutral direction: warning and requiredM = M + 1', async () => {
    const sys = createSystem('lorenz63', {});
    const r = await nilsas(sys, average('z', 6000, 1000), ['rho'], { M: 1, segmentSteps: 200, repeats: 2, neutral: false }); // with the constraint M = 1 fails outright (degenerate)
    const d = r.diagnostics as Record<string, any>;
    assert.equal(d.requiredM, 2);
    assert.equal(d.warnings.length, 1);
    assert.match(d.warnings[0], /M = 1 keeps only unstable directions .* use --M 2 or more/);
  });

  it('adjointGrowth / adjointExponents: log|R_jj| per segment, pooled over orbits and weighted by segment length', () => {
    // two interfaces of a 25-step orbit in segments of 10: segments 1 and 2 have 10 and 5 steps
    const R = [Float64Array.of(Math.exp(2), 0, 0, -Math.exp(-1)), Float64Array.of(Math.exp(1), 0, 0, Math.exp(-0.5))];
    const g = adjointGrowth(R, 2, 10, 25);
    assert.deepEqual(g.lengths, [10, 5]);
    assert.deepEqual(g.rates, [[2 / 10, -1 / 10], [1 / 5, -0.5 / 5]]);
    const e = adjointExponents([g, g], 2, null, false)!;
    assert.ok(Math.abs(e.exponents[0] - 3 / 15) < 1e-15 && Math.abs(e.exponents[1] + 1.5 / 15) < 1e-15, `${e.exponents}`);
    assert.equal(adjointExponents([g], 0, null, false), null);
    // per unit time for a flow
    const f = adjointExponents([g, g], 2, 0.01, true)!;
    assert.ok(Math.abs(f.exponents[0] - 20) < 1e-12);
  });
});

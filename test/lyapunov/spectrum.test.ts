import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NonFiniteStateError, UsageError } from '../../src/errors/index.js';
import { logAbsDet } from '../../src/linalg/index.js';
import { JacobianBuilder, kaplanYorkeDimension, lyapunovSpectrum, nearZeroCount, positiveCount, splitIndices, sumPositive } from '../../src/lyapunov/index.js';
import { Rng } from '../../src/random/index.js';
import { createSystem, initialState, step, type DynamicalSystem } from '../../src/systems/index.js';

/** Σ_n log|det J(x_n)| along the orbit from x0 (J column by column, determinant by LU). */
function orbitLogDet(sys: DynamicalSystem, x0: Float64Array, steps: number): number {
  const jac = new JacobianBuilder(sys);
  let x = Float64Array.from(x0);
  const y = new Float64Array(sys.dim);
  let sum = 0;
  for (let t = 0; t < steps; t++) {
    sum += logAbsDet(jac.at(x), sys.dim);
    step(sys, x, y, null);
    x = Float64Array.from(y);
  }
  return sum;
}

describe('lyapunovSpectrum: published values', () => {
  it('henon (a = 1.4, b = 0.3): (0.4192, −1.6232) within 0.003 and within 4 standard errors', () => {
    const r = lyapunovSpectrum(createSystem('henon'), { seed: 1 });
    const ref = [0.4192, -1.6232];
    for (let i = 0; i < 2; i++) {
      const err = Math.abs(r.exponents[i] - ref[i]);
      assert.ok(err < 0.003, `λ${i + 1} = ${r.exponents[i]} vs ${ref[i]}`);
      // the published values have 4 decimals: allow their rounding beside the statistical error
      assert.ok(err < 4 * r.stderr[i] + 5e-5, `λ${i + 1} = ${r.exponents[i]} ± ${r.stderr[i]} vs ${ref[i]}`);
    }
    assert.ok(Math.abs(r.exponents[0] + r.exponents[1] - Math.log(0.3)) < 1e-10, 'λ₁ + λ₂ = ln b exactly');
    assert.equal(r.positiveCount, 1);
    assert.equal(r.nearZeroCount, 0);
    assert.ok(Math.abs(r.kaplanYorke - (1 + r.exponents[0] / Math.abs(r.exponents[1]))) < 1e-12);
  });

  it('lorenz63 (σ=10, ρ=28, β=8/3): (0.906, 0, −14.57) within 0.02 / 0.01 / 0.05 per unit time', () => {
    const r = lyapunovSpectrum(createSystem('lorenz63'), { seed: 2 });
    assert.equal(r.perUnitTime, true);
    const ref = [0.9056, 0, -14.5723], tol = [0.02, 0.01, 0.05];
    for (let i = 0; i < 3; i++) {
      assert.ok(Math.abs(r.exponents[i] - ref[i]) < tol[i], `λ${i + 1} = ${r.exponents[i]} ± ${r.stderr[i]} vs ${ref[i]}`);
      assert.ok(Math.abs(r.exponents[i] - ref[i]) < 4 * r.stderr[i] + 5e-4, `λ${i + 1} = ${r.exponents[i]} ± ${r.stderr[i]} vs ${ref[i]}`);
    }
    // the RK4 step contracts volume at ≈ −(σ + 1 + β) per unit time
    const sum = r.exponents[0] + r.exponents[1] + r.exponents[2];
    assert.ok(Math.abs(sum + 10 + 1 + 8 / 3) < 1e-3, `Σλ = ${sum}`);
    assert.equal(r.positiveCount, 1);
    assert.equal(r.nearZeroCount, 1);
    assert.ok(Math.abs(r.kaplanYorke - 2.062) < 0.003, `D_KY = ${r.kaplanYorke}`);
  });

  it('closed forms: linear map λ = log|a|; noisy tent map λ = log γ (every step stretches by γ)', () => {
    const lin = lyapunovSpectrum(createSystem('linear', { set: { a: -0.7 } }), { steps: 500 });
    assert.ok(Math.abs(lin.exponents[0] - Math.log(0.7)) < 1e-14);
    const tent = lyapunovSpectrum(createSystem('tent'), { steps: 5000, seed: 3 });
    assert.ok(Math.abs(tent.exponents[0] - Math.log(3)) < 1e-13);
    assert.equal(tent.stderr[0] < 1e-13, true);
  });
});

describe('lyapunovSpectrum: exact identities', () => {
  for (const { name, options, steps } of [
    { name: 'lorenz63', options: {}, steps: 3000 },
    { name: 'henon', options: {}, steps: 5000 },
    { name: 'rnn', options: { dim: 12, set: { g: 2.5 } }, steps: 1000 },
    { name: 'ni9', options: {}, steps: 2000 },
    { name: 'lorenz96', options: { dim: 8 }, steps: 1000 },
  ]) {
    it(`${name}: with k = n, Σλ equals the orbit average of log|det J| to 1e-8 relative`, () => {
      const sys = createSystem(name, options);
      const x0 = initialState(sys, new Rng(4));
      const r = lyapunovSpectrum(sys, { x0, transient: 0, basisTransient: 0, steps });
      const sumLambda = r.exponents.reduce((a, b) => a + b, 0) / (sys.dt === null ? 1 : 1 / sys.dt);
      const logDet = orbitLogDet(sys, x0, steps) / steps;
      assert.ok(Math.abs(sumLambda - logDet) <= 1e-8 * Math.abs(logDet), `Σλ = ${sumLambda} vs ⟨log|det J|⟩ = ${logDet}`);
    });
  }

  it('QR every m steps gives the same exponents as every step (diag of a product of triangles)', () => {
    const sys = createSystem('lorenz63');
    const a = lyapunovSpectrum(sys, { steps: 6000, seed: 5 });
    const b = lyapunovSpectrum(sys, { steps: 6000, seed: 5, qrEvery: 7 });
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(a.exponents[i] - b.exponents[i]) < 1e-9 * Math.max(1, Math.abs(a.exponents[i])), `${a.exponents[i]} vs ${b.exponents[i]}`);
  });

  it('λ₁ from k = 1 equals λ₁ of the full spectrum on the same orbit and initial vector', () => {
    const sys = createSystem('rnn', { dim: 10 });
    const one = lyapunovSpectrum(sys, { k: 1, steps: 3000, seed: 6 });
    const all = lyapunovSpectrum(sys, { steps: 3000, seed: 6 });
    assert.ok(Math.abs(one.exponents[0] - all.exponents[0]) < 1e-12);
  });

  it('the convergence trace ends at the final estimate', () => {
    const r = lyapunovSpectrum(createSystem('henon'), { steps: 10000, tracePoints: 10 });
    const last = r.trace[r.trace.length - 1];
    assert.equal(last.step, 10000);
    assert.deepEqual(last.exponents, Array.from(r.exponents));
    assert.ok(r.trace.length >= 10 && r.trace.length <= 11);
  });
});

describe('lyapunovSpectrum: standard errors', () => {
  it('batch-means standard errors match the spread over independent orbits (henon, 24 seeds)', () => {
    const sys = createSystem('henon');
    const v: number[] = [], se: number[] = [];
    for (let s = 0; s < 24; s++) {
      const r = lyapunovSpectrum(sys, { steps: 40000, seed: 100 + s });
      v.push(r.exponents[0]);
      se.push(r.stderr[0]);
    }
    const m = v.reduce((a, b) => a + b) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    const rms = Math.sqrt(se.reduce((a, b) => a + b * b, 0) / se.length);
    // sd of 24 samples is known to ±15%; batch means of 32 batches to about ±13%
    assert.ok(sd / rms > 0.6 && sd / rms < 1.6, `spread ${sd} vs reported ${rms}`);
    assert.ok(Math.abs(m - 0.41922) < 4 * sd / Math.sqrt(v.length), `mean ${m} ± ${sd / Math.sqrt(v.length)}`);
  });
});

describe('summary quantities', () => {
  it('Kaplan–Yorke dimension, counts and positive sum', () => {
    assert.ok(Math.abs(kaplanYorkeDimension([0.9056, 0, -14.5723]) - (2 + 0.9056 / 14.5723)) < 1e-15);
    assert.equal(kaplanYorkeDimension([-0.1, -1]), 0);
    assert.equal(kaplanYorkeDimension([0.5, 0.2]), 2);
    assert.equal(kaplanYorkeDimension([1, -0.5, -2]), 2 + 0.5 / 2);
    const lam = [0.5, 0.001, -0.002, -1], se = [0.01, 0.01, 0.01, 0.01];
    assert.equal(positiveCount(lam, se), 1);
    assert.equal(nearZeroCount(lam, se), 2);
    assert.equal(sumPositive(lam, se), 0.5);
    assert.deepEqual(splitIndices(lam, se, false), { unstable: 1, neutral: 2 });
    // a flow always has its neutral direction
    assert.deepEqual(splitIndices([0.9, -0.5, -14], [0.001, 0.001, 0.001], true), { unstable: 1, neutral: 1 });
  });
});

describe('lyapunovSpectrum: errors', () => {
  it('bad options are usage errors naming the valid range', () => {
    const sys = createSystem('lorenz63');
    assert.throws(() => lyapunovSpectrum(sys, { k: 0 }), (e: Error) => e instanceof UsageError && /between 1 and 3/.test(e.message));
    assert.throws(() => lyapunovSpectrum(sys, { k: 4 }), (e: Error) => e instanceof UsageError && /between 1 and 3/.test(e.message));
    assert.throws(() => lyapunovSpectrum(sys, { steps: 10, qrEvery: 20 }), (e: Error) => e instanceof UsageError && /qrEvery/.test(e.message));
    assert.throws(() => lyapunovSpectrum(sys, { steps: 0 }), UsageError);
    assert.throws(() => lyapunovSpectrum(sys, { steps: 100, batches: 1 }), UsageError);
  });

  it('a diverging orbit and an overflowing tangent block are NonFiniteStateError naming the step', () => {
    assert.throws(() => lyapunovSpectrum(createSystem('linear', { set: { a: 3 } }), { steps: 5000, transient: 0 }), (e: Error) => e instanceof NonFiniteStateError && e.step > 0);
    // λ₁ ≈ 0.27 per step: 5000 steps between QRs overflow the vectors
    assert.throws(() => lyapunovSpectrum(createSystem('rnn'), { k: 2, steps: 10000, qrEvery: 5000 }), (e: Error) => e instanceof NonFiniteStateError && /tangent basis/.test(e.message));
  });
});

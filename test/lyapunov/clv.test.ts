import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors/index.js';
import { householderQR, singularValues, type Matrix } from '../../src/linalg/index.js';
import { SubspaceAngle, covariantVectors, minSingularValue, randomUpperTriangular, summariseAngles } from '../../src/lyapunov/index.js';
import { Rng } from '../../src/random/index.js';
import { createSystem, initialState } from '../../src/systems/index.js';
import { constantLinearMap, directionError, vectorOf } from './support.js';

/** A = V·diag(2, 1, ¼)·V⁻¹ with V = [[1,1,0],[0,1,1],[1,0,1]]: CLVs are V's columns. */
const V = [[1, 1, 0], [0, 1, 1], [1, 0, 1]];
const Vinv = [[0.5, -0.5, 0.5], [0.5, 0.5, -0.5], [-0.5, 0.5, 0.5]];
const D = [2, 1, 0.25];
const A = V.map((row, i) => row.map((_, j) => V[i].reduce((s, _v, m) => s + V[i][m] * D[m] * Vinv[m][j], 0)));

describe('covariantVectors', () => {
  it('constant map A = V·D·V⁻¹: CLVs are the eigenvectors (not the Gram–Schmidt vectors) and the angle is exact', () => {
    const sys = constantLinearMap(A);
    const r = covariantVectors(sys, { steps: 200, forwardTransient: 100, backwardTransient: 100, at: [0, 150], unstableDim: 1, neutralDim: 1 });
    for (const snap of r.snapshots) {
      for (let j = 0; j < 3; j++) {
        const eig = V.map((row) => row[j]);
        assert.ok(directionError(vectorOf(snap.vectors, j, 3), eig) < 1e-12, `CLV ${j} at ${snap.step}: ${vectorOf(snap.vectors, j, 3)} vs ${eig}`);
      }
    }
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(r.clvExponents[j] - Math.log(D[j])) < 1e-12);
    // e₁ = (1,0,1)/√2, e₃ = (0,1,1)/√2: cos θ = ½
    assert.ok(Math.abs(r.angleSummary!.min - Math.PI / 3) < 1e-12 && Math.abs(r.angleSummary!.median - Math.PI / 3) < 1e-12);
  });

  for (const { name, options } of [
    { name: 'lorenz63', options: {} },
    { name: 'henon', options: {} },
    { name: 'lorenz96', options: { dim: 8 } },
    { name: 'ni9', options: { noise: 0.5 } },
  ]) {
    it(`${name}: CLVs are covariant, J·e_i(x_n) ∥ e_i(x_{n+1}) (residual < 1e-8)`, () => {
      const sys = createSystem(name, options);
      const steps = sys.dt === null ? 2000 : 4000;
      const at = [10, 11, 1000, 1001, 1500, 1501];
      const r = covariantVectors(sys, { steps, at, seed: 7 });
      const n = sys.dim, k = r.k;
      for (let p = 0; p < at.length; p += 2) {
        const a = r.snapshots[p], b = r.snapshots[p + 1];
        assert.equal(b.step, a.step + 1);
        const jv = new Float64Array(n * k);
        sys.tangent(a.state, a.vectors, k, jv);
        for (let j = 0; j < k; j++) {
          const res = directionError(vectorOf(jv, j, n), vectorOf(b.vectors, j, n));
          assert.ok(res < 1e-8, `${name} CLV ${j} at ${a.step}: residual ${res}`);
        }
      }
    });
  }

  for (const name of ['lorenz63', 'henon']) {
    it(`${name}: CLVs do not depend on the random initial basis or coefficients (same orbit, two seeds, < 1e-8)`, () => {
      const sys = createSystem(name);
      const x0 = initialState(sys, new Rng(8));
      const at = [0, 777, 1999];
      const a = covariantVectors(sys, { x0, steps: 2000, at, seed: 1 });
      const b = covariantVectors(sys, { x0, steps: 2000, at, seed: 2 });
      const n = sys.dim;
      for (let s = 0; s < at.length; s++) {
        assert.deepEqual(a.snapshots[s].state, b.snapshots[s].state);
        for (let j = 0; j < n; j++) {
          const d = directionError(vectorOf(a.snapshots[s].vectors, j, n), vectorOf(b.snapshots[s].vectors, j, n));
          assert.ok(d < 1e-8, `CLV ${j} at ${at[s]}: ${d}`);
        }
      }
      // the check has teeth: with 1-step transients the random starts still show
      const short = { x0, steps: 2000, at: [0], forwardTransient: 1, backwardTransient: 1 };
      const c = covariantVectors(sys, { ...short, seed: 1 }), d = covariantVectors(sys, { ...short, seed: 2 });
      let worst = 0;
      for (let j = 0; j < n; j++) worst = Math.max(worst, directionError(vectorOf(c.snapshots[0].vectors, j, n), vectorOf(d.snapshots[0].vectors, j, n)));
      assert.ok(worst > 1e-3, `unconverged CLVs differ by ${worst}`);
    });
  }

  it('lorenz63: CLV growth rates equal the QR exponents within 3 standard errors; angles exclude the flow direction', () => {
    const r = covariantVectors(createSystem('lorenz63'), { steps: 40000, seed: 9 });
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.clvExponents[i] - r.exponents[i]) < 3 * r.stderr[i] + 1e-3, `${r.clvExponents[i]} vs ${r.exponents[i]} ± ${r.stderr[i]}`);
    assert.equal(r.unstableDim, 1);
    assert.equal(r.neutralDim, 1);
    const s = r.angleSummary!;
    assert.ok(s.count === r.angles.length && s.min > 0 && s.min <= s.p05 && s.p05 <= s.median && s.median <= Math.PI / 2);
  });

  it('rejects snapshot steps outside the window and oversized histories', () => {
    const sys = createSystem('henon');
    assert.throws(() => covariantVectors(sys, { steps: 100, at: [100] }), (e: Error) => e instanceof UsageError && /outside the window \[0, 100\)/.test(e.message));
    assert.throws(() => covariantVectors(createSystem('rnn', { dim: 100 }), { steps: 10000 }), (e: Error) => e instanceof UsageError && /MB/.test(e.message));
  });
});

describe('subspace angles', () => {
  function orthonormalColumns(m: Matrix): Matrix {
    return householderQR(m).q;
  }

  it('the coefficient-space angle equals the ambient principal angle (random CLV bases, q > 1)', () => {
    const rng = new Rng(10);
    const n = 7, k = 5, u = 2, z = 1;
    for (let trial = 0; trial < 20; trial++) {
      const c = randomUpperTriangular(k, rng);
      const qBlock = householderQR({ rows: n, cols: k, data: Float64Array.from({ length: n * k }, () => rng.normal()) }).q;
      // E = Q·C (n×k, row-major)
      const E = new Float64Array(n * k);
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) for (let m = 0; m < k; m++) E[i * k + j] += qBlock.data[i * k + m] * c[m * k + j];
      const cols = (from: number, to: number): Matrix => {
        const w = to - from, d = new Float64Array(n * w);
        for (let i = 0; i < n; i++) for (let j = from; j < to; j++) d[i * w + (j - from)] = E[i * k + j];
        return orthonormalColumns({ rows: n, cols: w, data: d });
      };
      const U = cols(0, u), S = cols(u + z, k);
      const M = new Float64Array(u * (k - u - z));
      for (let a = 0; a < u; a++) for (let b = 0; b < k - u - z; b++) for (let i = 0; i < n; i++) M[a * (k - u - z) + b] += U.data[i * u + a] * S.data[i * (k - u - z) + b];
      const cosMax = singularValues({ rows: u, cols: k - u - z, data: M })[0];
      const expected = Math.acos(Math.min(1, cosMax));
      const got = new SubspaceAngle(k, u, z).angle(c);
      assert.ok(Math.abs(got - expected) < 1e-9, `trial ${trial}: ${got} vs ${expected}`);
    }
  });

  it('minSingularValue agrees with linalg singularValues', () => {
    const rng = new Rng(11);
    for (const [m, q] of [[5, 3], [8, 8], [4, 1]]) {
      const data = Float64Array.from({ length: m * q }, () => rng.normal());
      // columns stored vector after vector ↔ the transpose of a row-major q×m matrix
      const ref = singularValues({ rows: q, cols: m, data: Float64Array.from(data) });
      assert.ok(Math.abs(minSingularValue(Float64Array.from(data), m, q) - ref[ref.length - 1]) < 1e-12);
    }
  });

  it('summariseAngles gives order statistics', () => {
    const s = summariseAngles(Float64Array.from({ length: 101 }, (_, i) => i / 100))!;
    assert.equal(s.min, 0);
    assert.ok(Math.abs(s.p05 - 0.05) < 1e-15 && Math.abs(s.median - 0.5) < 1e-15);
    assert.ok(Math.abs(s.fractionBelow01 - 10 / 101) < 1e-15);
  });
});

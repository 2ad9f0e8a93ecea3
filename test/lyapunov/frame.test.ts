import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JacobianBuilder, TangentFrame } from '../../src/lyapunov/index.js';
import { Rng } from '../../src/random/index.js';
import { createSystem } from '../../src/systems/index.js';
import { SMALL_SYSTEMS, randomCase } from '../helpers/cases.js';

/** (Jᵀ if transposed else J)·Q − Q'·R for a k-block, max abs entry. */
function factorResidual(J: Float64Array, n: number, k: number, qBefore: Float64Array, qAfter: Float64Array, r: Float64Array, transposed: boolean): number {
  let worst = 0;
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) {
      let lhs = 0;
      for (let m = 0; m < n; m++) lhs += (transposed ? J[m * n + i] : J[i * n + m]) * qBefore[j * n + m];
      let rhs = 0;
      for (let l = 0; l <= j; l++) rhs += qAfter[l * n + i] * r[l * k + j];
      worst = Math.max(worst, Math.abs(lhs - rhs));
    }
  }
  return worst;
}

function orthonormalityError(q: Float64Array, n: number, k: number): number {
  let worst = 0;
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += q[a * n + i] * q[b * n + i];
    worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
  }
  return worst;
}

describe('JacobianBuilder', () => {
  it('matches central finite differences of the map, column by column', () => {
    const rng = new Rng(3);
    for (const { name, options } of SMALL_SYSTEMS.filter((s) => !['tent', 'solenoid'].includes(s.name))) {
      const { sys, x } = randomCase(name, options, rng);
      const n = sys.dim;
      const J = new JacobianBuilder(sys).at(x);
      const eps = 1e-6;
      const fp = new Float64Array(n), fm = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const xp = Float64Array.from(x), xm = Float64Array.from(x);
        xp[j] += eps;
        xm[j] -= eps;
        sys.map(xp, fp);
        sys.map(xm, fm);
        for (let i = 0; i < n; i++) {
          const fd = (fp[i] - fm[i]) / (2 * eps);
          assert.ok(Math.abs(J[i * n + j] - fd) <= 1e-6 * Math.max(1, Math.abs(fd)), `${name} J[${i},${j}] = ${J[i * n + j]} vs fd ${fd}`);
        }
      }
    }
  });
});

describe('TangentFrame', () => {
  for (const { name, options, k } of [
    { name: 'lorenz63', options: {}, k: 3 },
    { name: 'henon', options: {}, k: 2 },
    { name: 'rnn', options: { dim: 7 }, k: 4 },
    { name: 'lorenz96', options: { dim: 8 }, k: 5 },
  ]) {
    it(`${name}: advance gives J·Q_n = Q_{n+1}·R_n with orthonormal Q and positive diagonal R (k = ${k})`, () => {
      const rng = new Rng(5);
      const { sys, x } = randomCase(name, options, rng);
      const n = sys.dim;
      const frame = new TangentFrame(sys, k, rng);
      assert.ok(orthonormalityError(frame.q, n, k) < 1e-13);
      const J = new JacobianBuilder(sys).at(x);
      const before = frame.q.slice();
      frame.advance(x);
      const scale = Math.max(...frame.r.map(Math.abs));
      assert.ok(factorResidual(J, n, k, before, frame.q, frame.r, false) < 1e-12 * scale);
      assert.ok(orthonormalityError(frame.q, n, k) < 1e-13);
      for (let j = 0; j < k; j++) assert.ok(frame.r[j * k + j] > 0);
      for (let i = 1; i < k; i++) for (let j = 0; j < i; j++) assert.equal(frame.r[i * k + j], 0);
    });

    it(`${name}: advanceAdjoint gives Jᵀ·P_{n+1} = P_n·S_n`, () => {
      const rng = new Rng(6);
      const { sys, x } = randomCase(name, options, rng);
      const n = sys.dim;
      const frame = new TangentFrame(sys, k, rng);
      const J = new JacobianBuilder(sys).at(x);
      const before = frame.q.slice();
      frame.advanceAdjoint(x);
      const scale = Math.max(...frame.r.map(Math.abs));
      assert.ok(factorResidual(J, n, k, before, frame.q, frame.r, true) < 1e-12 * scale);
      assert.ok(orthonormalityError(frame.q, n, k) < 1e-13);
    });
  }

  it('without orthonormalising, advance is the plain tangent product and keeps R', () => {
    const sys = createSystem('henon');
    const frame = new TangentFrame(sys, 2, new Rng(1));
    const x = Float64Array.of(0.3, 0.1);
    const q0 = frame.q.slice(), r0 = frame.r.slice();
    frame.advance(x, false);
    const expect = new Float64Array(4);
    sys.tangent(x, q0, 2, expect);
    assert.deepEqual(Array.from(frame.q), Array.from(expect));
    assert.deepEqual(Array.from(frame.r), Array.from(r0));
  });

  it('rejects k outside 1..n', () => {
    const sys = createSystem('henon');
    assert.throws(() => new TangentFrame(sys, 0, new Rng(1)), /1 <= k <= 2/);
    assert.throws(() => new TangentFrame(sys, 3, new Rng(1)), /1 <= k <= 2/);
  });
});

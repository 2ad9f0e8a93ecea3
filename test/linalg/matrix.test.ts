import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  axpy, dot, fromRows, gemm, gemv, gemvT, identity, norm2, scale, toRows, zeros, type Matrix,
} from '../../src/linalg/index.js';
import { assertClose, makeRand, naiveMul, randomArray, randomMatrix, transpose } from './support.js';

test('fromRows / toRows round trip, zeros and identity', () => {
  const rows = [[1, 2, 3], [4, 5, 6]];
  const m = fromRows(rows);
  assert.equal(m.rows, 2);
  assert.equal(m.cols, 3);
  assert.deepEqual(Array.from(m.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(toRows(m), rows);
  assert.deepEqual(toRows(identity(2)), [[1, 0], [0, 1]]);
  const z = zeros(3, 0);
  assert.equal(z.data.length, 0);
  assert.deepEqual(toRows(fromRows([])), []);
});

test('fromRows rejects ragged and non-finite input with a clear message', () => {
  assert.throws(() => fromRows([[1, 2], [3]]), /ragged.*row 1/);
  assert.throws(() => fromRows([[1, NaN]]), /entry \(0, 1\) is not a finite number/);
  assert.throws(() => fromRows([[Infinity]]), /not a finite number/);
  assert.throws(() => zeros(-1, 2), /non-negative integer/);
});

test('gemv and gemvT match naive loops, including alpha and beta', () => {
  const rand = makeRand(1);
  const a = randomMatrix(rand, 5, 3);
  const x = randomArray(rand, 3);
  const xt = randomArray(rand, 5);
  for (const [alpha, beta] of [[1, 0], [-0.7, 0], [1.3, 0.4], [2, 1]]) {
    const y0 = randomArray(rand, 5);
    const y = Float64Array.from(y0);
    gemv(a, x, y, alpha, beta);
    const expect = new Float64Array(5);
    for (let i = 0; i < 5; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += a.data[i * 3 + j] * x[j];
      expect[i] = alpha * s + beta * y0[i];
    }
    assertClose(y, expect, 1e-14, 'gemv');

    const yt0 = randomArray(rand, 3);
    const yt = Float64Array.from(yt0);
    gemvT(a, xt, yt, alpha, beta);
    const expectT = new Float64Array(3);
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let i = 0; i < 5; i++) s += a.data[i * 3 + j] * xt[i];
      expectT[j] = alpha * s + beta * yt0[j];
    }
    assertClose(yt, expectT, 1e-14, 'gemvT');
  }
});

test('gemv with beta = 0 ignores NaN already in y, but NaN in A propagates', () => {
  const a = fromRows([[1, 2], [3, 4]]);
  const y = new Float64Array([NaN, NaN]);
  gemv(a, new Float64Array([1, 1]), y);
  assert.deepEqual(Array.from(y), [3, 7]);
  gemvT(a, new Float64Array([1, 1]), y);
  assert.deepEqual(Array.from(y), [4, 6]);
  const bad: Matrix = { rows: 1, cols: 2, data: new Float64Array([NaN, 1]) };
  const out = new Float64Array(1);
  gemv(bad, new Float64Array([0, 1]), out);
  assert.ok(Number.isNaN(out[0]));
});

test('gemm: all four transpose combinations match the naive triple loop', () => {
  const rand = makeRand(2);
  const [m, p, n] = [4, 6, 5];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const [alpha, beta] of [[1, 0], [1.5, -0.5]]) {
        const opA = randomMatrix(rand, m, p);
        const opB = randomMatrix(rand, p, n);
        const a = transA ? transpose(opA) : opA;
        const b = transB ? transpose(opB) : opB;
        const c0 = randomMatrix(rand, m, n);
        const c: Matrix = { rows: m, cols: n, data: Float64Array.from(c0.data) };
        gemm(a, b, c, { transA, transB, alpha, beta });
        const prod = naiveMul(opA, opB);
        const expect = prod.data.map((v, i) => alpha * v + beta * c0.data[i]);
        assertClose(c.data, expect, 1e-13, `gemm transA=${transA} transB=${transB}`);
      }
    }
  }
});

test('gemm rejects shape mismatch and aliasing', () => {
  const a = zeros(2, 3);
  const b = zeros(3, 4);
  assert.throws(() => gemm(a, b, zeros(2, 3)), /shape mismatch/);
  assert.throws(() => gemm(a, b, zeros(2, 4), { transA: true }), /shape mismatch/);
  assert.throws(() => gemm(a, zeros(4, 3), zeros(2, 4)), /shape mismatch/);
  gemm(a, zeros(4, 3), zeros(2, 4), { transB: true });
  const sq = identity(3);
  assert.throws(() => gemm(sq, identity(3), sq), /alias/);
});

test('dot, norm2, axpy, scale with lengths and offsets', () => {
  const a = new Float64Array([1, 2, 3, 4, 5]);
  const b = new Float64Array([5, 4, 3, 2, 1]);
  assert.equal(dot(a, b), 35);
  assert.equal(dot(a, b, 2, 3, 0), 4 * 5 + 5 * 4);
  assert.equal(norm2(new Float64Array([3, 4])), 5);
  assert.equal(norm2(a, 2, 2), 5);
  assert.equal(norm2(new Float64Array(0)), 0);
  const y = Float64Array.from(b);
  axpy(2, a, y, 2, 1, 3);
  assert.deepEqual(Array.from(y), [5, 4, 3, 6, 7]);
  scale(-1, y, 2, 1);
  assert.deepEqual(Array.from(y), [5, -4, -3, 6, 7]);
});

test('norm2 neither underflows nor overflows', () => {
  assert.ok(Math.abs(norm2(new Float64Array([3e-200, 4e-200])) / 5e-200 - 1) < 1e-15);
  assert.ok(Math.abs(norm2(new Float64Array([3e200, 4e200])) / 5e200 - 1) < 1e-15);
  assert.equal(norm2(new Float64Array([5e-324, 0])), 5e-324);
  assert.equal(norm2(new Float64Array([1, Infinity])), Infinity);
  assert.ok(Number.isNaN(norm2(new Float64Array([1, NaN]))));
});

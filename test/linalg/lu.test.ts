import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logAbsDet, luFactor, luSolve, solve, symmetricEigen } from '../../src/linalg/index.js';
import { assertClose, makeRand, matVec, randomArray, randomSymmetric } from './support.js';

test('solve and luSolve leave a tiny residual; luSolve can work in place', () => {
  const rand = makeRand(51);
  for (const n of [1, 3, 8]) {
    const a = randomArray(rand, n * n);
    const before = Float64Array.from(a);
    const b = randomArray(rand, n);
    const x = solve(a, n, b);
    assert.deepEqual(a, before, 'solve modified its input');
    assertClose(matVec(a, n, x), b, 1e-12, `n=${n}`);
    const inPlace = Float64Array.from(b);
    luSolve(luFactor(a, n), inPlace, inPlace);
    assertClose(inPlace, x, 0, 'in-place');
  }
});

test('partial pivoting handles a zero leading entry', () => {
  const a = new Float64Array([0, 1, 1, 0]);
  const f = luFactor(a, 2);
  assert.equal(f.sign, -1);
  assert.deepEqual(Array.from(solve(a, 2, new Float64Array([3, 4]))), [4, 3]);
});

test('logAbsDet on triangular, known and permutation matrices', () => {
  const rand = makeRand(52);
  const n = 6;
  const t = new Float64Array(n * n);
  let expected = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) t[i * n + j] = 2 * rand();
    t[i * n + i] = (i % 2 ? -1 : 1) * (0.5 + i);
    expected += Math.log(0.5 + i);
  }
  assert.ok(Math.abs(logAbsDet(t, n) - expected) < 1e-13);
  assert.ok(Math.abs(logAbsDet(new Float64Array([2, 1, 1, 3]), 2) - Math.log(5)) < 1e-15);
  assert.equal(logAbsDet(new Float64Array([0, 1, 0, 0, 0, 1, 1, 0, 0]), 3), 0);
  // A huge determinant that would overflow as a product is fine as a sum of logs.
  const big = new Float64Array(4 * 4);
  for (let i = 0; i < 4; i++) big[i * 4 + i] = 1e100;
  assert.ok(Math.abs(logAbsDet(big, 4) / (400 * Math.LN10) - 1) < 1e-14);
});

test('logAbsDet equals the sum of log|eigenvalue| for a symmetric matrix', () => {
  const rand = makeRand(53);
  const n = 7;
  const a = randomSymmetric(rand, n);
  const { values } = symmetricEigen(a, n);
  const expected = values.reduce((s, v) => s + Math.log(Math.abs(v)), 0);
  assert.ok(Math.abs(logAbsDet(a, n) - expected) < 1e-11);
});

test('singular matrices: logAbsDet is −Infinity and solve throws', () => {
  const s = new Float64Array([1, 2, 2, 4]);
  assert.equal(logAbsDet(s, 2), -Infinity);
  assert.equal(logAbsDet(new Float64Array(9), 3), -Infinity);
  assert.throws(() => solve(s, 2, new Float64Array([1, 1])), /singular/);
});

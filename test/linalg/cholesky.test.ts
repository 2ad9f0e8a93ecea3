import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cholesky, choleskySolve } from '../../src/linalg/index.js';
import { assertClose, makeRand, matVec, randomArray, randomSPD } from './support.js';

test('cholesky of a known matrix', () => {
  const a = new Float64Array([4, 12, -16, 12, 37, -43, -16, -43, 98]);
  cholesky(a, 3);
  assert.deepEqual(Array.from(a), [2, 0, 0, 6, 1, 0, -8, 5, 3]);
});

test('cholesky reconstructs random SPD matrices and choleskySolve solves them', () => {
  const rand = makeRand(31);
  for (const n of [1, 4, 10]) {
    const a = randomSPD(rand, n);
    const l = Float64Array.from(a);
    cholesky(l, n);
    const llt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) llt[i * n + j] += l[i * n + k] * l[j * n + k];
    assertClose(llt, a, 1e-12, `L·Lᵀ n=${n}`);
    const b = randomArray(rand, n);
    const padded = new Float64Array(n + 2);
    padded.set(b, 1);
    choleskySolve(l, n, padded, 1);
    assertClose(matVec(a, n, padded.subarray(1, n + 1)), b, 1e-11, `solve n=${n}`);
  }
});

test('cholesky rejects indefinite, semidefinite and NaN matrices', () => {
  assert.throws(() => cholesky(new Float64Array([1, 2, 2, 1]), 2), /matrix is not positive definite \(pivot 1 = -3\)/);
  assert.throws(() => cholesky(new Float64Array([-1]), 1), /not positive definite \(pivot 0/);
  assert.throws(() => cholesky(new Float64Array([1, 1, 1, 1]), 2), /not positive definite \(pivot 1 = 0\)/);
  assert.throws(() => cholesky(new Float64Array([NaN]), 1), /not positive definite/);
});

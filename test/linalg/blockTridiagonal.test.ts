import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockTridiagonalMultiply, factorBlockTridiagonalSPD, solve, solveBlockTridiagonalSPD, solveFactored } from '../../src/linalg/index.js';
import { makeRand, maxAbs, maxAbsDiff, randomArray } from './support.js';

/**
 * A random SPD block-tridiagonal instance built as L·Lᵀ + I with L block lower-bidiagonal
 * (diagonal blocks P_i, sub-diagonal blocks C_i), which is block-tridiagonal by construction.
 */
function randomInstance(rand: () => number, K: number, m: number): { diag: Float64Array[]; upper: Float64Array[] } {
  const P = Array.from({ length: K }, () => randomArray(rand, m * m));
  const C = Array.from({ length: Math.max(K - 1, 0) }, () => randomArray(rand, m * m));
  const mulT = (x: Float64Array, y: Float64Array, acc: Float64Array) => {
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) acc[i * m + j] += x[i * m + k] * y[j * m + k];
  };
  const diag: Float64Array[] = [];
  const upper: Float64Array[] = [];
  for (let i = 0; i < K; i++) {
    const d = new Float64Array(m * m);
    mulT(P[i], P[i], d);
    if (i > 0) mulT(C[i - 1], C[i - 1], d);
    for (let j = 0; j < m; j++) d[j * m + j] += 1;
    diag.push(d);
    if (i < K - 1) {
      const u = new Float64Array(m * m);
      mulT(P[i], C[i], u); // A_{i,i+1} = P_i·C_iᵀ
      upper.push(u);
    }
  }
  return { diag, upper };
}

function dense(diag: Float64Array[], upper: Float64Array[], m: number): Float64Array {
  const K = diag.length;
  const N = K * m;
  const a = new Float64Array(N * N);
  for (let b = 0; b < K; b++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        a[(b * m + i) * N + b * m + j] = diag[b][i * m + j];
        if (b < K - 1) {
          a[(b * m + i) * N + (b + 1) * m + j] = upper[b][i * m + j];
          a[((b + 1) * m + j) * N + b * m + i] = upper[b][i * m + j];
        }
      }
    }
  }
  return a;
}

test('solveBlockTridiagonalSPD matches a dense LU solve (K = 1, 2, 7; m = 0, 1, 3)', () => {
  const rand = makeRand(41);
  for (const K of [1, 2, 7]) {
    for (const m of [0, 1, 3]) {
      const { diag, upper } = randomInstance(rand, K, m);
      const rhs = Array.from({ length: K }, () => randomArray(rand, m));
      const snapshot = [diag, upper, rhs].map((blocks) => blocks.map((b) => Float64Array.from(b)));
      const x = solveBlockTridiagonalSPD(diag, upper, m, rhs);
      assert.equal(x.length, K);
      for (const xi of x) assert.equal(xi.length, m);
      assert.deepEqual([diag, upper, rhs], snapshot, 'inputs were modified');
      if (m === 0) continue;

      const ax = blockTridiagonalMultiply(diag, upper, m, x);
      let res = 0;
      let bn = 0;
      for (let i = 0; i < K; i++) {
        res = Math.max(res, maxAbsDiff(ax[i], rhs[i]));
        bn = Math.max(bn, maxAbs(rhs[i]));
      }
      assert.ok(res / bn < 1e-10, `K=${K} m=${m}: relative residual ${res / bn}`);

      const flatRhs = new Float64Array(K * m);
      rhs.forEach((b, i) => flatRhs.set(b, i * m));
      const ref = solve(dense(diag, upper, m), K * m, flatRhs);
      const flatX = new Float64Array(K * m);
      x.forEach((b, i) => flatX.set(b, i * m));
      const err = maxAbsDiff(flatX, ref) / maxAbs(ref);
      assert.ok(err < 1e-10, `K=${K} m=${m}: differs from dense solve by ${err}`);
    }
  }
});

test('blockTridiagonalMultiply agrees with the dense matrix', () => {
  const rand = makeRand(42);
  const K = 4;
  const m = 2;
  const { diag, upper } = randomInstance(rand, K, m);
  const x = Array.from({ length: K }, () => randomArray(rand, m));
  const y = blockTridiagonalMultiply(diag, upper, m, x);
  const a = dense(diag, upper, m);
  const N = K * m;
  for (let r = 0; r < N; r++) {
    let s = 0;
    for (let c = 0; c < N; c++) s += a[r * N + c] * x[Math.floor(c / m)][c % m];
    assert.ok(Math.abs(s - y[Math.floor(r / m)][r % m]) < 1e-12);
  }
});

test('solveBlockTridiagonalSPD reports the failing block and validates shapes', () => {
  const m = 1;
  // [[1, 2], [2, 1]] is indefinite: the Schur complement of block 1 is 1 − 4 < 0.
  assert.throws(
    () => solveBlockTridiagonalSPD([new Float64Array([1]), new Float64Array([1])], [new Float64Array([2])], m, [new Float64Array(1), new Float64Array(1)]),
    /block 1: matrix is not positive definite/,
  );
  assert.throws(() => solveBlockTridiagonalSPD([new Float64Array(1)], [new Float64Array(1)], 1, [new Float64Array(1)]), /upper blocks/);
  assert.throws(() => solveBlockTridiagonalSPD([new Float64Array(4)], [], 1, [new Float64Array(1)]), /diag\[0\]/);
  assert.throws(() => solveBlockTridiagonalSPD([new Float64Array([1])], [], 1, [new Float64Array(2)]), /rhs\[0\]/);
  assert.deepEqual(solveBlockTridiagonalSPD([], [], 3, []), []);
});

test('one factorisation, many solves: solveFactored gives the bits of solveBlockTridiagonalSPD for each right-hand side', () => {
  const rand = makeRand(31);
  for (const [K, m] of [[1, 1], [5, 2], [9, 3], [3, 0]]) {
    const { diag, upper } = randomInstance(rand, K, m);
    const before = diag.map((d) => Array.from(d));
    const factor = factorBlockTridiagonalSPD(diag, upper, m);
    for (let r = 0; r < 3; r++) {
      const rhs = Array.from({ length: K }, () => randomArray(rand, m));
      const once = solveBlockTridiagonalSPD(diag, upper, m, rhs);
      const reused = solveFactored(factor, rhs);
      assert.deepEqual(reused.map((x) => Array.from(x)), once.map((x) => Array.from(x)), `K = ${K}, m = ${m}, rhs ${r}`);
    }
    assert.deepEqual(diag.map((d) => Array.from(d)), before, 'inputs untouched');
  }
  assert.throws(() => factorBlockTridiagonalSPD([Float64Array.of(-1)], [], 1), /block 0: .*not positive definite/);
});

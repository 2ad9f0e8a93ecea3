import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QRWorkspace, householderQR, qrBlock } from '../../src/linalg/index.js';
import { assertClose, makeRand, maxAbs, maxAbsDiff, naiveMul, randomArray, randomMatrix } from './support.js';

/** Checks every documented property of a qrBlock result against the original vectors. */
function checkQR(orig: Float64Array, q: Float64Array, r: Float64Array, n: number, k: number, allowZeroDiag = false): void {
  for (const v of q) assert.ok(Number.isFinite(v), 'Q has a non-finite entry');
  for (const v of r) assert.ok(Number.isFinite(v), 'R has a non-finite entry');
  let orthErr = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += q[a * n + i] * q[b * n + i];
      orthErr = Math.max(orthErr, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  assert.ok(orthErr < 1e-13, `|QᵀQ − I| = ${orthErr}`);
  const recon = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i <= j; i++) {
      const rij = r[i * k + j];
      for (let t = 0; t < n; t++) recon[j * n + t] += rij * q[i * n + t];
    }
  }
  const scaleRef = Math.max(maxAbs(orig), Number.MIN_VALUE);
  const rel = maxAbsDiff(recon, orig) / scaleRef;
  assert.ok(rel < 1e-12, `QR reconstruction relative error ${rel}`);
  for (let i = 0; i < k; i++) {
    const d = r[i * k + i];
    assert.ok(allowZeroDiag ? d >= 0 : d > 0, `R[${i},${i}] = ${d}`);
    for (let j = 0; j < i; j++) assert.equal(r[i * k + j], 0, 'R is not upper triangular');
  }
}

test('qrBlock on random blocks: orthonormal Q, Q·R = V, positive diagonal', () => {
  const rand = makeRand(11);
  for (const [n, k] of [[1, 1], [3, 1], [5, 5], [7, 4], [40, 6], [12, 12]]) {
    const ws = new QRWorkspace(n, k);
    const v = randomArray(rand, n * k);
    const orig = Float64Array.from(v);
    const r = new Float64Array(k * k).fill(NaN);
    qrBlock(v, n, k, r, ws);
    checkQR(orig, v, r, n, k);
  }
});

test('qrBlock: workspace reuse gives identical results and R is overwritten', () => {
  const rand = makeRand(12);
  const n = 9;
  const k = 3;
  const ws = new QRWorkspace(n, k);
  const base = randomArray(rand, n * k);
  const v1 = Float64Array.from(base);
  const r1 = new Float64Array(k * k);
  qrBlock(v1, n, k, r1, ws);
  qrBlock(randomArray(rand, n * k), n, k, new Float64Array(k * k), ws);
  const v2 = Float64Array.from(base);
  const r2 = new Float64Array(k * k).fill(7);
  qrBlock(v2, n, k, r2, ws);
  assert.deepEqual(v2, v1);
  assert.deepEqual(r2, r1);
});

test('qrBlock on an already orthonormal block with negative signs returns it with positive R', () => {
  const n = 4;
  const k = 2;
  const v = new Float64Array([-1, 0, 0, 0, 0, 0, -2, 0]);
  const r = new Float64Array(4);
  qrBlock(v, n, k, r, new QRWorkspace(n, k));
  assertClose(r, [1, 0, 0, 2], 1e-15, 'R');
  assertClose(v, [-1, 0, 0, 0, 0, 0, -1, 0], 1e-15, 'Q');
});

test('qrBlock is robust on rank-deficient and ill-conditioned input', () => {
  const rand = makeRand(13);
  const n = 6;
  const k = 4;
  const v = new Float64Array(n * k);
  const c0 = randomArray(rand, n);
  v.set(c0, 0);
  v.set(randomArray(rand, n), n);
  for (let i = 0; i < n; i++) v[2 * n + i] = 2 * c0[i]; // dependent column
  // column 3 stays exactly zero
  const orig = Float64Array.from(v);
  const r = new Float64Array(k * k);
  qrBlock(v, n, k, r, new QRWorkspace(n, k));
  checkQR(orig, v, r, n, k, true);
  assert.ok(Math.abs(r[2 * k + 2]) < 1e-14, `R[2,2] should vanish, got ${r[2 * k + 2]}`);
  assert.equal(r[3 * k + 3], 0);

  // Nearly parallel columns (condition ~1e12): Householder keeps Q orthonormal to rounding level.
  const w = new Float64Array(n * 3);
  const base = randomArray(rand, n);
  for (let j = 0; j < 3; j++) for (let i = 0; i < n; i++) w[j * n + i] = base[i] + 1e-6 ** j * (rand() - 0.5) * (j > 0 ? 1 : 0);
  const worig = Float64Array.from(w);
  const rw = new Float64Array(9);
  qrBlock(w, n, 3, rw, new QRWorkspace(n, 3));
  checkQR(worig, w, rw, n, 3);

  const allZero = new Float64Array(n * 2);
  const rz = new Float64Array(4);
  qrBlock(allZero, n, 2, rz, new QRWorkspace(n, 2));
  checkQR(new Float64Array(n * 2), allZero, rz, n, 2, true);
});

test('qrBlock survives tiny and huge scales', () => {
  const rand = makeRand(14);
  for (const s of [1e-200, 1e200]) {
    const n = 5;
    const k = 3;
    const v = randomArray(rand, n * k).map((x) => x * s);
    const orig = Float64Array.from(v);
    const r = new Float64Array(k * k);
    qrBlock(v, n, k, r, new QRWorkspace(n, k));
    checkQR(orig, v, r, n, k);
  }
});

test('qrBlock validates its arguments', () => {
  assert.throws(() => new QRWorkspace(2, 3), /k <= n/);
  assert.throws(() => qrBlock(new Float64Array(6), 2, 3, new Float64Array(9), new QRWorkspace(3, 3)), /k <= n/);
  assert.throws(() => qrBlock(new Float64Array(6), 3, 2, new Float64Array(4), new QRWorkspace(4, 2)), /workspace/);
  assert.throws(() => qrBlock(new Float64Array(5), 3, 2, new Float64Array(4), new QRWorkspace(3, 2)), /length/);
});

test('householderQR: thin QR of a row-major matrix', () => {
  const rand = makeRand(15);
  const a = randomMatrix(rand, 7, 4);
  const { q, r } = householderQR(a);
  assert.equal(q.rows, 7);
  assert.equal(q.cols, 4);
  assert.equal(r.rows, 4);
  assertClose(naiveMul(q, r).data, a.data, 1e-13, 'Q·R');
  const qtq = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let t = 0; t < 7; t++) qtq[i * 4 + j] += q.data[t * 4 + i] * q.data[t * 4 + j];
  assertClose(qtq, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 1e-14, 'QᵀQ');
  for (let i = 0; i < 4; i++) assert.ok(r.data[i * 4 + i] > 0);
  assert.throws(() => householderQR(randomMatrix(rand, 2, 3)), /rows >= cols/);
});

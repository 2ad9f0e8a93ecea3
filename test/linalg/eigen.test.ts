import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conditionNumberSPD, eigenvaluesGeneral, householderQR, singularValues, spectralRadius, symmetricEigen, type Matrix,
} from '../../src/linalg/index.js';
import { assertClose, makeRand, randomMatrix, randomSymmetric } from './support.js';

test('symmetricEigen reconstructs A with orthonormal vectors and descending values', () => {
  const rand = makeRand(61);
  for (const n of [1, 2, 5, 12]) {
    const a = randomSymmetric(rand, n);
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) assert.ok(values[i - 1] >= values[i], 'values not descending');
    const recon = new Float64Array(n * n);
    const gram = new Float64Array(n * n);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          recon[i * n + j] += values[k] * vectors[k * n + i] * vectors[k * n + j];
          gram[i * n + j] += vectors[i * n + k] * vectors[j * n + k];
        }
      }
    }
    assertClose(recon, a, 1e-12, `reconstruction n=${n}`);
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    assertClose(gram, eye, 1e-13, `orthonormality n=${n}`);
    // A·v_k = λ_k·v_k row by row.
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += a[i * n + j] * vectors[k * n + j];
        assert.ok(Math.abs(s - values[k] * vectors[k * n + i]) < 1e-12);
      }
    }
  }
  const { values } = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2);
  assertClose(values, [3, 1], 1e-15, '2x2');
});

test('symmetricEigen keeps tiny eigenvalues of a graded matrix to relative accuracy', () => {
  // Weakly coupled graded diagonal: the smallest eigenvalue is 1e-16·(1 − O(1e-10)), below
  // eps·‖A‖, so only a relatively accurate method (Jacobi with a relative threshold) gets it.
  const d = [1, 1e-8, 1e-16];
  const c01 = 1e-5 * Math.sqrt(d[0] * d[1]);
  const c12 = 1e-5 * Math.sqrt(d[1] * d[2]);
  const a = new Float64Array([d[0], c01, 0, c01, d[1], c12, 0, c12, d[2]]);
  const { values } = symmetricEigen(a, 3);
  assert.ok(Math.abs(values[2] / d[2] - 1) < 1e-8, `smallest eigenvalue ${values[2]}`);
  assert.ok(Math.abs(values[1] / d[1] - 1) < 1e-8, `middle eigenvalue ${values[1]}`);
});

function eigOfGram(a: Matrix): Float64Array {
  const n = a.cols;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < a.rows; k++) g[i * n + j] += a.data[k * n + i] * a.data[k * n + j];
  return symmetricEigen(g, n).values;
}

test('singularValues agree with the eigenvalues of AᵀA (tall and wide)', () => {
  const rand = makeRand(63);
  const tall = randomMatrix(rand, 7, 4);
  const sv = singularValues(tall);
  assert.equal(sv.length, 4);
  const ev = eigOfGram(tall);
  assertClose(sv.map((s) => s * s), ev, 1e-12, 'σ² vs eig(AᵀA)');
  for (let i = 1; i < sv.length; i++) assert.ok(sv[i - 1] >= sv[i]);

  const wide: Matrix = { rows: 4, cols: 7, data: new Float64Array(28) };
  for (let i = 0; i < 4; i++) for (let j = 0; j < 7; j++) wide.data[i * 7 + j] = tall.data[j * 4 + i];
  assertClose(singularValues(wide), sv, 1e-13, 'σ(Aᵀ) = σ(A)');
});

test('singularValues: known diagonal, rank deficiency and tiny values', () => {
  const diag: Matrix = { rows: 3, cols: 3, data: new Float64Array([0, 0, -2, 0, 5, 0, 1e-12, 0, 0]) };
  assertClose(singularValues(diag), [5, 2, 1e-12], 1e-25, 'permuted diagonal');
  const rank1: Matrix = { rows: 3, cols: 2, data: new Float64Array([1, 2, 2, 4, 3, 6]) };
  const sv = singularValues(rank1);
  assert.ok(Math.abs(sv[0] - Math.sqrt(14 * 5)) < 1e-13);
  assert.ok(sv[1] < 1e-14);
  assert.equal(singularValues({ rows: 0, cols: 3, data: new Float64Array(0) }).length, 0);
});

function rot(theta: number, rho: number): number[] {
  return [rho * Math.cos(theta), -rho * Math.sin(theta), rho * Math.sin(theta), rho * Math.cos(theta)];
}

test('spectralRadius: exact 1×1 and 2×2, including a rotation-scaling (complex pair)', () => {
  assert.equal(spectralRadius(new Float64Array([-3]), 1), 3);
  assert.equal(spectralRadius(new Float64Array(0), 0), 0);
  assert.ok(Math.abs(spectralRadius(new Float64Array(rot(0.7, 1.3)), 2) - 1.3) < 1e-15);
  assert.equal(spectralRadius(new Float64Array([1, 2, 3, 4]), 2), (5 + Math.sqrt(33)) / 2);
  assert.equal(spectralRadius(new Float64Array([0, 1, 0, 0]), 2), 0);
});

test('spectralRadius of a hidden complex pair: Q·blockdiag(1.3·R(0.7), 0.5·R(2), −0.9)·Qᵀ', () => {
  const rand = makeRand(64);
  const n = 5;
  const b = new Float64Array(n * n);
  const r1 = rot(0.7, 1.3);
  const r2 = rot(2, 0.5);
  b.set(r1.slice(0, 2), 0);
  b.set(r1.slice(2), 5);
  b.set(r2.slice(0, 2), 12);
  b.set(r2.slice(2), 17);
  b[24] = -0.9;
  const { q } = householderQR(randomMatrix(rand, n, n));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) for (let l = 0; l < n; l++) a[i * n + j] += q.data[i * n + k] * b[k * n + l] * q.data[j * n + l];
  assert.ok(Math.abs(spectralRadius(a, n) - 1.3) < 1e-12);
});

function companion(coeffs: number[]): Float64Array {
  // Monic x^n + c_{n-1} x^{n-1} + … + c_0, coeffs = [c_0, …, c_{n-1}].
  const n = coeffs.length;
  const a = new Float64Array(n * n);
  for (let i = 1; i < n; i++) a[i * n + i - 1] = 1;
  for (let i = 0; i < n; i++) a[i * n + n - 1] = -coeffs[i];
  return a;
}

function polyFromRoots(roots: number[]): number[] {
  let p = [1]; // coefficients, lowest degree first
  for (const r of roots) {
    const next = new Array(p.length + 1).fill(0);
    for (let i = 0; i < p.length; i++) {
      next[i + 1] += p[i];
      next[i] -= r * p[i];
    }
    p = next;
  }
  return p.slice(0, -1);
}

test('spectralRadius of companion matrices with known roots', () => {
  assert.ok(Math.abs(spectralRadius(companion(polyFromRoots([1, -2, 3, 0.5, -2.5])), 5) - 3) < 1e-12);
  // (x² + 4)(x − 1)(x + 1.5): roots ±2i, 1, −1.5.
  const c = polyFromRoots([1, -1.5]);
  const withPair = [4 * c[0], 4 * c[1], 4 + c[0], c[1]];
  assert.ok(Math.abs(spectralRadius(companion(withPair), 4) - 2) < 1e-12);
  // Roots 0.5, 0.25, −0.125 and 1e-3.
  assert.ok(Math.abs(spectralRadius(companion(polyFromRoots([0.5, 0.25, -0.125, 1e-3])), 4) - 0.5) < 1e-12);
});

test('eigenvaluesGeneral returns the full spectrum, complex pairs included', () => {
  const c = polyFromRoots([1, -1.5]);
  const { re, im } = eigenvaluesGeneral(companion([4 * c[0], 4 * c[1], 4 + c[0], c[1]]), 4);
  const got = Array.from(re, (r, i) => [r, im[i]]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const want = [[-1.5, 0], [0, -2], [0, 2], [1, 0]];
  for (let i = 0; i < 4; i++) assertClose(got[i], want[i], 1e-12, `eigenvalue ${i}`);
  assert.deepEqual(Array.from(eigenvaluesGeneral(new Float64Array([7]), 1).re), [7]);
});

test('eigenvaluesGeneral on random non-symmetric matrices satisfies Σλᵏ = tr(Aᵏ), k = 1..n', () => {
  // Newton's identities: the power sums determine the whole spectrum.
  const rand = makeRand(66);
  for (const n of [3, 6, 10]) {
    const a = randomMatrix(rand, n, n);
    const { re, im } = eigenvaluesGeneral(a.data, n);
    let power = a;
    const pr = Float64Array.from(re);
    const pi = Float64Array.from(im);
    for (let k = 1; k <= n; k++) {
      let tr = 0;
      for (let i = 0; i < n; i++) tr += power.data[i * n + i];
      let sr = 0;
      let si = 0;
      for (let i = 0; i < n; i++) {
        sr += pr[i];
        si += pi[i];
      }
      const scale = Math.max(1, Math.abs(tr), spectralRadius(a.data, n) ** k);
      assert.ok(Math.abs(sr - tr) < 1e-11 * scale, `n=${n} k=${k}: Σλᵏ = ${sr}, tr(Aᵏ) = ${tr}`);
      assert.ok(Math.abs(si) < 1e-11 * scale, `n=${n} k=${k}: imaginary part ${si}`);
      for (let i = 0; i < n; i++) {
        const r = pr[i] * re[i] - pi[i] * im[i];
        pi[i] = pr[i] * im[i] + pi[i] * re[i];
        pr[i] = r;
      }
      const next = { rows: n, cols: n, data: new Float64Array(n * n) };
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let l = 0; l < n; l++) next.data[i * n + j] += power.data[i * n + l] * a.data[l * n + j];
      power = next;
    }
  }
});

test('spectralRadius of random symmetric matrices matches symmetricEigen', () => {
  const rand = makeRand(65);
  for (const n of [3, 8, 20]) {
    const a = randomSymmetric(rand, n);
    const { values } = symmetricEigen(a, n);
    const expected = Math.max(Math.abs(values[0]), Math.abs(values[n - 1]));
    assert.ok(Math.abs(spectralRadius(a, n) - expected) < 1e-11 * expected, `n=${n}`);
  }
});

test('spectralRadius of triangular, nilpotent and badly scaled matrices', () => {
  assert.ok(Math.abs(spectralRadius(new Float64Array([1, 5, 7, 0, -4, 2, 0, 0, 3]), 3) - 4) < 1e-13);
  assert.equal(spectralRadius(new Float64Array(16), 4), 0);
  const jordan = new Float64Array([0, 1, 0, 0, 0, 1, 0, 0, 0]);
  assert.ok(spectralRadius(jordan, 3) < 1e-12);
  // Similarity by diag(1, 1e6, 1e-6) of a symmetric matrix: balancing must undo the scaling.
  const s = [1, 1e6, 1e-6];
  const base = new Float64Array([2, 1, 0, 1, 3, 1, 0, 1, 4]);
  const scaled = base.map((v, idx) => (v * s[Math.floor(idx / 3)]) / s[idx % 3]);
  const expected = symmetricEigen(base, 3).values[0];
  assert.ok(Math.abs(spectralRadius(scaled, 3) - expected) < 1e-12 * expected);
  assert.throws(() => spectralRadius(new Float64Array([1, NaN, 0, 1]), 2), /not finite/);
});

test('conditionNumberSPD', () => {
  assert.ok(Math.abs(conditionNumberSPD(new Float64Array([1, 0, 0, 0, 10, 0, 0, 0, 100]), 3) - 100) < 1e-12);
  assert.equal(conditionNumberSPD(new Float64Array([1, 2, 2, 1]), 2), Infinity);
  assert.equal(conditionNumberSPD(new Float64Array([5]), 1), 1);
});

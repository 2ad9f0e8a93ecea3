import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsKernels, loadWasmKernels, qrBlock, qrUnblocked, QR_BLOCKED_MIN_K, QRWorkspace } from '../../src/linalg/index.js';
import { BlockedQRScratch, qrBlocked } from '../../src/linalg/qrBlocked.js';
import { createSystem } from '../../src/systems/index.js';
import { makeRand, maxAbs, randomArray } from './support.js';

/** |QᵀQ − I|, |Q·R − V|/|V|, and whether R is upper triangular with non-negative diagonal. */
function properties(orig: Float64Array, q: Float64Array, r: Float64Array, n: number, k: number): { orth: number; recon: number; shape: boolean } {
  let orth = 0, recon = 0, shape = true;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += q[a * n + i] * q[b * n + i];
      orth = Math.max(orth, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  for (let j = 0; j < k; j++) {
    if (!(r[j * k + j] >= 0)) shape = false;
    for (let i = j + 1; i < k; i++) if (r[i * k + j] !== 0) shape = false;
    for (let t = 0; t < n; t++) {
      let s = 0;
      for (let i = 0; i <= j; i++) s += r[i * k + j] * q[i * n + t];
      recon = Math.max(recon, Math.abs(s - orig[j * n + t]));
    }
  }
  return { orth, recon: recon / Math.max(maxAbs(orig), Number.MIN_VALUE), shape };
}

/**
 * Blocked and column-by-column QR of the same block: both valid, and equal to 1e-12 (for a
 * rank-deficient block, R up to its first dependent column: beyond it the factors are not unique).
 */
function compare(v: Float64Array, n: number, k: number, rankDeficient = false, uniqueRows = k): void {
  const q1 = Float64Array.from(v), q2 = Float64Array.from(v);
  const r1 = new Float64Array(k * k), r2 = new Float64Array(k * k).fill(NaN);
  qrUnblocked(q1, n, k, r1, new QRWorkspace(n, k));
  qrBlocked(q2, n, k, r2, new BlockedQRScratch(n, k));
  const p = properties(v, q2, r2, n, k);
  assert.ok(p.shape, `n=${n} k=${k}: R not upper triangular with non-negative diagonal`);
  assert.ok(p.recon < 1e-12, `n=${n} k=${k}: |QR − V|/|V| = ${p.recon}`);
  if (!rankDeficient) assert.ok(p.orth < 1e-13, `n=${n} k=${k}: |QᵀQ − I| = ${p.orth}`);
  const scale = Math.max(maxAbs(r1), Number.MIN_VALUE);
  for (let i = 0; i < uniqueRows * k; i++) assert.ok(Math.abs(r1[i] - r2[i]) <= 1e-12 * scale, `n=${n} k=${k}: R[${i}] ${r1[i]} vs ${r2[i]}`);
  if (!rankDeficient) for (let i = 0; i < n * k; i++) assert.ok(Math.abs(q1[i] - q2[i]) <= 1e-12, `n=${n} k=${k}: Q[${i}] ${q1[i]} vs ${q2[i]}`);
}

test('blocked QR: valid factorization equal to the column-by-column QR to 1e-12, panel edges included', () => {
  const rand = makeRand(21);
  for (const [n, k] of [[1, 1], [9, 3], [16, 16], [40, 20], [37, 19], [256, 32], [100, 64], [64, 8], [30, 9]]) compare(randomArray(rand, n * k), n, k);
});

test('blocked QR: rank-deficient blocks (zero and dependent columns) and extreme scales', () => {
  const rand = makeRand(22);
  const n = 30, k = 18;
  const v = randomArray(rand, n * k);
  for (let i = 0; i < n; i++) {
    v[3 * n + i] = 0; // zero column inside the first panel
    v[11 * n + i] = 2 * v[2 * n + i] - v[5 * n + i]; // dependent column in the second panel
  }
  compare(v, n, k, true, 11);
  for (const s of [1e-200, 1e200]) compare(randomArray(rand, n * k).map((x) => x * s), n, k);
});

test('blocked QR: WebAssembly and pure-TS kernels give the same bits', () => {
  const rand = makeRand(23);
  const n = 70, k = 26;
  const v = randomArray(rand, n * k);
  const out = [loadWasmKernels(), jsKernels].map((kern) => {
    const q = Float64Array.from(v), r = new Float64Array(k * k);
    qrBlocked(q, n, k, r, new BlockedQRScratch(n, k, kern));
    return [Array.from(q), Array.from(r)];
  });
  assert.deepEqual(out[0], out[1]);
});

test('qrBlock takes the blocked path from QR_BLOCKED_MIN_K vectors on', () => {
  const rand = makeRand(24);
  const n = 50, k = QR_BLOCKED_MIN_K;
  const v = randomArray(rand, n * k);
  const a = Float64Array.from(v), b = Float64Array.from(v), ra = new Float64Array(k * k), rb = new Float64Array(k * k);
  qrBlock(a, n, k, ra, new QRWorkspace(n, k));
  qrBlocked(b, n, k, rb, new BlockedQRScratch(n, k));
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.deepEqual(Array.from(ra), Array.from(rb));
});

// The Lyapunov spectrum (mean log R_jj along an orbit) must not see the change of summation order.
test('rnn Lyapunov spectrum, n = 64, k = 32: blocked and column-by-column QR agree to 1e-12', () => {
  const n = 64, k = 32, steps = 300;
  const sys = createSystem('rnn', { dim: n });
  const rand = makeRand(25);
  const x0 = new Float64Array(n).map(() => rand() - 0.5);
  const spectra = [true, false].map((blocked) => {
    const x = Float64Array.from(x0), y = new Float64Array(n);
    const v = new Float64Array(n * k), out = new Float64Array(n * k), r = new Float64Array(k * k), sum = new Float64Array(k);
    for (let j = 0; j < k; j++) v[j * n + j] = 1;
    const ws = new QRWorkspace(n, k), bs = new BlockedQRScratch(n, k);
    for (let t = 0; t < steps; t++) {
      sys.map(x, y);
      sys.tangent(x, v, k, out);
      if (blocked) qrBlocked(out, n, k, r, bs);
      else qrUnblocked(out, n, k, r, ws);
      for (let j = 0; j < k; j++) sum[j] += Math.log(r[j * k + j]);
      v.set(out);
      x.set(y);
    }
    return Array.from(sum, (s) => s / steps);
  });
  for (let j = 0; j < k; j++) assert.ok(Math.abs(spectra[0][j] - spectra[1][j]) <= 1e-12 * Math.max(1, Math.abs(spectra[1][j])), `λ_${j}: ${spectra[0][j]} vs ${spectra[1][j]}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  invertUpper, solveLower, solveLowerTransposed, solveUpper, solveUpperTransposed,
} from '../../src/linalg/index.js';
import { assertClose, makeRand, randomArray } from './support.js';

function randomTriangular(rand: () => number, k: number, upper: boolean): Float64Array {
  const t = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) t[i * k + j] = (rand() < 0 ? -1 : 1) * (1 + rand() + 0.5);
      else if (upper ? j > i : j < i) t[i * k + j] = 2 * rand();
    }
  }
  return t;
}

function mul(t: Float64Array, k: number, x: Float64Array, transposed: boolean): Float64Array {
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) y[i] += (transposed ? t[j * k + i] : t[i * k + j]) * x[j];
  return y;
}

test('triangular solves leave a tiny residual, with and without offset', () => {
  const rand = makeRand(21);
  const cases = [
    { name: 'solveUpper', fn: solveUpper, upper: true, trans: false },
    { name: 'solveUpperTransposed', fn: solveUpperTransposed, upper: true, trans: true },
    { name: 'solveLower', fn: solveLower, upper: false, trans: false },
    { name: 'solveLowerTransposed', fn: solveLowerTransposed, upper: false, trans: true },
  ];
  for (const k of [1, 2, 5, 9]) {
    for (const c of cases) {
      const t = randomTriangular(rand, k, c.upper);
      const b = randomArray(rand, k);
      const x = Float64Array.from(b);
      c.fn(t, k, x);
      assertClose(mul(t, k, x, c.trans), b, 1e-13, `${c.name} k=${k}`);

      const padded = new Float64Array(k + 4).fill(42);
      padded.set(b, 3);
      c.fn(t, k, padded, 3);
      assertClose(padded.subarray(3, 3 + k), x, 0, `${c.name} with offset`);
      assert.equal(padded[2], 42);
      assert.equal(padded[3 + k], 42);
    }
  }
});

test('invertUpper gives R·R⁻¹ = I with a zero lower part', () => {
  const rand = makeRand(22);
  for (const k of [1, 3, 6]) {
    const r = randomTriangular(rand, k, true);
    const inv = new Float64Array(k * k).fill(NaN);
    invertUpper(r, k, inv);
    const eye = new Float64Array(k * k);
    for (let i = 0; i < k; i++) eye[i * k + i] = 1;
    const prod = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let l = 0; l < k; l++) prod[i * k + j] += r[i * k + l] * inv[l * k + j];
    assertClose(prod, eye, 1e-13, `k=${k}`);
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) assert.equal(inv[i * k + j], 0);
  }
  assert.throws(() => {
    const r = new Float64Array([1]);
    invertUpper(r, 1, r);
  }, /alias/);
});

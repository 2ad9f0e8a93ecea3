import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/random/index.js';
import { assertKS, assertWithin5se, moments, normalCdf } from './stats.js';

const N = 1_000_000;
const N_KS = 100_000;

test('uniform: range, mean and variance over 1e6 draws', () => {
  const rng = new Rng(101);
  let lo = 1;
  let hi = 0;
  const m = moments(() => {
    const u = rng.uniform();
    if (u < lo) lo = u;
    if (u > hi) hi = u;
    return u;
  }, N);
  assert.ok(lo >= 0 && hi < 1, `range [${lo}, ${hi}]`);
  assert.ok(lo < 1e-5 && hi > 1 - 1e-5, 'uniform does not cover [0, 1)');
  assertWithin5se(m.mean, 0.5, 1 / 12, N, 'uniform mean');
  // Var((U − ½)²) = 1/80 − 1/144 = 1/180.
  assertWithin5se(m.variance, 1 / 12, 1 / 180, N, 'uniform variance');
});

test('uniform and uniformOpen pass Kolmogorov–Smirnov (1e5 draws)', () => {
  const rng = new Rng(102);
  const xs = new Float64Array(N_KS);
  rng.fillUniform(xs);
  assertKS(xs, (x) => x, 'uniform');
  for (let i = 0; i < N_KS; i++) {
    const u = rng.uniformOpen();
    assert.ok(u > 0 && u < 1);
    xs[i] = u;
  }
  assertKS(xs, (x) => x, 'uniformOpen');
});

test('normal (ziggurat): mean, variance and fourth moment over 1e6 draws', () => {
  const rng = new Rng(103);
  const m = moments(() => rng.normal(), N);
  assertWithin5se(m.mean, 0, 1, N, 'normal mean');
  assertWithin5se(m.m2, 1, 2, N, 'normal E[z²]');
  // Var(z⁴) = E z⁸ − (E z⁴)² = 105 − 9.
  assertWithin5se(m.m4, 3, 96, N, 'normal E[z⁴]');
});

test('normal tail beyond the ziggurat base has the right mass and shape', () => {
  const rng = new Rng(104);
  const n = 2_000_000;
  const r = 3.442619855899; // start of the ziggurat tail
  const p = 2 * normalCdf(-3.5);
  const tail: number[] = [];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const z = Math.abs(rng.normal());
    if (z > 3.5) count++;
    if (z > r) tail.push(z);
  }
  assertWithin5se(count / n, p, p * (1 - p), n, 'P(|Z| > 3.5)');
  // Conditional law of |Z| given |Z| > r: F(x) = 1 − Q(x)/Q(r), Q the upper tail.
  const qr = normalCdf(-r);
  assertKS(Float64Array.from(tail), (x) => 1 - normalCdf(-x) / qr, 'tail shape');
});

test('normal and normalPolar pass Kolmogorov–Smirnov (1e5 draws)', () => {
  const rng = new Rng(105);
  const xs = new Float64Array(N_KS);
  rng.fillNormal(xs);
  assertKS(xs, normalCdf, 'normal');
  for (let i = 0; i < N_KS; i++) xs[i] = rng.normalPolar();
  assertKS(xs, normalCdf, 'normalPolar');
  // The ziggurat must also be right within each half and near the layer edges: check |z|.
  rng.fillNormal(xs);
  for (let i = 0; i < N_KS; i++) xs[i] = Math.abs(xs[i]);
  assertKS(xs, (x) => 2 * normalCdf(x) - 1, '|normal|');
});

test('normalPolar: mean and variance over 1e6 draws', () => {
  const rng = new Rng(106);
  const m = moments(() => rng.normalPolar(), N);
  assertWithin5se(m.mean, 0, 1, N, 'normalPolar mean');
  assertWithin5se(m.m2, 1, 2, N, 'normalPolar E[z²]');
});

test('logistic: mean 0, variance π²/3, and KS against its CDF', () => {
  const rng = new Rng(107);
  const m = moments(() => rng.logistic(), N);
  const v = (Math.PI * Math.PI) / 3;
  assertWithin5se(m.mean, 0, v, N, 'logistic mean');
  // E x⁴ = 7π⁴/15, so Var(x²) = 7π⁴/15 − π⁴/9 = 16π⁴/45.
  assertWithin5se(m.m2, v, (16 * Math.PI ** 4) / 45, N, 'logistic variance');
  const xs = new Float64Array(N_KS);
  for (let i = 0; i < N_KS; i++) xs[i] = rng.logistic();
  assertKS(xs, (x) => 1 / (1 + Math.exp(-x)), 'logistic');
});

test('gamma: mean and variance equal the shape, for shapes below and above 1', () => {
  const rng = new Rng(108);
  const n = 200_000;
  for (const k of [0.05, 0.3, 1, 2.5, 30]) {
    const m = moments(() => rng.gamma(k), n);
    assertWithin5se(m.mean, k, k, n, `gamma(${k}) mean`);
    // Var((X − k)²) for Gamma(k, 1) = E(X−k)⁴ − k² = 3k² + 6k − k² = 2k² + 6k.
    assertWithin5se(m.variance, k, 2 * k * k + 6 * k, n, `gamma(${k}) variance`);
  }
  assert.throws(() => rng.gamma(0), /shape/);
  assert.throws(() => rng.gamma(-1), /shape/);
  assert.throws(() => rng.gamma(NaN), /shape/);
});

test('gamma(1) is exponential: KS against 1 − e^{−x}', () => {
  const rng = new Rng(109);
  const xs = new Float64Array(N_KS);
  for (let i = 0; i < N_KS; i++) xs[i] = rng.gamma(1);
  assertKS(xs, (x) => 1 - Math.exp(-x), 'gamma(1)');
});

test('studentT(5): variance 5/3', () => {
  const rng = new Rng(110);
  const m = moments(() => rng.studentT(5), N);
  // E t⁴ = 3ν²/((ν−2)(ν−4)) = 25, so Var(t²) = 25 − 25/9.
  assertWithin5se(m.mean, 0, 5 / 3, N, 'studentT mean');
  assertWithin5se(m.m2, 5 / 3, 25 - 25 / 9, N, 'studentT variance');
  // ν = 1 is Cauchy: KS against ½ + atan(x)/π.
  const xs = new Float64Array(N_KS);
  for (let i = 0; i < N_KS; i++) xs[i] = rng.studentT(1);
  assertKS(xs, (x) => 0.5 + Math.atan(x) / Math.PI, 'studentT(1)');
  assert.throws(() => rng.studentT(0), /degrees of freedom/);
});

test('int(n): range, uniform counts, large n', () => {
  const rng = new Rng(111);
  const n = 6;
  const draws = 600_000;
  const counts = new Array(n).fill(0);
  for (let i = 0; i < draws; i++) counts[rng.int(n)]++;
  const e = draws / n;
  const chi2 = counts.reduce((s, c) => s + ((c - e) * (c - e)) / e, 0);
  assert.ok(chi2 < 20.5, `chi² = ${chi2} with 5 dof (0.1% critical value 20.5)`); // 5 dof
  for (const big of [2 ** 32, 2 ** 32 + 1, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
    let maxSeen = 0;
    for (let i = 0; i < 1000; i++) {
      const x = rng.int(big);
      assert.ok(Number.isInteger(x) && x >= 0 && x < big);
      maxSeen = Math.max(maxSeen, x);
    }
    assert.ok(maxSeen > big / 2, 'large-n draws never reached the upper half');
  }
  assert.equal(rng.int(1), 0);
  assert.throws(() => rng.int(0), /positive safe integer/);
  assert.throws(() => rng.int(2.5), /positive safe integer/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, type RngState } from '../../src/random/index.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

function correlation(a: Rng, b: Rng, n: number): number {
  let sab = 0;
  for (let i = 0; i < n; i++) sab += (a.uniform() - 0.5) * (b.uniform() - 0.5);
  return (sab / n) * 12; // both have variance 1/12
}

test('golden values: SplitMix64 seeding and xoshiro128** outputs match the C reference', () => {
  // Produced by the reference C code of splitmix64.c and xoshiro128starstar.c (Vigna).
  const rng = new Rng(12345);
  assert.deepEqual(rng.getState().s, [2849051040, 571572824, 4145281261, 879680741]);
  assert.deepEqual(draws(rng, 5), [2314518269, 2498321016, 2055377852, 4042509560, 1267802836]);
  rng.jump();
  assert.deepEqual(draws(rng, 3), [3275573044, 2388997525, 1367521706]);
  const fixed = Rng.fromState({ seed: 0, s: [1, 2, 3, 4], spare: null });
  assert.deepEqual(draws(fixed, 5), [11520, 0, 5927040, 70819200, 2031721883]);
});

test('same seed gives the same sequence for every method', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  for (let i = 0; i < 200; i++) {
    assert.equal(a.nextUint32(), b.nextUint32());
    assert.equal(a.uniform(), b.uniform());
    assert.equal(a.normal(), b.normal());
    assert.equal(a.normalPolar(), b.normalPolar());
    assert.equal(a.gamma(0.7), b.gamma(0.7));
    assert.equal(a.studentT(3), b.studentT(3));
    assert.equal(a.logistic(), b.logistic());
    assert.equal(a.int(1000), b.int(1000));
  }
});

test('different and nearby seeds give unrelated streams', () => {
  const first = new Set<number>();
  for (let seed = 0; seed < 1000; seed++) first.add(new Rng(seed).nextUint32());
  assert.equal(first.size, 1000, 'first outputs of seeds 0..999 collide');
  const a = draws(new Rng(1), 100);
  const b = draws(new Rng(2), 100);
  assert.ok(a.every((x, i) => x !== b[i]));
  const n = 100_000;
  for (const [s, t] of [[0, 1], [7, 8], [2 ** 32, 2 ** 32 + 1], [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1]]) {
    const r = correlation(new Rng(s), new Rng(t), n);
    assert.ok(Math.abs(r) < 5 / Math.sqrt(n), `seeds ${s}, ${t}: correlation ${r}`);
  }
  // High bits of the seed matter too.
  assert.notDeepEqual(draws(new Rng(5), 4), draws(new Rng(5 + 2 ** 32), 4));
});

test('constructor rejects invalid seeds with a clear message', () => {
  for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
    assert.throws(() => new Rng(bad), /seed must be a non-negative safe integer/);
  }
  assert.throws(() => new Rng('3' as unknown as number), /non-negative safe integer/);
  new Rng(0);
  new Rng(Number.MAX_SAFE_INTEGER);
});

test('split(i): distinct, reproducible, and independent of how far the parent has advanced', () => {
  const parent = new Rng(2024);
  const s0 = draws(parent.split(0), 8);
  const s1 = draws(parent.split(1), 8);
  assert.notDeepEqual(s0, s1);
  assert.notDeepEqual(s0, draws(new Rng(2024), 8));
  for (let i = 0; i < 1000; i++) parent.normal();
  parent.jump();
  assert.deepEqual(draws(parent.split(0), 8), s0, 'split(0) changed after the parent advanced');
  assert.deepEqual(draws(new Rng(2024).split(1), 8), s1);
  assert.notDeepEqual(draws(new Rng(2025).split(0), 8), s0);
  // Nested splits form a tree: split(0).split(1) is neither split(1) nor split(0).
  const nested = draws(parent.split(0).split(1), 8);
  assert.notDeepEqual(nested, s0);
  assert.notDeepEqual(nested, s1);
  const n = 100_000;
  for (const [i, j] of [[0, 1], [1, 2], [10, 11]]) {
    const r = correlation(parent.split(i), parent.split(j), n);
    assert.ok(Math.abs(r) < 5 / Math.sqrt(n), `streams ${i}, ${j}: correlation ${r}`);
  }
  assert.throws(() => parent.split(-1), /stream index/);
});

test('getState / fromState resumes exactly, including a pending Box–Muller spare', () => {
  const rng = new Rng(77);
  for (let i = 0; i < 123; i++) rng.normal();
  rng.normalPolar(); // leaves the second value of the pair pending
  const state = rng.getState();
  assert.equal(typeof state.spare, 'number');
  const json = JSON.parse(JSON.stringify(state)) as RngState;
  const copies = [Rng.fromState(state), Rng.fromState(json)];
  const expected = [rng.normalPolar(), rng.normal(), rng.uniform(), rng.gamma(0.4), rng.normalPolar(), rng.nextUint32()];
  for (const c of copies) {
    assert.equal(c.seed, 77);
    assert.deepEqual([c.normalPolar(), c.normal(), c.uniform(), c.gamma(0.4), c.normalPolar(), c.nextUint32()], expected);
    assert.deepEqual(draws(c.split(3), 4), draws(rng.split(3), 4));
  }
  const noSpare = new Rng(78).getState();
  assert.equal(noSpare.spare, null);
  for (const w of noSpare.s) assert.ok(Number.isInteger(w) && w >= 0 && w < 2 ** 32);
});

test('fromState validates its input', () => {
  const good = new Rng(1).getState();
  assert.throws(() => Rng.fromState({ ...good, s: [0, 0, 0, 0] }), /all-zero/);
  assert.throws(() => Rng.fromState({ ...good, s: [1, 2, 3] }), /4 words/);
  assert.throws(() => Rng.fromState({ ...good, s: [1, 2, 3, 2 ** 32] }), /32-bit/);
  assert.throws(() => Rng.fromState({ ...good, spare: NaN }), /spare/);
  assert.throws(() => Rng.fromState({ ...good, seed: -3 }), /seed/);
});

test('jump changes the stream deterministically and drops the pending spare', () => {
  const a = new Rng(9);
  const b = new Rng(9);
  a.jump();
  b.jump();
  const withSpare = new Rng(9);
  withSpare.normalPolar();
  withSpare.jump();
  assert.equal(withSpare.getState().spare, null);
  const next = draws(a, 16);
  assert.deepEqual(next, draws(b, 16));
  assert.notDeepEqual(next, draws(new Rng(9), 16));
  const c = new Rng(9);
  c.jump();
  c.jump();
  assert.notDeepEqual(draws(c, 16), next);
});

test('fillNormal / fillUniform write only their range and match sequential draws', () => {
  const a = new Rng(5);
  const b = new Rng(5);
  const out = new Float64Array(10).fill(-7);
  a.fillNormal(out, 2, 5);
  assert.deepEqual(Array.from(out.subarray(0, 2)), [-7, -7]);
  assert.deepEqual(Array.from(out.subarray(7)), [-7, -7, -7]);
  for (let i = 2; i < 7; i++) assert.equal(out[i], b.normal());
  a.fillUniform(out, 7);
  for (let i = 7; i < 10; i++) assert.equal(out[i], b.uniform());
  assert.throws(() => a.fillNormal(out, 8, 5), /does not fit/);
  assert.throws(() => a.fillUniform(out, -1), /does not fit/);
});

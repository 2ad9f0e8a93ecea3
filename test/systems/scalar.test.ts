import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSystem, type DynamicalSystem } from '../../src/systems/index.js';

/** Inputs that reach every branch: both sides of ½, the fold's edges, wrap's edges, outside [0, 1), non-finite. */
function inputs(): number[] {
  const xs = [0, -0, 0.5, 0.25, 0.75, 1, 1 - 2 ** -53, 0.5 - 2 ** -54, 0.5 + 2 ** -53, 2 ** -60, -(2 ** -60), -0.3, 1.7, 3, -1e300, 1e300, Infinity, -Infinity, NaN];
  let u = 0.123;
  for (let i = 0; i < 2000; i++) {
    u = (u * 9301 + 0.49297) % 1;
    xs.push(u, 2 * u - 0.5, u * 1e-12);
  }
  return xs;
}

/** The scalar kernels against the vector kernels on vectors of length 1: the same bits (Object.is: −0 and NaN too). */
function sameBits(sys: DynamicalSystem): void {
  const sc = sys.scalar;
  assert.ok(sc, `${sys.name} has scalar kernels`);
  const x = new Float64Array(1), y = new Float64Array(1), w = new Float64Array(1);
  const outV = new Float64Array(sys.nParams), outS = new Float64Array(sys.nParams);
  for (const v of inputs()) {
    x[0] = v;
    sys.map(x, y);
    assert.ok(Object.is(sc.map(v), y[0]), `map(${v})`);
    y[0] = v;
    sys.wrap(y);
    assert.ok(Object.is(sc.wrap(v), y[0]), `wrap(${v})`);
    for (const wv of [1, -2.5, 0.3, 0]) {
      w[0] = wv;
      sys.paramAdjoint(x, w, outV);
      outS.fill(7);
      sc.paramAdjoint(v, wv, outS);
      for (let j = 0; j < sys.nParams; j++) assert.ok(Object.is(outS[j], outV[j]), `paramAdjoint(${v}, ${wv})[${j}]`);
    }
  }
}

test('tent: scalar kernels give the bits of the vector kernels (default and other γ, after withParams)', () => {
  const tent = createSystem('tent');
  sameBits(tent);
  sameBits(createSystem('tent', { set: { gamma: 2.3 }, noise: 0.3 }));
  sameBits(tent.withParams(Float64Array.of(1.9)));
});

test('linear: scalar kernels give the bits of the vector kernels', () => {
  sameBits(createSystem('linear'));
  sameBits(createSystem('linear', { set: { a: -0.9, c: 0.25 }, noise: 0.2 }));
});

test('scalar kernels read the parameters per call (training updates p in place)', () => {
  const sys = createSystem('tent');
  const before = sys.scalar!.map(0.3);
  sys.p[0] = 2;
  const x = Float64Array.of(0.3), y = new Float64Array(1);
  sys.map(x, y);
  assert.equal(sys.scalar!.map(0.3), y[0]);
  assert.notEqual(sys.scalar!.map(0.3), before);
});

test('only one-dimensional maps whose model has them carry scalar kernels', () => {
  assert.equal(createSystem('henon').scalar, undefined);
  assert.equal(createSystem('lorenz63').scalar, undefined);
  assert.equal(createSystem('ni9').scalar, undefined);
});

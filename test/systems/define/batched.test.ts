import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../../src/random/index.js';
import { batchedKernels, laneLoop } from '../../../src/systems/batched.js';
import { buildSystem, createSystem, defaultParams, type DynamicalSystem } from '../../../src/systems/index.js';
import { DEFINED_CASES } from '../../helpers/defined.js';
import { randn } from '../../helpers/cases.js';

/** Lane-major states on the attractor for B orbits. */
function states(sys: DynamicalSystem, B: number, rng: Rng): Float64Array {
  const n = sys.dim, X = new Float64Array(n * B), x = new Float64Array(n), y = new Float64Array(n);
  for (let b = 0; b < B; b++) {
    sys.sampleInitial(rng, x);
    for (let s = 0; s < 20; s++) { sys.map(x, y); x.set(y); }
    for (let i = 0; i < n; i++) X[i * B + b] = x[i];
  }
  return X;
}

const maps = (): [string, DynamicalSystem][] => [
  ...DEFINED_CASES.filter((c) => c.model().kind === 'map').map((c): [string, DynamicalSystem] => { const m = c.model(); return [`defined ${c.name}`, buildSystem(m, defaultParams(m), null)]; }),
  ['plrnn', createSystem('plrnn')],
  ['plrnn-clipped', createSystem('plrnn-clipped', { dim: 2 })],
  ['gru', createSystem('gru', { dim: 5 })],
];

describe('defineSystem: the batched executor runs the same program over B lanes', () => {
  for (const [label, sys] of maps()) {
    it(`${label}: every batched kernel equals the per-orbit kernels lane by lane, bit for bit, for B = 1 and 5`, () => {
      const own = batchedKernels(sys), ref = laneLoop(sys);
      assert.equal(own.native, true);
      const n = sys.dim, P = sys.nParams, rng = new Rng(31);
      for (const B of [1, 5]) {
        const X = states(sys, B, rng), V = randn(rng, n * B);
        const out = () => [new Float64Array(n * B), new Float64Array(n * B)];
        let [a, b] = out();
        own.map(X, B, a); ref.map(X, B, b); assert.deepEqual(a, b, 'map');
        own.jvp(X, V, B, a); ref.jvp(X, V, B, b); assert.deepEqual(a, b, 'jvp');
        own.vjp(X, V, B, a); ref.vjp(X, V, B, b); assert.deepEqual(a, b, 'vjp');
        const [pa, pb] = [new Float64Array(P * B), new Float64Array(P * B)];
        own.paramAdjointLanes(X, V, B, pa); ref.paramAdjointLanes(X, V, B, pb); assert.deepEqual(pa, pb, 'paramAdjointLanes');
        const [sa, sb] = [new Float64Array(P).fill(NaN), new Float64Array(P)];
        own.paramAdjointSum(X, V, B, sa); ref.paramAdjointSum(X, V, B, sb); assert.deepEqual(sa, sb, 'paramAdjointSum');
        [a, b] = out();
        a.fill(NaN);
        own.backward(X, V, B, a, sa); ref.backward(X, V, B, b, sb); assert.deepEqual(a, b, 'backward x'); assert.deepEqual(sa, sb, 'backward p');
      }
    });
  }

  it('flows have no batched form of their own (the RK4 step is single-orbit)', () => {
    assert.equal(batchedKernels(createSystem('mlp-ode', { dim: 3 })).native, false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointedOrbit } from '../../src/systems/orbit.js';
import { Rng } from '../../src/random/index.js';
import { createSystem, step } from '../../src/systems/index.js';

describe('CheckpointedOrbit', () => {
  const sys = createSystem('rnn', { dim: 5, noise: 0.1 });
  const n = sys.dim, r = sys.noise!.rank;
  const T = 47, S = 10; // five segments, the last one 7 steps long
  const x0 = Float64Array.from({ length: n }, (_, i) => 0.1 * (i - 2));

  // the reference: every state and noise vector of the same seeded orbit, stored
  const rng = new Rng(3);
  const states = new Float64Array((T + 1) * n), xis = new Float64Array(T * r);
  states.set(x0, 0);
  const xi = new Float64Array(r);
  for (let t = 0; t < T; t++) {
    step(sys, states.subarray(t * n, (t + 1) * n), states.subarray((t + 1) * n, (t + 2) * n), rng, xi);
    xis.set(xi, t * r);
  }

  const bytesPerStep = 8 * (n + r);
  const cases: [string, number, number][] = [
    // [label, keepBytes, segments kept]
    ['nothing kept', 0, 0],
    ['last segment only (7 steps fit, 10 do not)', 9 * bytesPerStep, 1],
    ['last three segments (27 steps fit in 30)', 30 * bytesPerStep, 3],
    ['everything', 1e9, 5],
  ];
  for (const [label, keepBytes, kept] of cases) {
    it(`segments are bit-identical to the stored orbit — ${label}`, () => {
      const orbit = new CheckpointedOrbit(sys, x0, T, new Rng(3), { segmentSteps: S, keepBytes });
      assert.equal(orbit.segments, 5);
      assert.equal(orbit.firstKept, 5 - kept);
      assert.deepEqual(orbit.finalState, states.subarray(T * n));
      const buf = orbit.allocSegment();
      let recomputed = 0;
      for (let s = orbit.segments - 1; s >= 0; s--) {
        const len = orbit.segment(s, buf);
        const a = orbit.segmentStart(s);
        assert.equal(len, s === 4 ? 7 : 10);
        assert.deepEqual(buf.states.subarray(0, (len + 1) * n), states.subarray(a * n, (a + len + 1) * n), `states of segment ${s}`);
        assert.deepEqual(buf.xi.subarray(0, len * r), xis.subarray(a * r, (a + len) * r), `noise of segment ${s}`);
        if (s < 5 - kept) recomputed += len;
      }
      assert.equal(orbit.recomputedSteps, recomputed);
      const keptSteps = kept === 0 ? 0 : T - orbit.segmentStart(5 - kept);
      assert.ok(keptSteps * bytesPerStep <= keepBytes, 'the kept segments fit the budget');
    });
  }
});

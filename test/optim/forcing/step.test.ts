import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statisticsStep } from '../../../src/optim/index.js';

describe('statisticsStep (forcing.statisticsTrust): s shortened to ρ·‖Δ_F‖ when longer', () => {
  it('a long step is scaled to exactly ρ times the update norm, along its own direction', () => {
    const s = Float64Array.from([3, -4]), update = Float64Array.from([0.1, 0]); // ‖s‖ = 5, ‖Δ‖ = 0.1
    const r = statisticsStep(s, update, 2); // cap 0.2
    assert.equal(r.scale, 0.2 / 5);
    assert.deepEqual(Array.from(r.step), [3 * 0.04, -4 * 0.04]);
  });

  it('a step within the trust radius is applied unchanged; a zero step stays zero', () => {
    const r = statisticsStep(Float64Array.from([0.03, 0.04]), Float64Array.from([0, 0.1]), 1); // ‖s‖ = 0.05 ≤ 0.1
    assert.equal(r.scale, 1);
    assert.deepEqual(Array.from(r.step), [0.03, 0.04]);
    const z = statisticsStep(new Float64Array(2), Float64Array.from([1, 1]), 1);
    assert.deepEqual([z.scale, ...z.step], [1, 0, 0]);
  });

  it('a zero update (the optimiser did not move) allows no statistics step; mismatched lengths throw', () => {
    const r = statisticsStep(Float64Array.from([1, 2]), new Float64Array(2), 10);
    assert.equal(r.scale, 0);
    assert.deepEqual(Array.from(r.step), [0, 0]);
    assert.throws(() => statisticsStep(new Float64Array(2), new Float64Array(3), 1), RangeError);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyStatisticsStep, statisticsStep, type PlainStep } from '../../../src/optim/index.js';
import type { DynamicalSystem } from '../../../src/systems/index.js';

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

describe('applyStatisticsStep (forcing.statisticsCheck): the capped step kept only where the measured L_S falls', () => {
  // a stand-in system that carries its parameters; the measure is a known function of them
  const systemAt = (p: Float64Array) => ({ p: Float64Array.from(p) }) as unknown as DynamicalSystem;
  const before = Float64Array.from([0, 0]);
  const plain = (measure?: PlainStep['measure']): PlainStep => ({ step: Float64Array.from([3, -4]), trust: 2, gradNorm: 500, gradStderrNorm: 250, measure });
  const seen: number[][] = [];
  const distanceTo = (target: number[]) => (sys: DynamicalSystem) => {
    seen.push(Array.from(sys.p));
    return { loss: Math.hypot(sys.p[0] - target[0], sys.p[1] - target[1]), steps: 10 };
  };

  it('without a measure every capped step is added (the statisticsTrust rule)', () => {
    const theta = Float64Array.from([0.1, 0]);
    const r = applyStatisticsStep(theta, before, plain(), systemAt);
    assert.deepEqual(Array.from(theta), [0.1 + 0.12, -0.16]);
    assert.equal(r.evaluationSteps, 0);
    assert.equal(r.record.check, undefined);
    assert.ok(Math.abs(r.record.norm - 0.2) < 1e-15 && r.record.updateNorm === 0.1 && r.record.scale === 0.04);
  });

  it('a step that lowers the measured loss is kept; one that raises it is not, and θ stays where the optimiser left it', () => {
    seen.length = 0;
    const kept = Float64Array.from([0.1, 0]);
    const a = applyStatisticsStep(kept, before, plain(distanceTo([1, -1])), systemAt);
    assert.deepEqual(Array.from(kept), [0.1 + 0.12, -0.16]);
    assert.deepEqual(seen, [[0.1, 0], [0.1 + 0.12, -0.16]], 'measured at θ without, then with the step');
    assert.equal(a.record.check!.kept, true);
    assert.ok(a.record.check!.lossWith < a.record.check!.lossWithout);
    assert.equal(a.evaluationSteps, 20);
    const rejected = Float64Array.from([0.1, 0]);
    const b = applyStatisticsStep(rejected, before, plain(distanceTo([-1, 1])), systemAt);
    assert.deepEqual(Array.from(rejected), [0.1, 0]);
    assert.equal(b.record.check!.kept, false);
    assert.ok(b.record.check!.lossWith > b.record.check!.lossWithout);
  });

  it('statisticsBacktrack: the capped step and its shortenings by 4, 16, … are measured on one seed; the lowest is kept when below the loss without a step', () => {
    seen.length = 0;
    // the loss is lowest near θ + s/16 = (0.1075, −0.01): the full step and s/4 overshoot
    const theta = Float64Array.from([0.1, 0]);
    const r = applyStatisticsStep(theta, before, { ...plain(distanceTo([0.1075, -0.01])), backtrack: 3 }, systemAt);
    assert.equal(seen.length, 5, 'θ without, then 4 candidates');
    assert.deepEqual(seen.slice(1).map((p) => p[1]), [-0.16, -0.04, -0.01, -0.0025]);
    assert.equal(r.record.check!.factor, 1 / 16);
    assert.equal(r.record.check!.candidates.length, 4);
    assert.deepEqual(Array.from(theta), seen[3]);
    assert.equal(r.evaluationSteps, 50);
    // all candidates above the loss without a step: nothing is kept
    const stay = Float64Array.from([0.1, 0]);
    const q = applyStatisticsStep(stay, before, { ...plain(distanceTo([0.1, 0.01])), backtrack: 3 }, systemAt);
    assert.deepEqual(Array.from(stay), [0.1, 0]);
    assert.equal(q.record.check!.kept, false);
    assert.equal(q.record.check!.factor, 0);
  });

  it('a step whose measured loss is not finite is not kept', () => {
    const theta = Float64Array.from([0.1, 0]);
    const r = applyStatisticsStep(theta, before, plain((sys) => ({ loss: sys.p[1] === 0 ? 1 : NaN, steps: 1 })), systemAt);
    assert.deepEqual(Array.from(theta), [0.1, 0]);
    assert.equal(r.record.check!.kept, false);
  });
});

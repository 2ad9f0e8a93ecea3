import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pilotObjective } from '../../src/gradients/plan/index.js';
import { slowNetDefault, slowNetModel, slowNetSystem } from '../../src/experiments/slowNet.js';
import { checkDerivatives } from '../../src/systems/index.js';

describe('slow-net (the slow-teacher network)', () => {
  const shape = { n: 5, m: 2, g: 4, eps: 0.02 };
  const model = slowNetModel(shape, 3);

  it('passes every derivative identity (tangent, adjoint, parameter derivatives against finite differences)', () => {
    const sys = slowNetSystem(model, { b: [0.1, -0.2, 0.3, 0, 0.2], c: [0.4, -0.1] }, 0);
    const report = checkDerivatives(sys, { seed: 1 });
    assert.ok(report.passed, JSON.stringify(report.checks.filter((c) => !c.passed)));
  });

  it('sets the parameters it is given and keeps the seed’s W, U, V otherwise', () => {
    const W = slowNetDefault(model, 'W');
    assert.equal(W.length, 25);
    const sys = slowNetSystem(model, { c: [1, 2] }, 0.1);
    assert.deepEqual(Array.from(sys.p.slice(2, 27)), Array.from(W));
    assert.deepEqual(Array.from(sys.p.slice(sys.p.length - 2)), [1, 2]);
    assert.throws(() => slowNetSystem(model, { c: [1] }, 0.1), /has 2 entries/);
  });

  it('a slow unit remembers ≈ 1/ε steps, a fast unit a few', () => {
    const sys = slowNetSystem(model, {}, 0.1);
    const tau = (observable: string) => pilotObjective(sys, { kind: 'average', observable, steps: 100_000, transient: 500 }, 1, 100_000).correlation.tauAbs;
    const slow = tau('x5'), fast = tau('x0');
    assert.ok(slow > 0.5 / shape.eps, `slow unit τ_abs = ${slow} steps (1/ε = ${1 / shape.eps})`);
    assert.ok(fast < slow / 3, `fast unit τ_abs = ${fast}, slow ${slow}`);
  });
});

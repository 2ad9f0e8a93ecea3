import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectUsage, runCli, runJson } from '../helpers/cli.js';


describe('grad --method nilsas (CLI)', () => {
  it('--json prints one object with the grad keys and the NILSAS diagnostics', () => {
    const j = runJson(['grad', 'lorenz63', '--method', 'nilsas', '--param', 'rho,beta', '--objective', 'z', '--steps', '2000', '--transient', '1000', '--repeats', '2', '--segments', '4', '--seed', '3']);
    assert.equal(j.method, 'nilsas');
    assert.deepEqual(j.params, ['rho', 'beta']);
    assert.equal(j.gradient.length, 2);
    assert.equal(j.stderr.length, 2);
    assert.equal(j.seed, 3);
    assert.ok(j.gradient.every(Number.isFinite));
    const d = j.diagnostics;
    assert.equal(d.M, 2);
    assert.equal(d.segments, 4);
    assert.equal(d.segmentSteps, 500);
    assert.equal(d.repeats, 2);
    for (const key of ['requiredM', 'exponents', 'schurCondition', 'adjointNormSqMean', 'neutralResidual', 'spread', 'memoryBytes', 'warnings']) assert.ok(key in d, `diagnostics.${key}`);
    assert.equal(typeof j.cost.adjointSolves, 'number');
  });

  it('--M below the unstable count runs and reports the warning; the text report names the method', () => {
    const j = runJson(['grad', 'henon', '--method', 'nilsas', '--param', 'a', '--objective', 'x0', '--steps', '300', '--M', '0', '--repeats', '2']);
    assert.equal(j.diagnostics.warnings.length, 1);
    const r = runCli(['grad', 'henon', '--method', 'nilsas', '--param', 'a', '--objective', 'x0', '--steps', '300', '--repeats', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^nilsas on henon: ⟨x0⟩ over 300 steps/);
  });

  it('bad options are usage errors (exit 2, one line)', () => {
    const base = ['grad', 'lorenz63', '--method', 'nilsas', '--param', 'rho', '--objective', 'z', '--steps', '1000'];
    expectUsage([...base, '--M', '7'], /--M must be between 0 and the dimension of lorenz63 \(3\)/);
    expectUsage([...base, '--M', '-1'], /--M must be >= 0/);
    expectUsage([...base, '--M', '1.5'], /--M must be an integer/);
    expectUsage([...base, '--segment-steps', '0'], /--segment-steps must be >= 1/);
    expectUsage([...base, '--segments', '3', '--segment-steps', '100'], /disagree/);
    expectUsage(['grad', 'lorenz63', '--method', 'nilsas', '--param', 'rho', '--objective', 'z', '--horizon', '10'], /long-time averages/);
    expectUsage(['grad', 'henon', '--method', 'nilsas', '--param', 'a', '--no-neutral'], /--no-neutral applies to flows only/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuntimeFailure, UsageError } from '../../src/errors/index.js';
import { CostMeter, makeResult, selectParams, type GradientRequest } from '../../src/gradients/index.js';
import { checkFdStep, checkNoiseResolution } from '../../src/gradients/trust.js';
import { createSystem } from '../../src/systems/index.js';
import { expectUsage, runCli, runJson } from '../helpers/cli.js';

/** A runtime failure: exit 1, nothing on stdout, one error line matching `pattern`. */
function expectFailure(args: string[], pattern: RegExp): void {
  const r = runCli(args);
  assert.equal(r.code, 1, `exit code ${r.code}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, pattern);
}

function fakeResult(system = createSystem('linear', { noise: 0.5 }), parts: { value?: number; gradient?: number[]; stderr?: number[] | null } = {}) {
  const req: GradientRequest = { system, objective: { kind: 'average', observable: 'x0', steps: 10 }, params: ['a', 'c'], seed: 0 };
  return makeResult('test', req, selectParams(system, ['a', 'c']), {
    value: parts.value ?? 1,
    valueStderr: 0.1,
    gradient: Float64Array.from(parts.gradient ?? [1, 2]),
    stderr: parts.stderr === null ? null : Float64Array.from(parts.stderr ?? [0.1, 0.1]),
    cost: new CostMeter(),
  });
}

describe('trust layer: no non-finite or untrustworthy number leaves unflagged', () => {
  it('non-finite value, gradient or standard error is a runtime failure', () => {
    assert.throws(() => fakeResult(undefined, { value: NaN }), (e: Error) => e instanceof RuntimeFailure && /objective is not finite/.test(e.message));
    assert.throws(() => fakeResult(undefined, { gradient: [1, Infinity] }), (e: Error) => e instanceof RuntimeFailure && /gradient entry c is not finite/.test(e.message));
    assert.throws(() => fakeResult(undefined, { stderr: [0.1, Infinity] }), (e: Error) => e instanceof RuntimeFailure && /standard error of c is not finite/.test(e.message));
    assert.deepEqual(fakeResult().warnings, []);
  });

  it('a zero standard error on a noise-driven non-zero estimate is flagged', () => {
    const r = fakeResult(undefined, { stderr: [0, 0.1] });
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], /standard error of a is exactly zero although noise σ = 0\.5/);
    // without noise a zero spread can be honest (a deterministic orbit)
    assert.deepEqual(fakeResult(createSystem('linear'), { stderr: [0, 0] }).warnings, []);
  });

  it('noise below the resolution of the state: kernel refuses (exit 2), near it warns', () => {
    // the case: gradient 0 ± 0 at σ = 1e-20 with exit 0
    expectUsage(['grad', 'linear', '--method', 'kernel', '--noise', '1e-20', '--steps', '2000'], /noise σ = 1e-20 is below the floating-point resolution of the state/);
    expectUsage(['grad', 'linear', '--method', 'hybrid', '--noise', '1e-20', '--steps', '2000'], /below the floating-point resolution/);
    const j = runJson(['grad', 'linear', '--method', 'kernel', '--noise', '1e-14', '--steps', '2000']);
    assert.equal(j.warnings.length, 1);
    assert.match(j.warnings[0], /within 1000× of the floating-point spacing/);
    assert.deepEqual(checkNoiseResolution(createSystem('linear', { noise: 1e-6 })), []);
    const text = runCli(['grad', 'linear', '--method', 'kernel', '--noise', '1e-14', '--steps', '2000']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /\nWARNING: this result may not be trustworthy\n! noise σ = 1e-14/);
  });

  it('finite-difference step below the resolution of the parameter: exit 2; tiny step warns', () => {
    expectUsage(['grad', 'linear', '--method', 'fd', '--h', '1e-300', '--steps', '200'], /finite-difference step --h = 1e-300 is below the floating-point resolution of a = 0\.5/);
    assert.throws(() => checkFdStep('rho', 28, 1e-15), UsageError);
    assert.equal(checkFdStep('rho', 28, 1e-10).length, 1);
    assert.deepEqual(checkFdStep('rho', 28, 1e-4), []);
    const j = runJson(['grad', 'linear', '--method', 'fd', '--h', '1e-12', '--steps', '200', '--param', 'c']);
    assert.match(j.warnings[0], /step h = 1e-12 for c is below 1e-8/);
  });

  it('overflowing averages in simulate are a runtime failure, not null with exit 0', () => {
    expectFailure(['simulate', 'linear', '--set', 'c=1e200', '--steps', '1000', '--json'], /the average of meansq overflowed/);
    // the finite ones alone are fine
    const j = runJson(['simulate', 'linear', '--set', 'c=1e200', '--steps', '1000', '--observables', 'x0']);
    assert.ok(Math.abs(j.averages.x0 / 2e200 - 1) < 1e-9);
  });

  it('NILSAS segments too long for double precision: exit 1; long ones warn', () => {
    // the case: 1e50 ± 1e50 (and non-finite errors further on) with exit 0
    expectFailure(['grad', 'henon', '--method', 'nilsas', '--steps', '2000', '--segment-steps', '100', '--repeats', '2'], /NILSAS: the adjoints grow like e\^42\.\d over one segment of 100 steps.*use --segment-steps ≤ 18/);
    const j = runJson(['grad', 'henon', '--method', 'nilsas', '--steps', '2000', '--segment-steps', '60', '--repeats', '2']);
    assert.match(j.warnings.join('\n'), /grow like e\^25\.\d over one segment of 60 steps/);
    const ok = runJson(['grad', 'henon', '--method', 'nilsas', '--steps', '2000', '--repeats', '2']);
    assert.deepEqual(ok.warnings, []);
  });

  it('BPTT with exploding adjoints is flagged; a short horizon is not', () => {
    // the case: lorenz63 over 20 time units, −88314 ± 550000 with no word
    const j = runJson(['grad', 'lorenz63', '--method', 'bptt', '--steps', '6000', '--repeats', '2', '--param', 'rho', '--objective', 'z']);
    assert.equal(j.warnings.length, 1);
    assert.match(j.warnings[0], /the BPTT adjoint grows like e\^\(.*over 6000 steps by about e\^\d+/);
    const short = runJson(['grad', 'lorenz63', '--method', 'bptt', '--steps', '200', '--repeats', '2', '--param', 'rho', '--objective', 'z']);
    assert.deepEqual(short.warnings, []);
  });

  it('Kaplan–Yorke dimension with every computed exponent positive is reported as ≥ k', () => {
    const j = runJson(['lyapunov', 'lorenz96', '--k', '3', '--steps', '500']);
    assert.equal(j.kaplanYorkeLowerBound, true);
    assert.equal(j.kaplanYorke, 3);
    assert.match(j.warnings[0], /at least 3/);
    const text = runCli(['lyapunov', 'lorenz96', '--k', '3', '--steps', '500']).stdout;
    assert.match(text, /Kaplan–Yorke dimension ≥ 3;/);
    const full = runJson(['lyapunov', 'henon', '--steps', '2000']);
    assert.equal(full.kaplanYorkeLowerBound, false);
    assert.deepEqual(full.warnings, []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliMessage, flagOf } from '../src/cli/optionNames.js';
import { OptionName, RuntimeFailure, UsageError, opt, usage } from '../src/errors/index.js';
import { lyapunovSpectrum } from '../src/lyapunov/index.js';
import { createSystem, simulate } from '../src/systems/index.js';

/** The library's message and the CLI's rendering of one failing call. */
function messages(f: () => unknown): { library: string; cli: string } {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
    return { library: e.message, cli: cliMessage(e) };
  }
  assert.fail('expected a throw');
}

describe('errors: the library names its own options, the CLI renders flags', () => {
  it("createSystem('lorenz63', {dt: -1}) says 'dt must be > 0'; the CLI says '--dt'", () => {
    const m = messages(() => createSystem('lorenz63', { dt: -1 }));
    assert.equal(m.library, 'dt must be > 0, got -1');
    assert.equal(m.cli, '--dt must be > 0, got -1');
  });

  it('camelCase options become kebab-case flags; listed exceptions keep their flag', () => {
    const sys = createSystem('henon');
    const m = messages(() => lyapunovSpectrum(sys, { steps: 10, qrEvery: 20 }));
    assert.match(m.library, /^qrEvery \(20\) must not exceed steps \(10\)/);
    assert.match(m.cli, /^--qr-every \(20\) must not exceed --steps \(10\)/);
    assert.equal(flagOf(opt('noiseDirections')), '--noise-dirs');
    assert.equal(flagOf(opt('neutral', false)), '--no-neutral');
    assert.equal(flagOf(opt('split', 'shadowing')), '--split shadowing');
    assert.equal(String(opt('neutral', false)), 'neutral: false');
  });

  it('only marked words are rendered: a plain word equal to an option name stays', () => {
    const e = usage`${opt('noise')} must be > 0 for kernel differentiation: noise is needed`;
    assert.equal(e.message, 'noise must be > 0 for kernel differentiation: noise is needed');
    assert.equal(cliMessage(e), '--noise must be > 0 for kernel differentiation: noise is needed');
    assert.ok(e.parts.some((p) => p instanceof OptionName));
  });

  it('no library message of these calls contains a --flag', () => {
    const sys = createSystem('henon');
    for (const f of [
      () => createSystem('lorenz63', { dt: 0 }),
      () => createSystem('henon', { dt: 0.1 }),
      () => createSystem('lorenz96', { dim: 2 }),
      () => createSystem('henon', { kernel: 'logistic' }),
      () => simulate(sys, { steps: 0 }),
      () => lyapunovSpectrum(sys, { k: 3 }),
    ]) {
      const m = messages(f);
      assert.doesNotMatch(m.library, /--/, m.library);
      assert.match(m.cli, /--/, m.cli);
    }
  });

  it('errors built from a plain string render unchanged', () => {
    assert.equal(cliMessage(new RuntimeFailure('x became non-finite')), 'x became non-finite');
    assert.equal(cliMessage(new Error('plain')), 'plain');
  });
});

describe('unknown option keys are refused everywhere', () => {
  it('system options, method values and estimator calls name the valid keys', async () => {
    const { hybrid, hybridEstimator, fdEstimator } = await import('../src/gradients/index.js');
    assert.throws(() => createSystem('henon', { dtt: 1 } as never), (e: Error) => e instanceof UsageError && /unknown key of system options 'dtt' \(valid: set, params, dim, dt,/.test(e.message));
    assert.throws(() => hybrid({ windw: 5 } as never), (e: Error) => e instanceof UsageError && /unknown key of hybrid options 'windw' \(valid: split, alpha, u, window,/.test(e.message));
    const req = { system: createSystem('linear', { noise: 1 }), objective: { kind: 'average' as const, observable: 'x0', steps: 100 }, params: ['a'], seed: 1 };
    await assert.rejects(fdEstimator.estimate(req, { hh: 1 } as never), /unknown key of fd options 'hh'/);
    await assert.rejects(hybridEstimator.estimate(req, { alpah: 0.5 } as never), /unknown key of hybrid options 'alpah'/);
  });

  it('train config estimator.options and the CLI --method-options', async () => {
    const { parseTrainConfig } = await import('../src/optim/index.js');
    const { runCli } = await import('./helpers/cli.js');
    const raw = { system: { name: 'linear', noise: 1 }, params: ['a'], loss: [{ observable: 'x0', target: 1 }], iterations: 1, estimator: { method: 'hybrid', steps: 100, options: { windw: 5 } }, optimizer: { name: 'sgd', lr: 0.1 } };
    assert.throws(() => parseTrainConfig(raw), /^UsageError: config: estimator\.options: unknown key of hybrid options 'windw'/);
    const r = runCli(['compare', 'linear', '--noise', '1', '--param', 'a', '--objective', 'x0', '--methods', 'fd,hybrid', '--method-options', '{"hybrid":{"windw":5}}']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--method-options: unknown key of hybrid options 'windw' \(valid: /);
  });
});

describe('method set-up is the estimator\'s plan step', () => {
  it('hybrid and NILSAS plan their pilot settings; given options are kept; the others plan nothing', async () => {
    const { getEstimator, estimatorNames } = await import('../src/gradients/index.js');
    const sys = createSystem('lorenz63', { noise: 0.5 });
    const req = { system: sys, objective: { kind: 'average' as const, observable: 'z', steps: 2000 }, params: ['rho'], seed: 1 };
    const h = getEstimator('hybrid').plan!(req, { split: 'shadowing' });
    assert.ok(Number.isInteger(h.u) && h.u >= 1, `u = ${h.u}`);
    assert.deepEqual(getEstimator('hybrid').plan!(req, { split: 'shadowing', u: 2, window: 3 }), { split: 'shadowing', u: 2, window: 3 });
    const n = getEstimator('nilsas').plan!(req, {});
    assert.ok(n.M >= 1 && n.segmentSteps >= 1 && n.spectrumSteps === 0, JSON.stringify(n));
    assert.deepEqual(estimatorNames().filter((m) => getEstimator(m).plan).sort(), ['hybrid', 'nilsas']);
  });
});

describe('library argument checks at the estimators', () => {
  it('a malformed request is a UsageError naming the field, not a TypeError; NaN parameters are refused', async () => {
    const { fdEstimator, kernelEstimator } = await import('../src/gradients/index.js');
    const system = createSystem('linear', { noise: 1 });
    const good = { system, objective: { kind: 'average' as const, observable: 'x0', steps: 100 }, params: ['a'], seed: 1 };
    const usageNaming = (re: RegExp) => (e: Error) => e instanceof UsageError && re.test(e.message) && !/--/.test(e.message);
    await assert.rejects(fdEstimator.estimate({ ...good, system: null as never }, {}), usageNaming(/^system must be a DynamicalSystem/));
    await assert.rejects(fdEstimator.estimate({ ...good, params: 'a' as never }, {}), usageNaming(/^params must be an array of parameter names/));
    await assert.rejects(fdEstimator.estimate({ ...good, seed: -1 }, {}), usageNaming(/^seed must be a non-negative integer, got -1/));
    await assert.rejects(fdEstimator.estimate({ ...good, objective: null as never }, {}), usageNaming(/^objective must be/));
    await assert.rejects(fdEstimator.estimate({ ...good, sead: 1 } as never, {}), usageNaming(/unknown key of gradient request 'sead'/));
    await assert.rejects(kernelEstimator.estimate({ ...good, system: system.withParams(Float64Array.of(NaN, 1)) }, {}), usageNaming(/parameters of linear must be finite numbers \(entry 0 is NaN\)/));
  });
});

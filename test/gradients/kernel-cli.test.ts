import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expectUsage, runCli, runJson } from '../helpers/cli.js';

process.env.CHAOSGRAD_WORKERS ??= '1';


describe('grad --method kernel', () => {
  it('finite time: one JSON object with the grad contract and the kernel diagnostics', () => {
    const j = runJson(['grad', 'linear', '--method', 'kernel', '--noise', '0.5', '--kernel', 'logistic', '--horizon', '5', '--samples', '20000', '--param', 'a,c', '--objective', 'x0', '--seed', '3']);
    assert.equal(j.method, 'kernel');
    assert.deepEqual(j.params, ['a', 'c']);
    assert.equal(j.objectiveKind, 'horizon');
    assert.equal(j.horizon, 5);
    assert.equal(j.gradient.length, 2);
    assert.equal(j.stderr.length, 2);
    assert.deepEqual(
      { form: j.diagnostics.form, window: j.diagnostics.window, sigma: j.diagnostics.sigma, kernel: j.diagnostics.kernel, directions: j.diagnostics.directions, baseline: j.diagnostics.baseline },
      { form: 'finite-time', window: null, sigma: 0.5, kernel: 'logistic', directions: 'isotropic', baseline: 'leave-one-out mean' },
    );
    // d E[x₅]/dc = Σ_{m<5} 0.5^m = 1.9375
    assert.ok(Math.abs(j.gradient[1] - 1.9375) < 4 * j.stderr[1]);
    assert.ok(j.cost.adjointSolves === 20000 * 5 && j.cost.tangentSolves === 0);
  });

  it('ergodic with foliated noise from a file, window and no baseline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-kernel-'));
    const file = join(dir, 'B.json');
    writeFileSync(file, JSON.stringify({ B: [[1], [1], [1], [1], [1], [1], [1], [1], [1]] }));
    const j = runJson(['grad', 'ni9', '--method', 'kernel', '--noise', '0.5', '--noise-dirs', file, '--steps', '3000', '--window', '5', '--no-baseline', '--param', 'c']);
    assert.equal(j.diagnostics.form, 'ergodic');
    assert.equal(j.diagnostics.window, 5);
    assert.equal(j.diagnostics.directions, 'matrix 9x1');
    assert.equal(j.diagnostics.baseline, 'none');
    assert.equal(j.diagnostics.foliated, true);
    assert.equal(typeof j.stderr[0], 'number');
    const ones = runJson(['grad', 'ni9', '--method', 'kernel', '--noise', '0.5', '--noise-dirs', 'ones', '--steps', '3000', '--window', '5', '--no-baseline', '--param', 'c']);
    assert.equal(ones.diagnostics.directions, 'ones');
    // the file's column is orthonormalised to the same B = 1/3·(1,…,1): same noise, same estimate
    assert.ok(Math.abs(ones.gradient[0] - j.gradient[0]) < 1e-9 * Math.max(1, Math.abs(j.gradient[0])));
  });

  it('text output names the method and the parameters', () => {
    const r = runCli(['grad', 'tent', '--method', 'kernel', '--objective', 'x', '--steps', '20000', '--window', '7']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^kernel on tent: ⟨x⟩ over 20000 steps/);
    assert.match(r.stdout, /gamma/);
  });

  it('usage errors: no noise, bad window, window with a horizon, bad kernel, option of another command', () => {
    expectUsage(['grad', 'linear', '--method', 'kernel', '--steps', '100'], /kernel differentiation needs noise: give --noise σ > 0/);
    expectUsage(['grad', 'linear', '--method', 'kernel', '--noise', '0.5', '--window', '0'], /--window must be >= 1/);
    expectUsage(['grad', 'linear', '--method', 'kernel', '--noise', '0.5', '--window', 'x'], /--window must be a finite number/);
    expectUsage(['grad', 'linear', '--method', 'kernel', '--noise', '0.5', '--horizon', '5', '--window', '3'], /--window applies to the ergodic form/);
    expectUsage(['grad', 'linear', '--method', 'kernel', '--noise', '0.5', '--horizon', '5', '--samples', '1'], /--samples >= 2/);
    expectUsage(['grad', 'linear', '--method', 'kernel', '--noise', '0.5', '--kernel', 'student:0'], /student kernel needs a degree of freedom/);
    expectUsage(['grad', 'linear', '--method', 'kernel', '--noise', '0.5', '--repeats', '0'], /--repeats must be >= 1/);
    expectUsage(['grad', 'linear', '--method', 'kernel', '--noise', '0.5', '--degree', '2'], /Unknown option '--degree'/);
  });

  it('a blow-up exits 1 naming the step', () => {
    const r = runCli(['grad', 'linear', '--method', 'kernel', '--noise', '0.5', '--set', 'a=3', '--steps', '5000', '--transient', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /^chaosgrad: error: trajectory became non-finite at step \d+$/);
  });
});

describe('sigma-study', () => {
  it('JSON with points, the extrapolation and a plot file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-sigma-'));
    const plot = join(dir, 'study.svg');
    const j = runJson(['sigma-study', 'linear', '--sigmas', '0.3,0.5,0.7', '--objective', 'x0', '--param', 'c', '--steps', '50000', '--window', '30', '--plot', plot]);
    assert.deepEqual(j.sigmas, [0.3, 0.5, 0.7]);
    assert.equal(j.points.length, 3);
    assert.deepEqual(Object.keys(j.points[0]).sort(), ['gradient', 'seconds', 'sigma', 'stderr', 'value', 'valueStderr']);
    assert.equal(j.extrapolation.length, 1);
    const e = j.extrapolation[0];
    assert.equal(e.label, 'c');
    assert.equal(e.degree, 1);
    // d⟨x⟩/dc = 2 at every σ, so also at σ → 0
    assert.ok(Math.abs(e.value - 2) < 3 * e.stderr, `${e.value} ± ${e.stderr}`);
    assert.equal(j.plot, plot);
    const svg = readFileSync(plot, 'utf8');
    assert.match(svg, /^<svg /);
    assert.match(svg, /σ → 0/);
  });

  it('usage errors: missing or bad --sigmas, --noise instead of --sigmas, bad degree', () => {
    expectUsage(['sigma-study', 'linear'], /missing --sigmas/);
    expectUsage(['sigma-study', 'linear', '--sigmas', '0.1,-0.2'], /--sigmas must be > 0, got '-0.2'/);
    expectUsage(['sigma-study', 'linear', '--sigmas', '0.1,,0.2'], /--sigmas has an empty entry/);
    expectUsage(['sigma-study', 'linear', '--sigmas', '0.1,0.2', '--noise', '0.1'], /give the noise levels with --sigmas, not --noise/);
    expectUsage(['sigma-study', 'linear', '--sigmas', '0.1,0.2', '--degree', '3'], /--degree must be <= 2/);
    expectUsage(['sigma-study', 'linear', '--sigmas', '0.1,0.2', '--degree', '2'], /degree-2 extrapolation needs at least 3 distinct σ/);
    expectUsage(['sigma-study', 'linear', '--sigmas', '0.1,0.1'], /needs at least 2 distinct σ/);
  });
});

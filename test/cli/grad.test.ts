import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expectUsage, runCli, runJson } from '../helpers/cli.js';


const CONTRACT = ['method', 'params', 'objective', 'value', 'gradient', 'stderr', 'cost'];

describe('grad --method bptt', () => {
  it('--json prints one object with the contract keys and the adjoint diagnostics', () => {
    const j = runJson(['grad', 'lorenz63', '--method', 'bptt', '--param', 'rho,beta', '--objective', 'z', '--steps', '400', '--transient', '200', '--repeats', '3']);
    for (const k of CONTRACT) assert.ok(k in j, `missing ${k}`);
    assert.equal(j.method, 'bptt');
    assert.deepEqual(j.params, ['rho', 'beta']);
    assert.equal(j.objective, 'z');
    assert.equal(j.gradient.length, 2);
    assert.equal(j.stderr.length, 2);
    assert.equal(j.cost.adjointSolves, 3 * 400);
    assert.equal(j.diagnostics.trajectories, 3);
    assert.equal(j.diagnostics.segmentSteps, 20);
    for (const k of ['adjointNormMax', 'adjointNormFinal', 'adjointGrowthRate', 'peakMemoryBytes', 'segments']) assert.equal(typeof j.diagnostics[k], 'number', k);
  });

  it('baseline options reach the estimator; horizon objective gives stderr across samples', () => {
    const j = runJson(['grad', 'lorenz63', '--method', 'bptt', '--param', 'rho', '--objective', 'z', '--steps', '400', '--transient', '200', '--repeats', '2', '--clip', '5', '--clip-step', '2', '--truncate', '50', '--l2', '0.001']);
    assert.equal(j.diagnostics.clip, 5);
    assert.equal(j.diagnostics.clipStep, 2);
    assert.equal(j.diagnostics.truncate, 50);
    assert.equal(j.diagnostics.l2, 0.001);
    const e = runJson(['grad', 'lorenz63', '--method', 'bptt', '--param', 'rho', '--objective', 'z', '--steps', '400', '--transient', '200', '--repeats', '2', '--ensemble', '4']);
    assert.equal(e.diagnostics.memberSteps, 100);
    const h = runJson(['grad', 'rnn', '--dim', '8', '--method', 'bptt', '--param', 'g,b', '--objective', 'x0', '--horizon', '10', '--samples', '20']);
    assert.equal(h.gradient.length, 9);
    assert.equal(h.diagnostics.trajectories, 20);
    assert.equal(h.objectiveKind, 'horizon');
  });

  it('bad options are usage errors; an overflowing adjoint is a runtime failure (exit 1)', () => {
    expectUsage(['grad', 'lorenz63', '--method', 'bptt', '--truncate', '0'], /--truncate must be >= 1/);
    expectUsage(['grad', 'lorenz63', '--method', 'bptt', '--clip', '-1'], /--clip must be > 0/);
    expectUsage(['grad', 'lorenz63', '--method', 'bptt', '--l2', 'x'], /--l2 must be a finite number/);
    expectUsage(['grad', 'lorenz63', '--method', 'bptt', '--ensemble', '2', '--horizon', '5'], /--ensemble applies to the average objective/);
    expectUsage(['grad', 'lorenz63', '--method', 'bptt', '--repeats', '2', '--horizon', '5'], /--repeats applies to the average objective/);
    expectUsage(['grad', 'lorenz63', '--method', 'bptt', '--h', '0.1'], /--h does not apply to --method bptt \(it belongs to fd\)/);
    const r = runCli(['grad', 'henon', '--method', 'bptt', '--param', 'a', '--steps', '5000', '--repeats', '1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /^chaosgrad: error: BPTT adjoint overflowed .* use --clip-step\/--truncate$/);
  });
});

describe('grad --method fd', () => {
  it('--json prints the contract keys, the per-entry steps and 95% intervals', () => {
    const j = runJson(['grad', 'linear', '--noise', '0.5', '--method', 'fd', '--param', 'a,c', '--objective', 'x0', '--steps', '2000', '--batches', '4', '--richardson']);
    for (const k of CONTRACT) assert.ok(k in j, `missing ${k}`);
    assert.equal(j.method, 'fd');
    assert.equal(j.diagnostics.batches, 4);
    assert.equal(j.diagnostics.richardson, true);
    assert.deepEqual(j.diagnostics.h, [0.01, 0.01]);
    assert.equal(j.diagnostics.ci95.length, 2);
    const [lo, hi] = j.diagnostics.ci95[1];
    assert.ok(lo <= j.gradient[1] && j.gradient[1] <= hi);
    const k = runJson(['grad', 'lorenz63', '--method', 'fd', '--param', 'rho', '--objective', 'z', '--steps', '200', '--transient', '100', '--batches', '2', '--h', '0.5']);
    assert.deepEqual(k.diagnostics.h, [0.5]);
  });

  it('bad options are usage errors', () => {
    expectUsage(['grad', 'lorenz63', '--method', 'fd', '--h', '0'], /--h must be > 0/);
    expectUsage(['grad', 'lorenz63', '--method', 'fd', '--batches', '1'], /--batches must be >= 2/);
    expectUsage(['grad', 'lorenz63', '--method', 'fd', '--clip', '3'], /--clip does not apply to --method fd \(it belongs to bptt\)/);
    expectUsage(['grad', 'lorenz63', '--method', 'fd', '--horizon', '4', '--samples', '3', '--batches', '5'], /--batches 5 exceeds --samples 3/);
  });
});

describe('explode', () => {
  it('--json has horizons, gradientNorms, growthRate, lambda1, fitRange, ratio; --plot writes an SVG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-explode-'));
    const plot = join(dir, 'explode.svg');
    const j = runJson(['explode', 'henon', '--horizons', '4,8,16,24,32', '--repeats', '8', '--lyapunov-steps', '20000', '--plot', plot]);
    for (const k of ['horizons', 'gradientNorms', 'growthRate', 'lambda1', 'fitRange', 'ratio']) assert.ok(k in j, `missing ${k}`);
    assert.deepEqual(j.horizons, [4, 8, 16, 24, 32]);
    assert.equal(j.gradientNorms.length, 5);
    assert.equal(j.unit, 'per step');
    assert.ok(Math.abs(j.lambda1 - 0.4192) < 0.02, `henon λ₁ ${j.lambda1}`);
    assert.ok(Math.abs(j.ratio - 1) < 0.3, `ratio ${j.ratio}`);
    const svg = readFileSync(plot, 'utf8');
    assert.match(svg, /^<svg /);
    assert.match(svg, /λ₁ = /);
    assert.equal(j.plot, plot);
  });

  it('bad horizons and plot names are usage errors', () => {
    expectUsage(['explode', 'henon', '--horizons', '8,4,16'], /strictly increasing/);
    expectUsage(['explode', 'henon', '--horizons', '4,x,16'], /--horizons entries must be positive integers/);
    expectUsage(['explode', 'henon', '--horizons', '4,8'], /need at least 3 horizons/);
    expectUsage(['explode', 'henon', '--horizons', '4,8,16', '--max-horizon', '50'], /either --horizons a,b,c or --max-horizon/);
    expectUsage(['explode', 'henon', '--plot', 'out.png'], /--plot must name an .svg file/);
    expectUsage(['explode', 'henon', '--points', '2'], /--points must be >= 3/);
    expectUsage(['explode', 'henon', '--param', 'q'], /unknown parameter of henon 'q'/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectUsage, runCli, runJson } from '../helpers/cli.js';

process.env.CHAOSGRAD_WORKERS = '1';


const LIN = ['grad', 'linear', '--method', 'hybrid', '--noise', '0.5', '--param', 'a,c', '--objective', 'x0'];

describe('grad --method hybrid (CLI)', () => {
  it('path-kernel, ergodic: the grad JSON contract plus the split, α, σ and window used', () => {
    const j = runJson([...LIN, '--split', 'pathkernel', '--alpha', '0.4', '--window', '15', '--steps', '20000']);
    assert.equal(j.method, 'hybrid');
    assert.deepEqual(j.params, ['a', 'c']);
    assert.deepEqual(j.labels, ['a', 'c']);
    assert.equal(j.objectiveKind, 'average');
    assert.equal(j.gradient.length, 2);
    assert.equal(j.stderr.length, 2);
    for (const k of ['steps', 'tangentSolves', 'adjointSolves', 'seconds']) assert.equal(typeof j.cost[k], 'number', k);
    const d = j.diagnostics;
    assert.equal(d.form, 'ergodic');
    assert.equal(d.split, 'pathkernel');
    assert.equal(d.alpha, 0.4);
    assert.equal(d.sigma, 0.5);
    assert.equal(d.window, 15);
    assert.equal(d.baseline, 'running mean');
    assert.equal(typeof j.valueStderr, 'number');
    // d⟨x⟩/dc = 1/(1 − a) = 2
    assert.ok(Math.abs(j.gradient[1] - 2) < 4 * j.stderr[1] + 1e-9, `${j.gradient[1]} ± ${j.stderr[1]}`);
  });

  it('shadowing, finite horizon: u reported, pilot baseline reported', () => {
    const j = runJson([...LIN, '--split', 'shadowing', '--u', '1', '--horizon', '5', '--samples', '4000']);
    assert.equal(j.diagnostics.form, 'finite-time');
    assert.equal(j.diagnostics.split, 'shadowing');
    assert.equal(j.diagnostics.u, 1);
    assert.equal(j.diagnostics.uFrom, 'given');
    assert.match(j.diagnostics.baseline, /pilot samples/);
    assert.equal(j.horizon, 5);
    const dC = (1 - 0.5 ** 5) / 0.5;
    assert.ok(Math.abs(j.gradient[1] - dC) < 4 * j.stderr[1], `${j.gradient[1]} ± ${j.stderr[1]} vs ${dC}`);
  });

  it('the default split is path-kernel with α = 0.5; text output has a table', () => {
    const r = runCli([...LIN, '--steps', '3000']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^hybrid on linear: /);
    assert.match(r.stdout, /parameter\s+derivative\s+stderr/);
    const d = runJson([...LIN, '--steps', '3000']).diagnostics;
    assert.equal(d.split, 'pathkernel');
    assert.equal(d.alpha, 0.5);
    // the default (forward) sweep keeps the backward sweep's --json keys: no orbit is kept
    assert.equal(d.sweep, 'forward');
    assert.equal(d.keptSteps, 0);
    assert.equal(d.orbitMemoryMiB, 256);
  });

  it('keeping the orbit (default of the backward sweep) or recomputing it (--orbit-memory 0) gives the same bits at a lower cost', () => {
    // (--orbit-memory alone asks for the backward sweep; without it one parameter pair runs forward)
    const kept = runJson([...LIN, '--steps', '5000', '--sweep', 'backward']);
    const none = runJson([...LIN, '--steps', '5000', '--orbit-memory', '0']);
    // 0.001 MiB = 1048 bytes = 65 steps of (x, ξ); segments of ⌈√5000⌉ = 71 steps, the last one 30 long: only it fits
    const part = runJson([...LIN, '--steps', '5000', '--orbit-memory', '0.001']);
    assert.deepEqual(none.gradient, kept.gradient);
    assert.deepEqual(part.gradient, kept.gradient);
    assert.deepEqual(none.stderr, kept.stderr);
    assert.equal(kept.diagnostics.keptSteps, 5000);
    assert.equal(none.diagnostics.keptSteps, 0);
    assert.equal(part.diagnostics.keptSteps, 30);
    assert.equal(kept.diagnostics.orbitMemoryMiB, 256);
    // the recomputation is counted: one more primal step per recomputed step
    assert.equal(none.cost.steps - kept.cost.steps, 5000);
    assert.equal(part.cost.steps - kept.cost.steps, 5000 - part.diagnostics.keptSteps);
    expectUsage([...LIN, '--orbit-memory', '-1'], /--orbit-memory must be >= 0/);
  });

  it('the shadowing split takes its default u from the Lyapunov spectrum and says so', () => {
    const j = runJson([...LIN, '--split', 'shadowing', '--steps', '3000']);
    assert.equal(j.diagnostics.split, 'shadowing');
    assert.equal(j.diagnostics.u, 1);
    assert.match(j.diagnostics.uFrom, /Lyapunov/);
  });

  it('usage errors name the valid choices', () => {
    expectUsage(['grad', 'linear', '--method', 'hybrid', '--param', 'c', '--objective', 'x0'], /needs noise: give --noise σ > 0/);
    expectUsage([...LIN, '--split', 'diagonal'], /unknown --split 'diagonal' \(valid: pathkernel, shadowing\)/);
    expectUsage([...LIN, '--split', 'pathkernel', '--alpha', '1.5'], /--alpha must be <= 1/);
    expectUsage([...LIN, '--split', 'pathkernel', '--alpha', '-0.1'], /--alpha must be >= 0/);
    expectUsage([...LIN, '--split', 'pathkernel', '--alpha', 'half'], /--alpha must be a finite number/);
    expectUsage([...LIN, '--split', 'pathkernel', '--u', '1'], /--u goes with --split shadowing/);
    expectUsage([...LIN, '--u', '1'], /--u goes with --split shadowing/);
    expectUsage([...LIN, '--split', 'shadowing', '--alpha', '0.5'], /--alpha goes with --split pathkernel/);
    expectUsage([...LIN, '--split', 'shadowing', '--u', '0'], /--u must be >= 1/);
    expectUsage([...LIN, '--split', 'shadowing', '--u', '2'], /--u must be an integer between 1 and 1, got 2/);
    expectUsage([...LIN, '--split', 'pathkernel', '--window', '0'], /--window must be >= 1/);
    expectUsage(['grad', 'ni9', '--method', 'hybrid', '--noise', '0.5', '--noise-dirs', 'ones', '--split', 'shadowing', '--u', '1', '--param', 'gamma', '--objective', 'sum', '--horizon', '5'], /shadowing split needs isotropic noise/);
    expectUsage([...LIN, '--split', 'pathkernel', '--clip', '3'], /--clip does not apply to --method hybrid/);
  });

  it('--sweep and --predict: forward/backward in the diagnostics, forced forecasts named in the baseline, bad values are usage errors', () => {
    const fw = runJson([...LIN, '--alpha', '0.5', '--window', '8', '--steps', '4000', '--sweep', 'forward']);
    assert.equal(fw.diagnostics.sweep, 'forward');
    // unpinned, two parameters at one window: the backward sweep, predicted cheaper (diagnostics.sweepFrom)
    const auto = runJson([...LIN, '--alpha', '0.5', '--window', '8', '--steps', '4000']);
    assert.equal(auto.diagnostics.sweep, 'backward');
    assert.equal(auto.diagnostics.sweepFrom.chosen, 'backward');
    assert.match(auto.diagnostics.sweepFrom.rule, /^backward: 2 parameters/);
    const bw = runJson([...LIN, '--alpha', '0.5', '--window', '8', '--steps', '4000', '--sweep', 'backward', '--predict', 'on']);
    assert.equal(bw.diagnostics.sweep, 'backward');
    assert.match(bw.diagnostics.baseline, /^predictive: noise-free forecasts of 8 lags every 1 steps/);
    expectUsage([...LIN, '--steps', '4000', '--sweep', 'sideways'], /unknown --sweep 'sideways' \(valid: forward, backward\)/);
    expectUsage([...LIN, '--steps', '4000', '--predict', 'maybe'], /unknown --predict 'maybe' \(valid: auto, on, off\)/);
    expectUsage(['grad', 'ni9', '--method', 'hybrid', '--noise', '0.5', '--param', 'c', '--objective', 'sum', '--horizon', '5', '--samples', '10', '--sweep', 'forward'], /--sweep forward needs --split pathkernel and --steps T/);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hybridEstimator } from '../../src/gradients/hybrid/index.js';
import { SWEEP_SMALL_DIM, chooseSweep } from '../../src/gradients/hybrid/sweep.js';
import { createSystem } from '../../src/systems/index.js';

// The default sweep of the ergodic path-kernel hybrid is predicted from the run's work counts (no
// timing: the same request gives the same sweep, and so the same bits, on every machine).

const facts = { params: 1, dim: 3, rungs: 4, keptFraction: 1, backwardWindow: 719, forwardWindow: 719 };

test('chooseSweep: backward for several parameters or a small system kept whole; forward for ties, recomputed orbits and floored windows', () => {
  // lorenz63 P = 1 (measured backward 1.4× cheaper), P = 3 (2.1×)
  assert.equal(chooseSweep(facts).chosen, 'backward');
  assert.equal(chooseSweep({ ...facts, params: 3 }).chosen, 'backward');
  assert.equal(chooseSweep({ ...facts, params: 2, dim: 64 }).chosen, 'backward');
  // lorenz96 n = 40, rnn n = 64, P = 1: a tie, kept by the forward sweep (it scans windows)
  assert.equal(chooseSweep({ ...facts, dim: 40, backwardWindow: 121, forwardWindow: 121 }).chosen, 'forward');
  assert.equal(chooseSweep({ ...facts, dim: SWEEP_SMALL_DIM + 1 }).chosen, 'forward');
  assert.equal(chooseSweep({ ...facts, dim: SWEEP_SMALL_DIM }).chosen, 'backward');
  // the backward sweep would recompute part of the orbit
  assert.equal(chooseSweep({ ...facts, keptFraction: 0.5 }).chosen, 'forward');
  // rnn: the backward window floored at 10 against the ladder's 4 is a different (noisier) estimate
  const rnn = chooseSweep({ ...facts, params: 3, dim: 64, backwardWindow: 10, forwardWindow: 4 });
  assert.equal(rnn.chosen, 'forward');
  assert.match(rnn.rule, /window 10 \(floored\) differs from the ladder's first 4/);
  const e = chooseSweep({ ...facts, params: 3, keptFraction: 0.25 });
  assert.deepEqual([e.forwardPasses, e.backwardPasses, e.forwardUpdates, e.backwardUpdates], [7, 2.75, 12, 1]);
});

test('default sweep: the prediction is in the diagnostics, and its choice gives the pinned sweep\'s bits', async () => {
  // noisy Lorenz 63, 3 parameters, an explicit window (the same window for both sweeps)
  const req = { objective: { kind: 'average' as const, observable: 'z', steps: 40000 }, params: ['rho', 'sigma', 'beta'], seed: 3 };
  const o = { predict: false, window: 50, alpha: 0.5 };
  const auto = await hybridEstimator.estimate({ ...req, system: createSystem('lorenz63', { noise: 0.2 }) }, o);
  const from = auto.diagnostics.sweepFrom as Record<string, unknown>;
  assert.equal(from.chosen, 'backward');
  assert.equal(auto.diagnostics.sweep, 'backward');
  assert.equal(from.params, 3);
  assert.equal(from.dim, 3);
  assert.equal(from.keptFraction, 1);
  const pinned = await hybridEstimator.estimate({ ...req, system: createSystem('lorenz63', { noise: 0.2 }) }, { ...o, sweep: 'backward' });
  assert.equal(pinned.diagnostics.sweepFrom, undefined);
  assert.deepEqual(Array.from(auto.gradient), Array.from(pinned.gradient));
  assert.deepEqual(Array.from(auto.stderr!), Array.from(pinned.stderr!));
  // the other sweep is the same estimator on the same orbit: far inside the error bars
  const fw = await hybridEstimator.estimate({ ...req, system: createSystem('lorenz63', { noise: 0.2 }) }, { ...o, sweep: 'forward' });
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(fw.gradient[j] - auto.gradient[j]) < 0.05 * auto.stderr![j], `entry ${j}: ${fw.gradient[j]} vs ${auto.gradient[j]} ± ${auto.stderr![j]}`);
});

test('default sweep: AR(1) at defaults runs forward (the backward window is floored above the ladder\'s first rung), and says why', async () => {
  // τ_abs ≈ 1.5: ladder from ⌈4·τ_abs⌉ = 6, the backward sweep's window floored at 10
  const r = await hybridEstimator.estimate({ system: createSystem('linear', { noise: 0.5 }), objective: { kind: 'average', observable: 'x0', steps: 20000 }, params: ['c'], seed: 3 }, { predict: false });
  assert.equal(r.diagnostics.sweep, 'forward');
  const from = r.diagnostics.sweepFrom as { chosen: string; rule: string };
  assert.equal(from.chosen, 'forward');
  assert.match(from.rule, /backward sweep's window 10 \(floored\) differs from the ladder's first 6/);
  // backward-only options ask for the backward sweep, with nothing to predict
  const b = await hybridEstimator.estimate({ system: createSystem('linear', { noise: 0.5 }), objective: { kind: 'average', observable: 'x0', steps: 20000 }, params: ['c'], seed: 3 }, { predict: false, orbitMemory: 1 });
  assert.equal(b.diagnostics.sweep, 'backward');
  assert.equal(b.diagnostics.sweepFrom, undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelEstimator } from '../../src/gradients/index.js';
import { hybridEstimator } from '../../src/gradients/hybrid/index.js';
import { planPredict, predictEvery } from '../../src/gradients/plan/index.js';
import { createSystem } from '../../src/systems/index.js';

// Unbiasedness: AR(1) x ↦ a·x + c + σξ with a = 0.8, d⟨x⟩/dc = 1/(1 − a) = 5 exactly. There the
// noise-free forecast is exactly E[Σ_j x_{n+j} | x_n], so β must come out ≈ 1; a forecast taken one
// step late (from x_{n+1}, which contains ξ_n) would remove the response itself and bias the estimate.
// Variance: noisy Lorenz 63 at σ = 0.02 per step, where a 100-step window lies well inside the
// predictability horizon (the forecast then leaves only the response to the noise).
const A = 0.8, EXACT_C = 1 / (1 - A);
const ar = () => createSystem('linear', { noise: 0.5, set: { a: A } });
const objective = { kind: 'average' as const, observable: 'x0', steps: 200000 };
const quietLorenz = () => createSystem('lorenz63', { noise: 0.02 });
const lorenzObjective = { kind: 'average' as const, observable: 'z', steps: 100000 };

test('kernel, predictive baseline: exact d⟨x⟩/dc on AR(1) and a smaller error than the running mean', async () => {
  const on = await kernelEstimator.estimate({ system: ar(), objective, params: ['c'], seed: 3 }, { window: 60, predict: true });
  const off = await kernelEstimator.estimate({ system: ar(), objective, params: ['c'], seed: 3 }, { window: 60, predict: false });
  assert.match(String(on.diagnostics.baseline), /^predictive/);
  assert.equal(off.diagnostics.baseline, 'running mean');
  const z = (on.gradient[0] - EXACT_C) / on.stderr![0];
  assert.ok(Math.abs(z) < 3, `predictive: ${on.gradient[0]} ± ${on.stderr![0]} against ${EXACT_C} (z = ${z})`);
  assert.ok(Math.abs(off.gradient[0] - EXACT_C) < 3 * off.stderr![0]);
  // β learned from the completed windows: close to 1 where the forecast is the conditional mean
  const beta = (on.diagnostics.predictBeta as number[])[0];
  assert.ok(beta > 0.8 && beta < 1.2, `β = ${beta}`);
});

test('hybrid, predictive baseline: exact d⟨x⟩/dc on AR(1), smaller error, same bits with the orbit kept or recomputed', async () => {
  const req = { system: ar(), objective, params: ['c'], seed: 5 };
  const on = await hybridEstimator.estimate(req, { alpha: 0.5, window: 60, predict: true, sweep: 'backward' });
  const off = await hybridEstimator.estimate({ ...req, system: ar() }, { alpha: 0.5, window: 60, predict: false, sweep: 'backward' });
  const z = (on.gradient[0] - EXACT_C) / on.stderr![0];
  assert.ok(Math.abs(z) < 3, `predictive: ${on.gradient[0]} ± ${on.stderr![0]} against ${EXACT_C} (z = ${z})`);
  const recomputed = await hybridEstimator.estimate({ ...req, system: ar() }, { alpha: 0.5, window: 60, predict: true, orbitMemory: 0 });
  assert.equal(recomputed.gradient[0], on.gradient[0]);
  // the forward sweep with the same baseline: the same estimator on the same orbit
  const fw = await hybridEstimator.estimate({ ...req, system: ar() }, { alpha: 0.5, window: 60, predict: true, sweep: 'forward' });
  assert.ok(Math.abs(fw.gradient[0] - on.gradient[0]) < 0.05 * on.stderr![0], `forward ${fw.gradient[0]} backward ${on.gradient[0]}`);
});

test('predictive baseline where the window is predictable (Lorenz 63, σ = 0.02): error ≥ 5× smaller, kernel and hybrid', async () => {
  const req = { objective: lorenzObjective, params: ['rho'], seed: 3 };
  const kOn = await kernelEstimator.estimate({ ...req, system: quietLorenz() }, { window: 100, predict: true });
  const kOff = await kernelEstimator.estimate({ ...req, system: quietLorenz() }, { window: 100, predict: false });
  assert.ok(kOff.stderr![0] > 5 * kOn.stderr![0], `kernel: running mean ±${kOff.stderr![0]}, predictive ±${kOn.stderr![0]}`);
  assert.ok(Math.abs(kOn.gradient[0] - kOff.gradient[0]) < 3 * Math.hypot(kOn.stderr![0], kOff.stderr![0]));
  const hOn = await hybridEstimator.estimate({ ...req, system: quietLorenz(), objective: { ...lorenzObjective, steps: 50000 } }, { window: 100, predict: true });
  const hOff = await hybridEstimator.estimate({ ...req, system: quietLorenz(), objective: { ...lorenzObjective, steps: 50000 } }, { window: 100, predict: false });
  assert.ok(hOff.stderr![0] > 5 * hOn.stderr![0], `hybrid: running mean ±${hOff.stderr![0]}, predictive ±${hOn.stderr![0]}`);
  assert.ok(Math.abs(hOn.gradient[0] - kOn.gradient[0]) < 3 * Math.hypot(kOn.stderr![0], hOn.stderr![0]));
});

test('planPredict: forecasts pay on Lorenz 63 at σ = 0.02, not on the chaotic tent map', () => {
  const slow = planPredict(quietLorenz(), lorenzObjective, 1, 100);
  assert.ok(slow.settings !== null && slow.from.gain > slow.from.threshold, JSON.stringify(slow.from));
  assert.equal(slow.settings!.every, predictEvery(100, true));
  const tent = createSystem('tent');
  const fast = planPredict(tent, { kind: 'average', observable: 'x', steps: 200000 }, 1, 8);
  assert.equal(fast.settings, null, JSON.stringify(fast.from));
  assert.ok(fast.from.gain < 1.5, JSON.stringify(fast.from));
  // same seed, same plan
  assert.deepEqual(planPredict(quietLorenz(), lorenzObjective, 1, 100).from, slow.from);
});

test('default: the pilot decides, and says so in the diagnostics', async () => {
  const r = await kernelEstimator.estimate({ system: quietLorenz(), objective: lorenzObjective, params: ['rho'], seed: 2 }, { window: 100 });
  const from = r.diagnostics.predictFrom as { chosen: string; gain: number; threshold: number };
  assert.equal(from.chosen, 'pilot');
  assert.ok(from.gain > from.threshold);
  assert.match(String(r.diagnostics.baseline), /^predictive/);
});

test('a coarse flow forecast that runs away is dropped, not used (Lorenz 63 with dt = 0.06: RK4 at 4·dt diverges)', async () => {
  const coarse = () => createSystem('lorenz63', { noise: 0.05, dt: 0.06 });
  const req = { objective: { kind: 'average' as const, observable: 'z', steps: 40000 }, params: ['rho'], seed: 1 };
  const on = await kernelEstimator.estimate({ ...req, system: coarse() }, { window: 20, predict: true });
  const off = await kernelEstimator.estimate({ ...req, system: coarse() }, { window: 20, predict: false });
  assert.ok(Number.isFinite(on.gradient[0]) && Number.isFinite(on.stderr![0]), `${on.gradient[0]} ± ${on.stderr![0]}`);
  assert.ok(on.stderr![0] < 2 * off.stderr![0], `predictive ±${on.stderr![0]} vs running mean ±${off.stderr![0]}`);
  assert.ok(Math.abs(on.gradient[0] - off.gradient[0]) < 3 * Math.hypot(on.stderr![0], off.stderr![0]));
});

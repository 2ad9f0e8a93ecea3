import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fdEstimator, hybridEstimator, kernelEstimator } from '../../src/gradients/index.js';
import { ALPHA_MIN, SCAN_RESOLUTION_WARN, WINDOW_FACTOR, alphaFromGrowth, chooseFdStep, checkObjectiveContinuity, planAlpha, planWindow, scanResolution, scanWarning, selectWindow, windowLadder } from '../../src/gradients/plan/index.js';
import { createSystem } from '../../src/systems/index.js';

process.env.CHAOSGRAD_WORKERS ??= '1';

const avg = (observable: string, steps: number) => ({ kind: 'average' as const, observable, steps });

describe('plan: window from the objective correlation time', () => {
  it('AR(1) x ↦ 0.5x + 1 + 0.5ξ: τ_abs ≈ 1.5, W₀ = ⌈factor·τ_abs⌉, doubled while the estimate moves; unbiased', async () => {
    const sys = createSystem('linear', { noise: 0.5 });
    const plan = planWindow(sys, avg('x0', 400_000), 1);
    assert.ok(Math.abs(plan.from.tauAbsSteps - 1.5) < 0.2, `tauAbs ${plan.from.tauAbsSteps}`);
    assert.equal(plan.window, Math.ceil(WINDOW_FACTOR * plan.from.tauAbsSteps));
    const r = await kernelEstimator.estimate({ system: sys, objective: avg('x0', 400_000), params: ['c'], seed: 1 }, {});
    const scan = r.diagnostics.windowScan as { window: number; gradient: number[]; stderr: number[] }[];
    assert.deepEqual(scan.map((e) => e.window), windowLadder(plan.window, 400_000));
    // W₀ ≈ 3 keeps 1 − a^W₀ of the response (1.75, many stderr off): the scan must move past it
    const truncated = 2 * (1 - 0.5 ** plan.window);
    assert.ok(Math.abs(scan[0].gradient[0] - truncated) < 4 * scan[0].stderr[0] && 2 - truncated > 10 * scan[0].stderr[0]);
    assert.ok((r.diagnostics.window as number) > plan.window);
    const from = r.diagnostics.windowFrom as Record<string, unknown>;
    assert.match(String(from.chosen), /^pilot, then doubled/);
    assert.equal(from.tauAbsSteps, plan.from.tauAbsSteps);
    assert.ok(r.cost.steps > 400_000 + plan.from.pilotSteps, 'the pilot is counted in the cost');
    // d⟨x⟩/dc = 1/(1 − a) = 2
    assert.ok(Math.abs(r.gradient[0] - 2) < 3 * r.stderr![0], `${r.gradient[0]} ± ${r.stderr![0]}`);
    assert.equal(r.diagnostics.warnings, undefined);
  });

  it('selectWindow stops at the first window whose successor does not move by more than 2 stderr', () => {
    const e = (window: number, g: number, d: number | null) => ({ window, gradient: [g], stderr: [0.1], diffStderr: d === null ? null : [d] });
    assert.equal(selectWindow([e(1, 1, null), e(2, 2, 0.1), e(4, 2.1, 0.1), e(8, 2.5, 0.1)]), 1);
    assert.equal(selectWindow([e(1, 1, null), e(2, 1.1, 0.1)]), 0);
    assert.equal(selectWindow([e(1, 1, null)]), 0);
    assert.deepEqual(windowLadder(5, 1000), [5, 10, 20, 40]);
    assert.deepEqual(windowLadder(30, 1000), [30, 60]);
  });

  it('scanResolution/scanWarning: the truncation the doubling test cannot see, warned when ≥ 20% of the estimate', () => {
    const e = (window: number, g: number, se: number, d: number | null) => ({ window, gradient: [g], stderr: [se], diffStderr: d === null ? null : [d] });
    // noisy Lorenz 96 at 2·10⁶ steps (seed 0): W = 122 chosen, W = 244 moves by −0.031 ± 0.023
    const scan = [e(61, 0.182, 0.0024, null), e(122, 0.116, 0.0107, 0.011), e(244, 0.085, 0.0254, 0.023), e(488, 0.075, 0.049, 0.04)];
    const chosen = selectWindow(scan);
    assert.equal(chosen, 1);
    const res = scanResolution(scan, chosen)!;
    assert.equal(res.next, 244);
    assert.ok(Math.abs(res.move[0] + 0.031) < 1e-12 && res.moveStderr[0] === 0.023 && Math.abs(res.unresolved[0] - 0.046) < 1e-12);
    const w = scanWarning(res, 122, scan[1].gradient, 2_000_000, ['F'])!;
    assert.match(w, /^window scan: window 244 moves F by -0\.031 ± 0\.023 from window 122; a truncated response up to 0\.046 \(40% of the estimate\)/);
    // (0.046 / (0.2·0.116))² ≈ 3.9: about 7.9·10⁶ steps resolve 20%
    assert.match(w, /about 7900000 steps resolve 20%$/);
    // resolved to within 20% of the estimate: no warning; the last rung has nothing to compare with
    assert.equal(scanWarning(scanResolution([e(10, 1, 0.01, null), e(20, 1.01, 0.02, SCAN_RESOLUTION_WARN / 2.1)], 0), 10, [1], 1000, ['c']), null);
    assert.equal(scanResolution(scan, 3), null);
    assert.equal(scanWarning(null, 488, [0.075], 1000, ['F']), null);
  });

  it('noisy Lorenz 63 ⟨z⟩: oscillating correlations; the plan spans the envelope (> 100 steps), an explicit W = 10 warns', async () => {
    const sys = createSystem('lorenz63', { noise: 0.2 });
    const plan = planWindow(sys, avg('z', 40_000), 2);
    assert.ok(plan.from.tauSteps < 30 && plan.from.tauAbsSteps > 100, JSON.stringify(plan.from));
    assert.ok(plan.window > 200 && plan.from.tauAbsTime! > 0.5, JSON.stringify(plan.from));
    const r = await kernelEstimator.estimate({ system: sys, objective: avg('z', 20_000), params: ['rho'], seed: 2 }, { window: 10 });
    const w = r.diagnostics.warnings as string[];
    assert.equal(w.length, 1);
    assert.match(w[0], /window 10 steps \(0\.05 time units\) is shorter than the objective's correlation time/);
    assert.equal((r.diagnostics.windowFrom as { chosen: string }).chosen, 'given');
  });

  it('the same seed gives the same plan; the plan does not shift the estimate’s own noise', async () => {
    const sys = createSystem('linear', { noise: 0.5 });
    const a = planWindow(sys, avg('x0', 50_000), 7), b = planWindow(sys, avg('x0', 50_000), 7);
    assert.deepEqual(a, b);
    const planned = await kernelEstimator.estimate({ system: sys, objective: avg('x0', 50_000), params: ['c'], seed: 7 }, {});
    const given = await kernelEstimator.estimate({ system: sys, objective: avg('x0', 50_000), params: ['c'], seed: 7 }, { window: planned.diagnostics.window as number });
    // same orbit and noise; only the running window sums are re-summed at other laps (rounding)
    assert.ok(Math.abs(planned.gradient[0] - given.gradient[0]) < 1e-12 * Math.abs(given.gradient[0]));
  });
});

describe('plan: the hybrid window', () => {
  it('is never shorter than the fixed default it replaced: AR(1) at defaults is unbiased (4·τ_abs = 6 steps read 1.977 ± 0.002 against 2)', async () => {
    const sys = createSystem('linear', { noise: 1 });
    const r = await hybridEstimator.estimate({ system: sys, objective: avg('x0', 400_000), params: ['c'], seed: 1 }, {});
    const from = r.diagnostics.windowFrom as { suggested: number; tauAbsSteps: number };
    assert.ok(Math.ceil(4 * from.tauAbsSteps) < 10, `tauAbs ${from.tauAbsSteps}`);
    assert.equal(from.suggested, 10);
    // a 6-step window keeps 1 − 0.5⁶ of d⟨x⟩/dc = 2 (bias 0.031, several standard errors here)
    assert.ok(r.stderr![0] < 0.031 / 3, `stderr ${r.stderr![0]}`);
    assert.ok(Math.abs(r.gradient[0] - 2) < 3 * r.stderr![0], `${r.gradient[0]} ± ${r.stderr![0]}`);
  });
});

describe('plan: hybrid α from λ₁ and the objective’s continuity', () => {
  it('alphaFromGrowth: ≈ 0.5 for λ₁Δ ≪ 1 (Lorenz 63: 0.502), 1 − ½e^{−λ₁Δ} above (tent 5/6, solenoid 3/4)', () => {
    assert.ok(Math.abs(alphaFromGrowth(0.0045) - 0.5) < 0.003);
    assert.equal(alphaFromGrowth(-1), ALPHA_MIN);
    assert.ok(Math.abs(alphaFromGrowth(Math.log(3)) - 5 / 6) < 1e-12);
    assert.ok(Math.abs(alphaFromGrowth(Math.log(2)) - 3 / 4) < 1e-12);
  });

  it('continuity: the tent map’s x jumps at the wrap, the solenoid’s φ does not; α = 1 on tent', () => {
    const tent = createSystem('tent', {});
    const jt = checkObjectiveContinuity(tent, avg('x', 1000), 1, 2000);
    assert.ok(jt.jumps > 10 && jt.largestJump > 0.5, JSON.stringify(jt));
    const sol = createSystem('solenoid', { noise: 0.1 });
    const js = checkObjectiveContinuity(sol, avg('phi', 1000), 1, 2000);
    assert.ok(js.wraps > 10 && js.jumps === 0, JSON.stringify(js));
    assert.equal(planAlpha(tent, avg('x', 1000), 1).alpha, 1);
    const ps = planAlpha(sol, avg('phi', 1000), 1);
    assert.ok(Math.abs(ps.from.lambda1 - Math.log(2)) < 0.05 && Math.abs(ps.alpha - 0.75) < 0.02, JSON.stringify(ps.from));
  });

  it('hybrid at defaults on tent (failed before: adjoint non-finite) agrees with the kernel; an explicit α < 1 warns', async () => {
    const sys = createSystem('tent', {});
    const req = { system: sys, objective: avg('x', 100_000), params: ['gamma'], seed: 3 };
    const h = await hybridEstimator.estimate(req, {});
    const k = await kernelEstimator.estimate(req, {});
    assert.equal(h.diagnostics.alpha, 1);
    assert.ok(Math.abs(h.gradient[0] - k.gradient[0]) < 3 * Math.hypot(h.stderr![0], k.stderr![0]));
    const given = await hybridEstimator.estimate(req, { alpha: 0.9 });
    assert.match((given.diagnostics.warnings as string[])[0], /jumps where the state wraps/);
  });
});

describe('plan: finite-difference step from a pilot', () => {
  it('chooseFdStep: a visible curvature shrinks h, none and a 1/h error grow it; γ measured from the pilot', () => {
    // D(h) = 1 + a h² exactly, errors ∝ 1/h: curvature a recovered from D(4h₀) − D(h₀) = 15 a h₀²
    const h0 = 0.1, a = 50;
    const noise = [0.01, -0.01, 0.02, -0.02];
    const row = { d1: noise.map((e) => 1 + a * h0 * h0 + e), d4: noise.map((e) => 1 + a * 16 * h0 * h0 + e / 4) };
    const c = chooseFdStep(row, h0, 1);
    assert.ok(Math.abs(c.curvature - a) < 1e-9 && Math.abs(c.gamma - 1) < 1e-9);
    assert.ok(c.h < h0, `h ${c.h}`);
    const flat = chooseFdStep({ d1: noise.map((e) => 1 + e), d4: noise.map((e) => 1 + e / 4) }, h0, 1);
    assert.ok(flat.h > h0, `h ${flat.h}`);
    // a hundred times the pilot's work: smaller errors, so the curvature matters more
    assert.ok(chooseFdStep(row, h0, 0.01).h <= c.h);
  });

  it('fd without a step plans one and reports its evidence; exact on d⟨x²⟩/dc of the AR(1) map (8)', async () => {
    const sys = createSystem('linear', { noise: 0.5 });
    const r = await fdEstimator.estimate({ system: sys, objective: avg('meansq', 50_000), params: ['a', 'c'], seed: 4 }, {});
    const from = r.diagnostics.hFrom as { chosen: string; entries: { h: number; curvature: number }[] };
    assert.equal(from.chosen, 'pilot');
    assert.deepEqual(r.diagnostics.h, from.entries.map((e) => e.h));
    // d⟨x²⟩/da = 16 + (16/9)σ² = 16.44 with a large curvature near a = 1: the step shrinks below 1e-2
    assert.ok(from.entries[0].h < 0.01 && Math.abs(r.gradient[0] - (16 + 16 / 9 * 0.25)) < 3 * r.stderr![0] + 0.01, `${r.gradient[0]} ± ${r.stderr![0]}`);
    assert.ok(Math.abs(r.gradient[1] - 8) < 3 * r.stderr![1] + 1e-6);
    const given = await fdEstimator.estimate({ system: sys, objective: avg('meansq', 50_000), params: ['a', 'c'], seed: 4 }, { h: 0.01 });
    assert.equal(given.diagnostics.hFrom, 'given');
  });
});

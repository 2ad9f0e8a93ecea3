import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuntimeFailure, UsageError } from '../../src/errors/index.js';
import { bpttEstimator, bpttTrajectory, fdEstimator, gather, selectParams, type Objective } from '../../src/gradients/index.js';
import { Rng } from '../../src/random/index.js';
import { createSystem, findObservable, step, type DynamicalSystem, type Observable, type SystemOptions } from '../../src/systems/index.js';
import { maxAbs } from '../helpers/cases.js';

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = Array.from(a, (v, i) => v - b[i]);
  return maxAbs(d) / Math.max(1e-300, maxAbs(b));
}

function allParams(sys: DynamicalSystem): string[] {
  return sys.params.map((p) => p.name);
}

/**
 * An independent reference: every state stored, each source ∇Φ(xₙ) propagated on its own back to
 * the start of its truncation chunk (K = 0: to x₀), with `adjoint` and `paramAdjoint` (not
 * `backward`) — O(T²) work, a different algorithm from the checkpointed single sweep.
 */
function referenceBptt(sys: DynamicalSystem, x0: Float64Array, T: number, rng: Rng | null, ob: Observable, kind: 'average' | 'horizon', K = 0): Float64Array {
  const n = sys.dim;
  const xs: Float64Array[] = [Float64Array.from(x0)];
  for (let t = 0; t < T; t++) {
    const y = new Float64Array(n);
    step(sys, xs[t], y, rng);
    xs.push(y);
  }
  const grad = new Float64Array(sys.nParams);
  const w = kind === 'average' ? 1 / T : 1;
  const pa = new Float64Array(sys.nParams);
  for (let src = kind === 'average' ? 1 : T; src <= T; src++) {
    let nu = new Float64Array(n);
    ob.gradient(xs[src], nu);
    nu = nu.map((v) => v * w);
    const stop = K > 0 ? Math.floor((src - 1) / K) * K : 0;
    for (let m = src - 1; m >= stop; m--) {
      sys.paramAdjoint(xs[m], nu, pa);
      for (let q = 0; q < pa.length; q++) grad[q] += pa[q];
      const next = new Float64Array(n);
      sys.adjoint(xs[m], nu, 1, next);
      nu = next;
    }
  }
  return grad;
}

/** Reference per-step clipping: stored states, one adjoint, ‖ν‖ ≤ c·w after each step's update. */
function referenceClipStep(sys: DynamicalSystem, x0: Float64Array, T: number, ob: Observable, c: number): Float64Array {
  const xs: Float64Array[] = [Float64Array.from(x0)];
  for (let t = 0; t < T; t++) {
    const y = new Float64Array(sys.dim);
    sys.map(xs[t], y);
    xs.push(y);
  }
  const w = 1 / T;
  const g = new Float64Array(sys.dim);
  const clip = (v: Float64Array) => {
    const norm = Math.hypot(...v);
    return norm > c * w ? v.map((x) => (x * c * w) / norm) : v;
  };
  ob.gradient(xs[T], g);
  let nu = clip(g.map((v) => v * w));
  const grad = new Float64Array(sys.nParams);
  const pa = new Float64Array(sys.nParams);
  for (let m = T - 1; m >= 0; m--) {
    sys.paramAdjoint(xs[m], nu, pa);
    for (let q = 0; q < pa.length; q++) grad[q] += pa[q];
    if (m === 0) break;
    const next = new Float64Array(sys.dim);
    sys.adjoint(xs[m], nu, 1, next);
    ob.gradient(xs[m], g);
    nu = clip(next.map((v, i) => v + w * g[i]));
  }
  return grad;
}

// FD steps: small enough that the perturbation stays linear over the orbit (chaos amplifies it by e^{λ₁T})
const SHORT: { name: string; options: SystemOptions; steps: number; transient: number; observable: string; relativeH?: number }[] = [
  { name: 'lorenz63', options: {}, steps: 100, transient: 400, observable: 'z' },
  { name: 'henon', options: {}, steps: 20, transient: 200, observable: 'x0', relativeH: 1e-6 },
  { name: 'rnn', options: { dim: 7 }, steps: 20, transient: 100, observable: 'meansq' },
  { name: 'ni9', options: { noise: 0.5 }, steps: 20, transient: 50, observable: 'mean' },
  { name: 'solenoid', options: { dim: 5 }, steps: 8, transient: 50, observable: 'phi' },
  { name: 'linear', options: { noise: 0.5 }, steps: 50, transient: 20, observable: 'meansq' },
];

describe('BPTT equals finite differences of the same finite-T statistic (common random numbers)', () => {
  for (const c of SHORT) {
    it(`${c.name}: all ${createSystem(c.name, c.options).nParams} parameter entries at once, to ~1e-6`, async () => {
      const system = createSystem(c.name, c.options);
      const objective: Objective = { kind: 'average', observable: c.observable, steps: c.steps, transient: c.transient };
      const req = { system, objective, params: allParams(system), seed: 5 };
      const b = await bpttEstimator.estimate(req, { repeats: 1 });
      const f = await fdEstimator.estimate(req, { batches: 1, relativeH: c.relativeH ?? 1e-4, richardson: true });
      assert.equal(b.gradient.length, system.nParams);
      assert.ok(Math.abs(b.value - f.value) <= 1e-12 * Math.max(1, Math.abs(f.value)), `value ${b.value} vs ${f.value}`);
      const e = relErr(b.gradient, f.gradient);
      assert.ok(e < 1e-6, `${c.name}: relative error ${e}`);
    });
  }

  it('finite horizon, per sample and averaged (rnn with noise and ni9): equals FD over the same samples', async () => {
    for (const [name, options] of [['rnn', { dim: 6, noise: 0.1 }], ['ni9', { noise: 0.5 }]] as const) {
      const system = createSystem(name, options);
      const objective: Objective = { kind: 'horizon', observable: 'x1', horizon: 12, samples: 5 };
      const req = { system, objective, params: allParams(system), seed: 9 };
      const b = await bpttEstimator.estimate(req, {});
      const f = await fdEstimator.estimate(req, { batches: 1, relativeH: 1e-4, richardson: true });
      assert.ok(Math.abs(b.value - f.value) < 1e-12 * Math.max(1, Math.abs(b.value)));
      assert.ok(relErr(b.gradient, f.gradient) < 1e-6, `${name}: ${relErr(b.gradient, f.gradient)}`);
      assert.ok(b.stderr !== null && b.stderr.every((s) => s >= 0), 'stderr across samples');
      assert.equal(b.diagnostics.trajectories, 5);
    }
  });
});

describe('BPTT sweep against an independent reference', () => {
  const cases: [string, SystemOptions, string][] = [['lorenz63', {}, 'z'], ['rnn', { dim: 5 }, 'x2'], ['ni9', { noise: 0.5 }, 'mean']];
  for (const [name, options, obName] of cases) {
    it(`${name}: checkpointed sweep = stored-state reference, for every segment length, full and truncated`, () => {
      const sys = createSystem(name, options);
      const ob = findObservable(sys, obName);
      const T = 37;
      const x0 = new Float64Array(sys.dim);
      sys.sampleInitial(new Rng(1), x0);
      const noiseSeed = 4;
      const rngOf = () => (sys.noise ? new Rng(noiseSeed) : null);
      for (const K of [0, 1, 5, 36, 37, 100]) {
        const ref = referenceBptt(sys, x0, T, rngOf(), ob, 'average', K);
        for (const seg of [1, 6, 37]) {
          const t = bpttTrajectory(sys, x0, T, rngOf(), { observable: ob, kind: 'average', segmentSteps: seg, truncate: K || undefined });
          assert.ok(relErr(t.gradient, ref) < 1e-10, `K=${K} seg=${seg}: ${relErr(t.gradient, ref)}`);
        }
      }
      const ref = referenceBptt(sys, x0, T, rngOf(), ob, 'horizon');
      const t = bpttTrajectory(sys, x0, T, rngOf(), { observable: ob, kind: 'horizon', segmentSteps: 5 });
      assert.ok(relErr(t.gradient, ref) < 1e-10);
    });
  }

  it('per-step adjoint clipping matches the reference, and a huge bound changes nothing', () => {
    const sys = createSystem('lorenz63');
    const ob = findObservable(sys, 'z');
    const x0 = Float64Array.of(-3, 2, 20);
    const T = 400;
    const full = bpttTrajectory(sys, x0, T, null, { observable: ob, kind: 'average' });
    const huge = bpttTrajectory(sys, x0, T, null, { observable: ob, kind: 'average', clipStep: 1e300 });
    assert.deepEqual(huge.gradient, full.gradient);
    for (const c of [0.5, 3]) {
      const t = bpttTrajectory(sys, x0, T, null, { observable: ob, kind: 'average', clipStep: c, segmentSteps: 13 });
      assert.ok(t.sweep.clippedSteps > 0);
      assert.ok(t.sweep.adjointNormMax <= (c / T) * (1 + 1e-12));
      assert.ok(relErr(t.gradient, referenceClipStep(sys, x0, T, ob, c)) < 1e-10);
    }
  });
});

describe('BPTT baselines (estimator level)', () => {
  const system = createSystem('lorenz63');
  const objective: Objective = { kind: 'average', observable: 'z', steps: 600, transient: 400 };
  const req = { system, objective, params: ['rho', 'sigma'], seed: 3 };

  it('truncation K >= T and clipping with a huge C are exactly BPTT; clipping bounds each trajectory', async () => {
    const plain = await bpttEstimator.estimate(req, { repeats: 4 });
    assert.deepEqual((await bpttEstimator.estimate(req, { repeats: 4, truncate: 600 })).gradient, plain.gradient);
    assert.deepEqual((await bpttEstimator.estimate(req, { repeats: 4, truncate: 10_000 })).gradient, plain.gradient);
    assert.deepEqual((await bpttEstimator.estimate(req, { repeats: 4, clip: 1e300 })).gradient, plain.gradient);
    const one = await bpttEstimator.estimate(req, { repeats: 1 });
    const C = 0.1 * Math.hypot(...one.gradient);
    const clipped = await bpttEstimator.estimate(req, { repeats: 1, clip: C });
    assert.ok(Math.abs(Math.hypot(...clipped.gradient) - C) < 1e-12 * C);
    assert.ok(relErr(clipped.gradient.map((g) => g * 10), one.gradient) < 1e-12, 'clipping keeps the direction');
    assert.equal(clipped.diagnostics.clippedTrajectories, 1);
  });

  it('l2 adds 2W·p to the gradient and W|p|² to the value', async () => {
    const plain = await bpttEstimator.estimate(req, { repeats: 2 });
    const pen = await bpttEstimator.estimate(req, { repeats: 2, l2: 0.01 });
    const p = gather(system.p, selectParams(system, req.params));
    p.forEach((v, i) => assert.ok(Math.abs(pen.gradient[i] - plain.gradient[i] - 0.02 * v) < 1e-9 * Math.max(1, Math.abs(plain.gradient[i]))));
    assert.ok(Math.abs(pen.value - plain.value - 0.01 * (p[0] ** 2 + p[1] ** 2)) < 1e-12 * pen.value);
    assert.deepEqual(pen.stderr, plain.stderr);
  });

  it('ensemble E is the mean of BPTT over E independent members of T/E steps', async () => {
    const E = 3;
    const r = await bpttEstimator.estimate(req, { repeats: 1, ensemble: E });
    const ob = findObservable(system, 'z');
    const sel = selectParams(system, req.params);
    const mean = new Float64Array(2);
    let value = 0;
    const root = new Rng(3).split(0);
    for (let e = 0; e < E; e++) {
      const rng = root.split(e);
      const x = new Float64Array(3);
      system.sampleInitial(rng, x);
      const y = new Float64Array(3);
      for (let t = 0; t < 400; t++) {
        system.map(x, y);
        x.set(y);
      }
      const t = bpttTrajectory(system, x, 200, null, { observable: ob, kind: 'average' });
      gather(t.gradient, sel).forEach((g, i) => (mean[i] += g / E));
      value += t.value / E;
    }
    assert.ok(relErr(r.gradient, mean) < 1e-12);
    assert.ok(Math.abs(r.value - value) < 1e-12 * value);
    assert.equal(r.diagnostics.memberSteps, 200);
  });

  it('memory grows like √T (checkpoints + one segment), not T', async () => {
    const mem = async (steps: number) => (await bpttEstimator.estimate({ ...req, objective: { ...objective, steps } }, { repeats: 1, clipStep: 1 })).diagnostics;
    const a = await mem(10_000), b = await mem(160_000);
    assert.equal(a.segmentSteps, 100);
    assert.equal(b.segmentSteps, 400);
    const ratio = (b.peakMemoryBytes as number) / (a.peakMemoryBytes as number);
    assert.ok(ratio > 3 && ratio < 5, `memory ratio for 16× the steps: ${ratio}`);
  });

  it('worker threads give the same bits as one thread (repetition i always uses stream i)', async () => {
    const saved = process.env.CHAOSGRAD_WORKERS;
    try {
      process.env.CHAOSGRAD_WORKERS = '1';
      const one = await bpttEstimator.estimate(req, { repeats: 3, truncate: 50 });
      process.env.CHAOSGRAD_WORKERS = '2';
      const two = await bpttEstimator.estimate(req, { repeats: 3, truncate: 50 });
      assert.deepEqual(two.gradient, one.gradient);
      assert.deepEqual(two.stderr, one.stderr);
    } finally {
      if (saved === undefined) delete process.env.CHAOSGRAD_WORKERS;
      else process.env.CHAOSGRAD_WORKERS = saved;
    }
  });

  it('options are validated; an overflowing adjoint is a runtime failure that names the fix', async () => {
    await assert.rejects(bpttEstimator.estimate(req, { clip: 0 }), (e: Error) => e instanceof UsageError && /clip must be/.test(e.message));
    await assert.rejects(bpttEstimator.estimate(req, { truncate: 1.5 }), /truncate must be a positive integer/);
    await assert.rejects(bpttEstimator.estimate(req, { ensemble: 601 }), /ensemble 601 exceeds steps 600/);
    await assert.rejects(bpttEstimator.estimate({ ...req, objective: { kind: 'horizon', observable: 'z', horizon: 5, samples: 3 } }, { repeats: 3 }), /repeats applies to the average objective/);
    const henon = createSystem('henon');
    await assert.rejects(
      bpttEstimator.estimate({ system: henon, objective: { kind: 'average', observable: 'x0', steps: 4000 }, params: ['a'], seed: 0 }, { repeats: 1 }),
      (e: Error) => e instanceof RuntimeFailure && /adjoint overflowed .*clipStep\/truncate/.test(e.message),
    );
  });
});

/** E[dJ/da] of J = (1/T)Σ xₙ² for AR(1) from a stationary x₀ held fixed (exact moment recursion). */
function ar1FiniteT(a: number, c: number, sigma: number, T: number): number {
  const mu = c / (1 - a);
  const s = sigma ** 2 / (1 - a * a) + mu * mu;
  let q = 0, e = 0, sum = 0;
  for (let n = 1; n <= T; n++) {
    q = a * s + a * a * q + c * mu + a * c * e;
    e = mu + a * e;
    sum += q;
  }
  return (2 * sum) / T;
}

describe('linear with noise: BPTT reproduces the exact stationary derivatives', () => {
  const a = 0.5, c = 1, sigma = 0.5, T = 20_000;
  const system = createSystem('linear', { noise: sigma });

  it('d⟨x⟩/dc = 1/(1−a) (the estimator is deterministic: exact up to the finite-T term a(1−aᵀ)/((1−a)²T))', async () => {
    const r = await bpttEstimator.estimate({ system, objective: { kind: 'average', observable: 'x0', steps: T, transient: 100 }, params: ['c'], seed: 1 }, { repeats: 8 });
    const finiteT = 1 / (1 - a) - (a * (1 - a ** T)) / ((1 - a) ** 2 * T);
    assert.ok(Math.abs(r.gradient[0] - finiteT) < 1e-9, `${r.gradient[0]} vs ${finiteT}`);
    assert.ok(Math.abs(r.gradient[0] - 1 / (1 - a)) <= 3 * r.stderr![0] + (1.000001 * a) / ((1 - a) ** 2 * T));
  });

  it('d⟨x²⟩/da = 2aσ²/(1−a²)² + 2c²/(1−a)³ within 3 standard errors', async () => {
    const exact = (2 * a * sigma ** 2) / (1 - a * a) ** 2 + (2 * c * c) / (1 - a) ** 3;
    const r = await bpttEstimator.estimate({ system, objective: { kind: 'average', observable: 'meansq', steps: T, transient: 100 }, params: ['a'], seed: 2 }, { repeats: 16 });
    const se = r.stderr![0];
    const bias = Math.abs(ar1FiniteT(a, c, sigma, T) - exact);
    assert.ok(bias < 0.05 * se, `finite-T bias ${bias} is negligible next to the stderr ${se}`);
    assert.ok(Math.abs(r.gradient[0] - exact) <= 3 * se, `${r.gradient[0]} ± ${se} vs ${exact}`);
    assert.ok(se < 0.02 * exact, `stderr ${se} is small enough to be a real test`);
  });
});

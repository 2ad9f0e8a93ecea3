import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NonFiniteStateError, UsageError } from '../../src/errors/index.js';
import { kernelEstimator, type GradientResult, type KernelOptions, type Objective } from '../../src/gradients/index.js';
import { createSystem, studentKernel, type DynamicalSystem } from '../../src/systems/index.js';
import { linearHorizonExact, linearStationaryExact, within } from './kernelSupport.js';

process.env.CHAOSGRAD_WORKERS ??= '1';

const A = 0.5, C = 1, SIGMA = 0.5;

function linear(kernel = 'gaussian'): DynamicalSystem {
  return createSystem('linear', { noise: SIGMA, kernel });
}

function run(system: DynamicalSystem, objective: Objective, params: string[], seed: number, opts: KernelOptions = {}): Promise<GradientResult> {
  return kernelEstimator.estimate({ system, objective, params, seed }, opts);
}

function checkAll(r: GradientResult, exact: number[], k = 3): void {
  const bad = exact.map((e, j) => within(r.gradient[j], r.stderr![j], e, k, r.labels[j])).filter((m) => m !== null);
  assert.deepEqual(bad, []);
}

describe('kernel differentiation on the linear map (exact references)', () => {
  it('finite time: d E[x_L]/d(a, c) and d E[x_L²]/d(a, c) within 3 stderr', async () => {
    const L = 5, ex = linearHorizonExact(A, C, SIGMA, 1, L);
    const mean = await run(linear(), { kind: 'horizon', observable: 'x0', horizon: L, samples: 100000 }, ['a', 'c'], 1);
    checkAll(mean, [ex.dMeanDa, ex.dMeanDc]);
    assert.equal(mean.diagnostics.form, 'finite-time');
    const sq = await run(linear(), { kind: 'horizon', observable: 'meansq', horizon: L, samples: 100000 }, ['a', 'c'], 2);
    checkAll(sq, [ex.dSqDa, ex.dSqDc]);
    // the derivative is not trivially small: the test can fail
    assert.ok(mean.stderr![0] < 0.02 * ex.dMeanDa && sq.stderr![0] < 0.05 * ex.dSqDa);
  });

  for (const [kernel, variance] of [['gaussian', 1], ['logistic', 1], ['student:5', 5 / 3]] as const) {
    it(`ergodic with ${kernel} noise: d⟨x⟩/dc = 1/(1−a), d⟨x⟩/da, d⟨x²⟩/da of the stationary AR(1)`, async () => {
      const ex = linearStationaryExact(A, C, SIGMA, variance);
      const sys = linear(kernel);
      const m = await run(sys, { kind: 'average', observable: 'x0', steps: 300000 }, ['a', 'c'], 3, { window: 40 });
      checkAll(m, [ex.dMeanDa, ex.dMeanDc]);
      assert.equal(m.diagnostics.form, 'ergodic');
      assert.equal(m.diagnostics.kernel, kernel);
      const s = await run(sys, { kind: 'average', observable: 'meansq', steps: 300000 }, ['a', 'c'], 4, { window: 40 });
      checkAll(s, [ex.dSqDa, ex.dSqDc]);
      // the stationary mean itself
      assert.ok(Math.abs(m.value - C / (1 - A)) < 4 * m.valueStderr!);
    });
  }

  it('finite time with student:5 noise: the estimator uses the kernel score (the Gaussian score is 5/3 too large)', async () => {
    const L = 4, ex = linearHorizonExact(A, C, SIGMA, 5 / 3, L);
    const obj: Objective = { kind: 'horizon', observable: 'meansq', horizon: L, samples: 100000 };
    const right = await run(linear('student:5'), obj, ['a', 'c'], 5);
    checkAll(right, [ex.dSqDa, ex.dSqDc]);
    // the same noise with the Gaussian score s(ξ) = ξ: E[ξ·ξ] = 5/3 instead of E[s(ξ)ξ] = 1
    const sys = linear('student:5');
    const wrongKernel = { ...studentKernel(5), name: 'student:5 with a Gaussian score', score: (xi: number) => xi };
    const wrong = await run(sys.withNoise({ ...sys.noise!, kernel: wrongKernel }), { ...obj, observable: 'x0' }, ['c'], 5, { repeats: 1 });
    const e = ex.dMeanDc;
    assert.ok(Math.abs(wrong.gradient[0] - e) > 6 * wrong.stderr![0], `Gaussian score: ${wrong.gradient[0]} ± ${wrong.stderr![0]} vs ${e}`);
    assert.ok(within(wrong.gradient[0], wrong.stderr![0], (5 / 3) * e, 3) === null);
  });

  it('ergodic indexing: with window W the estimate is the truncated response Σ_{j=1..W} a^{j−1}', async () => {
    // the score of ξ_n moves x_{n+1} first: W = 1 must give 1 (an off-by-one would give 0 or a)
    for (const W of [1, 3]) {
      const r = await run(linear(), { kind: 'average', observable: 'x0', steps: 400000 }, ['c'], 10 + W, { window: W });
      let truncated = 0;
      for (let j = 1; j <= W; j++) truncated += A ** (j - 1);
      assert.equal(within(r.gradient[0], r.stderr![0], truncated, 3, `W=${W}`), null);
      assert.ok(r.stderr![0] < 0.1 * A ** (W - 1), 'precise enough to separate neighbouring windows');
    }
  });

  it('the baseline removes variance but not the mean', async () => {
    const obj: Objective = { kind: 'horizon', observable: 'x0', horizon: 5, samples: 40000 };
    const ex = linearHorizonExact(A, C, SIGMA, 1, 5);
    const on = await run(linear(), obj, ['c'], 6);
    const off = await run(linear(), obj, ['c'], 6, { baseline: false });
    checkAll(on, [ex.dMeanDc]);
    checkAll(off, [ex.dMeanDc]);
    assert.equal(off.diagnostics.baseline, 'none');
    // E[Φ] ≈ 1.94 against a spread ≈ 0.8: without the baseline the variance is several times larger
    assert.ok(off.stderr![0] > 1.8 * on.stderr![0], `stderr with ${on.stderr![0]}, without ${off.stderr![0]}`);
    const erg = { kind: 'average', observable: 'x0', steps: 100000 } as const;
    const eOn = await run(linear(), erg, ['c'], 7, { window: 20 });
    const eOff = await run(linear(), erg, ['c'], 7, { window: 20, baseline: false });
    assert.ok(eOff.stderr![0] > 1.8 * eOn.stderr![0]);
  });

  it('reported standard errors are honest: z-scores of independent runs have unit spread', async () => {
    const ex = linearStationaryExact(A, C, SIGMA, 1);
    let z2 = 0;
    const runs = 16;
    for (let s = 0; s < runs; s++) {
      const r = await run(linear(), { kind: 'average', observable: 'x0', steps: 20000 }, ['a'], 100 + s, { window: 30 });
      z2 += ((r.gradient[0] - ex.dMeanDa) / r.stderr![0]) ** 2;
    }
    // χ²₁₆/16 lies in [0.35, 2.0] with probability ≈ 0.99
    assert.ok(z2 / runs > 0.35 && z2 / runs < 2.0, `mean z² = ${z2 / runs}`);
  });

  it('several orbits (ergodic) and several blocks (finite time) agree with the exact value', async () => {
    const ex = linearStationaryExact(A, C, SIGMA, 1);
    const r = await run(linear(), { kind: 'average', observable: 'x0', steps: 200000 }, ['c'], 8, { window: 40, repeats: 4 });
    checkAll(r, [ex.dMeanDc]);
    assert.equal(r.diagnostics.orbits, 4);
    assert.equal(r.cost.adjointSolves, 200000);
  });

  it('is reproducible from the seed, whatever the number of workers', async () => {
    const obj: Objective = { kind: 'horizon', observable: 'x0', horizon: 5, samples: 4000 };
    const a = await run(linear(), obj, ['a', 'c'], 9, { repeats: 4 });
    const b = await run(linear(), obj, ['a', 'c'], 9, { repeats: 4 });
    const before = process.env.CHAOSGRAD_WORKERS;
    process.env.CHAOSGRAD_WORKERS = '2';
    try {
      const c = await run(linear(), obj, ['a', 'c'], 9, { repeats: 4 });
      assert.deepEqual(Array.from(c.gradient), Array.from(a.gradient));
      assert.deepEqual(Array.from(c.stderr!), Array.from(a.stderr!));
    } finally {
      process.env.CHAOSGRAD_WORKERS = before;
    }
    assert.deepEqual(Array.from(b.gradient), Array.from(a.gradient));
    const other = await run(linear(), obj, ['a', 'c'], 10, { repeats: 4 });
    assert.notDeepEqual(Array.from(other.gradient), Array.from(a.gradient));
  });

  it('bad input is a UsageError naming the fix; a blow-up is NonFiniteStateError', async () => {
    const quiet = createSystem('linear');
    await assert.rejects(run(quiet, { kind: 'horizon', observable: 'x0', horizon: 5, samples: 10 }, ['c'], 0), (e: Error) => e instanceof UsageError && /needs noise: give noise σ > 0/.test(e.message));
    await assert.rejects(run(linear(), { kind: 'horizon', observable: 'x0', horizon: 5, samples: 1 }, ['c'], 0), /samples >= 2/);
    await assert.rejects(run(linear(), { kind: 'horizon', observable: 'x0', horizon: 5, samples: 10 }, ['c'], 0, { window: 5 }), /window applies to the ergodic form/);
    await assert.rejects(run(linear(), { kind: 'average', observable: 'x0', steps: 100 }, ['c'], 0, { window: 0 }), /window must be a positive integer/);
    await assert.rejects(run(linear(), { kind: 'average', observable: 'x0', steps: 100 }, ['c'], 0, { form: 'pathwise' as 'auto' }), /unknown kernel form 'pathwise' \(valid: auto/);
    await assert.rejects(run(linear(), { kind: 'average', observable: 'x0', steps: 100 }, ['q'], 0), /unknown parameter of linear 'q' \(valid: a, c\)/);
    const unstable = createSystem('linear', { noise: 0.5, set: { a: 3 } });
    await assert.rejects(run(unstable, { kind: 'average', observable: 'x0', steps: 5000, transient: 0 }, ['c'], 0), (e: Error) => e instanceof NonFiniteStateError && e.step > 0);
    await assert.rejects(run(unstable, { kind: 'horizon', observable: 'x0', horizon: 2000, samples: 4 }, ['c'], 0), NonFiniteStateError);
  });
});

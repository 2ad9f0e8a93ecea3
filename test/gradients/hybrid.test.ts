import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hybridEstimator, type HybridOptions } from '../../src/gradients/hybrid/index.js';
import type { GradientResult, Objective } from '../../src/gradients/index.js';
import { createSystem } from '../../src/systems/index.js';

process.env.CHAOSGRAD_WORKERS = '1';

const a = 0.5, c = 1, sigma = 0.5;

function within(r: GradientResult, i: number, exact: number, what: string): void {
  const se = r.stderr![i];
  assert.ok(Number.isFinite(se) && se >= 0, `${what}: stderr ${se}`);
  // a pathwise derivative of a linear map is exact (zero variance): then only rounding may differ
  const tol = se > 0 ? 3.5 * se : 1e-12 * Math.max(1, Math.abs(exact));
  assert.ok(Math.abs(r.gradient[i] - exact) <= tol, `${what}: ${r.gradient[i]} ± ${se} vs exact ${exact}`);
}

async function run(o: HybridOptions, objective: Objective, kernel = 'gaussian', seed = 1): Promise<GradientResult> {
  const system = createSystem('linear', { noise: sigma, kernel });
  return hybridEstimator.estimate({ system, objective, params: ['a', 'c'], seed }, o);
}

describe('hybrid estimator on the linear map (exact answers; any split has the same expectation)', () => {
  const ergodic: Objective = { kind: 'average', observable: 'x0', steps: 200000, transient: 100 };
  const splits: [string, HybridOptions][] = [
    ['path-kernel α=0 (backprop)', { split: 'pathkernel', alpha: 0, window: 20 }],
    ['path-kernel α=0.3', { split: 'pathkernel', alpha: 0.3, window: 20 }],
    ['path-kernel α=0.7', { split: 'pathkernel', alpha: 0.7, window: 20 }],
    ['path-kernel α=1 (pure kernel)', { split: 'pathkernel', alpha: 1, window: 20 }],
    ['shadowing u=1', { split: 'shadowing', u: 1, window: 20 }],
  ];
  for (const [label, o] of splits) {
    it(`ergodic d⟨x⟩/da and d⟨x⟩/dc — ${label}`, async () => {
      const r = await run(o, ergodic);
      within(r, 0, c / (1 - a) ** 2, 'd⟨x⟩/da');
      within(r, 1, 1 / (1 - a), 'd⟨x⟩/dc');
    });
  }

  it('ergodic d⟨x²⟩/da with α = 0.5 (nonlinear observable, source ∇Φ and kernel both matter)', async () => {
    const r = await run({ split: 'pathkernel', alpha: 0.5, window: 20 }, { kind: 'average', observable: 'meansq', steps: 300000, transient: 100 });
    const exact = (2 * a * sigma ** 2) / (1 - a * a) ** 2 + (2 * c * c) / (1 - a) ** 3;
    within(r, 0, exact, 'd⟨x²⟩/da');
  });

  const L = 5;
  const horizon: Objective = { kind: 'horizon', observable: 'x0', horizon: L, samples: 20000 };
  const dC = (1 - a ** L) / (1 - a);
  const dA = c * (-(L * a ** (L - 1)) * (1 - a) + (1 - a ** L)) / (1 - a) ** 2;
  for (const alpha of [0, 0.4, 1]) {
    it(`finite horizon E[x_${L}] derivatives, path-kernel α=${alpha}`, async () => {
      const r = await run({ split: 'pathkernel', alpha }, horizon);
      within(r, 0, dA, 'dE/da');
      within(r, 1, dC, 'dE/dc');
    });
  }

  it('finite horizon with logistic noise uses the logistic score', async () => {
    const r = await run({ split: 'pathkernel', alpha: 1 }, horizon, 'logistic', 3);
    within(r, 1, dC, 'dE/dc (logistic)');
  });

  it('same seed, same bits', async () => {
    const o: HybridOptions = { split: 'pathkernel', alpha: 0.5, window: 5 };
    const obj: Objective = { kind: 'average', observable: 'x0', steps: 2000 };
    const r1 = await run(o, obj, 'gaussian', 7), r2 = await run(o, obj, 'gaussian', 7);
    assert.deepEqual(Array.from(r1.gradient), Array.from(r2.gradient));
  });

  it('refuses a deterministic system and a bad split with clear errors', async () => {
    const det = createSystem('linear');
    await assert.rejects(hybridEstimator.estimate({ system: det, objective: { kind: 'average', observable: 'x0', steps: 10 }, params: ['c'], seed: 0 }, {}), /needs noise/);
    await assert.rejects(run({ split: 'pathkernel', alpha: 2 }, { kind: 'average', observable: 'x0', steps: 10 }), /alpha must be in \[0, 1\]/);
  });
});

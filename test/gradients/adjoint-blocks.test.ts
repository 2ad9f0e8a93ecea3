import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bpttEstimator, hybridEstimator, type Objective } from '../../src/gradients/index.js';
import { hybridErgodicRun } from '../../src/gradients/hybrid/ergodic.js';
import { hybridHorizonChunk } from '../../src/gradients/hybrid/horizon.js';
import type { HybridRunOptions } from '../../src/gradients/hybrid/options.js';
import { UsageError } from '../../src/errors/index.js';
import { createSystem, paramBlocksPay, type SystemOptions } from '../../src/systems/index.js';

process.env.CHAOSGRAD_WORKERS = '1';

/** max |a − b| over max |b|: the block path changes only the summation order (≤ 1e-12 of the estimate's scale). */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  assert.ok(s > 0, 'a non-trivial estimate');
  return d / s;
}

// rnn: the rule picks blocks (GEMM parameter sums, nParams ≥ 4·dim); ni9 (its own batched kernels), gru
// (a model program's batched executor) and linear (the lane loop over paramAdjoint) are forced onto
// the block path to check the other batched forms and the generic fallback too
const CASES: { label: string; name: string; options: SystemOptions; params: string[]; observable: string }[] = [
  { label: 'rnn n = 12, g, W, b', name: 'rnn', options: { dim: 12, noise: 0.1 }, params: ['g', 'W', 'b'], observable: 'meansq' },
  { label: 'ni9', name: 'ni9', options: { noise: 0.5 }, params: ['gamma', 'c'], observable: 'sum' },
  { label: 'gru n = 4 (a model program: its batched executor)', name: 'gru', options: { dim: 4, noise: 0.05 }, params: ['Wz', 'Uz', 'bz', 'Wr', 'Ur', 'br', 'W', 'U', 'bh'], observable: 'mean' },
  { label: 'linear', name: 'linear', options: { noise: 0.5 }, params: ['a', 'c'], observable: 'meansq' },
];

const RUN: HybridRunOptions = { split: 'pathkernel', alpha: 0.6, u: 0, window: 5, segmentSteps: 23, basisTransient: 15, keepBytes: 3000 };

describe('parameter adjoints in blocks of steps = step by step, up to summation order', () => {
  it('the rule: blocks for the rnn, per step for ni9, gru and linear unless forced', () => {
    assert.equal(paramBlocksPay(createSystem('rnn', { dim: 12 })), true);
    assert.equal(paramBlocksPay(createSystem('gru', { dim: 4 })), false);
    assert.equal(paramBlocksPay(createSystem('ni9')), false);
    assert.equal(paramBlocksPay(createSystem('linear')), false);
  });

  for (const c of CASES) {
    it(`hybrid ergodic (T = 337: blocks end at batch boundaries, segments kept and recomputed) — ${c.label}`, () => {
      const system = () => createSystem(c.name, c.options);
      const objective: Objective = { kind: 'average', observable: c.observable, steps: 337, transient: 30 };
      const run = (paramBlocks: boolean) => hybridErgodicRun({ spec: null, system: system(), objective, params: c.params, seed: 3, stream: 0, options: { ...RUN, paramBlocks } });
      const blocks = run(true), steps = run(false);
      assert.equal(blocks.value, steps.value);
      assert.ok(relDiff(blocks.gradient, steps.gradient) <= 1e-12, `gradient: ${relDiff(blocks.gradient, steps.gradient)}`);
      const se = (o: typeof blocks) => o.diagnostics!.batchStderr as number[];
      assert.ok(relDiff(se(blocks), se(steps)) <= 1e-10, `batch stderr: ${relDiff(se(blocks), se(steps))}`);
      assert.ok(Math.abs((blocks.diagnostics!.valueStderr as number) - (steps.diagnostics!.valueStderr as number)) <= 1e-12 * (steps.diagnostics!.valueStderr as number));
    });

    it(`hybrid finite horizon, per sample — ${c.label}`, () => {
      const objective: Objective = { kind: 'horizon', observable: c.observable, horizon: 70, samples: 3 };
      const run = (paramBlocks: boolean) => hybridHorizonChunk({ spec: null, system: createSystem(c.name, c.options), objective, params: c.params, seed: 4, stream: 0, options: { ...RUN, first: 0, count: 3, baseline: 0.1, paramBlocks } });
      const blocks = run(true), steps = run(false);
      assert.equal(blocks.value, steps.value);
      assert.ok(relDiff(blocks.gradient, steps.gradient) <= 1e-12, `gradient: ${relDiff(blocks.gradient, steps.gradient)}`);
    });
  }

  it('BPTT (average with truncation and per-step clipping, finite horizon) on rnn n = 10', async () => {
    const system = createSystem('rnn', { dim: 10, noise: 0.05 });
    const req = (objective: Objective) => ({ system, objective, params: ['g', 'W', 'b'], seed: 8 });
    const average: Objective = { kind: 'average', observable: 'meansq', steps: 300, transient: 40 };
    for (const [objective, extra] of [[average, { repeats: 2, truncate: 25 }], [average, { repeats: 1, clipStep: 0.5, segmentSteps: 40 }], [{ kind: 'horizon', observable: 'x1', horizon: 90, samples: 2 } as Objective, {}]] as const) {
      const blocks = await bpttEstimator.estimate(req(objective), { ...extra, paramBlocks: true });
      const steps = await bpttEstimator.estimate(req(objective), { ...extra, paramBlocks: false });
      assert.equal(blocks.value, steps.value);
      assert.ok(relDiff(blocks.gradient, steps.gradient) <= 1e-12, `${JSON.stringify(extra)}: ${relDiff(blocks.gradient, steps.gradient)}`);
    }
  });

  it('the whole hybrid estimator on rnn: blocks by default = forced per step; a non-boolean paramBlocks is a usage error', async () => {
    const system = createSystem('rnn', { dim: 9, noise: 0.1 });
    const req = { system, objective: { kind: 'average', observable: 'mean', steps: 400, transient: 50 } as Objective, params: ['W', 'b'], seed: 2 };
    const auto = await hybridEstimator.estimate(req, { repeats: 2 });
    const steps = await hybridEstimator.estimate(req, { repeats: 2, paramBlocks: false });
    assert.equal(auto.value, steps.value);
    assert.ok(relDiff(auto.gradient, steps.gradient) <= 1e-12, `${relDiff(auto.gradient, steps.gradient)}`);
    await assert.rejects(() => hybridEstimator.estimate(req, { paramBlocks: 'yes' as unknown as boolean }), UsageError);
    await assert.rejects(() => bpttEstimator.estimate(req, { paramBlocks: 1 as unknown as boolean }), UsageError);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hybridEstimator } from '../../src/gradients/hybrid/index.js';
import { createSystem } from '../../src/systems/index.js';
import { UsageError } from '../../src/errors/index.js';

// The forward sweep is the transpose of the adjoint sweep on the same orbit and noise: the same
// estimator, so on one seed the two agree far inside their error bars (they differ only in how the
// last W steps' windows are cut and in rounding). Exact references: AR(1), d⟨x⟩/dc = 1/(1 − a).

test('forward sweep = backward sweep on the same orbit (rnn, α = 0.5, W = 5; linear map, every α)', async () => {
  const rnn = () => createSystem('rnn', { noise: 0.1 });
  const req = { objective: { kind: 'average' as const, observable: 'meansq', steps: 20000 }, params: ['g'], seed: 4 };
  const o = { alpha: 0.5, window: 5, predict: false };
  const fw = await hybridEstimator.estimate({ ...req, system: rnn() }, { ...o, sweep: 'forward' });
  const bw = await hybridEstimator.estimate({ ...req, system: rnn() }, { ...o, sweep: 'backward' });
  assert.equal(fw.diagnostics.sweep, 'forward');
  assert.ok(Math.abs(fw.gradient[0] - bw.gradient[0]) < 0.05 * bw.stderr![0], `forward ${fw.gradient[0]} backward ${bw.gradient[0]} ± ${bw.stderr![0]}`);
  assert.ok(Math.abs(fw.stderr![0] / bw.stderr![0] - 1) < 0.05);
  for (const alpha of [0, 0.3, 1]) {
    const lin = () => createSystem('linear', { noise: 0.5 });
    const r = { objective: { kind: 'average' as const, observable: 'x0', steps: 50000 }, params: ['a', 'c'], seed: 2 };
    const f = await hybridEstimator.estimate({ ...r, system: lin() }, { alpha, window: 30, predict: false, sweep: 'forward' });
    const b = await hybridEstimator.estimate({ ...r, system: lin() }, { alpha, window: 30, predict: false, sweep: 'backward' });
    for (let j = 0; j < 2; j++) assert.ok(Math.abs(f.gradient[j] - b.gradient[j]) < 0.05 * b.stderr![j], `α = ${alpha}, entry ${j}: ${f.gradient[j]} vs ${b.gradient[j]} ± ${b.stderr![j]}`);
  }
});

test('forward sweep at defaults: window ladder scanned on one orbit, exact on AR(1)', async () => {
  const sys = createSystem('linear', { noise: 0.5 });
  const r = await hybridEstimator.estimate({ system: sys, objective: { kind: 'average', observable: 'x0', steps: 400000 }, params: ['a', 'c'], seed: 7 }, {});
  assert.equal(r.diagnostics.sweep, 'forward');
  const scan = r.diagnostics.windowScan as { window: number }[];
  assert.ok(scan.length >= 2, JSON.stringify(scan));
  // ⟨x⟩ = c/(1 − a): d/da = c/(1 − a)² = 4, d/dc = 2 (a = ½, c = 1)
  const exact = [4, 2];
  for (let j = 0; j < 2; j++) {
    const z = (r.gradient[j] - exact[j]) / r.stderr![j];
    assert.ok(Math.abs(z) < 3, `entry ${j}: ${r.gradient[j]} ± ${r.stderr![j]} against ${exact[j]} (window ${r.diagnostics.window})`);
  }
});

test('sweep: many parameters default to backward; bad values are usage errors', async () => {
  const rnn = createSystem('rnn', { noise: 0.1, dim: 8 });
  const r = await hybridEstimator.estimate({ system: rnn, objective: { kind: 'average', observable: 'meansq', steps: 2000 }, params: ['W'], seed: 1 }, { alpha: 0.5, window: 3 });
  assert.notEqual(r.diagnostics.sweep, 'forward');
  await assert.rejects(hybridEstimator.estimate({ system: rnn, objective: { kind: 'average', observable: 'meansq', steps: 2000 }, params: ['g'], seed: 1 }, { sweep: 'sideways' as never }), UsageError);
  await assert.rejects(
    hybridEstimator.estimate({ system: createSystem('ni9', { noise: 0.5 }), objective: { kind: 'horizon', observable: 'sum', horizon: 5, samples: 10 }, params: ['gamma'], seed: 1 }, { sweep: 'forward' }),
    UsageError,
  );
});

import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RuntimeFailure, UsageError } from '../../src/errors/index.js';
import type { GradientEstimator } from '../../src/gradients/index.js';
import { parseTrainConfig, train, type IterationRecord, type StatisticsLoss, type TrainConfig } from '../../src/optim/index.js';
import { exactLinearEstimator, linearMoments } from './linearExact.js';

// σ = 2: the variance is a large part of ⟨x²⟩, so (a, c) ↦ (⟨x⟩, ⟨x²⟩) is well conditioned
const SIGMA = 2;
const A_STAR = 0.7, C_STAR = 0.6;
const TARGET = linearMoments(A_STAR, C_STAR, SIGMA);

/** Fit (a, c) of AR(1) from (0.5, 1) so that ⟨x⟩ and ⟨x²⟩ take their values at (a*, c*) = (0.7, 0.6). */
function config(over: Record<string, unknown> = {}): TrainConfig {
  return parseTrainConfig({
    system: { name: 'linear', noise: SIGMA },
    params: ['a', 'c'],
    loss: [{ observable: 'x0', target: TARGET.m }, { observable: 'x0', power: 2, target: TARGET.m2, weight: 0.05 }],
    estimator: { method: 'exact-linear', steps: 1000 },
    optimizer: { name: 'adam', lr: 0.05, schedule: { kind: 'cosine', min: 0.002 } },
    ema: { beta: 0.8 },
    iterations: 100,
    seed: 7,
    evaluation: { steps: 50000 },
    ...over,
  });
}

function withoutTime(records: IterationRecord[]): unknown[] {
  return records.map(({ time: _t, ...rest }) => rest);
}

const tmp = () => mkdtempSync(join(tmpdir(), 'chaosgrad-train-'));

describe('training loop', () => {
  it('fits two statistics of AR(1) with noisy exact gradients; the statistics reach their targets within their errors', async () => {
    const r = await train(config(), { estimator: exactLinearEstimator(0.05) });
    const [a, c] = r.emaParams;
    const exact = linearMoments(a, c, SIGMA);
    // the exact statistics at the EMA weights vs the targets, in units of one evaluation's errors
    const zm = (exact.m - TARGET.m) / r.finalEma.statisticsStderr[0];
    const zm2 = (exact.m2 - TARGET.m2) / r.finalEma.statisticsStderr[1];
    assert.ok(Math.abs(zm) < 3 && Math.abs(zm2) < 3, `⟨x⟩ = ${exact.m} (z ${zm}), ⟨x²⟩ = ${exact.m2} (z ${zm2}) at a = ${a}, c = ${c}`);
    assert.ok(Math.abs(a - A_STAR) < 0.02 && Math.abs(c - C_STAR) < 0.05, `a = ${a}, c = ${c}`);
    // the exact loss fell by two orders of magnitude
    const exactLoss = (p: ArrayLike<number>) => {
      const e = linearMoments(p[0], p[1], SIGMA);
      return (e.m - TARGET.m) ** 2 + 0.05 * (e.m2 - TARGET.m2) ** 2;
    };
    assert.ok(exactLoss(r.emaParams) < 0.01 * exactLoss([0.5, 1]), `exact loss ${exactLoss(r.emaParams)} from ${exactLoss([0.5, 1])}`);
    const rec = r.records[10];
    assert.ok(Math.abs(rec.gradStderrNorm! - 0.05 * Math.SQRT2) < 1e-15);
    assert.equal(rec.params!.length, 2);
    assert.deepEqual(rec.gradStderr, [0.05, 0.05]);
    assert.ok(Math.abs(Math.hypot(...rec.gradient!) - rec.gradNorm) < 1e-12 * rec.gradNorm);
    assert.equal(rec.cost.evaluationSteps, 50000 + 100);
    assert.equal(rec.method, 'exact-linear');
    assert.equal(r.iterations, 100);
  });

  it('accepts any differentiable function of the statistics: (log⟨x⟩ − log 3)² moves c to 3(1 − a)', async () => {
    const loss: StatisticsLoss = {
      statistics: [{ observable: 'x0', power: 1 }],
      value: (s) => (Math.log(s[0]) - Math.log(3)) ** 2,
      gradient: (s, out) => void (out[0] = (2 * (Math.log(s[0]) - Math.log(3))) / s[0]),
      noiseFloor: () => 0,
    };
    const r = await train(config({ params: ['c'], optimizer: { name: 'sgd', lr: 2 }, iterations: 60 }), { estimator: exactLinearEstimator(), loss });
    // a = 0.5 (default): c* = 1.5; one evaluation's error of ⟨x⟩ (≈ 0.03 at σ = 2) moves c by about 0.015
    assert.ok(Math.abs(r.params[0] - 1.5) < 0.05, `c = ${r.params[0]}`);
  });

  it('a resumed run (even after a crash between log and checkpoint) repeats the uninterrupted one exactly', async () => {
    const est = exactLinearEstimator(0.05);
    const over = { iterations: 12, evaluation: { steps: 3000, emaEvery: 3 } };
    const a = await train({ ...config(over), out: join(tmp(), 'a') }, { estimator: est });
    const dirB = join(tmp(), 'b');
    const first = await train({ ...config(over), iterations: 5, out: dirB }, { estimator: est });
    assert.equal(first.records.length, 5);
    // a crash after appending a line but before the checkpoint, then a torn line
    appendFileSync(join(dirB, 'log.jsonl'), JSON.stringify({ iteration: 5, bogus: true }) + '\n{"iteration": 6, "lo');
    const b = await train({ ...config(over), out: dirB }, { estimator: est, resume: true });
    assert.equal(b.resumedFrom, 5);
    assert.deepEqual(withoutTime(b.records), withoutTime(a.records));
    assert.deepEqual(Array.from(b.params), Array.from(a.params));
    assert.deepEqual(Array.from(b.emaParams), Array.from(a.emaParams));
    assert.deepEqual(b.final, a.final);
    const logA = readFileSync(a.logPath!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const logB = readFileSync(b.logPath!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(withoutTime(logB), withoutTime(logA));
    const cpA = JSON.parse(readFileSync(a.checkpointPath!, 'utf8'));
    const cpB = JSON.parse(readFileSync(b.checkpointPath!, 'utf8'));
    for (const k of ['iteration', 'params', 'optimizer', 'ema', 'config']) assert.deepEqual(cpB[k], cpA[k], k);
    assert.ok(logA.filter((r: IterationRecord) => r.emaLoss !== undefined).length === 4);
    // resuming a finished run does no work and gives the same summary
    const again = await train({ ...config(over), out: dirB }, { estimator: est, resume: true });
    assert.deepEqual(withoutTime(again.records), withoutTime(a.records));
    assert.deepEqual(again.final, a.final);
  });

  it('refuses to resume with another config, to resume nothing, or to overwrite a run unasked', async () => {
    const est = exactLinearEstimator();
    const dir = join(tmp(), 'run');
    await train({ ...config({ iterations: 2 }), out: dir }, { estimator: est });
    await assert.rejects(train({ ...config({ iterations: 4, optimizer: { name: 'adam', lr: 0.03 } }), out: dir }, { estimator: est, resume: true }), /^UsageError: config: optimizer\.lr differs from the run in '.*run'/);
    await assert.rejects(train({ ...config(), out: join(tmp(), 'empty') }, { estimator: est, resume: true }), /no checkpoint in '.*empty' to resume/);
    await assert.rejects(train({ ...config(), out: dir }, { estimator: est }), /already holds a run \(checkpoint\.json\): pass resume: true/);
    const fresh = await train({ ...config({ iterations: 1 }), out: dir }, { estimator: est, overwrite: true });
    assert.equal(readFileSync(fresh.logPath!, 'utf8').trim().split('\n').length, 1);
  });

  it('an unknown method names the valid ones; a non-finite gradient is a runtime failure', async () => {
    await assert.rejects(train(config({ estimator: { method: 'nope', steps: 100 } })), (e: Error) => e instanceof UsageError && /^config: estimator\.method: unknown method 'nope' \(valid: .*bptt/.test(e.message));
    const broken: GradientEstimator = {
      name: 'broken',
      description: '',
      async estimate(req, o) {
        const r = await exactLinearEstimator().estimate(req, o);
        r.gradient[1] = NaN;
        return r;
      },
    };
    await assert.rejects(train(config(), { estimator: broken }), (e: Error) => e instanceof RuntimeFailure && /gradient entry c is not finite at iteration 0/.test(e.message));
  });
});

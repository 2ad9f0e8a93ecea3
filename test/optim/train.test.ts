import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RuntimeFailure, UsageError } from '../../src/errors/index.js';
import type { GradientEstimator } from '../../src/gradients/index.js';
import { parseTrainConfig, train, type IterationRecord, type StatisticsLoss, type TrainConfig } from '../../src/optim/index.js';
import { exactLinearEstimator, linearMoments } from './linearExact.js';

const SIGMA = 0.5;

/** Fit (a, c) of AR(1) so that ⟨x⟩ = 3 and ⟨x²⟩ = 10: a* = √(1 − σ²), c* = 3(1 − a*). */
function config(over: Record<string, unknown> = {}): TrainConfig {
  return parseTrainConfig({
    system: { name: 'linear', noise: SIGMA },
    params: ['a', 'c'],
    loss: [{ observable: 'x0', target: 3 }, { observable: 'x0', power: 2, target: 10, weight: 0.25 }],
    estimator: { method: 'exact-linear', steps: 1000 },
    optimizer: { name: 'adam', lr: 0.02 },
    ema: { beta: 0.8 },
    iterations: 150,
    seed: 7,
    evaluation: { steps: 20000 },
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
    const aStar = Math.sqrt(1 - SIGMA * SIGMA), cStar = 3 * (1 - aStar);
    const [a, c] = r.emaParams;
    const exact = linearMoments(a, c, SIGMA);
    // the exact statistics at the EMA weights vs the targets, in units of one evaluation's errors
    const zm = (exact.m - 3) / r.finalEma.statisticsStderr[0];
    const zm2 = (exact.m2 - 10) / r.finalEma.statisticsStderr[1];
    assert.ok(Math.abs(zm) < 3 && Math.abs(zm2) < 3, `⟨x⟩ = ${exact.m} (z ${zm}), ⟨x²⟩ = ${exact.m2} (z ${zm2}) at a = ${a}, c = ${c} (a* = ${aStar}, c* = ${cStar})`);
    assert.ok(Math.abs(a - aStar) < 0.02 && Math.abs(c - cStar) < 0.05, `a = ${a}, c = ${c}`);
    // the loss fell from its start by orders of magnitude, down to about its noise floor
    assert.ok(r.records[0].loss > 1, `initial loss ${r.records[0].loss}`);
    assert.ok(r.finalEma.loss < r.records[0].loss * 1e-3, `final loss ${r.finalEma.loss}`);
    const rec = r.records[10];
    assert.ok(Math.abs(rec.gradStderrNorm! - 0.05 * Math.SQRT2) < 1e-15);
    assert.deepEqual(Object.keys(rec.params!), ['0', '1']);
    assert.equal(rec.cost.evaluationSteps, 20000 + 100);
    assert.equal(rec.method, 'exact-linear');
    assert.equal(r.iterations, 150);
  });

  it('accepts any differentiable function of the statistics: (log⟨x⟩ − log 3)² moves c to 3(1 − a)', async () => {
    const loss: StatisticsLoss = {
      statistics: [{ observable: 'x0', power: 1 }],
      value: (s) => (Math.log(s[0]) - Math.log(3)) ** 2,
      gradient: (s, out) => void (out[0] = (2 * (Math.log(s[0]) - Math.log(3))) / s[0]),
      noiseFloor: () => 0,
    };
    const r = await train(config({ params: ['c'], optimizer: { name: 'sgd', lr: 2 }, iterations: 60 }), { estimator: exactLinearEstimator(), loss });
    // a = 0.5 (default): c* = 1.5; one evaluation's error of ⟨x⟩ ≈ 0.005 moves c by about 0.0025
    assert.ok(Math.abs(r.params[0] - 1.5) < 0.01, `c = ${r.params[0]}`);
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
    await assert.rejects(train({ ...config(), out: dir }, { estimator: est }), /already holds a run \(checkpoint\.json\): pass --resume/);
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

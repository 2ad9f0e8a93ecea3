import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode, kindOfTask, validateUnit } from '../../src/cluster/index.js';
import { getEstimator, type GradientRequest } from '../../src/gradients/index.js';
import { withExecutor, type TaskExecutor } from '../../src/parallel/index.js';
import { createSystem } from '../../src/systems/index.js';

/**
 * The worker's payload checks must accept every unit the estimators really produce (and only
 * whitelisted kinds): the tasks of small runs of every method are captured, sent through the same
 * encoding as a job, validated as a worker would, then run in this thread.
 */
function recorder(seen: { kind: string | null; fn: string }[]): TaskExecutor {
  return {
    label: 'recorder',
    async run<A, R>(tasks: { module: string; fn: string; arg: A }[]): Promise<R[]> {
      const out: R[] = [];
      for (const t of tasks) {
        const kind = kindOfTask(t.module, t.fn);
        seen.push({ kind, fn: t.fn });
        const { system: _s, progress: _p, ...data } = t.arg as Record<string, unknown>;
        const unit = validateUnit({ v: 1, kind: kind ?? t.fn, payload: encode(data) }, null);
        const mod = (await import(t.module)) as Record<string, (a: unknown) => R | Promise<R>>;
        out.push(await mod[t.fn]({ ...unit.arg, system: unit.system }));
      }
      return out;
    },
  };
}

const noisy = createSystem('ni9', { noise: 0.5 });
const henon = createSystem('henon');
const horizon = { kind: 'horizon', observable: 'mean', horizon: 5, samples: 64 } as const;
const average = { kind: 'average', observable: 'mean', steps: 400, transient: 50 } as const;

const RUNS: [string, GradientRequest, Record<string, unknown>][] = [
  ['kernel', { system: noisy, objective: horizon, params: ['c'], seed: 1 }, { repeats: 2 }],
  ['kernel', { system: noisy, objective: average, params: ['c'], seed: 1 }, { repeats: 2, window: 5 }],
  ['hybrid', { system: noisy, objective: horizon, params: ['c'], seed: 1 }, { alpha: 0.5 }],
  ['hybrid', { system: noisy, objective: average, params: ['c'], seed: 1 }, { repeats: 2, alpha: 0.5, window: 5, sweep: 'backward' }],
  ['hybrid', { system: noisy, objective: average, params: ['c'], seed: 1 }, { repeats: 2, alpha: 0.5, window: 5, predict: true }],
  ['fd', { system: henon, objective: average, params: ['a'], seed: 1 }, { batches: 2 }],
  ['bptt', { system: henon, objective: { ...average, steps: 50 }, params: ['a'], seed: 1 }, { repeats: 2 }],
  ['bptt', { system: henon, objective: { ...horizon, horizon: 3, samples: 2 }, params: ['a'], seed: 1 }, {}],
  ['nilsas', { system: henon, objective: { ...average, steps: 200 }, params: ['a'], seed: 1 }, { repeats: 2, M: 1, segmentSteps: 10 }],
];

test('every unit the estimators produce is a whitelisted kind whose payload passes the worker checks', async () => {
  const seen: { kind: string | null; fn: string }[] = [];
  for (const [method, req, options] of RUNS) {
    await withExecutor(recorder(seen), () => getEstimator(method).estimate(req, options));
  }
  assert.deepEqual(seen.filter((s) => s.kind === null).map((s) => s.fn), []);
  const kinds = new Set(seen.map((s) => s.kind));
  for (const k of ['kernel.horizon', 'kernel.ergodic', 'hybrid.horizon', 'hybrid.ergodic', 'hybrid.forward', 'fd.batch', 'bptt.average', 'bptt.horizon', 'nilsas.repeat']) assert.ok(kinds.has(k), `${k} never seen`);
});

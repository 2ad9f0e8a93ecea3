import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors/index.js';
import { runInverseLorenz, runTeacherRnn, UnitStore } from '../../src/experiments/index.js';
import { runCli } from '../helpers/cli.js';
import { withoutTimes } from '../helpers/experiments.js';

process.env.CHAOSGRAD_WORKERS = '1';

const unitFiles = (out: string) => (existsSync(join(out, '.units')) ? readdirSync(join(out, '.units')).filter((f) => f.startsWith('unit-') && f.endsWith('.json')) : []);

describe('UnitStore: finished units of an experiment, saved and resumed', () => {
  it('values come back exactly: typed arrays, NaN, ±Infinity, nested objects', async () => {
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-units-'));
    const value = { a: Float64Array.from([1.5, NaN, -Infinity, 1 / 3]), b: [Infinity, 2e-310, -0.1], c: { d: null, e: 'text', f: NaN } };
    const first = UnitStore.fresh(out, { experiment: 'x', seed: 1 });
    assert.deepEqual(await first.unit('k', async () => value), value);
    let called = false;
    const again = UnitStore.resume(out, { experiment: 'x', seed: 1 });
    const back = await again.unit('k', async () => {
      called = true;
      return value;
    });
    assert.equal(called, false);
    assert.deepStrictEqual(back, value);
    assert.ok(back.a instanceof Float64Array);
    assert.deepEqual(again.counts, { reused: 1, computed: 0 });
  });

  it('scopes keep equal labels of different experiments apart; fresh starts from nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-units-'));
    const s = UnitStore.fresh(out, { command: 'demo' });
    await s.scope('one').unit('kernel', async () => 1);
    await s.scope('two').unit('kernel', async () => 2);
    const r = UnitStore.resume(out, { command: 'demo' });
    assert.equal(r.saved, 2);
    assert.equal(await r.scope('one').unit('kernel', async () => -1), 1);
    assert.equal(await r.scope('two').unit('kernel', async () => -1), 2);
    const f = UnitStore.fresh(out, { command: 'demo' });
    assert.equal(f.saved, 0);
    assert.equal(await f.scope('one').unit('kernel', async () => 3), 3);
  });

  it('resuming the units of another run (other seed or size) is refused', async () => {
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-units-'));
    await UnitStore.fresh(out, { experiment: 'teacher-rnn', size: 'smoke', seed: 1 }).unit('k', async () => 1);
    assert.throws(() => UnitStore.resume(out, { experiment: 'teacher-rnn', size: 'smoke', seed: 2 }), (e: Error) => e instanceof UsageError && /holds the units of another run/.test(e.message));
  });

  for (const [name, run] of [['teacher-rnn', runTeacherRnn], ['inverse-lorenz', runInverseLorenz]] as const) {
    it(`${name}: a run resumed after losing some units equals an uninterrupted one`, async () => {
      const out = mkdtempSync(join(tmpdir(), 'chaosgrad-units-'));
      const identity = { experiment: name, size: 'smoke', seed: 1 };
      const store = UnitStore.fresh(out, identity);
      const whole = await run({ size: 'smoke', seed: 1, units: store });
      const files = unitFiles(out).sort();
      assert.equal(files.length, whole.runs.length);
      // an interruption after the first units: the later ones were never written
      for (const f of files.slice(2)) rmSync(join(out, '.units', f));
      const resumed = UnitStore.resume(out, identity);
      const again = await run({ size: 'smoke', seed: 1, units: resumed });
      assert.deepEqual(resumed.counts, { reused: 2, computed: whole.runs.length - 2 });
      assert.deepEqual(withoutTimes(again), withoutTimes(whole));
    });
  }
});

describe('experiment --resume (CLI)', () => {
  it('--resume with another seed is a usage error; without --resume a run starts afresh', async () => {
    const out = mkdtempSync(join(tmpdir(), 'chaosgrad-kill-'));
    // leave units behind as an interrupted run would
    const s = UnitStore.fresh(out, { experiment: 'teacher-rnn', size: 'smoke', seed: 1 });
    await s.unit('kernel', async () => 1);
    const bad = runCli(['experiment', 'teacher-rnn', '--size', 'smoke', '--seed', '2', '--out', out, '--resume']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^chaosgrad: error: --resume: .* holds the units of another run/);
    const fresh = runCli(['experiment', 'teacher-rnn', '--size', 'smoke', '--seed', '2', '--out', out]);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.doesNotMatch(fresh.stderr, /resuming/);
  });
});

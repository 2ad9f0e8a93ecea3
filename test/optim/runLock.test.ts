import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LOCK_FILE, acquireRunLock, pidAlive, writeTextAtomic } from '../../src/optim/index.js';
import { CLI, expectUsage, runCli } from '../helpers/cli.js';

const ENV = { ...process.env, CHAOSGRAD_WORKERS: '1' };

/** A short run on AR(1); `iterations` sets its length. */
function config(dir: string, iterations: number): string {
  const file = join(dir, 'train.json');
  writeFileSync(file, JSON.stringify({
    system: { name: 'linear', noise: 2 }, params: ['a', 'c'],
    loss: [{ observable: 'x0', target: 2 }],
    estimator: { method: 'bptt', options: { repeats: 2 }, steps: 500, transient: 50 },
    optimizer: { name: 'sgd', lr: 0.01 }, iterations, seed: 3, evaluation: { steps: 5000 },
  }));
  return file;
}

/** A pid that surely runs no process: one that just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

const tmp = () => mkdtempSync(join(tmpdir(), 'chaosgrad-lock-'));

describe('run directories are locked', () => {
  it('a second train on the same --out exits 2 naming the first one\'s pid', async () => {
    const dir = tmp();
    const out = join(dir, 'run');
    const first = spawn(process.execPath, [CLI, 'train', '--config', config(dir, 400), '--out', out, '--json'], { env: ENV, stdio: 'ignore' });
    try {
      const t0 = Date.now();
      while (!existsSync(join(out, LOCK_FILE)) && Date.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 50));
      const second = runCli(['train', '--config', join(dir, 'train.json'), '--out', out, '--overwrite']);
      assert.equal(second.code, 2, second.stderr);
      assert.match(second.stderr, new RegExp(`^chaosgrad: error: '.*run' is in use by another run \\(pid ${first.pid}, started .*\\): wait for it to end or choose another --out\\n$`));
    } finally {
      first.kill('SIGKILL');
      await new Promise((r) => first.on('close', r));
    }
    // the killed run left its lock: the next run takes it over with a note
    assert.ok(existsSync(join(out, LOCK_FILE)));
    const next = runCli(['train', '--config', config(dir, 2), '--out', out, '--overwrite', '--json']);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, new RegExp(`note: taking over the stale lock of '.*run' \\(pid ${first.pid} is no longer running\\)`));
    assert.ok(!existsSync(join(out, LOCK_FILE)), 'released at the end');
  });

  it('experiment and demo lock their --out too', () => {
    const dir = tmp();
    // a live owner: this test process
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), started: 'now' }));
    expectUsage(['experiment', 'explosion', '--size', 'smoke', '--out', dir], new RegExp(`is in use by another run \\(pid ${process.pid}, started now\\)`));
    expectUsage(['demo', '--size', 'smoke', '--out', dir], new RegExp(`\\(pid ${process.pid}, `));
  });

  it('a log without a checkpoint is refused without --overwrite', () => {
    const dir = tmp();
    const out = join(dir, 'run');
    mkdirSync(out);
    writeFileSync(join(out, 'log.jsonl'), '{"iteration":0}\n');
    expectUsage(['train', '--config', config(dir, 2), '--out', out], /holds a log \(log\.jsonl\) but no checkpoint to resume from: pass --overwrite to start afresh/);
    assert.equal(runCli(['train', '--config', join(dir, 'train.json'), '--out', out, '--overwrite']).code, 0);
  });

  it('temporary files of dead writers are removed; a failed atomic write leaves none', () => {
    const dir = tmp();
    const dead = deadPid();
    assert.equal(pidAlive(dead), false);
    assert.equal(pidAlive(process.pid), true);
    writeFileSync(join(dir, `checkpoint.json.tmp-${dead}`), '{"torn');
    writeFileSync(join(dir, `checkpoint.json.tmp-${process.pid}`), 'mine');
    const notes: string[] = [];
    const lock = acquireRunLock(dir, (m) => notes.push(m));
    assert.ok(!existsSync(join(dir, `checkpoint.json.tmp-${dead}`)));
    assert.ok(existsSync(join(dir, `checkpoint.json.tmp-${process.pid}`)), 'a live writer\'s file stays');
    assert.match(notes[0], /removed 1 temporary file/);
    // the same process cannot take its own lock twice either
    assert.throws(() => acquireRunLock(dir), new RegExp(`in use by another run \\(pid ${process.pid}`));
    lock.release();
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
    // renaming onto a directory fails: the temporary file is cleaned up
    mkdirSync(join(dir, 'target'));
    assert.throws(() => writeTextAtomic(join(dir, 'target'), 'x'), /cannot write/);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('target.tmp')), []);
  });
});

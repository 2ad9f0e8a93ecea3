import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { runTasks } from '../../src/parallel/index.js';
import { workerEntry } from '../../src/parallel/pool.js';

const self = new URL('./poolTasks.js', import.meta.url).href;

describe('worker pool', () => {
  it('keeps its threads between calls and returns results in task order', async () => {
    const saved = process.env.CHAOSGRAD_WORKERS;
    process.env.CHAOSGRAD_WORKERS = '2';
    try {
      const tasks = Array.from({ length: 6 }, (_, i) => ({ module: self, fn: 'whereAmI', arg: i }));
      const first = await runTasks<number, { thread: number; arg: number }>(tasks);
      const second = await runTasks<number, { thread: number; arg: number }>(tasks);
      assert.deepEqual(first.map((r) => r.arg), [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(second.map((r) => r.arg), [0, 1, 2, 3, 4, 5]);
      const threadsOf = (rs: { thread: number }[]) => [...new Set(rs.map((r) => r.thread))].sort();
      assert.ok(first.every((r) => r.thread !== threadId), 'tasks ran on worker threads');
      // the second call found the first call's threads idle and used them again
      assert.deepEqual(threadsOf(second), threadsOf(first));
      // a task's own error comes back with its class, and the thread stays usable
      await assert.rejects(runTasks([{ module: self, fn: 'fails', arg: 0 }, { module: self, fn: 'fails', arg: 1 }]), /task failed on purpose/);
      const third = await runTasks<number, { thread: number; arg: number }>(tasks.slice(0, 2));
      assert.deepEqual(third.map((r) => r.arg), [0, 1]);
    } finally {
      if (saved === undefined) delete process.env.CHAOSGRAD_WORKERS;
      else process.env.CHAOSGRAD_WORKERS = saved;
    }
  });

  it('idle threads do not keep a process alive', () => {
    const pool = new URL('../../src/parallel/index.js', import.meta.url).href;
    const script = `const { runTasks } = await import(${JSON.stringify(pool)});
const r = await runTasks([0, 1, 2].map((arg) => ({ module: ${JSON.stringify(self)}, fn: 'whereAmI', arg })));
console.log(JSON.stringify(r.map((x) => x.arg)));`;
    // if the idle threads held the event loop, the child would never end and the timeout would kill it
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-pool-'));
    const file = join(dir, 'run.mjs');
    writeFileSync(file, script);
    const out = spawnSync(process.execPath, [file], { env: { ...process.env, CHAOSGRAD_WORKERS: '2' }, encoding: 'utf8', timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(out.signal, null, `child killed: ${out.stderr}`);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout.trim(), '[0,1,2]');
  });

  it('threads start from the bundled worker entry when the bundle is current, from worker.js with CHAOSGRAD_BUNDLE=0', () => {
    const bundle = new URL('../../bundle/worker.js', import.meta.url);
    const modules = new URL('../../src/parallel/worker.js', import.meta.url);
    assert.ok(statSync(bundle).mtimeMs >= statSync(modules).mtimeMs, 'dist/bundle/worker.js is older than dist/src/parallel/worker.js: run npm run build');
    const saved = process.env.CHAOSGRAD_BUNDLE;
    try {
      delete process.env.CHAOSGRAD_BUNDLE;
      assert.equal(workerEntry().href, bundle.href);
      process.env.CHAOSGRAD_BUNDLE = '0';
      assert.equal(workerEntry().href, modules.href);
    } finally {
      if (saved === undefined) delete process.env.CHAOSGRAD_BUNDLE;
      else process.env.CHAOSGRAD_BUNDLE = saved;
    }
    // and the threads really run that code: a task's call stack names the file its caller lives in
    const pool = new URL('../../src/parallel/index.js', import.meta.url).href;
    const script = `const { runTasks } = await import(${JSON.stringify(pool)});
const r = await runTasks([0, 1].map((arg) => ({ module: ${JSON.stringify(self)}, fn: 'callerStack', arg })));
console.log(JSON.stringify(r));`;
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-pool-'));
    const file = join(dir, 'run.mjs');
    writeFileSync(file, script);
    const stacks = (env: Record<string, string>) => {
      const out = spawnSync(process.execPath, [file], { env: { ...process.env, CHAOSGRAD_WORKERS: '2', ...env }, encoding: 'utf8', timeout: 60_000 });
      assert.equal(out.status, 0, out.stderr);
      return JSON.parse(out.stdout) as string[];
    };
    try {
      const bundled = stacks({ CHAOSGRAD_BUNDLE: '1' });
      const unbundled = stacks({ CHAOSGRAD_BUNDLE: '0' });
      assert.equal(bundled.length, 2);
      for (const s of bundled) assert.match(s, /dist\/bundle\/[^/]+\.js/, s);
      for (const s of bundled) assert.doesNotMatch(s, /src\/parallel\/worker\.js/, s);
      for (const s of unbundled) assert.match(s, /dist\/src\/parallel\/worker\.js/, s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

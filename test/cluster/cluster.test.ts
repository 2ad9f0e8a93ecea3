import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { QUEUE, encode, parseRedisUrl } from '../../src/cluster/index.js';
import { connectionOptions } from '../../src/cluster/url.js';
import { runCli } from '../helpers/cli.js';
import { runCliAsync, startRedis, startWorkerProcess, type TestRedis, type TestWorker } from '../helpers/redis.js';
import { GOOD_HORIZON_PAYLOAD } from './goodPayload.js';

/**
 * The cluster against a real redis-server (its own instance, with a password, on a free port) and
 * real `chaosgrad worker` processes. The tests run in order and share the server and workers.
 */
const PASSWORD = 'pw-Secret-4711';
/** the workers' --modules DIR: user models are sent by file name and loaded from here */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures');
const WORKER_ARGS = ['--lock-ms', '1000', '--modules', FIXTURES];
const KERNEL = ['grad', 'ni9', '--method', 'kernel', '--noise', '0.5', '--horizon', '20', '--samples', '8000'];

let redis: TestRedis;
let workers: TestWorker[] = [];
let queue: Queue;

function json(out: { code: number | null; stdout: string; stderr: string }): Record<string, any> {
  assert.equal(out.code, 0, out.stderr);
  assert.ok(!out.stdout.includes(PASSWORD) && !out.stderr.includes(PASSWORD), 'the password never appears');
  return JSON.parse(out.stdout);
}

function local(args: string[]): Record<string, any> {
  const r = runCli([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function onCluster(args: string[]): Promise<Record<string, any>> {
  return json(await runCliAsync([...args, '--json', '--cluster', redis.url]).done);
}

/** the estimate's numbers, which must agree to the last bit (JSON prints doubles exactly) */
function bits(r: Record<string, any>): string {
  return JSON.stringify([r.value, r.valueStderr, r.gradient, r.stderr, r.cost.steps, r.cost.adjointSolves, r.cost.tangentSolves]);
}

const allLogs = () => workers.map((w) => w.log()).join('\n');

describe('cluster on a real redis-server', { concurrency: false }, () => {
  before(async () => {
    redis = await startRedis({ password: PASSWORD });
    workers = [startWorkerProcess(redis.url, WORKER_ARGS), startWorkerProcess(redis.url, WORKER_ARGS)];
    await Promise.all(workers.map((w) => w.waitFor(/^chaosgrad worker: redis:\/\/default:\*\*\*@127\.0\.0\.1/)));
    queue = new Queue(QUEUE, { connection: connectionOptions(parseRedisUrl(redis.url)) });
  });

  after(async () => {
    await queue?.close();
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await redis?.stop();
  });

  test('two workers give exactly the bits of the local run (kernel, hybrid, fd, bptt)', async () => {
    const cases = [
      KERNEL,
      ['grad', 'ni9', '--method', 'hybrid', '--noise', '0.5', '--horizon', '10', '--samples', '400'],
      ['grad', 'henon', '--method', 'fd', '--steps', '5000', '--batches', '4', '--param', 'a'],
      ['grad', 'lorenz63', '--method', 'bptt', '--steps', '400', '--repeats', '4', '--param', 'rho'],
      // a user's model: the job names the file, each worker loads it from its --modules DIR
      ['grad', '--system-module', join(FIXTURES, 'user-model.mjs'), '--method', 'kernel', '--noise', '0.3', '--horizon', '10', '--samples', '2000', '--param', 'g'],
    ];
    for (const args of cases) {
      const [l, c] = [local(args), await onCluster(args)];
      assert.equal(bits(c), bits(l), args.join(' '));
      assert.ok(c.cluster.units >= 4 && c.cluster.requests === 1, JSON.stringify(c.cluster));
      assert.equal(c.cluster.url, `redis://default:***@127.0.0.1:${redis.port}`);
    }
    // both workers took units
    for (const w of workers) assert.match(w.log(), /^completed kernel\.horizon /m);
  });

  test('sigma-study and train: same bits on the cluster', async () => {
    // wall-clock fields and paths differ between runs by nature; everything else must agree
    const numbers = (r: Record<string, any>) => JSON.stringify(r, (k, v) => (['seconds', 'computeSeconds', 'cluster', 'log', 'checkpoint'].includes(k) ? undefined : v));
    const study = ['sigma-study', 'ni9', '--sigmas', '0.4,0.6', '--horizon', '10', '--samples', '2000', '--param', 'c', '--repeats', '4'];
    const [ls, cs] = [local(study), await onCluster(study)];
    assert.equal(numbers(cs), numbers(ls));
    assert.ok(cs.cluster.requests >= 2);
    const dir = mkdtempSync(join(tmpdir(), 'chaosgrad-cluster-train-'));
    const config = join(dir, 'train.json');
    writeFileSync(config, JSON.stringify({
      system: { name: 'linear', noise: 2 },
      params: ['a', 'c'],
      loss: [{ observable: 'x0', target: 2 }],
      estimator: { method: 'bptt', options: { repeats: 4 }, steps: 1500, transient: 50 },
      optimizer: { name: 'adam', lr: 0.05 },
      iterations: 3,
      seed: 3,
      evaluation: { steps: 3000 },
    }));
    const lt = local(['train', '--config', config, '--out', join(dir, 'local')]);
    const ct = await onCluster(['train', '--config', config, '--out', join(dir, 'cluster')]);
    assert.equal(numbers(ct), numbers(lt));
    assert.ok(ct.cluster.requests >= 3, JSON.stringify(ct.cluster));
  });

  test('a duplicated request re-attaches to the same jobs: every unit runs once', async () => {
    // units long enough that the duplicate arrives while the first request is in flight
    const args = ['grad', 'ni9', '--method', 'kernel', '--noise', '0.5', '--horizon', '20', '--samples', '300000', '--seed', '7', '--json', '--cluster', redis.url];
    const from = workers.map((w) => w.log().length);
    const first = runCliAsync(args);
    await Promise.any(workers.map((w, i) => w.waitFor(/^started kernel\.horizon /, 20_000, from[i])));
    const second = runCliAsync(args);
    const [a, b] = (await Promise.all([first.done, second.done])).map(json);
    assert.equal(bits(a), bits(b));
    assert.equal(a.cluster.units, 8);
    const ids = workers.flatMap((w, i) => w.log().slice(from[i]).split('\n')).filter((l) => /^completed kernel\.horizon /.test(l)).map((l) => l.split(' ')[2]);
    assert.equal(ids.length, 8, ids.join('\n'));
    assert.equal(new Set(ids).size, 8, `a unit completed twice:\n${ids.join('\n')}`);
  });

  test('poisoned payloads are rejected with a logged reason, not retried, nothing run', async () => {
    const good = GOOD_HORIZON_PAYLOAD;
    const poisoned: [string, unknown, RegExp][] = [
      ['traversal', { v: 1, kind: 'kernel.horizon', payload: encode({ ...good, spec: { ...good.spec, module: { name: '../../../etc/passwd.js', export: 'default' } } }) }, /no absolute path, no '\.\.'/],
      ['kind', { v: 1, kind: '/tmp/evil.js', payload: encode(good) }, /unknown unit kind/],
      ['types', { v: 1, kind: 'kernel.horizon', payload: encode({ ...good, seed: 'zero', options: { chunks: -1, baseline: true } }) }, /must be an integer/],
    ];
    for (const [name, data, reason] of poisoned) {
      const job = await queue.add('kernel.horizon', data, { jobId: `poison-${name}`, attempts: 3 });
      let state = '';
      for (let i = 0; i < 200 && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        state = await job.getState();
      }
      const back = (await queue.getJob(job.id!))!;
      assert.equal(state, 'failed', name);
      assert.match(back.failedReason, reason);
      assert.equal(back.attemptsMade, 1, `${name}: a rejected payload is not retried`);
      await Promise.any(workers.map((w) => w.waitFor(new RegExp(`^rejected job poison-${name}: `), 5000)));
      assert.doesNotMatch(allLogs(), new RegExp(`^completed \\S+ poison-${name}`, 'm'));
    }
  });

  test('a unit that fails deterministically fails the request after its retries, with its message', async () => {
    const args = ['grad', 'linear', '--set', 'a=3', '--noise', '0.1', '--method', 'kernel', '--horizon', '2000', '--samples', '16', '--repeats', '2'];
    const out = await runCliAsync([...args, '--cluster', redis.url]).done;
    assert.equal(out.code, 1, out.stderr);
    const lines = out.stderr.trim().split('\n');
    assert.equal(lines.length, 1, out.stderr);
    assert.match(lines[0], /^chaosgrad: error: unit [01]: trajectory became non-finite at step \d+$/);
    assert.match(allLogs(), /^failed kernel\.horizon \S+ \(attempt 3\): \[RuntimeFailure\] trajectory became non-finite/m);
    assert.doesNotMatch(allLogs(), /\(attempt 4\)/);
  });

  test('SIGKILL of a worker mid-unit: the unit is retried elsewhere, same bits, one retry shown', async () => {
    const args = ['grad', 'ni9', '--method', 'kernel', '--noise', '0.5', '--horizon', '50', '--samples', '80000', '--repeats', '4', '--seed', '3'];
    const expected = local(args);
    const [victim, survivor] = workers;
    const before = victim.log().length;
    const run = runCliAsync([...args, '--json', '--cluster', redis.url]);
    const line = await victim.waitFor(/^started kernel\.horizon /, 20_000, before);
    victim.proc.kill('SIGKILL');
    const out = json(await run.done);
    assert.equal(bits(out), bits(expected));
    const killedUnit = Number(line.split(' ')[2].split('-')[1]);
    assert.deepEqual(out.cluster.retried.map((r: { unit: number; retries: number }) => [r.unit, r.retries]), [[killedUnit, 1]], JSON.stringify(out.cluster));
    assert.match(survivor.log(), /stalled|\(attempt 2\)/);
    workers = [survivor, startWorkerProcess(redis.url, WORKER_ARGS)];
  });

  test('the coordinator interrupted: waiting units withdrawn; the same command re-attaches to finished ones', async () => {
    const args = ['grad', 'ni9', '--method', 'kernel', '--noise', '0.5', '--horizon', '50', '--samples', '12000', '--repeats', '8', '--seed', '5'];
    const from = workers.map((w) => w.log().length);
    const run = runCliAsync([...args, '--json', '--cluster', redis.url]);
    await Promise.any(workers.map((w, i) => w.waitFor(/^completed kernel\.horizon /, 20_000, from[i])));
    run.proc.kill('SIGINT');
    const first = await run.done;
    assert.equal(first.signal ?? String(first.code), 'SIGINT', first.stderr);
    const counts = await queue.getJobCounts('waiting', 'delayed');
    assert.equal(counts.waiting + counts.delayed, 0, `jobs left waiting: ${JSON.stringify(counts)}`);
    const again = await onCluster(args);
    assert.ok(again.cluster.reused >= 1, JSON.stringify(again.cluster));
    assert.equal(bits(again), bits(local(args)));
    const left = await queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'waiting-children');
    assert.equal(Object.values(left).reduce((s, n) => s + n, 0), 0, `jobs left: ${JSON.stringify(left)}`);
  });

  test('Redis stopped mid-run: exit 1 within 30 s, one line naming the URL without the password', async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    workers = [];
    const run = runCliAsync([...KERNEL, '--seed', '11', '--cluster', redis.url]);
    // mid-run: the coordinator has enqueued its units (no worker is left to take them)
    for (let i = 0; i < 600 && (await queue.getJobCounts('waiting')).waiting === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok((await queue.getJobCounts('waiting')).waiting > 0, 'the request never reached the queue');
    await queue.close();
    await redis.stop();
    const out = await run.done;
    assert.equal(out.code, 1, out.stderr);
    assert.ok(out.seconds < 30, `took ${out.seconds} s`);
    const lines = out.stderr.trim().split('\n');
    assert.equal(lines.length, 1, out.stderr);
    assert.match(lines[0], new RegExp(`^chaosgrad: error: lost the Redis server at redis://default:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}`));
    assert.ok(!out.stderr.includes(PASSWORD));
  });
});

/**
 * `npm run bench -- cluster`: the job queue's cost against local worker threads on this machine.
 * A private redis-server and `chaosgrad worker` processes (concurrency 1 each) are started and
 * stopped here. Work: the finite-time kernel estimator on ni9 (σ = 0.5), whose units are sample
 * blocks. The machine is shared, so the overhead is measured in CPU-seconds of every process
 * involved (coordinator, workers, redis-server; from /proc), which contention does not inflate;
 * wall-clock figures are printed beside them. Reports, never test assertions.
 *  - overhead per unit: many units of one sample of one step (their work is nil);
 *  - throughput: the same 16-unit request on local threads and on 1, 2, 4 worker processes;
 *  - the unit size at which the queue's overhead is 2% of the unit's work.
 */
import { readFileSync } from 'node:fs';
import { ClusterExecutor } from '../src/cluster/index.js';
import { kernelEstimator, type GradientRequest } from '../src/gradients/index.js';
import { withExecutor } from '../src/parallel/index.js';
import { createSystem } from '../src/systems/index.js';
import { startRedis, startWorkerProcess, type TestWorker } from '../test/helpers/redis.js';
import type { BenchRow } from './types.js';

const L = 50;
const UNITS = 16;
const SAMPLES_PER_UNIT = 2000;
const TINY_UNITS = 200;
/** clock ticks per second of /proc/PID/stat (100 on Linux) */
const TICKS = 100;

const sys = createSystem('ni9', { noise: 0.5 });
let seed = 100;
const request = (samples: number, horizon = L): GradientRequest => ({ system: sys, objective: { kind: 'horizon', observable: 'mean', horizon, samples }, params: ['gamma', 'c'], seed: seed++ });

/** user + system CPU-seconds of a process, all its threads */
function cpuOfPid(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS;
}

/** wall and CPU-seconds of this process plus `pids`; `each` lists this process first, then each pid */
async function timed(pids: number[], f: () => Promise<unknown>): Promise<{ wall: number; cpu: number; each: number[] }> {
  const others0 = pids.map(cpuOfPid);
  const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
  await f();
  const c = process.cpuUsage(c0);
  const each = [(c.user + c.system) / 1e6, ...pids.map((p, i) => cpuOfPid(p) - others0[i])];
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: each.reduce((s, x) => s + x, 0), each };
}

/** the request of `units` units on the given executor (undefined: local worker threads) */
function run(ex: ClusterExecutor | undefined, pids: number[], units: number, samplesPerUnit: number, horizon = L) {
  const go = () => kernelEstimator.estimate(request(units * samplesPerUnit, horizon), { repeats: units });
  return timed(pids, () => (ex ? withExecutor(ex, go) : go()));
}

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const redis = await startRedis();
  const workers: TestWorker[] = [];
  const ex = await ClusterExecutor.open({ url: redis.url });
  const setWorkers = async (n: number) => {
    while (workers.length > n) await workers.pop()!.stop();
    while (workers.length < n) workers.push(startWorkerProcess(redis.url));
    await Promise.all(workers.map((w) => w.waitFor(/^chaosgrad worker: /)));
  };
  try {
    // CPU of one sample-step: one unit, in this thread
    const single = await timed([], () => kernelEstimator.estimate(request(4000), { repeats: 1 }));
    const stepSeconds = single.cpu / (4000 * L);
    rows.push({ name: 'in-thread CPU per sample-step (ni9, L = 50)', value: stepSeconds * 1e9, unit: 'ns' });
    const work = UNITS * SAMPLES_PER_UNIT * L;
    const local = await run(undefined, [], UNITS, SAMPLES_PER_UNIT);
    rows.push({ name: `local threads: ${UNITS} units × ${SAMPLES_PER_UNIT} samples`, value: local.wall, unit: 's wall', note: `${local.cpu.toFixed(2)} CPU-s` });

    let overhead = 0;
    for (const n of [1, 2, 4]) {
      await setWorkers(n);
      const pids = [redis.pid, ...workers.map((w) => w.proc.pid!)];
      await run(ex, pids, 2 * n, 1, 1); // warm: sandbox threads started, modules loaded
      const tiny = await run(ex, pids, TINY_UNITS, 1, 1);
      const perUnit = tiny.cpu / TINY_UNITS;
      if (n === 1) overhead = perUnit;
      const [coord, red, ...ws] = tiny.each.map((x) => (x / TINY_UNITS) * 1e3);
      const split = `coordinator ${coord.toFixed(2)}, redis ${red.toFixed(2)}, workers ${ws.reduce((s, x) => s + x, 0).toFixed(2)} ms`;
      rows.push({ name: `cluster ${n} worker(s): CPU per empty unit`, value: perUnit * 1e3, unit: 'ms', note: `${split}; wall ${((tiny.wall / TINY_UNITS) * 1e3).toFixed(1)} ms per unit` });
      const big = await run(ex, pids, UNITS, SAMPLES_PER_UNIT);
      rows.push({
        name: `cluster ${n} worker(s): ${UNITS} units × ${SAMPLES_PER_UNIT} samples`,
        value: big.wall,
        unit: 's wall',
        note: `${(local.wall / big.wall).toFixed(2)}× local threads' speed; ${big.cpu.toFixed(2)} CPU-s vs ${local.cpu.toFixed(2)} local (${(work * stepSeconds).toFixed(2)} in-thread)`,
      });
    }
    // overhead ≤ 2% of the unit's work: work ≥ 50 × overhead
    const minUnit = 50 * overhead;
    rows.push({ name: 'unit work for queue overhead < 2%', value: minUnit, unit: 'CPU-s', note: `≈ ${Math.ceil(minUnit / (stepSeconds * L))} samples of L = 50 on ni9` });
  } finally {
    await ex.close();
    await Promise.all(workers.map((w) => w.stop()));
    await redis.stop();
  }
  return rows;
}

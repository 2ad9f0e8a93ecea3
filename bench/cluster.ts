/**
 * `npm run bench -- cluster`: the job queue's cost against local worker threads on this machine.
 * A private redis-server and `chaosgrad worker` processes (concurrency 1 each) are started and
 * stopped here. Work: the finite-time kernel estimator on ni9 (σ = 0.5, L = 50), whose units are
 * sample blocks. Figures are wall-clock on a shared machine: reports, never test assertions.
 *  - overhead per unit: many units of one sample (1 step), time per unit through the queue;
 *  - throughput: the same 16-unit request on local threads and on 1, 2, 4 worker processes;
 *  - the unit size at which the queue's overhead is 2% of the unit's work.
 */
import { ClusterExecutor } from '../src/cluster/index.js';
import { kernelEstimator, type GradientRequest } from '../src/gradients/index.js';
import { withExecutor } from '../src/parallel/index.js';
import { createSystem } from '../src/systems/index.js';
import { startRedis, startWorkerProcess, type TestWorker } from '../test/helpers/redis.js';
import type { BenchRow } from './types.js';

const L = 50;
const UNITS = 16;
const SAMPLES_PER_UNIT = 3000;
const TINY_UNITS = 64;

const sys = createSystem('ni9', { noise: 0.5 });
let seed = 100;
const request = (samples: number, horizon = L): GradientRequest => ({ system: sys, objective: { kind: 'horizon', observable: 'mean', horizon, samples }, params: ['gamma', 'c'], seed: seed++ });

async function timed(f: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
  await f();
  const c = process.cpuUsage(c0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}

/** the request of `units` units on the given executor (undefined: local worker threads) */
function run(ex: ClusterExecutor | undefined, units: number, samplesPerUnit: number, horizon = L) {
  const go = () => kernelEstimator.estimate(request(units * samplesPerUnit, horizon), { repeats: units });
  return timed(() => (ex ? withExecutor(ex, go) : go()));
}

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const redis = await startRedis();
  let workers: TestWorker[] = [];
  const ex = await ClusterExecutor.open({ url: redis.url });
  const setWorkers = async (n: number) => {
    while (workers.length > n) await workers.pop()!.stop();
    while (workers.length < n) workers.push(startWorkerProcess(redis.url));
    await Promise.all(workers.map((w) => w.waitFor(/^chaosgrad worker: /)));
  };
  try {
    // in-thread cost of one sample-step: one unit, run in this thread
    const single = await timed(() => kernelEstimator.estimate(request(4000), { repeats: 1 }));
    const stepSeconds = single.cpu / (4000 * L);
    rows.push({ name: 'in-thread cost per sample-step (ni9, L = 50)', value: stepSeconds * 1e9, unit: 'ns' });

    const localTiny = await run(undefined, TINY_UNITS, 1, 1);
    rows.push({ name: `local threads: time per tiny task (${TINY_UNITS})`, value: (localTiny.wall / TINY_UNITS) * 1e3, unit: 'ms' });
    const local = await run(undefined, UNITS, SAMPLES_PER_UNIT);
    const work = UNITS * SAMPLES_PER_UNIT * L;
    rows.push({ name: `local threads: ${UNITS} units of ${SAMPLES_PER_UNIT} samples`, value: work / local.wall / 1e6, unit: 'M sample-steps/s', note: `${local.wall.toFixed(2)} s wall` });

    let overhead = 0;
    for (const n of [1, 2, 4]) {
      await setWorkers(n);
      await run(ex, 2, 1, 1); // warm: sandbox threads started, modules loaded
      const tiny = await run(ex, TINY_UNITS, 1, 1);
      const perUnit = (tiny.wall * n) / TINY_UNITS;
      if (n === 1) overhead = perUnit;
      rows.push({ name: `cluster ${n} worker(s): time per tiny unit × workers`, value: perUnit * 1e3, unit: 'ms', note: `coordinator CPU ${((tiny.cpu / TINY_UNITS) * 1e3).toFixed(2)} ms/unit` });
      const big = await run(ex, UNITS, SAMPLES_PER_UNIT);
      rows.push({ name: `cluster ${n} worker(s): ${UNITS} units of ${SAMPLES_PER_UNIT} samples`, value: work / big.wall / 1e6, unit: 'M sample-steps/s', note: `${big.wall.toFixed(2)} s wall, ${(local.wall / big.wall).toFixed(2)}× local threads` });
    }
    // overhead ≤ 2% of the unit's work: work ≥ 50 × overhead
    const minUnit = 50 * overhead;
    rows.push({ name: 'unit work for queue overhead < 2%', value: minUnit, unit: 's', note: `≈ ${Math.ceil(minUnit / (stepSeconds * L))} samples of L = 50 on ni9` });
  } finally {
    await ex.close();
    await Promise.all(workers.map((w) => w.stop()));
    await redis.stop();
  }
  return rows;
}

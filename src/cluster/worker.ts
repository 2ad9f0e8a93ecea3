import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { RuntimeFailure, UsageError } from '../errors/index.js';
import { KEEP_SECONDS, QUEUE, REQUESTS } from './coordinator.js';
import { failureText, isRejection } from './failure.js';
import { connectionOptions, parseRedisUrl } from './url.js';

export interface WorkerOptions {
  /** redis://[user:password@]host[:port][/db] or rediss://… */
  url: string;
  /** units run at once, each in its own sandbox thread (default 1) */
  concurrency?: number;
  /** the only directory model modules named by jobs are loaded from (default: none) */
  modulesDir?: string | null;
  /**
   * lock of a running unit in ms (default 30 000): renewed every half of it while the worker
   * lives; a worker that dies loses it, and its unit goes back to the queue within about 1.5× this
   */
  lockMs?: number;
  /** how the URL is named in errors (default 'redis URL') */
  label?: string;
  /** one line per event (default: stderr) */
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** finishes the running units, then disconnects */
  close(): Promise<void>;
  readonly worker: Worker;
}

const PROCESSOR = fileURLToPath(new URL('./processor.js', import.meta.url));

/**
 * `chaosgrad worker`: takes units from the queue and runs each in a sandboxed processor (a worker
 * thread), so the main thread stays free to renew the units' locks however CPU-bound they are.
 * Jobs name a whitelisted unit kind; the sandbox validates each payload before running anything.
 */
export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const target = parseRedisUrl(o.url, o.label ?? 'redis URL');
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const concurrency = o.concurrency ?? 1;
  const lockMs = o.lockMs ?? 30_000;
  if (o.modulesDir) {
    const dir = resolve(o.modulesDir);
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isDir) throw new UsageError(`modules directory '${o.modulesDir}' is not a directory`);
    // read by the sandbox threads, which get a copy of the environment when they start
    process.env.CHAOSGRAD_WORKER_MODULES = dir;
  } else delete process.env.CHAOSGRAD_WORKER_MODULES;
  const conn = new Redis(connectionOptions(target, { lazyConnect: true }));
  let lastError = '';
  conn.on('error', (e: Error) => (lastError = e.message));
  try {
    await conn.connect();
    await conn.ping();
  } catch (e) {
    conn.disconnect();
    throw new RuntimeFailure(`cannot reach the Redis server at ${target.shown} (${lastError || (e as Error).message})`);
  }
  const worker = new Worker(QUEUE, PROCESSOR, {
    connection: conn,
    concurrency,
    useWorkerThreads: true,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, Math.round(lockMs / 2)),
    maxStalledCount: 2,
  });
  const started = new Map<string, number>();
  let down = false;
  worker.on('active', (job: Job) => {
    started.set(job.id!, Date.now());
    log(`started ${job.name} ${job.id} (attempt ${job.attemptsStarted})`);
  });
  worker.on('completed', (job: Job) => {
    const t = (Date.now() - (started.get(job.id!) ?? Date.now())) / 1000;
    started.delete(job.id!);
    log(`completed ${job.name} ${job.id} in ${t.toFixed(2)} s (attempt ${job.attemptsStarted})`);
  });
  worker.on('failed', (job: Job | undefined, err: Error) => {
    if (job) started.delete(job.id!);
    const text = failureText(err.message);
    const what = isRejection(err.message) ? `rejected job ${job?.id ?? '?'}: ${text.replace(/^\[PayloadError\] /, '')}` : `failed ${job?.name ?? 'job'} ${job?.id ?? '?'} (attempt ${job?.attemptsStarted ?? '?'}): ${text}`;
    log(what);
  });
  worker.on('stalled', (id: string) => log(`unit ${id} stalled (its worker was lost); back in the queue`));
  worker.on('error', (e: Error) => {
    if (!down) log(`lost the Redis server at ${target.shown} (${e.message}); reconnecting`);
    down = true;
  });
  conn.on('ready', () => {
    if (down) log(`reconnected to ${target.shown}`);
    down = false;
  });
  const sweep = housekeeping(conn, log);
  await worker.waitUntilReady();
  log(`chaosgrad worker: ${target.shown}, queue ${QUEUE}, concurrency ${concurrency}, lock ${lockMs} ms${o.modulesDir ? `, modules ${process.env.CHAOSGRAD_WORKER_MODULES}` : ''}`);
  return {
    worker,
    async close() {
      clearInterval(sweep.timer);
      await worker.close();
      await Promise.all(sweep.queues.map((q) => q.close()));
      await conn.quit().catch(() => conn.disconnect());
    },
  };
}

/**
 * Requests whose coordinator never came back (interrupted and not run again) leave their parent
 * job and finished units behind for an identical request to re-attach to. Every worker removes
 * those older than KEEP_SECONDS, at start and then hourly, so nothing stays for ever.
 */
function housekeeping(conn: Redis, log: (line: string) => void): { timer: NodeJS.Timeout; queues: Queue[] } {
  const requests = new Queue(REQUESTS, { connection: conn });
  const units = new Queue(QUEUE, { connection: conn });
  const run = async () => {
    let removed = 0;
    const cutoff = Date.now() - KEEP_SECONDS * 1000;
    for (const job of await requests.getJobs(['waiting-children', 'waiting', 'failed', 'completed'], 0, 999)) {
      if (job && job.timestamp < cutoff) await job.remove().then(() => removed++, () => {});
    }
    for (const state of ['completed', 'failed'] as const) removed += (await units.clean(KEEP_SECONDS * 1000, 1000, state)).length;
    if (removed > 0) log(`housekeeping: removed ${removed} jobs older than ${KEEP_SECONDS / 86400} days`);
  };
  const safe = () => void run().catch(() => {});
  safe();
  const timer = setInterval(safe, 3600_000);
  timer.unref();
  return { timer, queues: [requests, units] };
}

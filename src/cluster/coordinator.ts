import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FlowProducer, Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeFailure } from '../errors/index.js';
import type { ModuleRef, SystemSpec } from '../systems/index.js';
import type { TaskExecutor } from '../parallel/index.js';
import { decode, encode } from './codec.js';
import { rebuildFailure } from './failure.js';
import type { UnitJobData } from './payload.js';
import { kindOfTask } from './units.js';
import { connectionOptions, parseRedisUrl, type RedisTarget } from './url.js';

/** The queue every coordinator and worker of one Redis database shares: the units. */
export const QUEUE = 'chaosgrad-units';
/**
 * The flows' parent jobs, one per request. No worker takes jobs from this queue: a parent only
 * tracks its units (and fails when one fails), and the coordinator removes it with them at the end.
 */
export const REQUESTS = 'chaosgrad-requests';
const REQUEST_JOB = 'request';
/** jobs of an interrupted request stay this long for an identical request to re-attach; workers then remove them */
export const KEEP_SECONDS = 7 * 24 * 3600;

export interface ClusterOptions {
  /** redis://[user:password@]host[:port][/db] or rediss://… */
  url: string;
  /** how long Redis may stay unreachable before the request fails (default 10 s) */
  outageMs?: number;
  /** attempts of a unit before the request fails with its error (default 3) */
  attempts?: number;
  /** retry back-off base in ms, doubled per attempt (default 1000) */
  backoffMs?: number;
}

/** What the last request did on the cluster: its id, units and how often each unit was retried. */
export interface ClusterRunInfo {
  url: string;
  request: string;
  units: number;
  /** units whose results were already in Redis (an earlier identical request) */
  reused: number;
  /** per unit: times it was started again after a failure or a lost worker */
  retries: number[];
}

const VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Content hash of a request: the chaosgrad version and every unit's kind and payload. */
export function requestId(units: UnitJobData[]): string {
  return createHash('sha256').update(JSON.stringify([VERSION, units])).digest('hex').slice(0, 32);
}

/**
 * How a job names a user's model: by its file name, which each worker resolves inside its own
 * --modules DIR (deploy the model file there); never by a path of the coordinator's machine.
 */
function moduleName(ref: ModuleRef): { name: string; export: string } {
  if (!ref.url.startsWith('file:')) throw new RuntimeFailure(`model module ${ref.url}: only a file can be sent to workers (by its name, resolved in their modules directory)`);
  return { name: basename(fileURLToPath(ref.url)), export: ref.export };
}

/**
 * Runs runTasks' tasks as jobs of one BullMQ flow (a parent 'request' job whose children are the
 * units) and returns their results in unit order. Job ids are a hash of the request and the unit
 * index, so a duplicated or repeated request re-attaches to the same jobs instead of adding work.
 */
export class ClusterExecutor implements TaskExecutor {
  readonly label: string;
  /** every request this executor ran, in order */
  readonly runs: ClusterRunInfo[] = [];
  private lastError = '';
  private lastOk = Date.now();
  private heartbeat: NodeJS.Timeout | null = null;
  private outage: ((e: Error) => void)[] = [];
  private interrupted: (() => Promise<void>) | null = null;

  private constructor(
    private readonly target: RedisTarget,
    private readonly conn: Redis,
    private readonly queue: Queue,
    private readonly requests: Queue,
    private readonly flows: FlowProducer,
    private readonly events: QueueEvents,
    private readonly eventsConn: Redis,
    private readonly options: Required<Omit<ClusterOptions, 'url'>>,
  ) {
    this.label = `cluster ${target.shown}`;
  }

  /** Connects (failing within outageMs with one line naming the URL, never the password). */
  static async open(o: ClusterOptions, label = 'cluster URL'): Promise<ClusterExecutor> {
    const target = parseRedisUrl(o.url, label);
    const options = { outageMs: o.outageMs ?? 10_000, attempts: o.attempts ?? 3, backoffMs: o.backoffMs ?? 1000 };
    const conn = new Redis(connectionOptions(target, { lazyConnect: true }));
    let lastError = '';
    conn.on('error', (e: Error) => (lastError = e.message));
    try {
      await withTimeout(conn.connect().then(() => conn.ping()), options.outageMs, () => lastError || 'no answer');
    } catch (e) {
      conn.disconnect();
      throw new RuntimeFailure(`cannot reach the Redis server at ${target.shown} (${lastError || (e as Error).message})`);
    }
    // our own connections, so that close() can drop them even while the server is gone
    const eventsConn = new Redis(connectionOptions(target));
    const queue = new Queue(QUEUE, { connection: conn });
    const requests = new Queue(REQUESTS, { connection: conn });
    const flows = new FlowProducer({ connection: conn });
    const events = new QueueEvents(QUEUE, { connection: eventsConn });
    // one 'closing'/'completed:<id>' listener per waiting unit: many units are not a leak
    for (const e of [queue, events]) e.setMaxListeners(0);
    const ex = new ClusterExecutor(target, conn, queue, requests, flows, events, eventsConn, options);
    for (const emitter of [queue, requests, flows, events] as { on(ev: 'error', f: (e: Error) => void): unknown }[]) emitter.on('error', (e: Error) => (ex.lastError = e.message));
    for (const c of [conn, eventsConn]) c.on('error', (e: Error) => (ex.lastError = e.message));
    await withTimeout(events.waitUntilReady(), options.outageMs, () => ex.lastError || 'no answer').catch((e: Error) => {
      void ex.close();
      throw new RuntimeFailure(`cannot reach the Redis server at ${target.shown} (${e.message})`);
    });
    ex.watch();
    return ex;
  }

  /** A ping every second; no answer for outageMs fails whatever request is waiting. */
  private watch(): void {
    this.heartbeat = setInterval(() => {
      this.conn.ping().then(() => (this.lastOk = Date.now()), () => {});
      if (Date.now() - this.lastOk > this.options.outageMs) {
        const e = new RuntimeFailure(`lost the Redis server at ${this.target.shown}: no answer for ${Math.round(this.options.outageMs / 1000)} s${this.lastError ? ` (${this.lastError})` : ''}`);
        for (const f of this.outage.splice(0)) f(e);
      }
    }, 1000);
    this.heartbeat.unref();
  }

  async run<A, R>(tasks: { module: string; fn: string; arg: A }[], onProgress?: (done: number, total: number) => void): Promise<R[]> {
    let fail: (e: Error) => void = () => {};
    const lost = new Promise<never>((_, reject) => (fail = reject));
    this.outage.push(fail);
    try {
      return await Promise.race([this.request<A, R>(tasks, onProgress), lost]);
    } finally {
      this.outage = this.outage.filter((f) => f !== fail);
    }
  }

  private async request<A, R>(tasks: { module: string; fn: string; arg: A }[], onProgress?: (done: number, total: number) => void): Promise<R[]> {
    const units: UnitJobData[] = tasks.map((task) => {
      // a unit on a user's model comes wrapped (gradients/repeats.ts): the worker loads the model itself
      const t = task.fn === 'runWithModuleSystem' ? (task.arg as unknown as { module: string; fn: string; arg: unknown }) : task;
      const kind = kindOfTask(t.module, t.fn);
      if (kind === null) throw new RuntimeFailure(`${t.fn} is not a unit kind workers accept; it cannot run on ${this.label}`);
      // the system is rebuilt by the worker from spec; functions never travel
      const { system: _s, progress: _p, ...data } = t.arg as Record<string, unknown>;
      const spec = data.spec as SystemSpec | null;
      if (spec?.module) data.spec = { ...spec, module: moduleName(spec.module) };
      return { v: 1, kind, payload: encode(data) };
    });
    const request = requestId(units);
    const ids = units.map((_, i) => `${request}-${i}`);
    const reused = await this.prepare(request, ids);
    await this.flows.add({
      name: REQUEST_JOB,
      queueName: REQUESTS,
      data: { units: units.length },
      opts: { jobId: request, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } },
      children: units.map((data, i) => ({
        name: data.kind,
        queueName: QUEUE,
        data,
        opts: {
          jobId: ids[i],
          attempts: this.options.attempts,
          backoff: { type: 'exponential', delay: this.options.backoffMs },
          failParentOnFailure: true,
          removeOnComplete: { age: KEEP_SECONDS },
          removeOnFail: { age: KEEP_SECONDS },
        },
      })),
    });
    const results = await this.collect<R>(ids, onProgress);
    const retries = await Promise.all(ids.map(async (id) => Math.max(0, ((await this.queue.getJob(id))?.attemptsStarted ?? 1) - 1)));
    this.runs.push({ url: this.target.shown, request, units: units.length, reused, retries });
    // the results are merged by the caller: the request's jobs are done with
    await (await this.requests.getJob(request))?.remove().catch(() => {});
    return results;
  }

  /** An earlier identical request may have left jobs: keep finished units, clear failed ones. */
  private async prepare(request: string, ids: string[]): Promise<number> {
    let reused = 0;
    const parent = await this.requests.getJob(request);
    if (parent && (await parent.getState()) === 'failed') await parent.remove({ removeChildren: false });
    for (const id of ids) {
      const job = await this.queue.getJob(id);
      if (!job) continue;
      const state = await job.getState();
      if (state === 'completed') reused++;
      else if (state === 'failed') await job.remove();
    }
    return reused;
  }

  /** Results in unit order; progress from the workers' progress events and completions. */
  private collect<R>(ids: string[], onProgress?: (done: number, total: number) => void): Promise<R[]> {
    const index = new Map(ids.map((id, i) => [id, i]));
    const fraction = new Float64Array(ids.length);
    let done = 0;
    const report = () => onProgress?.(done + fraction.reduce((s, f) => s + f, 0), ids.length);
    const onProgressEvent = ({ jobId, data }: { jobId: string; data: unknown }) => {
      const i = index.get(jobId);
      if (i !== undefined && typeof data === 'number' && fraction[i] < 1) {
        fraction[i] = Math.min(0.999, data);
        report();
      }
    };
    this.events.on('progress', onProgressEvent);
    return new Promise<R[]>((resolve, reject) => {
      let settled = false;
      const finish = (e: Error | null, value?: R[]) => {
        if (settled) return;
        settled = true;
        this.events.off('progress', onProgressEvent);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        if (e) reject(e);
        else resolve(value!);
      };
      // the coordinator's own interruption: withdraw the units no worker has started
      const onSignal = (signal: NodeJS.Signals) => {
        void this.withdraw(ids).finally(() => process.kill(process.pid, signal));
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const results: R[] = new Array(ids.length);
      Promise.all(
        ids.map(async (id, i) => {
          const job = (await this.queue.getJob(id)) as Job;
          let text: unknown;
          try {
            text = await job.waitUntilFinished(this.events);
          } catch (e) {
            throw rebuildFailure((e as Error).message, i);
          }
          results[i] = decode(String(text)) as R;
          fraction[i] = 0;
          done++;
          report();
        }),
      ).then(() => finish(null, results), async (e: Error) => {
        await this.withdraw(ids);
        finish(e);
      });
    });
  }

  /** Removes the units still waiting (a failed or interrupted request); running ones finish and expire. */
  async withdraw(ids: string[]): Promise<number> {
    let removed = 0;
    for (const id of ids) {
      const job = await this.queue.getJob(id).catch(() => undefined);
      if (!job) continue;
      const state = await job.getState().catch(() => 'unknown');
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
        await job.remove().then(() => removed++, () => {});
      }
    }
    return removed;
  }

  /** What the runs did, for --json: totals, and the units that had to be started again. */
  summary(): { url: string; requests: number; units: number; reused: number; retries: number; retried: { request: string; unit: number; retries: number }[] } {
    const retried = this.runs.flatMap((r) => r.retries.flatMap((n, unit) => (n > 0 ? [{ request: r.request, unit, retries: n }] : [])));
    return {
      url: this.target.shown,
      requests: this.runs.length,
      units: this.runs.reduce((s, r) => s + r.units, 0),
      reused: this.runs.reduce((s, r) => s + r.reused, 0),
      retries: retried.reduce((s, r) => s + r.retries, 0),
      retried,
    };
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    // after an outage a graceful quit would wait for the server: drop the sockets instead
    const quick = Date.now() - this.lastOk > 1000;
    await Promise.all([this.events.close(), this.flows.close(), this.queue.close(), this.requests.close()].map((p) => (quick ? Promise.race([p, sleep(200)]) : p).catch(() => {})));
    for (const c of [this.conn, this.eventsConn]) {
      if (quick) c.disconnect();
      else await c.quit().catch(() => c.disconnect());
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function withTimeout<T>(p: Promise<T>, ms: number, why: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(why())), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e: Error) => (clearTimeout(t), reject(e)));
  });
}

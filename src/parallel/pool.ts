import type { MessagePartData } from '../errors/index.js';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { bundledOr } from './bundle.js';
import { currentExecutor } from './executor.js';
import { importModule } from './modules.js';

/**
 * Runs independent tasks on worker threads. A task names a module (file URL) and one of its
 * exported functions taking one structured-clonable argument; results come back in task order.
 * With one worker (or CHAOSGRAD_WORKERS=1) tasks run in this thread: same code, same bits.
 */
export interface Task<A> {
  module: string;
  fn: string;
  arg: A;
}

export function workerCount(tasks: number): number {
  const env = Number(process.env.CHAOSGRAD_WORKERS);
  const cores = Number.isInteger(env) && env > 0 ? env : availableParallelism();
  return Math.max(1, Math.min(cores, tasks));
}

export async function runTasks<A, R>(tasks: Task<A>[], onDone?: (done: number, total: number) => void): Promise<R[]> {
  const remote = currentExecutor();
  if (remote) return remote.run<A, R>(tasks, onDone);
  const nw = workerCount(tasks.length);
  const results: R[] = new Array(tasks.length);
  let done = 0;
  if (nw <= 1) {
    for (let i = 0; i < tasks.length; i++) {
      const mod = await importModule<Record<string, (a: A) => R | Promise<R>>>(tasks[i].module);
      results[i] = await mod[tasks[i].fn](tasks[i].arg);
      onDone?.(++done, tasks.length);
    }
    return results;
  }
  let next = 0;
  async function drive(): Promise<void> {
    const worker = takeWorker();
    let healthy = true;
    try {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await new Promise<R>((resolve, reject) => {
          const onMessage = (m: { ok: boolean; value?: R; error?: { name: string; message: string } }) => {
            cleanup();
            if (m.ok) resolve(m.value as R);
            else reject(rebuildError(m.error!));
          };
          const onError = (e: Error) => {
            // the thread itself died (not a task's own error, which arrives as a message)
            healthy = false;
            cleanup();
            reject(e);
          };
          const cleanup = () => {
            worker.off('message', onMessage);
            worker.off('error', onError);
          };
          worker.on('message', onMessage);
          worker.on('error', onError);
          worker.postMessage(tasks[i]);
        });
        onDone?.(++done, tasks.length);
      }
    } finally {
      if (healthy) releaseWorker(worker);
      else await worker.terminate();
    }
  }
  await Promise.all(Array.from({ length: nw }, drive));
  return results;
}

/**
 * Threads are kept between calls: a training loop calls runTasks every iteration, and starting
 * fresh threads (and re-importing the estimator's modules in them) cost ten times the work of a
 * small system's gradient. An idle thread is unref'd, so it never keeps the process alive.
 */
const idleWorkers: Worker[] = [];

/**
 * A thread starts from the bundled worker entry (dist/bundle/worker.js: the task modules as a few
 * chunks, ~0.3 s less CPU per thread than resolving and compiling ~170 modules) when the bundle
 * is current, else from worker.js; the same rule as the CLI launcher. Either way the thread runs
 * the same code, and test/cli/bundle.test.ts compares multi-worker runs byte for byte.
 */
export function workerEntry(): URL {
  return bundledOr(new URL('../../bundle/worker.js', import.meta.url), new URL('./worker.js', import.meta.url));
}

function takeWorker(): Worker {
  const worker = idleWorkers.pop() ?? new Worker(workerEntry());
  worker.ref();
  return worker;
}

function releaseWorker(worker: Worker): void {
  worker.unref();
  idleWorkers.push(worker);
}

/** Errors cross the thread boundary as plain data; keep their class so exit codes stay right. */
function rebuildError(e: { name: string; message: string; parts?: MessagePartData[] }): Error {
  return errorFactory(e.name, e.message, e.parts);
}

type ErrorFactory = (name: string, message: string, parts?: MessagePartData[]) => Error;
let errorFactory: ErrorFactory = (_n, m) => new Error(m);

export function setErrorFactory(f: ErrorFactory): void {
  errorFactory = f;
}

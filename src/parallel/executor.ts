import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where the tasks of runTasks run. By default on this machine's worker threads; a caller (the CLI's
 * `--cluster URL`) may run a piece of work with another executor, e.g. one that sends the same tasks
 * to remote workers. The executor is scoped to that piece of work (AsyncLocalStorage), not global,
 * so concurrent requests in one process cannot pick up each other's executor.
 *
 * An executor must return results in task order whatever order they finish in: the callers merge
 * them in that order, which is what makes the bits independent of where and when tasks ran.
 */
export interface TaskExecutor {
  /** a short name for messages ('cluster redis://host:6379') */
  readonly label: string;
  run<A, R>(tasks: { module: string; fn: string; arg: A }[], onProgress?: (done: number, total: number) => void): Promise<R[]>;
}

const current = new AsyncLocalStorage<TaskExecutor>();

/** Runs `work` with every runTasks call inside it (at any depth) going to `executor`. */
export function withExecutor<T>(executor: TaskExecutor, work: () => Promise<T>): Promise<T> {
  return current.run(executor, work);
}

/** The executor in force for this piece of work, or undefined for local worker threads. */
export function currentExecutor(): TaskExecutor | undefined {
  return current.getStore();
}

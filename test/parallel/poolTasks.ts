import { threadId } from 'node:worker_threads';

/** Tasks for the worker-pool test (kept out of the test file: a worker imports this module). */
export function whereAmI(arg: number): { thread: number; arg: number } {
  return { thread: threadId, arg };
}

export function fails(): never {
  throw new RangeError('task failed on purpose');
}

/** The call stack the worker runs a task under: it names the file of the worker's entry code. */
export function callerStack(): string {
  return new Error('where').stack ?? '';
}

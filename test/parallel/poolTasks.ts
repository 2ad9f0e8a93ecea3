import { threadId } from 'node:worker_threads';

/** Tasks for the worker-pool test (kept out of the test file: a worker imports this module). */
export function whereAmI(arg: number): { thread: number; arg: number } {
  return { thread: threadId, arg };
}

export function fails(): never {
  throw new RangeError('task failed on purpose');
}

import { parentPort } from 'node:worker_threads';
import { messageParts, partsToData } from '../errors/index.js';

/** Generic worker: imports the task's module and calls the named export with the argument. */
parentPort!.on('message', async (task: { module: string; fn: string; arg: unknown }) => {
  try {
    const mod = (await import(task.module)) as Record<string, (a: unknown) => unknown>;
    const fn = mod[task.fn];
    if (typeof fn !== 'function') throw new Error(`worker: ${task.module} has no function ${task.fn}`);
    parentPort!.postMessage({ ok: true, value: await fn(task.arg) });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ ok: false, error: { name: err.name, message: err.message, parts: partsToData(messageParts(err)) } });
  }
});

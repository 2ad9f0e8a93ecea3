import { parentPort } from 'node:worker_threads';
import { messageParts, partsToData } from '../errors/index.js';
import { importModule } from './modules.js';

/**
 * Generic worker: imports the task's module and calls the named export with the argument. Started
 * from the bundle (dist/bundle/worker.js registers the task modules' loaders first), importModule
 * reaches the bundle's instances; from the modules, or for a user's module, it is plain import().
 */
parentPort!.on('message', async (task: { module: string; fn: string; arg: unknown }) => {
  try {
    const mod = await importModule<Record<string, (a: unknown) => unknown>>(task.module);
    const fn = mod[task.fn];
    if (typeof fn !== 'function') throw new Error(`worker: ${task.module} has no function ${task.fn}`);
    parentPort!.postMessage({ ok: true, value: await fn(task.arg) });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ ok: false, error: { name: err.name, message: err.message, parts: partsToData(messageParts(err)) } });
  }
});

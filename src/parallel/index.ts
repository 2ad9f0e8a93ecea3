import { RuntimeFailure, UsageError, partsFromData } from '../errors/index.js';
import { setErrorFactory } from './pool.js';

// keep the error class across threads so a worker's usage error still exits 2, a blow-up 1
setErrorFactory((name, message, parts) => {
  const m = parts ? partsFromData(parts) : message;
  return name === 'UsageError' ? new UsageError(m) : name === 'RuntimeFailure' ? new RuntimeFailure(m) : new Error(message);
});

export { runTasks, workerCount, type Task } from './pool.js';
export { withExecutor, currentExecutor, type TaskExecutor } from './executor.js';
export { importModule, registerModuleLoaders } from './modules.js';

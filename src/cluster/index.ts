export { ClusterExecutor, QUEUE, requestId, type ClusterOptions, type ClusterRunInfo } from './coordinator.js';
export { startWorker, type RunningWorker, type WorkerOptions } from './worker.js';
export { parseRedisUrl, type RedisTarget } from './url.js';
export { encode, decode } from './codec.js';
export { validateUnit, resolveModuleName } from './payload.js';
export { UNIT_KINDS, kindOfTask } from './units.js';

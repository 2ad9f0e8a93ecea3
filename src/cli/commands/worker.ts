import { UsageError } from '../../errors/index.js';
import { num, str, type OptionValues } from '../args.js';
import type { Command } from '../command.js';

/** `chaosgrad worker`: runs cluster units until SIGINT/SIGTERM, then finishes the running ones. */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'run ensemble units from a Redis queue (BullMQ) for coordinators started with --cluster URL',
  usage: 'worker --redis URL [--concurrency N] [--modules DIR] [--lock-ms MS]',
  options: {
    redis: { type: 'string', value: 'URL', default: 'CHAOSGRAD_CLUSTER', description: 'the Redis server of the queue: redis://[user:password@]host[:port][/db] or rediss:// (TLS)' },
    concurrency: { type: 'string', kind: 'integer', min: 1, max: 256, value: 'N', default: 1, description: 'units run at once, each in its own sandbox thread (one per core is right for CPU-bound units)' },
    modules: { type: 'string', value: 'DIR', default: 'none', description: 'the only directory model modules named by jobs are loaded from (relative names, no "..")' },
    'lock-ms': { type: 'string', kind: 'integer', min: 500, value: 'MS', default: 30000, unit: 'ms', description: "lock of a running unit: a lost worker's unit is retried after about 1.5× this" },
  },
  system: false,
  maxPositionals: 0,
  async run(_positionals: string[], values: OptionValues) {
    const given = str(values, 'redis');
    const url = given ?? process.env.CHAOSGRAD_CLUSTER;
    if (url === undefined) throw new UsageError('missing --redis URL (redis://[user:password@]host[:port] or rediss://…)');
    const { startWorker } = await import('../../cluster/index.js');
    const running = await startWorker({
      url,
      label: given !== undefined ? '--redis' : 'CHAOSGRAD_CLUSTER',
      concurrency: num(values, 'concurrency', 1, { integer: true, min: 1, max: 256 }),
      modulesDir: str(values, 'modules') ?? null,
      lockMs: num(values, 'lock-ms', 30_000, { integer: true, min: 500 }),
    });
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    process.stderr.write(`chaosgrad worker: ${signal}: finishing the running units\n`);
    await running.close();
    return { json: { stopped: signal }, text: 'worker stopped' };
  },
};

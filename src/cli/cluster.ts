import { withExecutor } from '../parallel/index.js';
import { str, type OptionValues } from './args.js';
import type { Command, CommandOutput } from './command.js';
import type { OptionDecls } from './options.js';
import type { Progress } from './progress.js';

/** --cluster URL: the command becomes a coordinator and its ensemble units run on chaosgrad workers. */
export const CLUSTER_OPTIONS: OptionDecls = {
  cluster: {
    type: 'string',
    value: 'URL',
    group: 'command',
    default: 'CHAOSGRAD_CLUSTER, else local worker threads',
    description: 'run the ensemble units on chaosgrad workers via Redis (redis://[user:password@]host[:port][/db] or rediss://); same bits as a local run',
  },
};

/** The cluster URL of a command run and where it came from: --cluster, else CHAOSGRAD_CLUSTER, else none (local threads). */
export function clusterUrl(values: OptionValues): { url: string; label: string } | undefined {
  const given = str(values, 'cluster');
  if (given !== undefined) return { url: given, label: '--cluster' };
  const env = process.env.CHAOSGRAD_CLUSTER;
  return env === undefined || env === '' ? undefined : { url: env, label: 'CHAOSGRAD_CLUSTER' };
}

/**
 * Runs a command, on the cluster when it runs ensembles and a URL is given. The same units run
 * either way and merge in unit order, so the output is the same bits; --json gains a `cluster` key
 * (URL without password, request id, units, units reused, retries per unit).
 */
export async function runCommand(command: Command, positionals: string[], values: OptionValues, progress: Progress): Promise<CommandOutput> {
  const where = command.cluster ? clusterUrl(values) : undefined;
  if (where === undefined) return command.run(positionals, values, progress);
  // loaded only here: commands run without --cluster never load the queue client
  const { ClusterExecutor } = await import('../cluster/index.js');
  const executor = await ClusterExecutor.open({ url: where.url }, where.label);
  try {
    const out = await withExecutor(executor, () => Promise.resolve(command.run(positionals, values, progress)));
    const summary = executor.summary();
    if (summary.retries > 0) progress.note(`${executor.label}: ${summary.retries} unit start(s) repeated after failures or lost workers`);
    const json = out.json !== null && typeof out.json === 'object' && !Array.isArray(out.json) ? { ...(out.json as object), cluster: summary } : out.json;
    return { ...out, json };
  } finally {
    await executor.close();
  }
}

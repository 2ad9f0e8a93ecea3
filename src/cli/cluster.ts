import { ClusterExecutor } from '../cluster/index.js';
import { withExecutor } from '../parallel/index.js';
import { str, type OptionValues } from './args.js';
import type { Command, CommandOutput, ParseArgsOptions } from './command.js';
import type { Progress } from './progress.js';

/** --cluster URL: the command becomes a coordinator and its ensemble units run on chaosgrad workers. */
export const CLUSTER_OPTIONS = { cluster: { type: 'string' } } as const satisfies ParseArgsOptions;

/** The cluster URL of a command run: --cluster, else CHAOSGRAD_CLUSTER, else none (local threads). */
export function clusterUrl(values: OptionValues): string | undefined {
  const url = str(values, 'cluster') ?? process.env.CHAOSGRAD_CLUSTER;
  return url === undefined || url === '' ? undefined : url;
}

/**
 * Runs a command, on the cluster when it runs ensembles and a URL is given. The same units run
 * either way and merge in unit order, so the output is the same bits; --json gains a `cluster` key
 * (URL without password, request id, units, units reused, retries per unit).
 */
export async function runCommand(command: Command, positionals: string[], values: OptionValues, progress: Progress): Promise<CommandOutput> {
  const url = command.cluster ? clusterUrl(values) : undefined;
  if (url === undefined) return command.run(positionals, values, progress);
  const executor = await ClusterExecutor.open({ url });
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

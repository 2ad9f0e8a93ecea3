import { currentExecutor, importModule, runTasks } from '../parallel/index.js';
import { Rng } from '../random/index.js';
import { meanAndStderr } from '../stats/index.js';
import { createSystem, systemFromSpec, type DynamicalSystem, type SystemSpec } from '../systems/index.js';
import type { GradientCost, GradientRequest, Objective } from './types.js';

/**
 * Independent repetitions of one estimate (different initial states and noise), run on worker
 * threads where there are cores. The same seed gives the same bits whatever the number of workers,
 * because repetition i always draws from stream i of the run's seed.
 */
export interface RepeatArg<O> {
  /** rebuilt in a worker; when absent the run uses `system` in this thread */
  spec: SystemSpec | null;
  system?: DynamicalSystem;
  objective: Objective;
  params: readonly string[];
  seed: number;
  stream: number;
  options: O;
  /**
   * In-thread runs only (a single long orbit, say): reports the fraction of this repetition done,
   * so that a progress bar moves within it; repetitions on workers report when each finishes.
   */
  progress?: (fraction: number) => void;
}

export interface RepeatOutcome {
  value: number;
  /** gradient over the selected parameters */
  gradient: Float64Array;
  cost: Omit<GradientCost, 'seconds'>;
  diagnostics: Record<string, unknown>;
}

/** The system of a repetition and its own random stream. */
export function repeatContext<O>(arg: RepeatArg<O>): { system: DynamicalSystem; rng: Rng } {
  const system = arg.system ?? createSystem(arg.spec!.name, arg.spec!.options);
  return { system, rng: new Rng(arg.seed).split(arg.stream) };
}

/** A repetition whose system comes from a user's module: the worker loads it before running. */
interface ModuleTaskArg<O> {
  module: string;
  fn: string;
  arg: RepeatArg<O>;
}

/**
 * Worker entry for systems defined in a user's ES module: rebuilds the system from its spec
 * (module URL + export + options; import() caches the module per worker), then runs the task.
 */
export async function runWithModuleSystem<O>(t: ModuleTaskArg<O>): Promise<RepeatOutcome> {
  const system = await systemFromSpec(t.arg.spec!);
  const mod = await importModule<Record<string, (a: RepeatArg<O>) => RepeatOutcome | Promise<RepeatOutcome>>>(t.module);
  return mod[t.fn]({ ...t.arg, system });
}

/** Tasks for the worker pool; systems from user modules go through runWithModuleSystem. */
function poolTasks<O>(tasks: { module: string; fn: string; arg: RepeatArg<O> }[]): { module: string; fn: string; arg: unknown }[] {
  return tasks.map((t) => (t.arg.spec?.module ? { module: import.meta.url, fn: 'runWithModuleSystem', arg: t } : t));
}

/**
 * Runs `repeats` repetitions of the exported function `fn` of `module` (a file URL, usually
 * import.meta.url of the estimator) and returns their outcomes in order.
 */
export async function runRepeats<O>(module: string, fn: string, req: GradientRequest, options: O, repeats: number): Promise<RepeatOutcome[]> {
  const spec = req.system.spec;
  const inThread = spec === null || (repeats === 1 && currentExecutor() === undefined);
  const tasks = Array.from({ length: repeats }, (_, i) => ({
    module,
    fn,
    arg: {
      spec,
      system: inThread ? req.system : undefined,
      objective: req.objective,
      params: req.params,
      seed: req.seed,
      stream: i,
      options,
    } as RepeatArg<O>,
  }));
  if (inThread) {
    const mod = await importModule<Record<string, (a: RepeatArg<O>) => RepeatOutcome | Promise<RepeatOutcome>>>(module);
    const out: RepeatOutcome[] = [];
    for (const t of tasks) {
      const onProgress = req.onProgress;
      if (onProgress) t.arg.progress = (f) => onProgress(out.length + Math.min(1, f), repeats);
      out.push(await mod[fn](t.arg));
      req.onProgress?.(out.length, repeats);
    }
    return out;
  }
  return runTasks<unknown, RepeatOutcome>(poolTasks(tasks), req.onProgress);
}

/**
 * Like runRepeats, but each task gets its own options (e.g. a block of sample indices): for
 * estimators that split one estimate into blocks and merge the blocks' sums themselves.
 */
export async function runBlocks<O>(module: string, fn: string, req: GradientRequest, blockOptions: O[]): Promise<RepeatOutcome[]> {
  const spec = req.system.spec;
  const inThread = spec === null || (blockOptions.length === 1 && currentExecutor() === undefined);
  const tasks = blockOptions.map((options, i) => ({
    module,
    fn,
    arg: { spec, system: inThread ? req.system : undefined, objective: req.objective, params: req.params, seed: req.seed, stream: i, options } as RepeatArg<O>,
  }));
  if (inThread) {
    const mod = await importModule<Record<string, (a: RepeatArg<O>) => RepeatOutcome | Promise<RepeatOutcome>>>(module);
    const out: RepeatOutcome[] = [];
    for (const t of tasks) {
      out.push(await mod[fn](t.arg));
      req.onProgress?.(out.length, tasks.length);
    }
    return out;
  }
  return runTasks<unknown, RepeatOutcome>(poolTasks(tasks), req.onProgress);
}

/** Mean gradient and value over repetitions with standard errors (null for a single repetition). */
export function combineRepeats(outcomes: RepeatOutcome[]): {
  value: number;
  valueStderr: number | null;
  gradient: Float64Array;
  stderr: Float64Array | null;
  cost: Omit<GradientCost, 'seconds'>;
} {
  const g = meanAndStderr(outcomes.map((o) => o.gradient));
  const v = meanAndStderr(outcomes.map((o) => [o.value]));
  const single = outcomes.length < 2;
  const cost = { steps: 0, tangentSolves: 0, adjointSolves: 0 };
  for (const o of outcomes) {
    cost.steps += o.cost.steps;
    cost.tangentSolves += o.cost.tangentSolves;
    cost.adjointSolves += o.cost.adjointSolves;
  }
  return { value: v.mean[0], valueStderr: single ? null : v.stderr[0], gradient: g.mean, stderr: single ? null : g.stderr, cost };
}

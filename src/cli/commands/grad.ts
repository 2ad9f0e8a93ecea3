import { UsageError, unknownName } from '../../errors/index.js';
import type { GradientResult, Objective } from '../../gradients/index.js';
import { list, num, str, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import type { OptionDecls } from '../options.js';
import { fmt, table, warningBlock } from '../format.js';
import { METHODS } from '../methods/index.js';
import type { Progress } from '../progress.js';
import { seedFrom, systemFrom } from '../systemArgs.js';
import type { DynamicalSystem } from '../../systems/index.js';

/** Options choosing what is differentiated; shared by every command that estimates a gradient. */
export const OBJECTIVE_OPTIONS = {
  param: { type: 'string', value: 'NAME[,NAME…]', default: 'every scalar parameter', description: "parameters to differentiate with respect to (array ones by name: W, b)" },
  objective: { type: 'string', value: 'NAME', default: 'mean', description: "observable whose average or expectation is differentiated (see 'chaosgrad systems <name>')" },
  steps: { type: 'string', kind: 'integer', min: 1, value: 'T', unit: 'steps', default: 'depends on the method', description: 'long-time average over T steps' },
  transient: { type: 'string', kind: 'integer', min: 0, value: 'N', unit: 'steps', default: "the system's transient", description: 'steps discarded before averaging' },
  horizon: { type: 'string', kind: 'integer', min: 1, value: 'L', unit: 'steps', description: 'finite-horizon objective E[Φ(x_L)] instead of a long-time average' },
  samples: { type: 'string', kind: 'integer', min: 1, value: 'N', default: 1000, description: 'samples of the finite-horizon expectation (with --horizon)' },
} as const satisfies OptionDecls;

const OWN_OPTIONS: OptionDecls = { method: { type: 'string', value: 'M', choices: METHODS.map((m) => m.estimator.name), description: 'gradient method (required)' }, ...OBJECTIVE_OPTIONS };

function methodOptions(): OptionDecls {
  const all: OptionDecls = {};
  for (const m of METHODS) Object.assign(all, m.options);
  return all;
}

/** The objective from --objective/--steps/--transient or --horizon/--samples. */
export function objectiveFrom(values: OptionValues, system: DynamicalSystem, defaultSteps: number): Objective {
  const observable = str(values, 'objective') ?? 'mean';
  const horizon = num(values, 'horizon', undefined, { integer: true, min: 1 });
  if (horizon !== undefined) {
    if (values.steps !== undefined) throw new UsageError('give either --steps (long-time average) or --horizon (finite horizon), not both');
    return { kind: 'horizon', observable, horizon, samples: num(values, 'samples', 1000, { integer: true, min: 1 }) };
  }
  if (values.samples !== undefined) throw new UsageError('--samples goes with --horizon L (finite-horizon objective)');
  return {
    kind: 'average',
    observable,
    steps: num(values, 'steps', defaultSteps, { integer: true, min: 1 }),
    transient: num(values, 'transient', system.defaultTransient, { integer: true, min: 0 }),
  };
}

/** Parameters from --param (default: every scalar parameter). */
export function paramsFrom(values: OptionValues, system: DynamicalSystem): string[] {
  return list(values, 'param') ?? system.params.filter((p) => p.size === 1).map((p) => p.name);
}

/** JSON view of a result (the `grad` contract: method, params, objective, value, gradient, stderr, cost). */
export function resultJson(r: GradientResult, seed: number, noiseSigma = 0): Record<string, unknown> {
  return {
    noise: noiseSigma,
    method: r.method,
    system: r.system,
    params: r.params,
    labels: r.labels,
    objective: r.objective.observable,
    objectiveKind: r.objective.kind,
    ...(r.objective.kind === 'average' ? { steps: r.objective.steps, transient: r.objective.transient } : { horizon: r.objective.horizon, samples: r.objective.samples }),
    seed,
    value: r.value,
    valueStderr: r.valueStderr,
    gradient: r.gradient,
    stderr: r.stderr,
    cost: r.cost,
    diagnostics: r.diagnostics,
    warnings: r.warnings,
  };
}

export function resultText(r: GradientResult, noiseSigma = 0): string {
  const o = r.objective;
  const head = `${r.method} on ${r.system}: ${o.kind === 'average' ? `⟨${o.observable}⟩ over ${o.steps} steps` : `E[${o.observable}(x_${o.horizon})] over ${o.samples} samples`}` +
    ` = ${fmt(r.value)}${r.valueStderr !== null ? ` ± ${fmt(r.valueStderr, 2)}` : ''}` +
    (noiseSigma > 0 ? ` (noise σ = ${noiseSigma})` : '');
  const n = r.gradient.length;
  const shown = Math.min(n, 12);
  const rows = Array.from({ length: shown }, (_, i) => [r.labels[i], fmt(r.gradient[i]), r.stderr ? fmt(r.stderr[i], 2) : '-']);
  let norm = 0;
  for (const g of r.gradient) norm += g * g;
  const extra = n > shown ? `\n(${n - shown} more entries in --json; gradient norm ${fmt(Math.sqrt(norm))})` : '';
  const cost = `cost: ${r.cost.steps} steps, ${r.cost.tangentSolves} tangent and ${r.cost.adjointSolves} adjoint solves, ${r.cost.seconds.toFixed(2)} s`;
  return `${head}\n${table(['parameter', 'derivative', 'stderr'], rows)}${extra}\n${cost}${warningBlock(r.warnings)}`;
}

export const gradCommand: Command = {
  name: 'grad',
  summary: 'derivative of a long-time average or finite-horizon expectation with respect to parameters',
  usage: 'grad <system> --method M --param NAME[,NAME…] --objective NAME [--steps T [--transient N] | --horizon L --samples N] [method options]',
  get options() {
    return { ...OWN_OPTIONS, ...methodOptions() };
  },
  // one section per method, since methods share option names with different meanings
  helpSections() {
    return [{ title: 'options', options: OWN_OPTIONS }, ...METHODS.map((m) => ({ title: `method options (--method ${m.estimator.name})`, options: m.options }))];
  },
  system: true,
  cluster: true,
  maxPositionals: 1,
  async run(positionals: string[], values: OptionValues, progress: Progress) {
    const methodName = str(values, 'method');
    const names = METHODS.map((m) => m.estimator.name);
    if (methodName === undefined) throw new UsageError(`missing --method (valid: ${names.join(', ')})`);
    const adapter = METHODS.find((m) => m.estimator.name === methodName) ?? unknownName('method', methodName, names);
    // an option that belongs to another method is a mistake worth naming
    for (const m of METHODS) {
      if (m === adapter) continue;
      for (const key of Object.keys(m.options)) {
        if (values[key] !== undefined && !(key in adapter.options)) throw new UsageError(`--${key} does not apply to --method ${methodName} (it belongs to ${m.estimator.name})`);
      }
    }
    const { system } = await systemFrom(positionals[0], values);
    const seed = seedFrom(values);
    const params = paramsFrom(values, system);
    const base = { system, params, seed, onProgress: (d: number, t: number) => progress.update(methodName, d, t) };
    const defaultSteps = adapter.defaultSteps?.(base) ?? (system.dt !== null ? Math.round(100 / system.dt) : 10000);
    const objective = objectiveFrom(values, system, defaultSteps);
    const options = adapter.parse(values, base);
    const result = await adapter.estimator.estimate({ ...base, objective }, options);
    progress.done();
    return { json: resultJson(result, seed, system.noise?.sigma ?? 0), text: resultText(result, system.noise?.sigma ?? 0) };
  },
};

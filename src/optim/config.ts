import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { UsageError, withContext } from '../errors/index.js';
import { checkMethodOptions, estimatorNames, getEstimator, selectParams } from '../gradients/index.js';
import { SYSTEM_NAMES, createSystem, findObservable, loadSystem, moduleRef, type DynamicalSystem, type ModuleRef, type SystemOptions, type SystemSpec, type WeightArrays } from '../systems/index.js';
import { array, fail, join, number, oneOf, onlyKeys, shown, string, table, type Table } from './configFields.js';
import type { LossTerm, ObjectiveSettings } from './loss.js';
import { forcingSection, type ForcingConfig } from './forcing/config.js';
import { OPTIMIZER_NAMES, type OptimizerConfig } from './optimisers.js';
import { SCHEDULE_KINDS, type Schedule } from './schedules.js';

/** A validated training configuration: plain JSON data (checkpoints store it to detect edits). */
export interface TrainConfig {
  /** a built-in name, or a user's model (module: ES module URL and export) — see SystemSpec */
  readonly system: SystemSpec;
  /** names of the trained parameters (arrays are trained entry by entry) */
  readonly params: readonly string[];
  readonly loss: readonly LossTerm[];
  readonly estimator: {
    readonly method: string;
    /** passed to the estimator as they are */
    readonly options: Record<string, unknown>;
    readonly objective: ObjectiveSettings;
  };
  readonly optimizer: OptimizerConfig;
  readonly ema: { readonly beta: number };
  readonly iterations: number;
  readonly seed: number;
  readonly evaluation: {
    /** loss evaluation length; default: the estimator's steps (average) or samples (horizon) */
    readonly steps?: number;
    readonly transient?: number;
    readonly samples?: number;
    readonly batches?: number;
    /** also evaluate the loss at the EMA weights every this many iterations (0: only at the end) */
    readonly emaEvery: number;
  };
  /** output directory (log.jsonl, checkpoint.json); null: keep everything in memory */
  readonly out: string | null;
  /**
   * Teacher forcing on an observed series instead of a statistics loss (then `loss` is empty and
   * `estimator` names the forcing gradient, exact BPTT through the segments) — or, with
   * forcing.statisticsWeight, in addition to it (the combined objective: `loss` and `estimator`
   * give the statistics term).
   */
  readonly forcing?: ForcingConfig;
}

/** The estimator entry of a teacher-forcing config: the gradient is the forced loss's own BPTT. */
export const FORCING_METHOD = 'teacher-forcing';

const TOP = ['system', 'params', 'loss', 'estimator', 'optimizer', 'ema', 'iterations', 'seed', 'evaluation', 'out', 'forcing'] as const;
const SYSTEM_KEYS = ['name', 'module', 'set', 'dim', 'dt', 'noise', 'kernel', 'noiseDirections', 'weights', 'netSeed'];
const OPTIMIZER_KEYS: Record<string, string[]> = {
  sgd: ['name', 'lr', 'schedule'],
  momentum: ['name', 'lr', 'beta', 'schedule'],
  adam: ['name', 'lr', 'beta1', 'beta2', 'eps', 'schedule'],
};
const SCHEDULE_KEYS: Record<string, string[]> = {
  constant: ['kind', 'warmup'],
  step: ['kind', 'warmup', 'every', 'factor'],
  cosine: ['kind', 'warmup', 'total', 'min'],
  'inverse-time': ['kind', 'warmup', 'tau'],
};

/** Reads a JSON or (by extension .toml) TOML configuration file and validates it. */
export async function loadTrainConfig(file: string): Promise<TrainConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read config '${file}'${code === 'ENOENT' ? ': no such file' : `: ${code ?? (e as Error).message}`}`);
  }
  const toml = extname(file).toLowerCase() === '.toml';
  let raw: unknown;
  try {
    raw = toml ? (await tomlParser()).parse(text) : JSON.parse(text);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`config '${file}' is not valid ${toml ? 'TOML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
  const baseDir = dirname(resolve(file));
  // a user's model (system.module) is loaded here, so the names in the config are checked against it
  const t = raw as { system?: { module?: unknown } } | null;
  const mod = t !== null && typeof t === 'object' && t.system !== null && typeof t.system === 'object' ? t.system.module : undefined;
  if (mod === undefined) return parseTrainConfig(raw, { baseDir });
  const probe = parseTrainConfig(raw, { baseDir, deferSystem: true });
  const system = await withPrefixAsync('system.module', () => loadSystem(probe.system.module!, probe.system.options));
  return parseTrainConfig(raw, { baseDir, system });
}

/** `FILE[#export]` relative to the config's directory. */
function configModuleRef(raw: unknown, base: string): ModuleRef {
  if (typeof raw !== 'string' || raw === '') fail('system.module', `must be a file path of an ES module, optionally with #export (got ${shown(raw)})`);
  const hash = raw.lastIndexOf('#');
  const file = hash > 0 ? raw.slice(0, hash) : raw;
  return moduleRef(/^[a-z][a-z0-9+.-]*:/i.test(file) ? file : resolve(base, file), hash > 0 ? raw.slice(hash + 1) : 'default');
}

async function withPrefixAsync<T>(path: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof UsageError && !e.message.startsWith('config:')) throw withContext(`config: ${path}: `, e);
    throw e;
  }
}

// a module name in a variable: TOML support is optional and the build does not need the package
const TOML_PACKAGE = 'smol-toml';
async function tomlParser(): Promise<{ parse(text: string): unknown }> {
  try {
    return (await import(TOML_PACKAGE)) as { parse(text: string): unknown };
  } catch {
    throw new UsageError(`TOML configs need the '${TOML_PACKAGE}' package (npm install ${TOML_PACKAGE}); or write the config as JSON`);
  }
}

/** How parseTrainConfig finds the system its names are checked against. */
export interface ParseConfigOptions {
  /** file references (weights, noise directions, system.module) are relative to it */
  baseDir?: string;
  /**
   * The system as a value (a user's model, say): the config's `system` table may then be omitted
   * (its options, when given, must be the ones this system was built with).
   */
  system?: DynamicalSystem;
  /** internal: parse without building the system (loadTrainConfig loads a module first) */
  deferSystem?: boolean;
}

/**
 * Validates a parsed configuration. File references (weights, noise directions) are read relative
 * to `baseDir`; names (parameters, observables) are checked against the system it builds.
 */
export function parseTrainConfig(raw: unknown, opts: ParseConfigOptions = {}): TrainConfig {
  const base = opts.baseDir ?? process.cwd();
  const t = table(raw, '(top level)');
  onlyKeys(t, '', TOP);
  const spec: SystemSpec = t.system === undefined && opts.system
    ? opts.system.spec ?? { name: opts.system.name, options: {} }
    : systemSection(table(t.system ?? fail('system', 'is missing: give a table with at least name (or module)'), 'system'), base, opts.system);
  const system: DynamicalSystem | null = opts.system ?? (opts.deferSystem ? null : withPrefix('system', () => createSystem(spec.name, spec.options)));
  const params = array(t, 'params', '').map((p, i) => (typeof p === 'string' && p !== '' ? p : fail(`params[${i}]`, `must be a parameter name (got ${shown(p)})`)));
  if (system) withPrefix('params', () => selectParams(system, params));
  const forcing = t.forcing === undefined ? undefined : forcingSection(t.forcing, base);
  // teacher forcing alone has no statistics loss; the combined objective (forcing.statisticsWeight) has both
  const forcingOnly = forcing !== undefined && forcing.statisticsWeight === undefined;
  const combine = ' (or give forcing.statisticsWeight to add a statistics loss to the forcing loss)';
  if (forcingOnly && t.loss !== undefined) fail('loss', `goes with a statistics loss: teacher forcing (forcing) has its own loss, the one-step errors along forced segments${combine}`);
  if (forcingOnly && t.estimator !== undefined) fail('estimator', `goes with a statistics loss: teacher forcing (forcing) differentiates its segments by exact BPTT${combine}`);
  const loss = forcingOnly ? [] : array(t, 'loss', '').map((v, i) => lossTerm(v, `loss[${i}]`, system));
  const iterations = number(t, 'iterations', '', { integer: true, positive: true, required: true });
  const estimator = forcingOnly
    ? { method: FORCING_METHOD, options: {}, objective: { kind: 'average' as const, steps: forcing.segment } }
    : estimatorSection(table(t.estimator ?? fail('estimator', 'is missing: give method and steps (or horizon)'), 'estimator'));
  const optimizer = optimizerSection(table(t.optimizer ?? fail('optimizer', "is missing: give name and lr, e.g. { name: 'adam', lr: 0.01 }"), 'optimizer'), iterations);
  const ema = emaSection(t.ema);
  const evaluation = evaluationSection(t.evaluation === undefined ? {} : table(t.evaluation, 'evaluation'));
  if (estimator.objective.kind === 'average' && evaluation.samples !== undefined) fail('evaluation.samples', 'goes with a finite-horizon estimator (estimator.horizon); give evaluation.steps');
  if (estimator.objective.kind === 'horizon' && (evaluation.steps ?? evaluation.transient) !== undefined) fail('evaluation.steps', 'goes with a long-time average (estimator.steps); give evaluation.samples');
  return {
    system: spec,
    params,
    loss,
    estimator,
    optimizer,
    ema,
    iterations,
    seed: number(t, 'seed', '', { integer: true, nonNegative: true }) ?? 0,
    evaluation,
    out: string(t, 'out', '') ?? null,
    ...(forcing && { forcing }),
  };
}

/** Runs `f`, turning its usage errors into config errors naming `path`. */
function withPrefix<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UsageError && !e.message.startsWith('config:')) throw withContext(`config: ${path}: `, e);
    throw e;
  }
}

function systemSection(s: Table, base: string, given?: DynamicalSystem): SystemSpec {
  onlyKeys(s, 'system', SYSTEM_KEYS);
  const module = s.module === undefined ? undefined : configModuleRef(s.module, base);
  if (module && s.name !== undefined) fail('system.name', 'and system.module exclude each other: a built-in name, or a module of your own');
  const name = module ? (given?.name ?? 'module') : oneOf(s, 'name', 'system', SYSTEM_NAMES, true);
  const options: { -readonly [K in keyof SystemOptions]: SystemOptions[K] } = {};
  if (s.set !== undefined) {
    const set = table(s.set, 'system.set');
    options.set = {};
    for (const k of Object.keys(set)) options.set[k] = number(set, k, 'system.set', { required: true });
  }
  options.dim = number(s, 'dim', 'system', { integer: true, positive: true });
  options.dt = number(s, 'dt', 'system', { positive: true });
  options.noise = number(s, 'noise', 'system', { nonNegative: true });
  options.netSeed = number(s, 'netSeed', 'system', { integer: true, nonNegative: true });
  options.kernel = string(s, 'kernel', 'system');
  const dirs = s.noiseDirections;
  if (dirs !== undefined) {
    if (dirs === 'ones' || dirs === 'isotropic') options.noiseDirections = dirs;
    else if (Array.isArray(dirs)) options.noiseDirections = dirs as number[][];
    else if (typeof dirs === 'string') {
      const data = readJson(resolve(base, dirs), 'system.noiseDirections');
      const rows = Array.isArray(data) ? data : (data as { B?: unknown } | null)?.B;
      if (!Array.isArray(rows)) fail('system.noiseDirections', `file '${dirs}' must hold an n×r nested array (or {"B": …})`);
      options.noiseDirections = rows as number[][];
    } else fail('system.noiseDirections', `must be 'isotropic', 'ones', a matrix or a JSON file path (got ${shown(dirs)})`);
  }
  if (s.weights !== undefined) {
    const w = typeof s.weights === 'string' ? readJson(resolve(base, s.weights), 'system.weights') : s.weights;
    if (w === null || typeof w !== 'object' || Array.isArray(w)) fail('system.weights', `must be an object of arrays by parameter name, or a JSON file holding one (got ${shown(w)})`);
    options.weights = w as WeightArrays;
  }
  for (const k of Object.keys(options) as (keyof SystemOptions)[]) if (options[k] === undefined) delete options[k];
  return module ? { name, options, module } : { name, options };
}

function readJson(path: string, field: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail(field, `file '${path}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(field, `file '${path}' is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

function lossTerm(v: unknown, path: string, system: DynamicalSystem | null): LossTerm {
  const t = table(v, path);
  onlyKeys(t, path, ['observable', 'power', 'target', 'weight']);
  const observable = string(t, 'observable', path, true);
  if (system) withPrefix(join(path, 'observable'), () => findObservable(system, observable));
  const power = number(t, 'power', path, { integer: true, positive: true });
  const weight = number(t, 'weight', path, { nonNegative: true });
  const term: LossTerm = { observable, target: number(t, 'target', path, { required: true }) };
  return { ...term, ...(power !== undefined && { power }), ...(weight !== undefined && { weight }) };
}

function estimatorSection(e: Table): TrainConfig['estimator'] {
  onlyKeys(e, 'estimator', ['method', 'options', 'steps', 'transient', 'horizon', 'samples']);
  const method = string(e, 'method', 'estimator', true);
  // a plain copy: TOML tables have no prototype, and the options travel to workers and checkpoints
  const options = e.options === undefined ? {} : (JSON.parse(JSON.stringify(table(e.options, 'estimator.options'))) as Record<string, unknown>);
  // unknown keys are refused here, before any run (an unknown method is named by train)
  if (estimatorNames().includes(method)) withPrefix('estimator.options', () => checkMethodOptions(getEstimator(method), options));
  const steps = number(e, 'steps', 'estimator', { integer: true, positive: true });
  const transient = number(e, 'transient', 'estimator', { integer: true, nonNegative: true });
  const horizon = number(e, 'horizon', 'estimator', { integer: true, positive: true });
  const samples = number(e, 'samples', 'estimator', { integer: true, positive: true });
  let objective: ObjectiveSettings;
  if (horizon !== undefined) {
    if (steps !== undefined || transient !== undefined) fail('estimator.horizon', 'and estimator.steps/transient exclude each other: give a long-time average (steps) or a finite horizon (horizon, samples)');
    objective = { kind: 'horizon', horizon, samples: samples ?? 1000 };
  } else {
    if (samples !== undefined) fail('estimator.samples', 'goes with estimator.horizon (finite-horizon objective)');
    if (steps === undefined) fail('estimator.steps', 'is missing: give steps (long-time average) or horizon (finite horizon)');
    objective = transient === undefined ? { kind: 'average', steps } : { kind: 'average', steps, transient };
  }
  return { method, options, objective };
}

function optimizerSection(o: Table, iterations: number): OptimizerConfig {
  const name = oneOf(o, 'name', 'optimizer', OPTIMIZER_NAMES, true);
  onlyKeys(o, 'optimizer', OPTIMIZER_KEYS[name]);
  const lr = number(o, 'lr', 'optimizer', { positive: true, required: true });
  const schedule = o.schedule === undefined ? undefined : scheduleSection(o.schedule, iterations);
  const extra: Record<string, number> = {};
  for (const k of ['beta', 'beta1', 'beta2']) {
    const v = number(o, k, 'optimizer', { unitInterval: true });
    if (v !== undefined) extra[k] = v;
  }
  const eps = number(o, 'eps', 'optimizer', { positive: true });
  if (eps !== undefined) extra.eps = eps;
  return { name, lr, ...(schedule && { schedule }), ...extra } as OptimizerConfig;
}

function scheduleSection(v: unknown, iterations: number): Schedule {
  const path = 'optimizer.schedule';
  const s = typeof v === 'string' ? { kind: v } : table(v, path);
  const kind = oneOf(s, 'kind', path, SCHEDULE_KINDS, true);
  onlyKeys(s, path, SCHEDULE_KEYS[kind]);
  const warmup = number(s, 'warmup', path, { integer: true, nonNegative: true });
  const w = warmup ? { warmup } : {};
  switch (kind) {
    case 'constant':
      return { kind, ...w };
    case 'step':
      return { kind, every: number(s, 'every', path, { integer: true, positive: true, required: true }), factor: number(s, 'factor', path, { positive: true, required: true }), ...w };
    case 'cosine': {
      const min = number(s, 'min', path, { nonNegative: true });
      // the default horizon is the run's length, so the rate reaches its minimum at the last update
      return { kind, total: number(s, 'total', path, { integer: true, positive: true }) ?? iterations, ...(min !== undefined && { min }), ...w };
    }
    case 'inverse-time':
      return { kind, tau: number(s, 'tau', path, { positive: true, required: true }), ...w };
  }
}

function emaSection(v: unknown): { beta: number } {
  if (v === undefined) return { beta: 0.9 };
  if (typeof v === 'number') return { beta: number({ ema: v }, 'ema', '', { unitInterval: true })! };
  const e = table(v, 'ema');
  onlyKeys(e, 'ema', ['beta']);
  return { beta: number(e, 'beta', 'ema', { unitInterval: true, required: true }) };
}

function evaluationSection(e: Table): TrainConfig['evaluation'] {
  onlyKeys(e, 'evaluation', ['steps', 'transient', 'samples', 'batches', 'emaEvery']);
  const out: { -readonly [K in keyof TrainConfig['evaluation']]: TrainConfig['evaluation'][K] } = {
    emaEvery: number(e, 'emaEvery', 'evaluation', { integer: true, nonNegative: true }) ?? 0,
  };
  const steps = number(e, 'steps', 'evaluation', { integer: true, positive: true });
  const transient = number(e, 'transient', 'evaluation', { integer: true, nonNegative: true });
  const samples = number(e, 'samples', 'evaluation', { integer: true, positive: true });
  const batches = number(e, 'batches', 'evaluation', { integer: true, positive: true });
  if (batches !== undefined && batches < 2) fail('evaluation.batches', `must be at least 2 (got ${batches})`);
  if (steps !== undefined) out.steps = steps;
  if (transient !== undefined) out.transient = transient;
  if (samples !== undefined) out.samples = samples;
  if (batches !== undefined) out.batches = batches;
  return out;
}

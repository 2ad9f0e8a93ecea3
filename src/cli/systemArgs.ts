import { UsageError } from '../errors/index.js';
import { checkRnnWeights, createSystem, type DynamicalSystem, type RnnWeights, type SystemOptions } from '../systems/index.js';
import type { OptionDecls } from './options.js';
import { num, parseNumber, readJsonFile, str, writeTextFile, type OptionValues } from './args.js';

/** Options every command that builds a system accepts (the CLI contract). */
export const SYSTEM_OPTIONS = {
  set: { type: 'string', multiple: true, group: 'system', value: 'name=value', description: "set a scalar parameter of the system (see 'chaosgrad systems <name>')" },
  seed: { type: 'string', group: 'system', kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, default: 0, description: 'seed of every random draw of the run (initial state, noise, repetitions)' },
  noise: { type: 'string', group: 'system', kind: 'number', min: 0, value: 'σ', default: 'none (deterministic)', description: 'standard deviation of additive noise per step' },
  kernel: { type: 'string', group: 'system', value: 'K', default: 'gaussian', description: 'noise distribution: gaussian, logistic or student:ν' },
  'noise-dirs': { type: 'string', group: 'system', value: 'ones|isotropic|FILE', default: 'isotropic', description: 'directions the noise enters: one per coordinate, all-ones, or an n×r JSON matrix' },
  dt: { type: 'string', group: 'system', kind: 'number', above: 0, value: 'h', unit: 'time units', default: "the system's step", description: 'RK4 step of a flow (flows only)' },
  dim: { type: 'string', group: 'system', kind: 'integer', min: 1, value: 'n', default: "the system's size", description: 'dimension of a sized system (lorenz96, linear, rnn)' },
  weights: { type: 'string', group: 'system', value: 'FILE', description: 'rnn weights from a JSON file {"W": n×n, "b": n}' },
  'weights-out': { type: 'string', group: 'output', value: 'FILE', description: 'write the rnn weights used to a JSON file' },
  'net-seed': { type: 'string', group: 'system', kind: 'integer', min: 0, default: 1, description: 'seed of the random rnn weights W ~ N(0, 1/n)' },
} as const satisfies OptionDecls;

export const COMMON_OPTIONS = {
  json: { type: 'boolean', group: 'output', description: 'print one JSON object on stdout instead of text' },
  help: { type: 'boolean', short: 'h', group: 'output', description: 'print this help and exit' },
  progress: { type: 'boolean', group: 'output', default: 'on when stderr is a terminal and no --json', description: 'show progress on stderr (phase, fraction, elapsed, ETA)' },
} as const satisfies OptionDecls;

/** Parses repeated `--set name=value` into a record. */
export function parseSets(raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const items = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  for (const item of items) {
    const m = typeof item === 'string' ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(item) : null;
    if (!m) throw new UsageError(`malformed --set '${String(item)}' (expected name=value, e.g. --set rho=28)`);
    out[m[1]] = parseNumber(`--set ${m[1]}`, m[2]);
  }
  return out;
}

/** System options from parsed CLI values (files read and validated here). */
export function systemOptionsFrom(values: OptionValues): SystemOptions {
  const o: SystemOptions = { set: parseSets(values.set) };
  o.noise = num(values, 'noise', undefined, { min: 0 });
  o.dt = num(values, 'dt', undefined, { above: 0 });
  o.dim = num(values, 'dim', undefined, { integer: true, min: 1 });
  o.netSeed = num(values, 'net-seed', undefined, { integer: true, min: 0 });
  o.kernel = str(values, 'kernel');
  const dirs = str(values, 'noise-dirs');
  if (dirs !== undefined) {
    if (dirs === 'ones' || dirs === 'isotropic') o.noiseDirections = dirs;
    else {
      const data = readJsonFile('noise directions file', dirs) as unknown;
      const rows = Array.isArray(data) ? data : (data as { B?: unknown } | null)?.B;
      if (!Array.isArray(rows)) throw new UsageError(`noise directions file '${dirs}' must hold an n×r nested array (or {"B": …})`);
      o.noiseDirections = rows as number[][];
    }
  }
  const weights = str(values, 'weights');
  if (weights !== undefined) {
    const data = readJsonFile('weights file', weights);
    try {
      checkRnnWeights(data);
    } catch (e) {
      throw new UsageError(`weights file '${weights}': ${(e as Error).message.replace(/^weights:\s*/, '')}`);
    }
    o.weights = data as RnnWeights;
  }
  return o;
}

/** The run's seed (default 0): every random draw of a command derives from it. */
export function seedFrom(values: OptionValues): number {
  return num(values, 'seed', 0, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
}

/** Builds the system of a command and honours --weights-out. */
export function systemFrom(name: string | undefined, values: OptionValues): { system: DynamicalSystem; options: SystemOptions } {
  if (name === undefined) throw new UsageError('missing <system> argument (see `chaosgrad systems`)');
  const options = systemOptionsFrom(values);
  const system = createSystem(name, options);
  const out = str(values, 'weights-out');
  if (out !== undefined) {
    if (system.name !== 'rnn') throw new UsageError('--weights-out applies to rnn only');
    const n = system.dim;
    const W = system.p.subarray(1, 1 + n * n);
    const json = { W: Array.from({ length: n }, (_, i) => Array.from(W.subarray(i * n, (i + 1) * n))), b: Array.from(system.p.subarray(1 + n * n)) };
    writeTextFile('weights file', out, JSON.stringify(json));
  }
  return { system, options };
}

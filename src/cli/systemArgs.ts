import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors/index.js';
import { createSystem, decodeSafetensors, encodeSafetensors, loadSystem, moduleRef, tensorsToWeights, weightsOf, weightsToTensors, type DynamicalSystem, type ModuleRef, type SystemOptions, type WeightArrays } from '../systems/index.js';
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
  'system-module': { type: 'string', group: 'system', value: 'FILE[#export]', description: 'a model of your own: an ES module exporting what defineSystem returns (default export, or #name); replaces the <system> argument' },
  weights: { type: 'string', group: 'system', value: 'FILE', description: 'array-valued parameters by name from JSON ({"W": rows, "b": [...]}) or .safetensors (F64/F32)' },
  'weights-out': { type: 'string', group: 'output', value: 'FILE', description: 'write the array-valued parameters used (JSON, or .safetensors by extension)' },
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
  if (weights !== undefined) o.weights = readWeightsFile(weights);
  return o;
}

/** The run's seed (default 0): every random draw of a command derives from it. */
export function seedFrom(values: OptionValues): number {
  return num(values, 'seed', 0, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
}

/** Builds the system of a command (a built-in name, or --system-module FILE[#export]) and honours --weights-out. */
export async function systemFrom(name: string | undefined, values: OptionValues): Promise<{ system: DynamicalSystem; options: SystemOptions }> {
  const mod = str(values, 'system-module');
  if (mod !== undefined && name !== undefined) throw new UsageError(`give either a <system> name ('${name}') or --system-module, not both`);
  if (mod === undefined && name === undefined) throw new UsageError('missing <system> argument (see `chaosgrad systems`), or --system-module FILE[#export]');
  const options = systemOptionsFrom(values);
  const weightsFile = str(values, 'weights');
  let system: DynamicalSystem;
  try {
    system = mod !== undefined ? await loadSystem(moduleRefFrom(mod), options) : createSystem(name!, options);
  } catch (e) {
    // shape errors name the tensor; say which file they come from
    if (weightsFile !== undefined && e instanceof UsageError && e.message.startsWith('weights: ')) {
      throw new UsageError(`weights file '${weightsFile}': ${e.message.slice('weights: '.length)}`);
    }
    throw e;
  }
  const out = str(values, 'weights-out');
  if (out !== undefined) writeWeightsFile(out, system);
  return { system, options };
}

/** `FILE[#export]` → a module reference (relative paths from the working directory). */
export function moduleRefFrom(raw: string): ModuleRef {
  const hash = raw.lastIndexOf('#');
  const file = hash > 0 ? raw.slice(0, hash) : raw;
  const name = hash > 0 ? raw.slice(hash + 1) : 'default';
  if (name === '') throw new UsageError(`--system-module '${raw}': empty export name after '#'`);
  if (!existsSync(file)) throw new UsageError(`--system-module '${file}': no such file`);
  return moduleRef(file, name);
}

/** Reads array-valued parameters from JSON or .safetensors. */
export function readWeightsFile(file: string): WeightArrays {
  if (file.endsWith('.safetensors')) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new UsageError(`cannot read weights file '${file}'${(e as NodeJS.ErrnoException).code === 'ENOENT' ? ': no such file' : `: ${(e as Error).message}`}`);
    }
    try {
      return tensorsToWeights(decodeSafetensors(bytes));
    } catch (e) {
      throw new UsageError(`weights file '${file}': ${(e as Error).message}`);
    }
  }
  const data = readJsonFile('weights file', file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`weights file '${file}' must hold a JSON object of arrays by parameter name, e.g. {"W": n×n nested array, "b": n array}`);
  }
  return data as WeightArrays;
}

/** Writes the system's array-valued parameters (JSON, or safetensors F64 by extension). */
function writeWeightsFile(file: string, system: DynamicalSystem): void {
  const w = weightsOf(system);
  if (Object.keys(w).length === 0) throw new UsageError(`--weights-out: ${system.name} has no array-valued parameters`);
  if (file.endsWith('.safetensors')) {
    try {
      writeFileSync(file, encodeSafetensors(weightsToTensors(w)));
    } catch (e) {
      throw new UsageError(`cannot write weights file '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else writeTextFile('weights file', file, JSON.stringify(w));
}

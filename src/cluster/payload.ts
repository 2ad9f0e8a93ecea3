import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveObjective } from '../gradients/objective.js';
import { selectParams } from '../gradients/params.js';
import type { RepeatArg } from '../gradients/repeats.js';
import type { Objective } from '../gradients/index.js';
import { SYSTEM_NAMES, createSystem, systemFromSpec, type DynamicalSystem, type SystemSpec } from '../systems/index.js';
import { CodecError, decode } from './codec.js';
import { PayloadError, checkObject, opt, type Rule, type Schema } from './fields.js';
import { UNIT_KINDS, type UnitKind } from './units.js';

/** What a job carries: a unit kind from the whitelist and its argument as codec text. */
export interface UnitJobData {
  v: 1;
  kind: string;
  payload: string;
}

/** a unit's argument is a few numbers and names (rnn weights at most): refuse anything huge */
export const MAX_PAYLOAD_CHARS = 64 * 2 ** 20;

const TERMS: Rule = { arrayOf: { observable: 'string', weight: 'finite', power: opt('finite') } };
const OBJECTIVE: Rule = {
  oneOf: [
    { object: { kind: { enum: ['average'] }, observable: 'string', terms: opt(TERMS), steps: 'int>=1', transient: opt('int>=0') } },
    { object: { kind: { enum: ['horizon'] }, observable: 'string', terms: opt(TERMS), horizon: 'int>=1', samples: 'int>=1' } },
  ],
};
const SYSTEM_OPTIONS: Schema = {
  set: opt({ record: 'finite' }),
  params: opt('finite[]'),
  dim: opt('int>=1'),
  dt: opt('finite>0'),
  noise: opt('finite>=0'),
  kernel: opt('string'),
  noiseDirections: opt({ oneOf: [{ enum: ['isotropic', 'ones'] }, 'finite[][]'] }),
  weights: opt({ object: { W: 'finite[][]', b: 'finite[]' } }),
  netSeed: opt('int>=0'),
};

function unitSchema(kind: UnitKind): Schema {
  return {
    spec: { object: { name: 'string', options: { object: SYSTEM_OPTIONS }, module: opt({ object: { name: 'string', export: 'string' } }) } },
    objective: OBJECTIVE,
    params: 'string[]',
    seed: 'int>=0',
    stream: 'int>=0',
    options: { object: kind.options },
  };
}

/**
 * A model module named by a job, resolved inside the worker's modules directory: a plain relative
 * name (no absolute path, no '..', no backslash), ending in .js or .mjs, that exists there and
 * does not leave the directory through a symbolic link. Returns the absolute path.
 */
export function resolveModuleName(dir: string | null, name: string): string {
  if (name === '' || isAbsolute(name) || name.includes('\\') || name.includes('\0') || name.split('/').some((p) => p === '..' || p === '.' || p === '')) {
    throw new PayloadError(`model module name '${name}' must be a relative path inside the modules directory (no absolute path, no '..')`);
  }
  if (!/\.(m?js)$/.test(name)) throw new PayloadError(`model module name '${name}' must end in .js or .mjs`);
  if (dir === null) throw new PayloadError(`model module '${name}' requested, but this worker has no modules directory`);
  const root = realpathSync(dir);
  let real: string;
  try {
    real = realpathSync(join(root, name));
  } catch {
    throw new PayloadError(`model module '${name}' does not exist in the modules directory`);
  }
  if (!real.startsWith(root + sep) || !statSync(real).isFile()) throw new PayloadError(`model module '${name}' resolves outside the modules directory`);
  return real;
}

/**
 * The validated argument of a unit. A built-in system is rebuilt here; a user's model is named by
 * `spec.module`, already resolved to a file inside the modules directory, and loaded by unitSystem.
 */
export interface ValidUnit {
  kind: UnitKind;
  arg: RepeatArg<unknown>;
  system: DynamicalSystem | null;
}

/**
 * Checks a job's data before anything runs: the kind is whitelisted, every field has its type and
 * range, the system is a built-in one (created with the library's own checks, as the CLI does) or
 * a model module inside the modules directory, the objective and parameters exist on it (for a
 * module: in unitSystem, once loaded), the unit options pass the kind's checks.
 */
export function validateUnit(data: unknown, modulesDir: string | null): ValidUnit {
  if (typeof data !== 'object' || data === null) throw new PayloadError('job data must be an object');
  const { payload, ...head } = data as Record<string, unknown>;
  checkObject('job', head, { v: 'int', kind: 'string' });
  if (head.v !== 1) throw new PayloadError(`job.v ${String(head.v)} is not a payload version this worker knows (1)`);
  if (typeof payload !== 'string' || payload.length > MAX_PAYLOAD_CHARS) throw new PayloadError(`job.payload must be a string of at most ${MAX_PAYLOAD_CHARS} characters`);
  const name = head.kind as string;
  if (!Object.hasOwn(UNIT_KINDS, name)) throw new PayloadError(`unknown unit kind '${name}' (valid: ${Object.keys(UNIT_KINDS).join(', ')})`);
  const kind = UNIT_KINDS[name];
  let arg: unknown;
  try {
    arg = decode(payload);
  } catch (e) {
    if (e instanceof CodecError) throw new PayloadError(`job.payload: ${e.message}`);
    throw e;
  }
  checkObject('unit', arg, unitSchema(kind));
  const spec = arg.spec as { name: string; options: Record<string, unknown>; module?: { name: string; export: string } };
  if (spec.module !== undefined) {
    // the only code a job may name: a module inside the worker's --modules DIR
    const file = resolveModuleName(modulesDir, spec.module.name);
    arg.spec = { ...spec, module: { url: pathToFileURL(file).href, export: spec.module.export } };
    return { kind, arg: arg as unknown as RepeatArg<unknown>, system: null };
  }
  if (!SYSTEM_NAMES.includes(spec.name)) throw new PayloadError(`unknown system '${spec.name}' (valid: ${SYSTEM_NAMES.join(', ')})`);
  const system = createSystem(spec.name, spec.options);
  checkAgainst(kind, arg, system);
  return { kind, arg: arg as unknown as RepeatArg<unknown>, system };
}

/** The objective, parameters and options of a unit must fit its system. */
function checkAgainst(kind: UnitKind, arg: Record<string, unknown>, system: DynamicalSystem): void {
  const objective = arg.objective as unknown as Objective;
  resolveObjective(system, objective);
  selectParams(system, arg.params as string[]);
  kind.check?.(arg.options as Record<string, unknown>, objective);
}

/** The system of a validated unit: built-in (already built) or loaded from its model module, then checked. */
export async function unitSystem(u: ValidUnit): Promise<DynamicalSystem> {
  if (u.system) return u.system;
  const system = await systemFromSpec(u.arg.spec as SystemSpec);
  checkAgainst(u.kind, u.arg as unknown as Record<string, unknown>, system);
  return system;
}

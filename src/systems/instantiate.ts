import { UsageError, opt, requireFinite, requirePositiveInteger, unknownName, usage } from '../errors/index.js';
import { buildSystem, defaultParams, paramShape } from './build.js';
import type { ParamDef, SystemModel } from './model.js';
import { makeNoise } from './noise.js';
import type { SystemOptions, WeightArrays } from './options.js';
import type { DynamicalSystem, SystemSpec } from './types.js';

const OPTION_KEYS: readonly (keyof SystemOptions)[] = ['set', 'params', 'dim', 'dt', 'noise', 'kernel', 'noiseDirections', 'weights', 'netSeed'];

/** Rejects unknown keys of an options object, naming the valid ones (a typo must not be ignored). */
export function checkOptionKeys(what: string, o: object, valid: readonly string[]): void {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new UsageError(`${what} must be an object, got ${o === null ? 'null' : Array.isArray(o) ? 'an array' : typeof o}`);
  for (const key of Object.keys(o)) {
    if (!valid.includes(key)) unknownName(`key of ${what}`, key, valid);
  }
}

/** Types and ranges of the scalar options, checked before any model is made. */
export function checkSystemOptions(o: SystemOptions): void {
  checkOptionKeys('system options', o, OPTION_KEYS);
  if (o.dt !== undefined) requireFinite(opt('dt'), o.dt, { positive: true });
  if (o.dim !== undefined) requirePositiveInteger(opt('dim'), o.dim);
  if (o.netSeed !== undefined) requirePositiveInteger(opt('netSeed'), o.netSeed, true);
  if (o.noise !== undefined) requireFinite(opt('noise'), o.noise, { nonNegative: true });
  if (o.kernel !== undefined && typeof o.kernel !== 'string') throw usage`${opt('kernel')} must be a string such as 'gaussian', got ${typeof o.kernel}`;
  if (o.set !== undefined && (o.set === null || typeof o.set !== 'object')) throw usage`${opt('set')} must be an object of parameter values by name`;
  if (o.params !== undefined && !Array.isArray(o.params)) throw usage`${opt('params')} must be an array of numbers`;
  if (o.weights !== undefined && (o.weights === null || typeof o.weights !== 'object' || Array.isArray(o.weights))) throw usage`${opt('weights')} must be an object of arrays by parameter name`;
}

/** The model's facts against the options: dt for flows, dim for sized models, netSeed for seeded weights. */
function checkFacts(model: SystemModel, o: SystemOptions, flowsHint: string): void {
  if (o.dt !== undefined && model.kind !== 'flow') throw usage`${opt('dt')} applies to flows only${flowsHint}; ${model.name} is a map`;
  if (o.dim !== undefined) {
    if (model.minDim === undefined && o.dim !== model.dim) throw usage`${opt('dim')} applies to sized systems only; ${model.name} has dimension ${model.dim}`;
    if (model.minDim !== undefined && o.dim < model.minDim) throw usage`${opt('dim')} for ${model.name} must be at least ${model.minDim}`;
  }
  if (o.netSeed !== undefined && !model.seededWeights) throw usage`${opt('netSeed')} applies to models with seeded random weights, not ${model.name}`;
}

/** Rows of a matrix or a flat vector, checked against a parameter's shape; errors name the tensor. */
export function flattenWeight(name: string, shape: readonly number[], value: unknown): Float64Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const dims = shape.join('×');
  if (!Array.isArray(value)) throw usage`${opt('weights')}: ${name} must be an array of shape ${dims}, got ${typeof value}`;
  let flat: unknown[];
  if (shape.length === 2 && value.length > 0 && Array.isArray(value[0])) {
    if (value.length !== shape[0]) throw usage`${opt('weights')}: ${name} must be ${dims}; it has ${value.length} rows`;
    value.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== shape[1]) throw usage`${opt('weights')}: ${name} must be ${dims}; row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries`;
    });
    flat = (value as unknown[][]).flat();
  } else {
    if (value.length !== size) throw usage`${opt('weights')}: ${name} must have ${size} entries (shape ${dims}), got ${value.length}`;
    flat = value;
  }
  const out = new Float64Array(size);
  flat.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw usage`${opt('weights')}: ${name}[${i}] is not a finite number`;
    out[i] = v;
  });
  return out;
}

/** Writes array-valued parameters given by name into p (every other entry untouched). */
function applyWeights(model: SystemModel, p: Float64Array, weights: WeightArrays): void {
  const arrays = model.params.filter((d) => d.size > 1 || (d.shape?.length ?? 0) > 0);
  let offset = 0;
  const at = new Map<string, { def: ParamDef; off: number }>();
  for (const d of model.params) {
    at.set(d.name, { def: d, off: offset });
    offset += d.size;
  }
  for (const [name, value] of Object.entries(weights)) {
    const hit = at.get(name);
    if (!hit) unknownName(`array parameter of ${model.name}`, name, arrays.map((d) => d.name));
    if (!arrays.includes(hit.def)) throw usage`${opt('weights')}: ${name} is a scalar parameter of ${model.name}; set it with ${opt('set')}`;
    p.set(flattenWeight(name, paramShape(hit.def), value), hit.off);
  }
}

/**
 * A concrete system from a model and options: parameter values (`weights`, then `params`, then
 * `set`), noise (σ defaults to the model's `defaultNoise`), the RK4 step of a flow (`dt`).
 * `spec` is the plain-data recipe that rebuilds it (null: it cannot be rebuilt elsewhere).
 */
export function systemFromModel(model: SystemModel, o: SystemOptions = {}, spec: SystemSpec | null = null, flowsHint = ''): DynamicalSystem {
  checkSystemOptions(o);
  checkFacts(model, o, flowsHint);
  const m: SystemModel = o.dt !== undefined && o.dt !== model.dt ? Object.create(model, { dt: { value: o.dt } }) : model;
  const p = defaultParams(m);
  // weights first: a full parameter vector (training, workers) overrides them
  if (o.weights !== undefined) applyWeights(m, p, o.weights);
  if (o.params !== undefined) {
    if (o.params.length !== p.length) throw usage`${model.name}: expected ${p.length} parameter values in ${opt('params')}, got ${o.params.length}`;
    o.params.forEach((v, i) => (p[i] = requireFinite(`${model.name}: params[${i}]`, v)));
  }
  let offset = 0;
  const offsets = new Map(m.params.map((d) => { const r = [d.name, { off: offset, def: d }] as const; offset += d.size; return r; }));
  for (const [key, value] of Object.entries(o.set ?? {})) {
    const hit = offsets.get(key);
    if (!hit) unknownName(`parameter of ${model.name}`, key, m.params.map((d) => d.name));
    if (hit.def.size !== 1) throw usage`parameter '${key}' of ${model.name} is array-valued (${hit.def.size} entries); set it with ${opt('weights')}`;
    p[hit.off] = requireFinite(`parameter ${key}`, value);
  }
  const sigma = o.noise ?? model.defaultNoise ?? 0;
  const noise = makeNoise(m.dim, { sigma, kernel: o.kernel, directions: o.noiseDirections });
  if (noise === null && (o.kernel !== undefined || o.noiseDirections !== undefined)) {
    throw usage`${opt('kernel')} and ${opt('noiseDirections')} need noise: give ${opt('noise')} σ > 0`;
  }
  return buildSystem(m, p, noise, spec);
}

/** Array-valued parameters of a system by name, matrices as rows: the format `weights` reads. */
export function weightsOf(sys: DynamicalSystem): WeightArrays {
  const out: WeightArrays = {};
  for (const s of sys.params) {
    if (s.shape.length === 0) continue;
    const flat = Array.from(sys.p.subarray(s.offset, s.offset + s.size));
    out[s.name] = s.shape.length === 2 ? Array.from({ length: s.shape[0] }, (_, i) => flat.slice(i * s.shape[1], (i + 1) * s.shape[1])) : flat;
  }
  return out;
}

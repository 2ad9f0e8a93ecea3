import { UsageError } from '../errors/index.js';

/**
 * A job's payload is untrusted data: every field is checked for its type and range before anything
 * runs, unknown fields are refused. A rule names what a field must be; `?` marks it optional.
 */
export type Rule =
  | 'int' // any safe integer
  | 'int>=0'
  | 'int>=1'
  | 'finite'
  | 'finite>0'
  | 'finite>=0'
  | 'bool'
  | 'string'
  | 'finite[]'
  | 'int>=1[]'
  | 'finite[][]'
  | 'string[]'
  | { enum: readonly string[] }
  | { object: Schema }
  | { arrayOf: Schema }
  | { record: Rule }
  | { oneOf: readonly Rule[] };

export type Schema = Record<string, Rule | { optional: Rule }>;

/** A payload refused by a worker; deterministic, so never retried. */
export class PayloadError extends UsageError {}

function fail(path: string, what: string): never {
  throw new PayloadError(`${path} ${what}`);
}

const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkRule(path: string, v: unknown, r: Rule): void {
  if (typeof r === 'string') {
    switch (r) {
      case 'int': if (!Number.isSafeInteger(v)) fail(path, 'must be an integer'); return;
      case 'int>=0': if (!Number.isSafeInteger(v) || (v as number) < 0) fail(path, 'must be an integer >= 0'); return;
      case 'int>=1': if (!Number.isSafeInteger(v) || (v as number) < 1) fail(path, 'must be an integer >= 1'); return;
      case 'finite': if (!isFinite(v)) fail(path, 'must be a finite number'); return;
      case 'finite>0': if (!isFinite(v) || v <= 0) fail(path, 'must be a finite number > 0'); return;
      case 'finite>=0': if (!isFinite(v) || v < 0) fail(path, 'must be a finite number >= 0'); return;
      case 'bool': if (typeof v !== 'boolean') fail(path, 'must be true or false'); return;
      case 'string': if (typeof v !== 'string' || v.length > 200) fail(path, 'must be a string (at most 200 characters)'); return;
      case 'finite[]': if (!Array.isArray(v) || !v.every(isFinite)) fail(path, 'must be an array of finite numbers'); return;
      case 'int>=1[]': if (!Array.isArray(v) || v.length > 1000 || !v.every((x) => Number.isSafeInteger(x) && x >= 1)) fail(path, 'must be an array of integers >= 1'); return;
      case 'string[]': if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.length <= 200)) fail(path, 'must be an array of strings'); return;
      case 'finite[][]': if (!Array.isArray(v) || !v.every((row) => Array.isArray(row) && row.every(isFinite))) fail(path, 'must be a matrix of finite numbers'); return;
    }
  }
  if ('enum' in r) {
    if (typeof v !== 'string' || !r.enum.includes(v)) fail(path, `must be one of ${r.enum.join(', ')}`);
  } else if ('object' in r) {
    checkObject(path, v, r.object);
  } else if ('arrayOf' in r) {
    if (!Array.isArray(v)) fail(path, 'must be an array');
    v.forEach((x, i) => checkObject(`${path}[${i}]`, x, r.arrayOf));
  } else if ('record' in r) {
    if (!isPlainObject(v)) fail(path, 'must be an object');
    for (const [k, x] of Object.entries(v)) checkRule(`${path}.${k}`, x, r.record);
  } else if ('oneOf' in r) {
    const errors: string[] = [];
    for (const alt of r.oneOf) {
      try {
        checkRule(path, v, alt);
        return;
      } catch (e) {
        errors.push((e as Error).message.slice(path.length + 1));
      }
    }
    fail(path, errors.join(', or '));
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** Checks `v` against `schema`: every required field present and valid, nothing else (undefined counts as absent, and so does null for an optional field). */
export function checkObject(path: string, v: unknown, schema: Schema): asserts v is Record<string, unknown> {
  if (!isPlainObject(v)) fail(path, 'must be an object');
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    const rule = schema[k];
    if (rule === undefined) fail(`${path}.${k}`, 'is not a known field');
    const optional = typeof rule === 'object' && 'optional' in rule;
    if (optional && x === null) continue;
    checkRule(`${path}.${k}`, x, optional ? rule.optional : rule);
  }
  for (const [k, rule] of Object.entries(schema)) {
    if (!(typeof rule === 'object' && 'optional' in rule) && v[k] === undefined) fail(`${path}.${k}`, 'is missing');
  }
}

export const opt = (r: Rule): { optional: Rule } => ({ optional: r });

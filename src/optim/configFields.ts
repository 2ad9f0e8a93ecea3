import { closest } from '../errors/closest.js';
import { UsageError } from '../errors/index.js';

/**
 * Field readers for configuration files: every failure is one line that names the field by its
 * dotted path, says what was expected and shows what was found, e.g.
 * `config: optimizer.lr must be a positive number (got "fast")`.
 */
export type Table = Record<string, unknown>;

export function fail(path: string, message: string): never {
  throw new UsageError(`config: ${path} ${message}`);
}

export function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = typeof v === 'bigint' ? `${v}` : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

export function table(v: unknown, path: string): Table {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, `must be a table/object (got ${shown(v)})`);
  return v as Table;
}

/** Rejects keys outside `allowed`, suggesting the closest valid one (a typo is answered with the fix). */
export function onlyKeys(t: Table, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(t)) {
    if (allowed.includes(key)) continue;
    const near = closest(key, allowed);
    const where = join(path, key);
    throw new UsageError(`config: unknown field '${where}' ` + (near ? `(did you mean '${join(path, near)}'?)` : `(valid: ${allowed.join(', ')})`));
  }
}

export interface NumberRule {
  integer?: boolean;
  /** > 0 */
  positive?: boolean;
  /** ≥ 0 */
  nonNegative?: boolean;
  /** [0, 1) */
  unitInterval?: boolean;
}

function describe(rule: NumberRule): string {
  const kind = rule.integer ? 'integer' : 'number';
  if (rule.unitInterval) return `a number in [0, 1)`;
  if (rule.positive) return `a positive ${kind}`;
  if (rule.nonNegative) return `a non-negative ${kind}`;
  return rule.integer ? 'an integer' : 'a finite number';
}

export function number(t: Table, key: string, path: string, rule: NumberRule & { required: true }): number;
export function number(t: Table, key: string, path: string, rule?: NumberRule): number | undefined;
export function number(t: Table, key: string, path: string, rule: NumberRule & { required?: boolean } = {}): number | undefined {
  let v = t[key];
  const where = join(path, key);
  if (v === undefined) {
    if (rule.required) fail(where, `is missing: give ${describe(rule)}`);
    return undefined;
  }
  if (typeof v === 'bigint' && Number.isSafeInteger(Number(v))) v = Number(v);
  const ok =
    typeof v === 'number' && Number.isFinite(v) &&
    (!rule.integer || Number.isSafeInteger(v)) &&
    (!rule.positive || v > 0) &&
    (!rule.nonNegative || v >= 0) &&
    (!rule.unitInterval || (v >= 0 && v < 1));
  if (!ok) fail(where, `must be ${describe(rule)} (got ${shown(v)})`);
  return v as number;
}

export function string(t: Table, key: string, path: string, required: true): string;
export function string(t: Table, key: string, path: string, required?: boolean): string | undefined;
export function string(t: Table, key: string, path: string, required = false): string | undefined {
  const v = t[key];
  if (v === undefined) {
    if (required) fail(join(path, key), 'is missing: give a string');
    return undefined;
  }
  if (typeof v !== 'string' || v.trim() === '') fail(join(path, key), `must be a non-empty string (got ${shown(v)})`);
  return v;
}

export function oneOf<T extends string>(t: Table, key: string, path: string, valid: readonly T[], required: true): T;
export function oneOf<T extends string>(t: Table, key: string, path: string, valid: readonly T[], required?: boolean): T | undefined;
export function oneOf<T extends string>(t: Table, key: string, path: string, valid: readonly T[], required = false): T | undefined {
  const v = t[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !valid.includes(v as T)) fail(join(path, key), `must be one of ${valid.join(', ')} (got ${shown(v)})`);
  return v as T;
}

export function array(t: Table, key: string, path: string): unknown[] {
  const v = t[key];
  if (!Array.isArray(v) || v.length === 0) fail(join(path, key), `must be a non-empty list (got ${shown(v)})`);
  return v;
}

/** The first dotted path at which two JSON values differ, or null when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (a === b) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return path || '(root)';
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Table)[k], (b as Table)[k], Array.isArray(a) ? `${path}[${k}]` : join(path, k));
    if (d !== null) return d;
  }
  return null;
}

import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors/index.js';

/** Option values as node:util parseArgs returns them. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface NumberRule {
  integer?: boolean;
  min?: number;
  /** strict lower bound */
  above?: number;
  max?: number;
}

/** Parses a numeric option; missing → fallback; malformed or out of range → UsageError naming the option. */
export function num(values: OptionValues, name: string, fallback: number, rule?: NumberRule): number;
export function num(values: OptionValues, name: string, fallback: undefined, rule?: NumberRule): number | undefined;
export function num(values: OptionValues, name: string, fallback: number | undefined, rule: NumberRule = {}): number | undefined {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string') throw new UsageError(`--${name} needs a value`);
  return parseNumber(`--${name}`, raw, rule);
}

export function parseNumber(label: string, raw: string, rule: NumberRule = {}): number {
  const v = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(v)) throw new UsageError(`${label} must be a finite number, got '${raw}'`);
  if (rule.integer && !Number.isInteger(v)) throw new UsageError(`${label} must be an integer, got '${raw}'`);
  if (rule.min !== undefined && v < rule.min) throw new UsageError(`${label} must be >= ${rule.min}, got '${raw}'`);
  if (rule.above !== undefined && !(v > rule.above)) throw new UsageError(`${label} must be > ${rule.above}, got '${raw}'`);
  if (rule.max !== undefined && v > rule.max) throw new UsageError(`${label} must be <= ${rule.max}, got '${raw}'`);
  return v;
}

export function str(values: OptionValues, name: string): string | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new UsageError(`--${name} needs a value`);
  return raw;
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** Comma-separated list option ("a,b,c"), empty entries rejected. */
export function list(values: OptionValues, name: string): string[] | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new UsageError(`--${name} has an empty entry in '${raw}'`);
  return parts;
}

/** Reads and parses a JSON file, turning every failure into one readable UsageError line. */
export function readJsonFile(label: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${label} '${path}'${code === 'ENOENT' ? ': no such file' : `: ${code ?? (e as Error).message}`}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${label} '${path}' is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function writeTextFile(label: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new UsageError(`cannot write ${label} '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

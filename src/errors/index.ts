/**
 * Two kinds of failure, because the CLI contract maps them to two exit codes:
 * a UsageError is the caller's mistake (exit 2), a RuntimeFailure happened while computing (exit 1).
 *
 * The library speaks its own option names (`dt must be > 0`). A message remembers which of its words
 * are option names (`parts`), so a front end can render them its own way: the CLI as `--dt`.
 */

/** An option name inside a message; `setting` shows a particular value (`neutral: false`). */
export class OptionName {
  constructor(readonly name: string, readonly setting?: string) {}
  toString(): string {
    return this.setting === undefined ? this.name : `${this.name}: ${this.setting}`;
  }
}

/** Marks a library option name in a message built with `usage` or `failure`. */
export function opt(name: string, setting?: string | boolean | number): OptionName {
  return new OptionName(name, setting === undefined ? undefined : String(setting));
}

export type MessagePart = string | OptionName;

/** Plain-data form of a message part, to cross worker threads. */
export type MessagePartData = string | { option: string; setting?: string };

function joinParts(message: string | readonly MessagePart[]): { text: string; parts: readonly MessagePart[] } {
  const parts = typeof message === 'string' ? [message] : message;
  return { text: parts.join(''), parts };
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly parts: readonly MessagePart[];
  constructor(message: string | readonly MessagePart[]) {
    const { text, parts } = joinParts(message);
    super(text);
    this.parts = parts;
  }
}

export class RuntimeFailure extends Error {
  override readonly name: string = 'RuntimeFailure';
  readonly parts: readonly MessagePart[];
  constructor(message: string | readonly MessagePart[]) {
    const { text, parts } = joinParts(message);
    super(text);
    this.parts = parts;
  }
}

/** A trajectory left the finite numbers; `step` is the index of the first non-finite state. */
export class NonFiniteStateError extends RuntimeFailure {
  constructor(readonly step: number, what = 'trajectory') {
    super(`${what} became non-finite at step ${step}`);
  }
}

function templateParts(strings: TemplateStringsArray, values: readonly unknown[]): MessagePart[] {
  const parts: MessagePart[] = [];
  strings.forEach((s, i) => {
    parts.push(s);
    if (i < values.length) parts.push(values[i] instanceof OptionName ? (values[i] as OptionName) : String(values[i]));
  });
  return parts;
}

/** usage`${opt('dt')} must be > 0, got ${dt}`: a UsageError whose option names stay marked. */
export function usage(strings: TemplateStringsArray, ...values: unknown[]): UsageError {
  return new UsageError(templateParts(strings, values));
}

/** failure`…`: a RuntimeFailure whose option names stay marked (the advice names what to change). */
export function failure(strings: TemplateStringsArray, ...values: unknown[]): RuntimeFailure {
  return new RuntimeFailure(templateParts(strings, values));
}

/** The message parts of an error (one plain part for errors built from a string). */
export function messageParts(e: Error): readonly MessagePart[] {
  return e instanceof UsageError || e instanceof RuntimeFailure ? e.parts : [e.message];
}

/** Prefixes a message, keeping its marked option names. */
export function withContext(prefix: string, e: UsageError): UsageError {
  return new UsageError([prefix, ...e.parts]);
}

export function partsToData(parts: readonly MessagePart[]): MessagePartData[] {
  return parts.map((p) => (typeof p === 'string' ? p : { option: p.name, setting: p.setting }));
}

export function partsFromData(data: readonly MessagePartData[]): MessagePart[] {
  return data.map((p) => (typeof p === 'string' ? p : new OptionName(p.option, p.setting)));
}

/** Throws a UsageError naming the valid choices, so a typo is answered with the fix. */
export function unknownName(kind: string | OptionName, name: string, valid: readonly string[]): never {
  throw usage`unknown ${kind} '${name}' (valid: ${valid.join(', ')})`;
}

export function requirePositiveInteger(name: string | OptionName, value: number, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw usage`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`;
  }
  return value;
}

export function requireFinite(name: string | OptionName, value: number, opts: { positive?: boolean; nonNegative?: boolean } = {}): number {
  if (!Number.isFinite(value)) throw usage`${name} must be a finite number, got ${value}`;
  if (opts.positive && !(value > 0)) throw usage`${name} must be > 0, got ${value}`;
  if (opts.nonNegative && !(value >= 0)) throw usage`${name} must be >= 0, got ${value}`;
  return value;
}
export { closest } from './closest.js';

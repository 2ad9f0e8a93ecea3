/**
 * Two kinds of failure, because the CLI contract maps them to two exit codes:
 * a UsageError is the caller's mistake (exit 2), a RuntimeFailure happened while computing (exit 1).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class RuntimeFailure extends Error {
  override readonly name = 'RuntimeFailure';
}

/** A trajectory left the finite numbers; `step` is the index of the first non-finite state. */
export class NonFiniteStateError extends RuntimeFailure {
  constructor(readonly step: number, what = 'trajectory') {
    super(`${what} became non-finite at step ${step}`);
  }
}

/** Throws a UsageError naming the valid choices, so a typo is answered with the fix. */
export function unknownName(kind: string, name: string, valid: readonly string[]): never {
  throw new UsageError(`unknown ${kind} '${name}' (valid: ${valid.join(', ')})`);
}

export function requirePositiveInteger(name: string, value: number, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new UsageError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`);
  }
  return value;
}

export function requireFinite(name: string, value: number, opts: { positive?: boolean; nonNegative?: boolean } = {}): number {
  if (!Number.isFinite(value)) throw new UsageError(`${name} must be a finite number, got ${value}`);
  if (opts.positive && !(value > 0)) throw new UsageError(`${name} must be > 0, got ${value}`);
  if (opts.nonNegative && !(value >= 0)) throw new UsageError(`${name} must be >= 0, got ${value}`);
  return value;
}
export { closest } from './closest.js';

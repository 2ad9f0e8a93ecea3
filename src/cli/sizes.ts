import { freemem, totalmem } from 'node:os';
import { UsageError } from '../errors/index.js';
import { createSystem } from '../systems/index.js';
import type { OptionValues } from './args.js';

/**
 * Sizes checked before a command runs: a huge --dim, --samples, --repeats, --batches or --steps
 * would otherwise end as 'Invalid typed array length', a V8 out-of-memory abort, or a run without
 * end. Estimates are deliberately rough upper bounds (bytes of the arrays that scale with the
 * option, multiply-adds of the work); only sizes that cannot fit, or cannot finish in a day even
 * at 1e10 multiply-adds per second, are refused, with exit 2 naming the option.
 */

/** Multiply-adds no run can finish in a day (8.64e4 s at 1e10 per second, well above this machine). */
export const WORK_LIMIT = 8.64e14;
/** Bytes per independent result kept in memory besides its arrays (object, diagnostics). */
const PER_RESULT_BYTES = 512;

export interface SizeContext {
  /** state dimension of the system (at --dim) */
  n: number;
  /** parameter count of the system (at --dim) */
  P: number;
  /** bytes that may be used: the smaller of free memory and 80% of the total */
  available: number;
}

/** GiB/MiB text of a byte count. */
export function bytesText(b: number): string {
  if (b >= 2 ** 40) return `${(b / 2 ** 40).toFixed(1)} TiB`;
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(2)} GiB`;
  return `${(b / 2 ** 20).toFixed(1)} MiB`;
}

function intOf(values: OptionValues, name: string): number | undefined {
  const raw = values[name];
  if (typeof raw !== 'string') return undefined;
  const v = Number(raw);
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * State dimension and parameter count of the named system at `dim`, without building it at that
 * size: the counts at dims 4, 5, 6 fit a quadratic exactly (dense weights grow like n², states like n).
 */
export function systemSize(name: string | undefined, dim: number | undefined): { n: number; P: number } {
  if (name === undefined) return { n: 1, P: 1 };
  try {
    if (dim === undefined) {
      const s = createSystem(name);
      return { n: s.dim, P: s.nParams };
    }
    const [p4, p5, p6] = [4, 5, 6].map((d) => createSystem(name, { dim: d }).nParams);
    const c = (p6 - 2 * p5 + p4) / 2, b = p5 - p4 - 9 * c, a = p4 - 4 * b - 16 * c;
    return { n: dim, P: Math.max(1, a + b * dim + c * dim * dim) };
  } catch {
    // not a built-in system, or --dim does not apply: the command reports that itself
    return { n: dim ?? 1, P: 1 };
  }
}

function refuse(option: string, value: number, bytes: number, ctx: SizeContext): never {
  throw new UsageError(`--${option} ${value} would need about ${bytesText(bytes)} of memory, more than the ${bytesText(ctx.available)} available`);
}

/** Memory each size option needs, in bytes (arrays that scale with it). */
export function memoryNeeds(values: OptionValues, ctx: SizeContext): { option: string; value: number; bytes: number }[] {
  const { n, P } = ctx;
  const out: { option: string; value: number; bytes: number }[] = [];
  const dim = intOf(values, 'dim');
  // parameters, gradient and a few working copies; a full tangent basis (lyapunov k = n) and its QR
  if (dim !== undefined) out.push({ option: 'dim', value: dim, bytes: 8 * (6 * P + 3 * n * Math.min(intOf(values, 'k') ?? n, n) + 8 * n) });
  const samples = intOf(values, 'samples');
  // per sample: a start state, its noise stream, and (BPTT, fd) a gradient-sized outcome
  if (samples !== undefined) out.push({ option: 'samples', value: samples, bytes: samples * (8 * (2 * n + 3 * P) + PER_RESULT_BYTES) });
  for (const option of ['repeats', 'batches']) {
    const v = intOf(values, option);
    // each repetition or batch returns a gradient, its square and diagnostics
    if (v !== undefined) out.push({ option, value: v, bytes: v * (8 * (3 * P + 2 * n + 64) + PER_RESULT_BYTES) });
  }
  return out;
}

/** Multiply-adds of the run, roughly: steps (× repetitions) or horizon × samples, times the per-step cost. */
export function workNeeds(values: OptionValues, ctx: SizeContext): { option: string; value: number; work: number } | null {
  const perStep = ctx.P + ctx.n;
  const steps = intOf(values, 'steps');
  const repeats = Math.max(1, intOf(values, 'repeats') ?? 1);
  if (steps !== undefined) return { option: 'steps', value: steps, work: steps * repeats * perStep };
  const horizon = intOf(values, 'horizon');
  const samples = intOf(values, 'samples');
  if (horizon !== undefined && samples !== undefined) return { option: 'samples', value: samples, work: horizon * samples * perStep };
  return null;
}

/** Refuses, with exit 2 naming the option, sizes that cannot fit in memory or finish in a day. */
export function checkSizes(values: OptionValues, systemName: string | undefined, available = Math.min(freemem(), 0.8 * totalmem())): void {
  const ctx: SizeContext = { ...systemSize(systemName, intOf(values, 'dim')), available };
  for (const need of memoryNeeds(values, ctx)) if (need.bytes > available) refuse(need.option, need.value, need.bytes, ctx);
  const w = workNeeds(values, ctx);
  if (w !== null && w.work > WORK_LIMIT) {
    throw new UsageError(`--${w.option} ${w.value} means about ${w.work.toPrecision(2)} multiply-adds: more than a day even at 1e10 per second; choose a smaller --${w.option}`);
  }
}

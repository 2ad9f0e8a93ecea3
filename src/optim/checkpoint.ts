import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { RuntimeFailure, UsageError } from '../errors/index.js';
import type { OptimizerState } from './optimisers.js';

/**
 * Everything a run needs to continue bit for bit: the parameters, the optimiser's moments, the
 * EMA and the number of completed iterations. No generator state is stored because every
 * iteration draws from its own stream, new Rng(seed).split(iteration), a function of the index.
 * Numbers are stored as JSON, which round-trips doubles exactly.
 */
export interface Checkpoint {
  readonly version: 1;
  /** the run's configuration less iterations and out (a resume must use the same one) */
  readonly config: unknown;
  /** completed iterations */
  readonly iteration: number;
  readonly labels: readonly string[];
  readonly params: readonly number[];
  readonly optimizer: OptimizerState;
  readonly ema: unknown;
  /** cumulative wall-clock seconds of the iterations so far (not reproducible, only carried on) */
  readonly computeSeconds: number;
  readonly gradientSeconds: number;
}

/** Writes a JSON file so that a reader sees the old or the new content, never a torn one. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeTextAtomic(path, JSON.stringify(value));
}

/** Writes to a temporary file, flushes it, then renames it over `path` (atomic on POSIX). */
export function writeTextAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd); // the rename must not reach the disk before the data
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    // a failed write must not leave its temporary file behind
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw new RuntimeFailure(`cannot write '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readCheckpoint(path: string): Checkpoint | null {
  if (!existsSync(path)) return null;
  let c: Partial<Checkpoint>;
  try {
    c = JSON.parse(readFileSync(path, 'utf8')) as Partial<Checkpoint>;
  } catch (e) {
    throw new UsageError(`checkpoint '${path}' is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (c.version !== 1 || !Number.isInteger(c.iteration) || !Array.isArray(c.params) || !Array.isArray(c.labels) || c.optimizer === undefined) {
    throw new UsageError(`checkpoint '${path}' is not a chaosgrad training checkpoint (version 1)`);
  }
  return c as Checkpoint;
}

export function appendLogLine(path: string, record: unknown): void {
  try {
    appendFileSync(path, JSON.stringify(record) + '\n');
  } catch (e) {
    throw new RuntimeFailure(`cannot append to log '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * The first `keep` records of a JSONL log. A run killed between appending a line and writing its
 * checkpoint leaves lines beyond the checkpoint (or a torn last line): they are dropped and the
 * file rewritten, so that the resumed run appends exactly where the checkpoint stands.
 */
export function readLog<T>(path: string, keep: number): T[] {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  const records: T[] = [];
  for (const line of lines) {
    if (records.length === keep || line.trim() === '') break;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      break; // a torn last line
    }
  }
  if (records.length < keep) throw new UsageError(`log '${path}' has ${records.length} complete records but the checkpoint counts ${keep} iterations`);
  writeTextAtomic(path, records.map((r) => JSON.stringify(r) + '\n').join(''));
  return records;
}

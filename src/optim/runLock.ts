import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { opt, usage } from '../errors/index.js';

/**
 * A run directory belongs to one process at a time: `<dir>/run.lock` holds the owner's pid, created
 * exclusively (O_EXCL), so two runs on one directory cannot both start (they would interleave the
 * log). A lock whose pid no longer runs on this host is stale (a killed run) and is taken over, with
 * a note. Temporary files `*.tmp-PID` of dead processes are removed at the same time.
 */
export const LOCK_FILE = 'run.lock';

interface LockData {
  pid: number;
  host: string;
  started: string;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockData | null {
  try {
    const d = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockData>;
    return typeof d.pid === 'number' ? { pid: d.pid, host: String(d.host ?? ''), started: String(d.started ?? '') } : null;
  } catch {
    return null;
  }
}

/** Removes `*.tmp-PID` files left in `dir` by processes that no longer run. */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = /\.tmp-(\d+)$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // already gone
    }
  }
  return removed;
}

export interface RunLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the lock of `dir` (created if needed). Throws a UsageError naming the owner's pid when a
 * live process holds it; `onNote` hears about a stale lock taken over and temp files removed.
 */
export function acquireRunLock(dir: string, onNote: (message: string) => void = () => {}): RunLock {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw usage`cannot create output directory '${dir}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  const path = join(dir, LOCK_FILE);
  const data: LockData = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(data) + '\n', { flag: 'wx' });
      const removed = removeStaleTemps(dir);
      if (removed.length > 0) onNote(`removed ${removed.length} temporary file(s) left by a killed run in '${dir}': ${removed.join(', ')}`);
      return { path, release: () => releaseLock(path) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw usage`cannot create the lock '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    }
    const owner = readLock(path);
    const sameHost = owner === null || owner.host === '' || owner.host === data.host;
    if (owner !== null && (!sameHost || pidAlive(owner.pid))) {
      throw usage`'${dir}' is in use by another run (pid ${owner.pid}${sameHost ? '' : ` on ${owner.host}`}, started ${owner.started}): wait for it to end or choose another ${opt('out')}`;
    }
    onNote(`taking over the stale lock of '${dir}' (${owner ? `pid ${owner.pid} is no longer running` : 'unreadable lock file'})`);
    try {
      unlinkSync(path);
    } catch {
      // another process removed it first: the next attempt decides
    }
  }
  throw usage`cannot take the lock of '${dir}': it keeps changing (another run is starting there)`;
}

function releaseLock(path: string): void {
  const owner = readLock(path);
  if (owner?.pid !== process.pid) return;
  try {
    unlinkSync(path);
  } catch {
    // removed meanwhile
  }
}

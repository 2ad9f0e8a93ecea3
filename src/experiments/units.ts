import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors/index.js';

/**
 * The completed units of work of an experiment (one method's training run, one case's
 * comparison), saved as each finishes so that an interrupted run resumes where it stopped
 * (`chaosgrad experiment … --resume`) instead of starting over: a full teacher-rnn is ≈ 15 minutes.
 *
 * Units are keyed by a label and stored under `<dir>/.units/` with the run's identity (experiment,
 * size, seed): resuming with other settings is refused, since the saved units would not belong to
 * the run. Values round-trip exactly — typed arrays and non-finite numbers included — so a resumed
 * run's data equals an uninterrupted one's, timings of the recomputed units excepted.
 */
export class UnitStore {
  private constructor(
    /** `<out>/.units` */
    private readonly dir: string,
    private readonly identity: string,
    private readonly prefix = '',
    /** units read back instead of computed, and computed (shared by scopes; for notes and tests) */
    readonly counts = { reused: 0, computed: 0 },
  ) {}

  /** The same store with keys prefixed (one run holding several experiments: `demo`). */
  scope(prefix: string): UnitStore {
    return new UnitStore(this.dir, this.identity, `${this.prefix}${prefix}/`, this.counts);
  }

  /** A store that starts afresh (removes what an earlier run left). */
  static fresh(outDir: string, identity: Record<string, unknown>): UnitStore {
    const s = new UnitStore(join(outDir, '.units'), JSON.stringify(identity));
    rmSync(s.dir, { recursive: true, force: true });
    return s;
  }

  /** A store that reuses the units saved by an interrupted run with the same identity. */
  static resume(outDir: string, identity: Record<string, unknown>): UnitStore {
    const s = new UnitStore(join(outDir, '.units'), JSON.stringify(identity));
    const idFile = join(s.dir, 'identity.json');
    if (existsSync(idFile)) {
      const saved = readFileSync(idFile, 'utf8');
      if (saved !== s.identity) throw new UsageError(`--resume: ${outDir} holds the units of another run (${saved}); drop --resume to start afresh`);
    }
    return s;
  }

  /** Number of saved units (what a resume will reuse). */
  get saved(): number {
    return existsSync(this.dir) ? readdirSync(this.dir).filter((f) => f.startsWith('unit-')).length : 0;
  }

  /** The saved value of unit `key`, or `compute()`'s, which is then saved before it is returned. */
  async unit<T>(label: string, compute: () => Promise<T>): Promise<T> {
    const key = this.prefix + label;
    const file = join(this.dir, `unit-${key.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8'), revive) as { key: string; value: T };
      if (saved.key === key) {
        this.counts.reused++;
        return saved.value;
      }
    }
    const value = await compute();
    this.counts.computed++;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'identity.json'), this.identity);
    // write-then-rename: a kill leaves either the whole unit or none
    writeFileSync(`${file}.tmp`, JSON.stringify({ key, value }, replace));
    renameSync(`${file}.tmp`, file);
    return value;
  }

  /** Removes the saved units once the run's results are written. */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// JSON has neither typed arrays nor ±Infinity/NaN: tag them so that they come back as they were
function replace(this: unknown, _key: string, v: unknown): unknown {
  if (v instanceof Float64Array) return { $f64: Array.from(v, encodeNumber) };
  if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
  return v;
}

function encodeNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function revive(_key: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object') {
    const o = v as { $f64?: (number | string)[]; $num?: string };
    if (Array.isArray(o.$f64)) return Float64Array.from(o.$f64, Number);
    if (typeof o.$num === 'string') return Number(o.$num);
  }
  return v;
}

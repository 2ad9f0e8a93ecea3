import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError, unknownName } from '../../errors/index.js';
import { EXPERIMENT_NAMES, EXPERIMENT_SIZES, EXPERIMENTS, UnitStore, checkSize, type Experiment, type ExperimentData, type ExperimentSize } from '../../experiments/index.js';
import { workerCount } from '../../parallel/index.js';
import { acquireRunLock } from '../../optim/index.js';
import { figuresFor } from '../../report/figures.js';
import { findings, renderReport, type ReportMeta } from '../../report/html.js';
import { num, str, writeTextFile, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import { toJson } from '../format.js';
import type { Progress } from '../progress.js';
import { packageVersion } from '../version.js';
import { seedFrom } from '../systemArgs.js';

/** the experiments that run over seeds (--seeds) */
const SEEDED = EXPERIMENTS.filter((e) => e.seeded).map((e) => e.name);

export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create output directory '${dir}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * The output directory belongs to this process until it exits: a second experiment or demo on it
 * exits 2 naming this pid (their units would mix); a lock left by a killed run is taken over.
 */
export function lockOutput(dir: string): void {
  const lock = acquireRunLock(dir, (m) => process.stderr.write(`chaosgrad: note: ${m}\n`));
  process.once('exit', () => lock.release());
}

export function sizeFrom(values: OptionValues, fallback: ExperimentSize): ExperimentSize {
  const raw = str(values, 'size');
  if (raw === undefined) return fallback;
  try {
    return checkSize(raw);
  } catch {
    throw new UsageError(`--size must be one of ${EXPERIMENT_SIZES.join(', ')}, got '${raw}'`);
  }
}

/** Header data of a report: versions, machine, date and the reproducing command. */
export function reportMeta(title: string, command: string, seconds: number): ReportMeta {
  return {
    title,
    command,
    versions: {
      chaosgrad: packageVersion(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model?.trim() ?? 'unknown',
      workers: String(workerCount(64)),
    },
    generated: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    seconds,
  };
}

/** Writes <dir>/<name>.json and one SVG per figure; returns the paths written. */
export function writeExperimentFiles(dir: string, d: ExperimentData): string[] {
  makeDir(dir);
  const files: string[] = [];
  const data = join(dir, `${d.experiment}.json`);
  writeTextFile('experiment data', data, JSON.stringify(toJson(d), null, 1) + '\n');
  files.push(data);
  for (const f of figuresFor(d)) {
    const path = join(dir, `${d.experiment}-${f.id}.svg`);
    writeTextFile('figure', path, f.svg + '\n');
    files.push(path);
  }
  return files;
}

/**
 * The store of finished units in `out`: fresh, or with --resume the one an interrupted run with
 * the same identity left (say so on stderr, stdout stays clean for --json).
 */
export function unitStore(out: string, identity: Record<string, unknown>, resume: boolean): UnitStore {
  if (!resume) return UnitStore.fresh(out, identity);
  const store = UnitStore.resume(out, identity);
  process.stderr.write(`resuming: ${store.saved} finished unit(s) saved in ${resolve(out)}\n`);
  return store;
}

export function experimentByName(name: string | undefined): Experiment {
  if (name === undefined) throw new UsageError(`missing <name> (valid: ${EXPERIMENT_NAMES.join(', ')})`);
  return EXPERIMENTS.find((e) => e.name === name) ?? unknownName('experiment', name, EXPERIMENT_NAMES);
}

const DEFAULT_OUT = 'runs/<name>';

export const experimentCommand: Command = {
  name: 'experiment',
  summary: `a reproducible study (${EXPERIMENT_NAMES.join(', ')}): data JSON, SVG figures and an HTML page in --out`,
  usage: `experiment <${EXPERIMENT_NAMES.join('|')}> [--out DIR] [--size ${EXPERIMENT_SIZES.join('|')}] [--seed S] [--seeds N] [--resume]`,
  options: {
    out: { type: 'string', value: 'DIR', group: 'output', default: DEFAULT_OUT, description: 'directory of the data, figures and HTML report' },
    size: { type: 'string', value: EXPERIMENT_SIZES.join('|'), default: 'full', description: 'size of the study' },
    seed: { type: 'string', kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, default: 0, description: 'seed of every random draw' },
    seeds: { type: 'string', kind: 'integer', min: 2, value: 'N', default: "the size's count", description: `how many model/training seeds (${SEEDED.join(', ')}); the intervals are over them` },
    resume: { type: 'boolean', description: 'reuse the finished units an interrupted run with the same settings left in --out' },
  },
  system: false,
  cluster: true,
  maxPositionals: 1,
  async run(positionals: string[], values: OptionValues, progress: Progress) {
    const experiment = experimentByName(positionals[0]);
    const size = sizeFrom(values, 'full');
    const seed = seedFrom(values);
    const seeds = num(values, 'seeds', undefined, { integer: true, min: 2, max: 10_000 });
    if (seeds !== undefined && !experiment.seeded) throw new UsageError(`--seeds goes with the experiments over seeds (${SEEDED.join(', ')}); '${experiment.name}' has none`);
    const out = str(values, 'out') ?? join('runs', experiment.name);
    lockOutput(out);
    // each finished unit (a method's training run, a case) is saved in out/.units until the end
    const units = unitStore(out, { experiment: experiment.name, size, seed, ...(seeds !== undefined && { seeds }) }, values.resume === true);
    const t0 = process.hrtime.bigint();
    const data = await experiment.run({ size, seed, seeds, units, onProgress: (label, done, total) => progress.update(label, done, total) });
    progress.done();
    const files = writeExperimentFiles(out, data);
    units.clear();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const page = join(out, 'index.html');
    const command = `chaosgrad experiment ${experiment.name} --size ${size} --seed ${seed}${seeds !== undefined ? ` --seeds ${seeds}` : ''}`;
    writeTextFile('report', page, renderReport(reportMeta(`chaosgrad experiment: ${experiment.name}`, command, seconds), [{ data, title: experiment.title }]));
    files.push(page);
    const found = findings(data);
    return {
      json: { experiment: experiment.name, size, seed, out: resolve(out), files: files.map((f) => resolve(f)), seconds, findings: found, data },
      text: [`${experiment.title} (size ${size}, seed ${seed}, ${seconds.toFixed(1)} s)`, ...found.map((f) => `- ${f}`), '', `wrote ${files.length} files to ${resolve(out)} (open ${resolve(page)})`].join('\n'),
    };
  },
};

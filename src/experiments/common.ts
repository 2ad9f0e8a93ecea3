import { UsageError } from '../errors/index.js';
import { lyapunovSpectrum } from '../lyapunov/index.js';
import { train, type IterationRecord, type TrainConfig, type TrainOptions, type TrainResult } from '../optim/index.js';
import type { DynamicalSystem } from '../systems/index.js';
import type { UnitStore } from './units.js';

/**
 * Shared plumbing of the experiments: sizes, options, progress, a training run that keeps its
 * records when it fails, and the chaos check (λ₁ with its error).
 */

/** 'smoke' is for tests (seconds), 'demo' for `chaosgrad demo` (the four in < 2 min), 'full' for the docs. */
export const EXPERIMENT_SIZES = ['smoke', 'demo', 'full'] as const;
export type ExperimentSize = (typeof EXPERIMENT_SIZES)[number];

export interface ExperimentOptions {
  size: ExperimentSize;
  seed: number;
  /** (what is running, done, total) — for a progress bar; never on stdout */
  onProgress?: (label: string, done: number, total: number) => void;
  /** where finished units of work are saved, so that an interrupted run resumes (none: not saved) */
  units?: UnitStore;
  /** experiments over seeds (Experiment.seeded): how many, instead of the size's count (≥ 2 for an interval) */
  seeds?: number;
}

/** Runs one unit of work of an experiment through its UnitStore (saved, or read back on resume). */
export function unit<T>(opts: ExperimentOptions, key: string, compute: () => Promise<T>): Promise<T> {
  return opts.units ? opts.units.unit(key, compute) : compute();
}

export function checkSize(size: string): ExperimentSize {
  if (!(EXPERIMENT_SIZES as readonly string[]).includes(size)) throw new UsageError(`unknown size '${size}' (valid: ${EXPERIMENT_SIZES.join(', ')})`);
  return size as ExperimentSize;
}

/** Picks the setting of the run's size. */
export function bySize<T>(size: ExperimentSize, values: { smoke: T; demo: T; full: T }): T {
  return values[size];
}

export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Counts finished units of an experiment and reports them with a label. */
export class ProgressCounter {
  private done = 0;
  constructor(private readonly total: number, private readonly report?: (label: string, done: number, total: number) => void) {}

  start(label: string): void {
    this.report?.(label, this.done, this.total);
  }

  finish(label: string): void {
    this.done++;
    this.report?.(label, this.done, this.total);
  }
}

/** CPU seconds of this process (all threads): compute that other processes on the machine do not inflate. */
export function cpuSeconds(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

export interface RecordedTraining {
  /** every completed iteration, also when the run failed later */
  records: IterationRecord[];
  /** CPU seconds since the start of the run after each iteration (evaluation and gradient) */
  cpuSeconds: number[];
  result: TrainResult | null;
  /** first line of the failure (a blow-up of the orbit, a non-finite gradient or parameter) */
  error: string | null;
}

/**
 * The training loop as a library call that does not lose what it did when it fails: divergence is
 * an outcome experiments report (BPTT's exploding gradients), not an error that stops them.
 * Usage errors (a wrong config) still throw.
 */
export async function trainRecording(config: TrainConfig, opts: TrainOptions = {}): Promise<RecordedTraining> {
  const records: IterationRecord[] = [];
  const cpu: number[] = [];
  const cpu0 = cpuSeconds();
  try {
    const result = await train(config, {
      ...opts,
      onIteration(rec) {
        records.push(rec);
        cpu.push(cpuSeconds() - cpu0);
        opts.onIteration?.(rec);
      },
    });
    return { records, cpuSeconds: cpu, result, error: null };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return { records, cpuSeconds: cpu, result: null, error: (e as Error).message.split('\n')[0] };
  }
}

export interface ChaosCheck {
  lambda1: number;
  stderr: number;
  /** λ₁ more than 3 standard errors above 0 */
  chaotic: boolean;
  steps: number;
}

/** λ₁ of a system (per step for maps, per unit time for flows) and whether it is clearly positive. */
export function chaosCheck(sys: DynamicalSystem, steps: number, seed: number): ChaosCheck {
  const spec = lyapunovSpectrum(sys, { k: 1, steps, seed });
  const lambda1 = spec.exponents[0], stderr = spec.stderr[0];
  return { lambda1, stderr, chaotic: lambda1 > 3 * stderr, steps };
}

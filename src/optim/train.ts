import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeFailure, UsageError, opt, usage } from '../errors/index.js';
import { gather, selectParams, type GradientEstimator } from '../gradients/index.js';
import { Rng } from '../random/index.js';
import { systemFromSpec, type DynamicalSystem } from '../systems/index.js';
import { appendLogLine, readCheckpoint, readLog, writeJsonAtomic, writeTextAtomic, type Checkpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { firstDifference } from './configFields.js';
import { ParameterEma } from './ema.js';
import type { StatisticsLoss } from './loss.js';
import { makeOptimizer } from './optimisers.js';
import { acquireRunLock } from './runLock.js';
import { iterationWork, type Evaluation } from './work.js';
import { applyStatisticsStep, type StatisticsStepRecord } from './forcing/step.js';
import type { ObservedSeries } from './forcing/segments.js';

export { evaluateLoss, type Evaluation } from './work.js';

/** One line of log.jsonl: everything about update `iteration` except wall-clock times is reproducible. */
export interface IterationRecord extends Evaluation {
  /** 0-based index of the update */
  iteration: number;
  method: string;
  // from Evaluation: L(θ_t) from the evaluation run, its delta-method standard error and its noise
  // floor Σ w·se²; Sₖ(θ_t) and standard errors in the order of the loss terms; with the combined
  // objective (forcing.statisticsWeight) L_S on the iterations that compute it (loss is then the
  // forcing loss)
  /** ‖∇L‖ as estimated, and ‖stderr‖ of its entries (null when the method gives none) */
  gradNorm: number;
  gradStderrNorm: number | null;
  /** the gradient and its standard errors entry by entry, when there are at most 16 entries */
  gradient?: number[];
  gradStderr?: number[] | null;
  /**
   * combined objective with forcing.statisticsTrust, on the statistics iterations: ‖ĝ_S‖ and
   * ‖stderr‖ of the estimate, the norm of the optimiser's update Δ_F, and the applied step's norm
   * and scale min(1, ρ‖Δ_F‖/‖λĝ_S‖). gradNorm is then the forcing gradient's.
   */
  statisticsStep?: StatisticsStepRecord;
  /** rate of this update */
  lr: number;
  /** θ_t (the point evaluated) when there are at most 16 entries; its norm always */
  params?: number[];
  paramsNorm: number;
  /** L at the EMA weights after this update, on iterations that evaluate it (evaluation.emaEvery) */
  emaLoss?: number;
  emaLossStderr?: number;
  /** reproducible work: primal steps of the evaluation, and the estimator's counts */
  cost: { evaluationSteps: number; steps: number; tangentSolves: number; adjointSolves: number };
  /** wall-clock seconds (not reproducible): this iteration's parts and the cumulative totals */
  time: { evaluation: number; gradient: number; total: number; cumulative: number; cumulativeGradient: number };
}

export interface TrainOptions {
  /**
   * The system as a value (a user's model built with defineSystem, say); default: rebuilt from
   * config.system (a built-in name, or a module). Its parameters are the starting point θ₀.
   */
  system?: DynamicalSystem;
  /** teacher forcing (config.forcing): the observed series, instead of the file in forcing.data */
  data?: ObservedSeries;
  /** used instead of getEstimator(config.estimator.method) (tests, custom methods) */
  estimator?: GradientEstimator<any>;
  /** any differentiable function of the statistics, instead of the config's squared error */
  loss?: StatisticsLoss;
  /** continue the run in config.out from its checkpoint */
  resume?: boolean;
  /** start afresh even when config.out already holds a run */
  overwrite?: boolean;
  /** one-off remarks (a stale lock taken over, temporary files removed) */
  onNote?(message: string): void;
  onIteration?(record: IterationRecord): void;
  /** fraction of the run: `done` counts iterations, fractional within one (the gradient's progress) */
  onProgress?(done: number, total: number): void;
}

export interface TrainResult {
  labels: readonly string[];
  /** θ after the last update, and the EMA weights */
  params: Float64Array;
  emaParams: Float64Array;
  /** completed iterations */
  iterations: number;
  /** every iteration's record, those before a resume included */
  records: IterationRecord[];
  /** loss at the final θ and at the final EMA weights */
  final: Evaluation;
  finalEma: Evaluation;
  resumedFrom: number | null;
  logPath: string | null;
  checkpointPath: string | null;
}

/** Parameter vectors up to this length are logged in full each iteration (a norm otherwise). */
const SMALL = 16;

/** Seed of part `part` of iteration `it`: 0 loss evaluation, 1 gradient, 2 EMA evaluation. */
export function iterationSeed(seed: number, it: number, part: 0 | 1 | 2): number {
  return new Rng(seed).split(it).split(part).seed;
}

/** The part of a config that must not change across a resume (iterations and out may). */
function resumeKey(config: TrainConfig): unknown {
  return JSON.parse(JSON.stringify({ ...config, iterations: undefined, out: undefined }));
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function hasContent(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Minimises a loss of long-time statistics, L(θ) = Σₖ wₖ(Sₖ(θ) − targetₖ)². Iteration t:
 *  1. evaluates Sₖ(θ_t) by a plain run (seed stream (t, 0)), giving L, its error and ∂L/∂Sₖ;
 *  2. asks the estimator for ∇⟨Ψ⟩, Ψ = Σₖ (∂L/∂Sₖ)Φₖ^pₖ, which is ∇L (seed stream (t, 1));
 *     the two runs are independent, so the estimate is unbiased when the estimator is;
 *  3. takes one optimiser step and updates the EMA;
 *  4. appends a record to <out>/log.jsonl and writes <out>/checkpoint.json atomically.
 * Seeds depend only on (seed, t), so a resumed run repeats an uninterrupted one exactly.
 */
export async function train(config: TrainConfig, opts: TrainOptions = {}): Promise<TrainResult> {
  // one process per run directory: a second train on the same out would interleave the log
  const lock = config.out === null ? null : acquireRunLock(config.out, opts.onNote);
  try {
    return await trainLocked(config, opts);
  } finally {
    lock?.release();
  }
}

async function trainLocked(config: TrainConfig, opts: TrainOptions): Promise<TrainResult> {
  const base = opts.system ?? (await systemFromSpec(config.system));
  const sel = selectParams(base, config.params);
  const work = iterationWork(config, base, sel, opts);
  const theta = gather(base.p, sel);
  const optimizer = makeOptimizer(config.optimizer, theta.length);
  let ema = new ParameterEma(config.ema.beta, theta);
  const records: IterationRecord[] = [];
  let start = 0, cumulative = 0, cumulativeGradient = 0;
  let resumedFrom: number | null = null;

  const out = config.out;
  const logPath = out === null ? null : join(out, 'log.jsonl');
  const checkpointPath = out === null ? null : join(out, 'checkpoint.json');
  const key = resumeKey(config);
  if (out !== null) {
    try {
      mkdirSync(out, { recursive: true });
    } catch (e) {
      throw new UsageError(`cannot create output directory '${out}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const existing = readCheckpoint(checkpointPath!);
    if (opts.resume) {
      if (existing === null) throw usage`no checkpoint in '${out}' to resume (run without ${opt('resume', true)} to start)`;
      const diff = firstDifference(existing.config, key);
      if (diff !== null) throw new UsageError(`config: ${diff} differs from the run in '${out}' (a resume needs the same config; only iterations and out may change)`);
      if (existing.params.length !== theta.length) throw new UsageError(`checkpoint '${checkpointPath}' holds ${existing.params.length} parameters, the config trains ${theta.length}`);
      theta.set(existing.params);
      optimizer.restore(existing.optimizer);
      ema = new ParameterEma(config.ema.beta, theta);
      ema.restore(existing.ema);
      start = existing.iteration;
      cumulative = existing.computeSeconds;
      cumulativeGradient = existing.gradientSeconds;
      resumedFrom = start;
      records.push(...readLog<IterationRecord>(logPath!, start));
    } else {
      if (existing !== null && !opts.overwrite) throw usage`'${out}' already holds a run (checkpoint.json): pass ${opt('resume', true)} to continue it, or choose another ${opt('out')}`;
      // a log without its checkpoint (killed before the first one, or the checkpoint removed) is still someone's data
      if (existing === null && !opts.overwrite && hasContent(logPath!)) throw usage`'${out}' holds a log (log.jsonl) but no checkpoint to resume from: pass ${opt('overwrite', true)} to start afresh, or choose another ${opt('out')}`;
      writeTextAtomic(logPath!, '');
    }
  }

  const full = Float64Array.from(base.p);
  const systemAt = (p: Float64Array): DynamicalSystem => {
    for (let i = 0; i < p.length; i++) full[sel.indices[i]] = p[i];
    return base.withParams(full);
  };
  const total = config.iterations;
  opts.onProgress?.(start, total);
  for (let it = start; it < total; it++) {
    const t0 = process.hrtime.bigint();
    const sys = systemAt(theta);
    const e = work.evaluate(sys, iterationSeed(config.seed, it, 0), it);
    const evaluationSeconds = seconds(t0);
    const t1 = process.hrtime.bigint();
    // the gradient is most of an iteration: its progress moves the run's fraction within the iteration
    const onProgress = opts.onProgress && ((d: number, t: number) => opts.onProgress!(it + 0.99 * Math.min(1, t > 0 ? d / t : 1), total));
    const result = await work.gradient(sys, e, it, iterationSeed(config.seed, it, 1), onProgress);
    const gradientSeconds = seconds(t1);
    const g = result.gradient;
    if (g.length !== theta.length) throw new RuntimeFailure(`${result.method} returned ${g.length} gradient entries for ${theta.length} parameters`);
    for (let i = 0; i < g.length; i++) {
      if (!Number.isFinite(g[i])) throw new RuntimeFailure(`${result.method}: gradient entry ${sel.labels[i]} is not finite at iteration ${it}`);
    }
    const record: IterationRecord = {
      iteration: it,
      method: result.method,
      loss: e.loss,
      lossStderr: e.lossStderr,
      lossNoiseFloor: e.lossNoiseFloor,
      statistics: e.statistics,
      statisticsStderr: e.statisticsStderr,
      ...(e.statisticsLoss !== undefined && { statisticsLoss: e.statisticsLoss }),
      gradNorm: norm(g),
      gradStderrNorm: result.stderr === null ? null : norm(result.stderr),
      ...(g.length <= SMALL && { gradient: Array.from(g), gradStderr: result.stderr && Array.from(result.stderr) }),
      lr: optimizer.lr,
      ...(theta.length <= SMALL && { params: Array.from(theta) }),
      paramsNorm: norm(theta),
      cost: { evaluationSteps: e.steps, steps: result.cost.steps, tangentSolves: result.cost.tangentSolves, adjointSolves: result.cost.adjointSolves },
      time: { evaluation: 0, gradient: 0, total: 0, cumulative: 0, cumulativeGradient: 0 },
    };
    const before = result.plainStep && Float64Array.from(theta);
    optimizer.step(theta, g);
    if (result.plainStep) {
      const applied = applyStatisticsStep(theta, before!, result.plainStep, systemAt);
      record.statisticsStep = applied.record;
      record.cost.evaluationSteps += applied.evaluationSteps;
    }
    ema.update(theta);
    for (let i = 0; i < theta.length; i++) {
      if (!Number.isFinite(theta[i])) throw new RuntimeFailure(`parameter ${sel.labels[i]} became non-finite at iteration ${it} (lower optimizer.lr?)`);
    }
    if (config.evaluation.emaEvery > 0 && (it + 1) % config.evaluation.emaEvery === 0) {
      const m = work.evaluate(systemAt(ema.values), iterationSeed(config.seed, it, 2), it);
      record.emaLoss = m.loss;
      record.emaLossStderr = m.lossStderr;
    }
    const iterationSeconds = seconds(t0);
    cumulative += iterationSeconds;
    cumulativeGradient += gradientSeconds;
    record.time = { evaluation: evaluationSeconds, gradient: gradientSeconds, total: iterationSeconds, cumulative, cumulativeGradient };
    records.push(record);
    if (out !== null) {
      appendLogLine(logPath!, record);
      const cp: Checkpoint = {
        version: 1,
        config: key,
        iteration: it + 1,
        labels: sel.labels,
        params: Array.from(theta),
        optimizer: optimizer.state(),
        ema: ema.state(),
        computeSeconds: cumulative,
        gradientSeconds: cumulativeGradient,
      };
      writeJsonAtomic(checkpointPath!, cp);
    }
    opts.onIteration?.(record);
    opts.onProgress?.(it + 1, total);
  }
  // the final evaluations use the streams the next iteration would: extending the run repeats them
  const done = Math.max(start, total);
  const strip = (e: Evaluation & { steps: number; dL?: Float64Array }): Evaluation => {
    const { steps: _s, dL: _d, ...rest } = e;
    return rest;
  };
  const final = strip(work.evaluate(systemAt(theta), iterationSeed(config.seed, done, 0), done - 1));
  const finalEma = strip(work.evaluate(systemAt(ema.values), iterationSeed(config.seed, done, 2), done - 1));
  return { labels: sel.labels, params: theta, emaParams: Float64Array.from(ema.values), iterations: done, records, final, finalEma, resumedFrom, logPath, checkpointPath };
}

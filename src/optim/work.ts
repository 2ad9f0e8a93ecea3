import { UsageError, withContext } from '../errors/index.js';
import { getEstimator, type GradientEstimator, type ParamSelection } from '../gradients/index.js';
import { norm2 } from '../linalg/index.js';
import { Rng } from '../random/index.js';
import type { DynamicalSystem } from '../systems/index.js';
import type { TrainConfig } from './config.js';
import { annealedAlpha, segmentStarts } from './forcing/fit.js';
import type { PlainStep } from './forcing/step.js';
import { readSeries } from './forcing/config.js';
import { ForcingWorkspace, checkForcing, forcingLoss, segmentLoss, type ObservedSeries } from './forcing/segments.js';
import { lossObjective, squaredErrorLoss, type StatisticsLoss } from './loss.js';
import { evaluationFor, measureStatistics } from './statistics.js';
import { meanAndStderr } from '../stats/index.js';

/**
 * What one training iteration computes, apart from the optimiser: the loss at θ_t (with errors)
 * and the gradient. Two kinds: a loss of long-time statistics with any gradient estimator, and
 * teacher forcing on an observed series (its loss over forced segments, exact BPTT).
 */
export interface Evaluation {
  loss: number;
  lossStderr: number;
  lossNoiseFloor: number;
  statistics: number[];
  statisticsStderr: number[];
  /** combined objective: L_S on the iterations that evaluate the statistics (loss is then the forcing loss) */
  statisticsLoss?: number;
}

export interface IterationGradient {
  method: string;
  gradient: Float64Array;
  stderr: Float64Array | null;
  cost: { steps: number; tangentSolves: number; adjointSolves: number };
  /**
   * combined objective with forcing.statisticsTrust: the statistics step −λ·ĝ_S, applied by the
   * train loop after the optimiser's update and capped at trust·‖update‖ (forcing/step.ts); the
   * estimate's norm and stderr norm are logged. `gradient` is then the forcing gradient alone.
   */
  plainStep?: PlainStep;
}

export interface IterationWork {
  evaluate(sys: DynamicalSystem, seed: number, it: number): Evaluation & { steps: number };
  gradient(sys: DynamicalSystem, e: Evaluation, it: number, seed: number, onProgress?: (done: number, total: number) => void): Promise<IterationGradient>;
}

/** L and its errors at a parameter point, from an evaluation run with its own seed. */
export function evaluateLoss(sys: DynamicalSystem, loss: StatisticsLoss, ev: ReturnType<typeof evaluationFor>, seed: number): Evaluation & { steps: number; dL: Float64Array } {
  const m = measureStatistics(sys, loss.statistics, ev, seed);
  const dL = new Float64Array(loss.statistics.length);
  loss.gradient(m.values, dL);
  return {
    loss: loss.value(m.values),
    lossStderr: m.stderrOf(dL),
    lossNoiseFloor: loss.noiseFloor(m.stderr),
    statistics: Array.from(m.values),
    statisticsStderr: Array.from(m.stderr),
    steps: m.steps,
    dL,
  };
}

export interface WorkOptions {
  estimator?: GradientEstimator<any>;
  loss?: StatisticsLoss;
  data?: ObservedSeries;
}

/** The iteration work a config asks for (statistics loss + estimator, or teacher forcing). */
export function iterationWork(config: TrainConfig, base: DynamicalSystem, sel: ParamSelection, opts: WorkOptions): IterationWork {
  if (config.forcing?.statisticsWeight !== undefined) return combinedWork(config, forcingWork(config, base, sel, opts.data), statisticsWork(config, opts));
  if (config.forcing) return forcingWork(config, base, sel, opts.data);
  return statisticsWork(config, opts);
}

function statisticsWork(config: TrainConfig, opts: WorkOptions): IterationWork {
  const loss = opts.loss ?? squaredErrorLoss(config.loss);
  let estimator: GradientEstimator<any>;
  try {
    estimator = opts.estimator ?? getEstimator(config.estimator.method);
  } catch (e) {
    throw e instanceof UsageError ? withContext('config: estimator.method: ', e) : e;
  }
  const ev = evaluationFor(config.estimator.objective, config.evaluation);
  return {
    evaluate: (sys, seed) => evaluateLoss(sys, loss, ev, seed),
    async gradient(sys, e, _it, seed, onProgress) {
      const objective = lossObjective(loss, e.statistics, config.estimator.objective);
      const r = await estimator.estimate({ system: sys, objective, params: config.params, seed, onProgress }, config.estimator.options);
      return { method: estimator.name, gradient: r.gradient, stderr: r.stderr, cost: r.cost };
    },
  };
}

function forcingWork(config: TrainConfig, base: DynamicalSystem, sel: ParamSelection, given?: ObservedSeries): IterationWork {
  const f = config.forcing!;
  if (!given && f.data === null) throw new UsageError('config: forcing.data is missing: give the observed series (a file of rows)');
  const data = given ?? readSeries(f.data!);
  const settings = (it: number) => ({ mode: f.mode, interval: f.interval, segment: f.segment, alpha: annealedAlpha(f.alpha, f.alphaEnd, it, config.iterations) });
  checkForcing(settings(0), base, data);
  const full = new Float64Array(base.nParams);
  return {
    evaluate(sys, seed, it) {
      const w = new ForcingWorkspace(sys, f.segment, data.dim), s = settings(it);
      const starts = segmentStarts(new Rng(seed), data, f.segment, f.evaluationBatch);
      const per = Array.from(starts, (st) => [segmentLoss(w, data, s, st, null) / (f.segment * data.dim)]);
      const { mean, stderr } = meanAndStderr(per);
      return { loss: mean[0], lossStderr: stderr[0], lossNoiseFloor: 0, statistics: [], statisticsStderr: [], steps: f.segment * f.evaluationBatch };
    },
    async gradient(sys, _e, it, seed) {
      const starts = segmentStarts(new Rng(seed), data, f.segment, f.batch);
      forcingLoss(sys, data, settings(it), starts, full);
      const g = Float64Array.from(sel.indices, (q) => full[q]);
      const norm = norm2(g);
      if (f.clip !== undefined && norm > f.clip) for (let i = 0; i < g.length; i++) g[i] *= f.clip / norm;
      const steps = f.segment * f.batch;
      return { method: `teacher-forcing (${f.mode})`, gradient: g, stderr: null, cost: { steps, tangentSolves: 0, adjointSolves: steps } };
    },
  };
}

/** The seed of the statistics part of a combined iteration, apart from the forcing part's stream. */
function statisticsSeed(seed: number): number {
  return new Rng(seed).split(1).seed;
}

/**
 * The combined objective L_F + λ·L_S: every iteration takes the forcing gradient (exact BPTT,
 * clipped as forcing.clip says); every `statisticsEvery`-th iteration (it % every = 0) it also
 * evaluates the statistics and adds λ·∇L_S from the statistics estimator, with seeds split off the
 * iteration's own. Nothing is carried between iterations, so a resumed run repeats an uninterrupted
 * one. The evaluation's loss is the forcing loss; the statistics (and `statisticsLoss`) are filled
 * on the iterations that compute them. With forcing.statisticsTrust the statistics part is not added
 * to the gradient but returned as a plain step for the train loop to cap and apply (plainStep);
 * with forcing.statisticsCheck also a measure of L_S on a third seed split off the iteration's, for
 * the loop to keep the step only where it lowers L_S.
 */
function combinedWork(config: TrainConfig, forcing: IterationWork, statistics: IterationWork): IterationWork {
  const lambda = config.forcing!.statisticsWeight!, every = config.forcing!.statisticsEvery ?? 1, trust = config.forcing!.statisticsTrust;
  const check = config.forcing!.statisticsCheck === true, backtrack = config.forcing!.statisticsBacktrack;
  const refresh = (it: number) => it % every === 0;
  return {
    evaluate(sys, seed, it) {
      const f = forcing.evaluate(sys, seed, it);
      if (!refresh(it)) return f;
      const s = statistics.evaluate(sys, statisticsSeed(seed), it);
      return { ...f, statistics: s.statistics, statisticsStderr: s.statisticsStderr, statisticsLoss: s.loss, steps: f.steps + s.steps };
    },
    async gradient(sys, e, it, seed, onProgress) {
      const f = await forcing.gradient(sys, e, it, seed);
      if (!refresh(it)) return f;
      const s = await statistics.gradient(sys, e, it, statisticsSeed(seed), onProgress);
      const cost = { steps: f.cost.steps + s.cost.steps, tangentSolves: f.cost.tangentSolves + s.cost.tangentSolves, adjointSolves: f.cost.adjointSolves + s.cost.adjointSolves };
      if (trust !== undefined) {
        const checkSeed = new Rng(seed).split(2).seed;
        const measure = (at: DynamicalSystem) => {
          const m = statistics.evaluate(at, checkSeed, it);
          return { loss: m.loss, steps: m.steps };
        };
        const plainStep = { step: s.gradient.map((g) => -lambda * g), trust, gradNorm: norm2(s.gradient), gradStderrNorm: s.stderr && norm2(s.stderr), ...(check && { measure }), ...(backtrack !== undefined && { backtrack }) };
        return { method: `${f.method} + capped ${lambda}·${s.method} step`, gradient: f.gradient, stderr: null, cost, plainStep };
      }
      const gradient = f.gradient.map((g, i) => g + lambda * s.gradient[i]);
      const stderr = s.stderr && s.stderr.map((v) => lambda * v);
      return { method: `${f.method} + ${lambda}·${s.method}`, gradient, stderr, cost };
    },
  };
}

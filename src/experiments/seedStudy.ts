import { getEstimator, selectParams } from '../gradients/index.js';
import { evaluateLoss, lossObjective, parseTrainConfig, squaredErrorLoss, type LossTerm } from '../optim/index.js';
import { Rng } from '../random/index.js';
import { studentTQuantile } from '../stats/index.js';
import type { DynamicalSystem } from '../systems/index.js';
import { ProgressCounter, trainRecording, unit, type ExperimentOptions } from './common.js';
import type { ReferenceOptimum } from './referenceOptimum.js';

/**
 * Training studies over seeds (experiments `slow-teacher` and `tradeoff`): every method trains the
 * same student on the same loss from the same start, once per training seed (the seed changes the
 * gradient's and the evaluations' random streams, not the task), and its final loss is measured at
 * the final EMA weights by an independent long run. Methods are compared by the mean final loss
 * over seeds with a 95% Student-t interval, at equal CPU per gradient (steps fixed per method so
 * that one gradient costs about the same at the start; the CPU each run really used is recorded).
 */

export interface StudyMethod {
  label: string;
  method: string;
  /** steps of the average each gradient differentiates (per orbit for BPTT) */
  steps: number;
  options: Record<string, unknown>;
  note: string;
  /** a biased practitioners' fix, kept to be measured against */
  baseline: boolean;
}

/** Steps (or BPTT + clip orbits) per CPU second of each method, measured on the development machine. */
export interface MethodRates {
  truncated: number;
  clipOrbits: number;
  kernel: number;
  hybrid: number;
}

/**
 * The methods of a study at `budget` CPU s per gradient: truncated BPTT (4 orbits) at each window,
 * BPTT + clip over orbits of `clipHorizon` steps, the ergodic kernel and the path-kernel hybrid
 * with their planned defaults. Steps are fixed numbers (not a timing run), so that a run is
 * reproducible from its seed; `unit(K)` says what K steps are in the system's time.
 */
export function studyMethods(rates: MethodRates, budget: number, o: { truncations: number[]; clipHorizon: number; minSteps: number; unit?: (steps: number) => string }): StudyMethod[] {
  const steps = (perSecond: number) => Math.max(o.minSteps, Math.round(perSecond * budget));
  const orbits = Math.max(1, Math.round(rates.clipOrbits * budget));
  return [
    ...o.truncations.map((K) => ({ label: `BPTT truncated (K = ${K})`, method: 'bptt', steps: steps(rates.truncated / 4), options: { truncate: K, repeats: 4 }, note: `detach every ${K} steps${o.unit ? ` (${o.unit(K)})` : ''}, 4 orbits`, baseline: true })),
    { label: 'BPTT + clip', method: 'bptt', steps: o.clipHorizon, options: { clip: 1, repeats: orbits }, note: `${orbits} orbits of ${o.clipHorizon} steps, each orbit’s gradient clipped to norm 1`, baseline: true },
    { label: 'kernel', method: 'kernel', steps: steps(rates.kernel), options: {}, note: 'ergodic kernel, window planned from the correlation time', baseline: false },
    { label: 'hybrid (path-kernel)', method: 'hybrid', steps: steps(rates.hybrid), options: { split: 'pathkernel' }, note: 'path-kernel split, α and window planned (defaults)', baseline: false },
  ];
}

/** The task every method trains on (the same for every seed). */
export interface StudyTask {
  student: DynamicalSystem;
  params: string[];
  terms: LossTerm[];
  transient: number;
  iterations: number;
  optimizer: Record<string, unknown>;
  emaBeta: number;
  evaluationSteps: number;
  finalSteps: number;
}

export interface StudyRun {
  label: string;
  seed: number;
  loss: number[];
  gradNorm: number[];
  gradStderrNorm: (number | null)[];
  /** cumulative CPU seconds of the run after each iteration (gradient and loss evaluation) */
  cpuSeconds: number[];
  error: string | null;
  /** at the final EMA weights, from an independent run of finalSteps (the same stream for every method of a seed) */
  final: { loss: number; lossStderr: number; statistics: number[]; params: number[] } | null;
}

export interface Interval {
  mean: number;
  /** 95% Student-t interval over seeds (NaN with fewer than two) */
  lo: number;
  hi: number;
  n: number;
}

export interface MethodSummary {
  label: string;
  finalLoss: Interval;
  cpuSeconds: Interval;
  /** mean over iterations and seeds of ‖ĝ‖/‖stderr‖ (null when the method gives no stderr) */
  signalToNoise: number | null;
  failed: number;
}

/** Mean and 95% Student-t interval of values over seeds. */
export function interval95(values: readonly number[]): Interval {
  const n = values.length;
  const mean = n === 0 ? NaN : values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, lo: NaN, hi: NaN, n };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(0.975, n - 1) * sd / Math.sqrt(n);
  return { mean, lo: mean - half, hi: mean + half, n };
}

/** 'below' / 'above' when the two intervals do not overlap, else 'overlapping'. */
export function compareIntervals(a: Interval, b: Interval): 'below' | 'above' | 'overlapping' {
  if (a.hi < b.lo) return 'below';
  if (a.lo > b.hi) return 'above';
  return 'overlapping';
}

/** The training seeds of a study: stream i of the experiment's seed. */
export function trainingSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => new Rng(seed).split(100 + i).seed);
}

/** Trains every method on the task once per seed; units of work are one (method, seed) each. */
export async function runSeedStudy(opts: ExperimentOptions, name: string, task: StudyTask, methods: StudyMethod[], seeds: number[]): Promise<{ runs: StudyRun[]; summaries: MethodSummary[] }> {
  const progress = new ProgressCounter(methods.length * seeds.length, opts.onProgress);
  const runs: StudyRun[] = [];
  for (const m of methods) {
    for (const [i, seed] of seeds.entries()) {
      const label = `${m.label} seed ${i}`;
      runs.push(await unit(opts, label, () => studyRun(task, m, seed, (it) => progress.start(`${name}: ${label} (iteration ${it}/${task.iterations})`))));
      progress.finish(`${name}: ${label}`);
    }
  }
  return { runs, summaries: methods.map((m) => summarise(m.label, runs.filter((r) => r.label === m.label))) };
}

function summarise(label: string, runs: StudyRun[]): MethodSummary {
  const done = runs.filter((r) => r.final !== null);
  const ratios = done.flatMap((r) => r.gradNorm.map((g, k) => (r.gradStderrNorm[k] ? g / r.gradStderrNorm[k]! : NaN))).filter(Number.isFinite);
  return {
    label,
    finalLoss: interval95(done.map((r) => r.final!.loss)),
    cpuSeconds: interval95(done.map((r) => r.cpuSeconds[r.cpuSeconds.length - 1] ?? 0)),
    signalToNoise: ratios.length > 0 ? ratios.reduce((a, b) => a + b, 0) / ratios.length : null,
    failed: runs.length - done.length,
  };
}

/** One method's training run at one seed, and its final loss at the EMA weights. */
async function studyRun(task: StudyTask, m: StudyMethod, seed: number, onIteration: (it: number) => void): Promise<StudyRun> {
  const { student } = task;
  const config = parseTrainConfig({
    params: task.params,
    loss: task.terms,
    estimator: { method: m.method, options: m.options, steps: m.steps, transient: task.transient },
    optimizer: task.optimizer,
    ema: { beta: task.emaBeta },
    iterations: task.iterations,
    seed,
    evaluation: { steps: task.evaluationSteps, transient: task.transient },
  }, { system: student });
  const { records, cpuSeconds, result, error } = await trainRecording(config, { system: student, onIteration: (rec) => onIteration(rec.iteration + 1) });
  let final: StudyRun['final'] = null;
  if (result !== null) {
    const full = Float64Array.from(student.p);
    const sel = selectParams(student, task.params);
    for (let i = 0; i < sel.indices.length; i++) full[sel.indices[i]] = result.emaParams[i];
    // the final measurement's stream depends on the seed only: every method of a seed is measured alike
    const e = evaluateLoss(student.withParams(full), squaredErrorLoss(task.terms), { kind: 'average', steps: task.finalSteps, transient: task.transient }, new Rng(seed).split(7).seed);
    final = { loss: e.loss, lossStderr: e.lossStderr, statistics: e.statistics, params: Array.from(result.emaParams) };
  }
  return {
    label: m.label,
    seed,
    loss: records.map((r) => r.loss),
    gradNorm: records.map((r) => r.gradNorm),
    gradStderrNorm: records.map((r) => r.gradStderrNorm),
    cpuSeconds,
    error,
    final,
  };
}

/** What every seed study reports besides its task: the reference optimum, the check of each method's first gradient, and the runs over seeds. */
export interface SeedStudyOutcome {
  reference: ReferenceOptimum;
  /** every method's gradient at the start against the reference's finite-difference gradient */
  gradientCheck: GradientCheck[];
  methods: StudyMethod[];
  runs: StudyRun[];
  summaries: MethodSummary[];
  seconds: number;
}

/** The shared second half of a seed study: every method's first gradient against the reference's, then the training runs over seeds. */
export async function seedStudyOutcome(opts: ExperimentOptions, name: string, task: StudyTask, methods: StudyMethod[], reference: ReferenceOptimum, seeds: number[]): Promise<Omit<SeedStudyOutcome, 'seconds'>> {
  const check = await unit(opts, 'gradient check', () => gradientCheck(task, methods, reference.start, seeds));
  const { runs, summaries } = await runSeedStudy(opts, name, task, methods, seeds);
  return { reference, gradientCheck: check, methods, runs, summaries };
}

/** One method's gradient of the loss at the start against the finite-difference gradient. */
export interface GradientCheck {
  label: string;
  /** cosine between the method's gradient and the reference, over seeds */
  cosine: Interval;
  /** ‖ĝ‖ / ‖g_ref‖ over seeds */
  normRatio: Interval;
  /** mean over seeds of ‖ĝ‖/‖stderr‖ (null: no stderr) */
  signalToNoise: number | null;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * Each method's gradient of the loss at the start (at its steps per gradient, i.e. its CPU budget),
 * once per seed, against a reference gradient (finite differences with common random numbers over
 * long runs): the cosine says whether the method points the right way (bias), its spread over seeds
 * how much is noise. The loss weights come from the reference's precise statistics at the start.
 */
export async function gradientCheck(task: StudyTask, methods: StudyMethod[], start: { statistics: ArrayLike<number>; gradient: ArrayLike<number> }, seeds: number[]): Promise<GradientCheck[]> {
  const loss = squaredErrorLoss(task.terms);
  const out: GradientCheck[] = [];
  for (const m of methods) {
    const cos: number[] = [], ratio: number[] = [], snr: number[] = [];
    for (const seed of seeds) {
      const objective = lossObjective(loss, start.statistics, { kind: 'average', steps: m.steps, transient: task.transient });
      const r = await getEstimator(m.method).estimate({ system: task.student, objective, params: task.params, seed: new Rng(seed).split(9).seed }, m.options);
      cos.push(cosine(r.gradient, start.gradient));
      ratio.push(Math.hypot(...r.gradient) / Math.hypot(...Array.from(start.gradient)));
      if (r.stderr) snr.push(Math.hypot(...r.gradient) / Math.hypot(...r.stderr));
    }
    out.push({ label: m.label, cosine: interval95(cos), normRatio: interval95(ratio), signalToNoise: snr.length > 0 ? snr.reduce((a, b) => a + b, 0) / snr.length : null });
  }
  return out;
}

import { RuntimeFailure, UsageError, usage, opt } from '../errors/index.js';
import { Rng, type RngState } from '../random/index.js';
import { studentTQuantile } from '../stats/index.js';
import { checkFinite, initialState, step, type DynamicalSystem, type Observable } from '../systems/index.js';
import { CostMeter } from './cost.js';
import { resolveObjective, transientOf } from './objective.js';
import { scatter, selectParams, type ParamSelection } from './params.js';
import { combineRepeats, repeatContext, runRepeats, type RepeatArg, type RepeatOutcome } from './repeats.js';
import { checkFdStep } from './trust.js';
import { makeResult } from './result.js';
import type { GradientCost, GradientEstimator, GradientRequest, GradientResult, Objective } from './types.js';
import { checkMethodOptions, checkRequest, type OptionKeys } from './methodOptions.js';
import { FD_PILOT_BATCHES, chooseFdStep, type FdStepChoice } from './plan/fdStep.js';
import { PILOT_STREAM } from './plan/pilot.js';

/**
 * Options of the finite-difference reference.
 * Step: `h` (absolute, every entry) or, by default, hᵢ = relativeH·max(|pᵢ|, 1) with relativeH = 1e-2:
 * a chaotic average is a noisy function of p (the error of a difference of two time averages scales
 * like 1/(h√T)), so steps far larger than for smooth functions are the right trade-off; its O(h²)
 * bias is checked with `richardson` (R = (4D(h/2) − D(h))/3, bias O(h⁴)).
 */
export interface FdOptions {
  h?: number;
  relativeH?: number;
  richardson?: boolean;
  /** independent batches for the confidence interval (default 10) */
  batches?: number;
  /** differentiate along this vector over the selected entries only (one result entry) */
  direction?: ArrayLike<number>;
  /** absolute step per selected entry (what the step pilot chooses when neither h nor relativeH is given) */
  hPerEntry?: readonly number[];
  /** plan the step from a pilot when no step is given (default true) */
  planStep?: boolean;
}

export const DEFAULT_BATCHES = 10;
export const DEFAULT_RELATIVE_H = 1e-2;

/** One perturbation: p ± s·dp (dp full length) and the label of the result entry. */
interface Probe {
  dp: Float64Array;
  s: number;
}

function probesOf(sys: DynamicalSystem, sel: ParamSelection, o: FdOptions): Probe[] {
  const rel = o.relativeH ?? DEFAULT_RELATIVE_H;
  if (o.direction !== undefined) {
    const d = Float64Array.from(o.direction);
    let dMax = 0;
    let pMax = 1;
    for (let i = 0; i < d.length; i++) {
      dMax = Math.max(dMax, Math.abs(d[i]));
      if (d[i] !== 0) pMax = Math.max(pMax, Math.abs(sys.p[sel.indices[i]]));
    }
    return [{ dp: scatter(d, sel, sys.nParams), s: o.h ?? (rel * pMax) / dMax }];
  }
  return Array.from(sel.indices, (idx, k) => {
    const dp = new Float64Array(sys.nParams);
    dp[idx] = 1;
    return { dp, s: o.hPerEntry?.[k] ?? o.h ?? rel * Math.max(Math.abs(sys.p[idx]), 1) };
  });
}

function shifted(sys: DynamicalSystem, dp: Float64Array, s: number): DynamicalSystem {
  return sys.withParams(Float64Array.from(sys.p, (v, i) => v + s * dp[i]));
}

/**
 * The statistic along one orbit from x₀ with the noise replayed from `noise` (common random
 * numbers): (1/T)Σ_{n=1..T} Φ(xₙ) for an average, Φ(x_T) for a horizon.
 */
export function orbitStatistic(sys: DynamicalSystem, x0: Float64Array, steps: number, noise: RngState | null, ob: Observable, kind: Objective['kind'], firstIndex = 0): number {
  const rng = noise ? Rng.fromState(noise) : null;
  let x = Float64Array.from(x0);
  let y = new Float64Array(sys.dim);
  const xi = new Float64Array(sys.noise?.rank ?? 0);
  let sum = 0;
  for (let n = 0; n < steps; n++) {
    step(sys, x, y, rng, xi);
    checkFinite(y, firstIndex + n + 1);
    const t = x;
    x = y;
    y = t;
    if (kind === 'average') sum += ob.value(x);
  }
  return kind === 'average' ? sum / steps : ob.value(x);
}

/** Central difference (with its Richardson extrapolation) of f along one probe; f evaluations counted. */
function centralDifference(f: (sys: DynamicalSystem) => number, sys: DynamicalSystem, probe: Probe, richardson: boolean): { d: number; evals: number } {
  const diff = (s: number) => (f(shifted(sys, probe.dp, s)) - f(shifted(sys, probe.dp, -s))) / (2 * s);
  const d1 = diff(probe.s);
  if (!richardson) return { d: d1, evals: 2 };
  return { d: (4 * diff(probe.s / 2) - d1) / 3, evals: 4 };
}

/** The statistic at p and its central difference along every probe; `runs` counts evaluations of f. */
function differentiateAll(f: (s: DynamicalSystem) => number, system: DynamicalSystem, probes: ReturnType<typeof probesOf>, richardson: boolean, gradient: Float64Array): { value: number; runs: number } {
  const value = f(system);
  let runs = 1;
  probes.forEach((p, k) => {
    const r = centralDifference(f, system, p, richardson);
    gradient[k] = r.d;
    runs += r.evals;
  });
  return { value, runs };
}

/**
 * One batch (an independent repetition). Average objective: x₀ = the state after the transient at
 * the nominal p (own stream), then every run (p, p ± h) starts from that x₀ with the same noise.
 * Horizon objective: the batch's share of the samples, sample i with stream i as in BPTT.
 */
export function fdBatchTask(arg: RepeatArg<FdOptions & { batchCount: number }>): RepeatOutcome {
  const { system, rng } = repeatContext(arg);
  const ob = resolveObjective(system, arg.objective);
  const sel = selectParams(system, arg.params);
  const probes = probesOf(system, sel, arg.options);
  const richardson = arg.options.richardson === true;
  const gradient = new Float64Array(probes.length);
  const cost = { steps: 0, tangentSolves: 0, adjointSolves: 0 };
  let value: number;
  if (arg.objective.kind === 'average') {
    const T = arg.objective.steps;
    const transient = transientOf(system, arg.objective);
    const x0 = initialState(system, rng, transient);
    const noise = system.noise ? rng.getState() : null;
    const f = (s: DynamicalSystem) => orbitStatistic(s, x0, T, noise, ob, 'average', transient);
    let runs: number;
    ({ value, runs } = differentiateAll(f, system, probes, richardson, gradient));
    cost.steps = transient + runs * T;
  } else {
    const { horizon: L, samples } = arg.objective;
    const B = arg.options.batchCount;
    const lo = Math.floor((arg.stream * samples) / B), hi = Math.floor(((arg.stream + 1) * samples) / B);
    const starts: Float64Array[] = [];
    const noises: (RngState | null)[] = [];
    for (let i = lo; i < hi; i++) {
      const r = new Rng(arg.seed).split(i);
      const x0 = new Float64Array(system.dim);
      system.sampleInitial(r, x0);
      starts.push(x0);
      noises.push(system.noise ? r.getState() : null);
    }
    const f = (s: DynamicalSystem) => {
      let sum = 0;
      for (let j = 0; j < starts.length; j++) sum += orbitStatistic(s, starts[j], L, noises[j], ob, 'horizon');
      return sum / starts.length;
    };
    let runs: number;
    ({ value, runs } = differentiateAll(f, system, probes, richardson, gradient));
    cost.steps = runs * L * (hi - lo);
  }
  return { value, gradient, cost, diagnostics: {} };
}

export const FD_TASKS = import.meta.url;

/**
 * The step pilot (plan/fdStep.ts): FD_PILOT_BATCHES batches of a twentieth of the run at h₀ and 4h₀,
 * in this thread, each batch's two runs sharing x₀ and noise (paired), on the run's seed shifted
 * so that the pilot's draws are not the estimate's.
 */
function planStep(req: GradientRequest, options: FdOptions, batches: number): { choices: FdStepChoice[] | null; failure?: string; size: number; cost: Omit<GradientCost, 'seconds'> } {
  const o = req.objective;
  const size = o.kind === 'average' ? Math.max(100, Math.round(o.steps / 20)) : Math.max(FD_PILOT_BATCHES, Math.round(o.samples / 20));
  const objective: Objective = o.kind === 'average' ? { ...o, steps: size } : { ...o, samples: size };
  const rel = options.relativeH ?? DEFAULT_RELATIVE_H;
  const cost = { steps: 0, tangentSolves: 0, adjointSolves: 0 };
  const rows: { d1: number[]; d4: number[] }[] = [];
  for (let b = 0; b < FD_PILOT_BATCHES; b++) {
    const arg = (r: number): RepeatArg<FdOptions & { batchCount: number }> => ({
      spec: null, system: req.system, objective, params: req.params, seed: (req.seed ^ PILOT_STREAM) >>> 0, stream: b,
      options: { relativeH: r, batchCount: FD_PILOT_BATCHES, planStep: false },
    });
    let one: RepeatOutcome, four: RepeatOutcome;
    try {
      one = fdBatchTask(arg(rel));
      four = fdBatchTask(arg(4 * rel));
    } catch (e) {
      // the system may not exist at p ± 4h₀ (Hénon escapes): keep the default step
      if (!(e instanceof RuntimeFailure)) throw e;
      return { choices: null, failure: (e as Error).message, size, cost };
    }
    for (const c of [one.cost, four.cost]) cost.steps += c.steps;
    one.gradient.forEach((d, j) => {
      rows[j] ??= { d1: [], d4: [] };
      rows[j].d1.push(d);
      rows[j].d4.push(four.gradient[j]);
    });
  }
  const sel = selectParams(req.system, req.params);
  const full = o.kind === 'average' ? o.steps : o.samples;
  const workRatio = (size * FD_PILOT_BATCHES) / (full * batches);
  const choices = rows.map((row, j) => chooseFdStep(row, rel * Math.max(Math.abs(req.system.p[sel.indices[j]]), 1), workRatio));
  return { choices, size, cost };
}

/**
 * Finite-difference reference: central differences of the statistic along each selected entry (or
 * one direction), with common random numbers, optional Richardson extrapolation, and a 95%
 * confidence interval mean ± t_{B−1}·stderr from B independent batches. Slow but honest.
 */
const FD_KEYS = { h: true, relativeH: true, richardson: true, batches: true, direction: true, hPerEntry: true, planStep: true } satisfies OptionKeys<FdOptions>;

export const fdEstimator: GradientEstimator<FdOptions> = {
  optionKeys: Object.keys(FD_KEYS),
  name: 'fd',
  description: 'central finite differences with common random numbers and batch confidence intervals (the reference)',
  async estimate(req: GradientRequest, options: FdOptions = {}): Promise<GradientResult> {
    checkMethodOptions(fdEstimator, options);
    checkRequest(req);
    const meter = new CostMeter();
    const { system, objective } = req;
    resolveObjective(system, objective);
    const sel = selectParams(system, req.params);
    const B = options.batches ?? DEFAULT_BATCHES;
    if (!(Number.isInteger(B) && B >= 1)) throw usage`${opt('batches')} must be a positive integer, got ${B}`;
    if (options.h !== undefined && !(Number.isFinite(options.h) && options.h > 0)) throw usage`${opt('h')} must be a finite number > 0, got ${options.h}`;
    if (options.relativeH !== undefined && !(Number.isFinite(options.relativeH) && options.relativeH > 0)) throw new UsageError(`relativeH must be > 0, got ${options.relativeH}`);
    if (objective.kind === 'horizon' && B > objective.samples) throw usage`${opt('batches')} ${B} exceeds ${opt('samples')} ${objective.samples}`;
    if (options.direction !== undefined) {
      const d = Array.from(options.direction);
      if (d.length !== sel.indices.length || !d.every(Number.isFinite) || d.every((v) => v === 0)) {
        throw new UsageError(`direction must be a non-zero finite vector of ${sel.indices.length} entries (one per selected parameter entry)`);
      }
    }
    // Richardson extrapolation removes the h² bias the plan trades against: it keeps the default step
    const planned = options.h === undefined && options.relativeH === undefined && options.direction === undefined && options.hPerEntry === undefined &&
      options.planStep !== false && options.richardson !== true
      ? planStep(req, options, B)
      : null;
    if (planned) meter.add(planned.cost);
    if (planned?.choices) options = { ...options, hPerEntry: planned.choices.map((c) => c.h) };
    const probes = probesOf(system, sel, options);
    // a step at the parameter's floating-point spacing differentiates rounding, with a zero error bar
    const warnings = options.direction === undefined
      ? probes.flatMap((pr, i) => checkFdStep(sel.labels[i], system.p[sel.indices[i]], pr.s))
      : checkFdStep('the largest parameter along the direction', Math.max(1, ...Array.from(sel.indices, (j) => Math.abs(system.p[j]))), probes[0].s);
    const taskOptions = { ...options, direction: options.direction === undefined ? undefined : Array.from(options.direction), batchCount: B };
    const outcomes: RepeatOutcome[] = await runRepeats(FD_TASKS, 'fdBatchTask', req, taskOptions, B);
    const c = combineRepeats(outcomes);
    meter.add(c.cost);
    const t = B >= 2 ? studentTQuantile(0.975, B - 1) : null;
    const ci95 = c.stderr && t !== null ? Array.from(c.gradient, (g, i) => [g - t * c.stderr![i], g + t * c.stderr![i]]) : null;
    const labels = options.direction === undefined ? sel.labels : ['direction'];
    return makeResult('fd', req, { ...sel, labels }, {
      value: c.value,
      valueStderr: c.valueStderr,
      gradient: c.gradient,
      stderr: c.stderr,
      cost: meter,
      warnings,
      diagnostics: {
        batches: B,
        ci95,
        tQuantile: t,
        h: probes.map((p) => p.s),
        hFrom: planned?.choices
          ? { chosen: 'pilot', rule: 'h minimising curvature bias² + stderr² over h₀·2^k (k ≤ 2) from D(h₀), D(4h₀) on paired pilot batches', pilotSize: planned.size, pilotBatches: FD_PILOT_BATCHES, entries: planned.choices }
          : planned
            ? { chosen: 'default', pilotFailed: planned.failure }
            : 'given',
        richardson: options.richardson === true,
        commonRandomNumbers: objective.kind === 'average'
          ? 'per batch: one x0 (transient at the nominal p) and one noise stream shared by p and p ± h'
          : 'per sample: the same x0 and noise at p and p ± h (sample i uses stream i, as BPTT)',
      },
    });
  },
};

import { UsageError, requirePositiveInteger, usage, opt } from '../../errors/index.js';
import { CostMeter } from '../cost.js';
import { resolveObjective, transientOf } from '../objective.js';
import { selectParams } from '../params.js';
import { runRepeats, type RepeatOutcome } from '../repeats.js';
import { checkNoiseResolution } from '../trust.js';
import { makeResult } from '../result.js';
import type { GradientEstimator, GradientRequest, GradientResult } from '../types.js';
import type { ErgodicOrbitOptions, WindowEstimate } from './ergodic.js';
import type { HorizonChunkOptions } from './horizon.js';
import { emptyMoments, mergeMoments, momentEstimate, type SampleMoments } from './moments.js';
import { noiseDiagnostics, requireNoise } from './score.js';
import { HYBRID_WINDOW_FACTOR, planPredict, planWindow, predictEvery, scanResolution, scanWarning, selectWindow, windowLadder, windowWarning, type PredictPlan, type ScanEntry } from '../plan/index.js';
import { checkMethodOptions, checkRequest, type OptionKeys } from '../methodOptions.js';

export interface KernelOptions {
  /** decorrelation window W of the ergodic form (default: planned from a pilot of the objective's correlation time, see plan/window.ts): bias decays with W, variance grows like W */
  window?: number;
  /** subtract a baseline from Φ (default true): same mean, much smaller variance */
  baseline?: boolean;
  /** ergodic: independent orbits sharing the steps (default 1, batch-means errors);
   *  finite-time: blocks the samples are split into, the unit of parallel work (default 8) */
  repeats?: number;
  /** the objective decides: `horizon` → finite-time form, `average` → ergodic form */
  form?: 'auto';
  /** batches for the batch-means standard error of the ergodic form (default 32) */
  batches?: number;
  /**
   * ergodic: subtract noise-free forecasts of the window sums (the predictive baseline, kernel/predict.ts);
   * default: on when a pilot finds that the forecasts remove more variance than their cost adds (plan/predict.ts)
   */
  predict?: boolean;
}

/** the fixed window of earlier versions; the default is now planned from a pilot (plan/window.ts) */
export const DEFAULT_WINDOW = 10;
export const DEFAULT_BLOCKS = 8;

const HORIZON_MODULE = new URL('./horizon.js', import.meta.url).href;
const ERGODIC_MODULE = new URL('./ergodic.js', import.meta.url).href;

/**
 * Kernel differentiation (likelihood ratios of the noise; Ni 2023, 2024): the derivative of a
 * noisy system's statistic from scores of the noise already drawn. Nothing is propagated, so
 * nothing explodes; the price is variance ∝ 1/σ². All parameters come from one paramAdjoint per step.
 */
const KERNEL_KEYS = { window: true, baseline: true, repeats: true, form: true, batches: true, predict: true } satisfies OptionKeys<KernelOptions>;

export const kernelEstimator: GradientEstimator<KernelOptions> = {
  optionKeys: Object.keys(KERNEL_KEYS),
  name: 'kernel',
  description: 'kernel differentiation: likelihood-ratio (score) gradients of noisy systems, finite-time or ergodic, foliated noise',
  async estimate(req: GradientRequest, options: KernelOptions = {}): Promise<GradientResult> {
    checkMethodOptions(kernelEstimator, options);
    checkRequest(req);
    const sys = req.system;
    const noise = requireNoise(sys);
    // σ at the floating-point spacing of the state: the score weights would describe noise never added
    const warnings = checkNoiseResolution(sys);
    resolveObjective(sys, req.objective);
    const sel = selectParams(sys, req.params);
    if (options.form !== undefined && options.form !== 'auto') {
      throw usage`unknown kernel form '${String(options.form)}' (valid: auto — the objective decides: ${opt('horizon')} → finite-time, ${opt('steps')} → ergodic)`;
    }
    const baseline = options.baseline ?? true;
    const meter = new CostMeter();
    const common = {
      ...noiseDiagnostics(noise),
      foliated: noise.directions !== null,
      ...(noise.directions !== null ? { foliatedNote: 'the gradient covers only the part of ∂f/∂p inside span(B)' } : {}),
    };
    const obj = req.objective;
    if (obj.kind === 'horizon') {
      if (options.window !== undefined) throw usage`${opt('window')} applies to the ergodic form (${opt('steps')} T), not to ${opt('horizon')} L`;
      const blocks = Math.min(requirePositiveInteger(opt('repeats'), options.repeats ?? DEFAULT_BLOCKS), obj.samples);
      if (baseline && obj.samples < 2) throw usage`the finite-time kernel form needs ${opt('samples')} >= 2 (the baseline is the mean of the other samples)`;
      const chunk: HorizonChunkOptions = { chunks: blocks, baseline };
      const outs = await runRepeats(HORIZON_MODULE, 'kernelHorizonChunk', req, chunk, blocks);
      const total: SampleMoments = emptyMoments(sel.indices.length);
      for (const o of outs) {
        mergeMoments(total, o.diagnostics.moments as SampleMoments);
        meter.add(o.cost);
      }
      const est = momentEstimate(total, baseline);
      return makeResult('kernel', req, sel, {
        value: est.value,
        valueStderr: est.valueStderr,
        gradient: est.gradient,
        stderr: est.stderr,
        cost: meter,
        warnings,
        diagnostics: { form: 'finite-time', window: null, ...common, baseline: baseline ? 'leave-one-out mean' : 'none', blocks, scoreProducts: total.count * obj.horizon },
      });
    }
    if (options.window !== undefined) requirePositiveInteger(opt('window'), options.window);
    const plan = planWindow(sys, obj, req.seed);
    meter.add(plan.cost);
    const windows = options.window !== undefined ? [options.window] : windowLadder(plan.window, obj.steps);
    const warning = options.window !== undefined ? windowWarning(options.window, plan, sys) : null;
    const orbits = requirePositiveInteger(opt('repeats'), options.repeats ?? 1);
    if (orbits > obj.steps) throw usage`${opt('repeats')} ${orbits} exceeds ${opt('steps')} ${obj.steps} (each orbit needs at least one step)`;
    const batches = requirePositiveInteger('batches', options.batches ?? 32);
    if (batches < 2) throw new UsageError('batch means need at least 2 batches');
    const predict = planKernelPredict(req, options, plan.from.tauAbsSteps, windows, baseline);
    if (predict.plan) meter.add(predict.plan.cost);
    const orbit: ErgodicOrbitOptions = { windows, baseline, orbits, transient: transientOf(sys, obj), batches, ...(predict.settings ? { predict: predict.settings } : {}) };
    const outs = await runRepeats(ERGODIC_MODULE, 'kernelErgodicOrbit', req, orbit, orbits);
    for (const o of outs) meter.add(o.cost);
    const est = scannedEstimate(outs, windows, obj.steps, sel.labels);
    const notes = [warning, est.scanNote].filter((w): w is string => w !== null);
    return makeResult('kernel', req, sel, {
      value: est.value,
      valueStderr: est.valueStderr,
      gradient: est.gradient,
      stderr: est.stderr,
      cost: meter,
      warnings,
      diagnostics: {
        form: 'ergodic',
        window: est.window,
        windowFrom: {
          chosen: options.window !== undefined ? 'given' : windows.length > 1 ? `pilot, then doubled while the estimate moved by more than 2 stderr (${est.chosen} doubling${est.chosen === 1 ? '' : 's'})` : 'pilot',
          ...plan.from,
        },
        ...est.diagnostics,
        ...common,
        baseline: !baseline ? 'none' : predict.settings ? predictiveBaselineLabel(predict.settings) : 'running mean',
        ...(predict.plan ? { predictFrom: { chosen: options.predict === undefined ? 'pilot' : 'given', ...predict.plan.from } } : {}),
        ...est.predictBeta,
        orbits,
        batches,
        scoreProducts: est.T,
        ...(notes.length > 0 ? { warnings: notes } : {}),
      },
    });
  },
};

/**
 * The predictive baseline's settings: forecasts of H = ⌈4·τ_abs⌉ lags (the hybrid's window; the
 * given window when there is one), every ⌈H/4⌉ steps. `predict: true` forces them, `false` turns
 * them off, undefined asks the pilot (plan/predict.ts) whether they pay.
 */
function planKernelPredict(req: GradientRequest, options: KernelOptions, tauAbs: number, windows: number[], baseline: boolean): { settings: { every: number; horizon: number } | null; plan: PredictPlan | null } {
  if (!baseline || options.predict === false || req.objective.kind !== 'average') return { settings: null, plan: null };
  const H = Math.min(windows[windows.length - 1], options.window ?? Math.max(1, Math.ceil(HYBRID_WINDOW_FACTOR * tauAbs)));
  if (options.predict === true) return { settings: { every: predictEvery(H, req.system.dt !== null), horizon: H }, plan: null };
  const plan = planPredict(req.system, req.objective, req.seed, H);
  return { settings: plan.settings, plan };
}

/**
 * The estimate a window scan ends with, shared by the ergodic kernel and the forward hybrid:
 * orbits pooled (combineOrbits), the window chosen by the doubling test, what the scan cannot
 * resolve (and its warning), and the diagnostics both report about it.
 */
export function scannedEstimate(outs: RepeatOutcome[], windows: number[], steps: number, labels: readonly string[]) {
  const { scan, value, valueStderr, T } = combineOrbits(outs, windows, labels.length);
  const chosen = selectWindow(scan);
  const resolution = scanResolution(scan, chosen);
  const beta = outs[0].diagnostics.beta as number[] | undefined;
  return {
    value,
    valueStderr,
    T,
    chosen,
    gradient: Float64Array.from(scan[chosen].gradient),
    stderr: Float64Array.from(scan[chosen].stderr),
    scanNote: scanWarning(resolution, windows[chosen], scan[chosen].gradient, steps, labels),
    window: windows[chosen],
    diagnostics: {
      ...(windows.length > 1 ? { windowScan: scan.map((e) => ({ window: e.window, gradient: Array.from(e.gradient), stderr: Array.from(e.stderr) })) } : {}),
      ...(resolution ? { scanResolution: resolution } : {}),
    },
    predictBeta: beta ? { predictBeta: beta } : {},
  };
}

/** How the diagnostics name a predictive baseline with these settings. */
export function predictiveBaselineLabel(p: { horizon: number; every: number }): string {
  return `predictive: noise-free forecasts of ${p.horizon} lags every ${p.every} steps, β from the windows completed so far`;
}

/**
 * Independent orbits pooled per window: each weighted by its number of contributions, variances
 * added (differences between windows too, each orbit's from its own paired batches).
 */
export function combineOrbits(outs: RepeatOutcome[], windows: number[], P: number): { scan: ScanEntry[]; value: number; valueStderr: number; T: number } {
  const acc = windows.map((window) => ({ window, g: new Float64Array(P), v: new Float64Array(P), d: new Float64Array(P) }));
  let value = 0, varV = 0, T = 0;
  for (const o of outs) {
    const t = o.diagnostics.steps as number, scan = o.diagnostics.scan as WindowEstimate[];
    T += t;
    value += t * o.value;
    varV += (t * (o.diagnostics.valueStderr as number)) ** 2;
    scan.forEach((e, i) => {
      for (let j = 0; j < P; j++) {
        acc[i].g[j] += t * e.gradient[j];
        acc[i].v[j] += (t * e.stderr[j]) ** 2;
        if (e.diffStderr) acc[i].d[j] += (t * e.diffStderr[j]) ** 2;
      }
    });
  }
  const scan = acc.map((a, i) => ({
    window: a.window,
    gradient: a.g.map((g) => g / T),
    stderr: a.v.map((v) => Math.sqrt(v) / T),
    diffStderr: i === 0 ? null : a.d.map((d) => Math.sqrt(d) / T),
  }));
  return { scan, value: value / T, valueStderr: Math.sqrt(varV) / T, T };
}

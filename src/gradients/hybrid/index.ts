import { maxOf } from '../../stats/index.js';
import { UsageError, requirePositiveInteger, usage, opt } from '../../errors/index.js';
import { lyapunovSpectrum } from '../../lyapunov/index.js';
import { CostMeter } from '../cost.js';
import { resolveObjective } from '../objective.js';
import { selectParams } from '../params.js';
import { combineRepeats, runBlocks, runRepeats } from '../repeats.js';
import { makeResult } from '../result.js';
import { checkNoiseResolution } from '../trust.js';
import type { GradientCost, GradientEstimator, GradientRequest, GradientResult } from '../types.js';
import { noiseDiagnostics, requireNoise } from '../kernel/score.js';
import { pilotBaseline, pilotSamples, type HybridHorizonOptions } from './horizon.js';
import { HYBRID_WINDOW_FACTOR, planPredict, predictEvery, windowLadder, type PredictEvidence, continuityPilotSteps, checkObjectiveContinuity, jumpWarning, planAlpha, planWindow, windowWarning, type AlphaEvidence, type WindowEvidence } from '../plan/index.js';
import { DEFAULT_ORBIT_MEMORY_MIB, DEFAULT_SPLIT, FORWARD_MAX_PARAMS, type HybridOptions, type HybridRunOptions } from './options.js';
import { estimateForward } from './forwardEstimate.js';
import { chooseSweep, type SweepEvidence } from './sweep.js';
import { checkMethodOptions, checkRequest, type OptionKeys } from '../methodOptions.js';
import { checkParamBlocks } from '../adjointSteps.js';

export type { HybridOptions } from './options.js';
export { pathKernelSplit, shadowingSplit, type Split } from './split.js';

/**
 * Default u: the exponents with λᵢ > −λ₁/2 (at least 1). Near-zero and weakly negative directions
 * go to the kernel too: over T steps even λ = +0.01 makes a pathwise adjoint grow like e^{0.01·T},
 * a flow's neutral direction grows linearly, and a weakly contracting remainder still has long
 * finite-time excursions (measured on rnn g = 3: u = #{λ ≥ 0} = 9 gave adjoint norms up to 10⁴,
 * u = 12 (λ > −λ₁/2) up to 2·10²). Larger u costs kernel variance (∝ u), so stop there.
 * Returns u with the cost of the Lyapunov run that chose it.
 */
function defaultU(req: GradientRequest): { u: number; cost: Omit<GradientCost, 'seconds'> } {
  const n = req.system.dim;
  const steps = req.system.kind === 'flow' ? 20000 : 3000;
  const cost = { steps: 0, tangentSolves: 0, adjointSolves: 0 };
  for (let k = Math.min(n, 16); ; k = Math.min(n, 2 * k)) {
    const spec = lyapunovSpectrum(req.system, { k, steps, seed: req.seed });
    cost.steps += spec.transient + spec.basisTransient + spec.steps;
    cost.tangentSolves += k * (spec.basisTransient + spec.steps);
    const cut = -Math.max(0, spec.exponents[0]) / 2;
    let u = 0;
    while (u < k && spec.exponents[u] > cut) u++;
    if (u < k || k === n) return { u: Math.max(1, u), cost };
  }
}

/** What the plan step found: the evidence behind each automatic choice, and warnings on explicit ones. */
interface HybridPlanNotes {
  windowFrom: (WindowEvidence & { chosen: 'pilot' | 'given' }) | null;
  alphaFrom: (AlphaEvidence & { chosen: 'pilot' }) | null;
  predictFrom: (PredictEvidence & { chosen: 'pilot' }) | null;
  sweepFrom: SweepEvidence | null;
  warnings: string[];
}

/** Validated options with defaults filled in, and the cost of choosing them (pilots: the objective's correlation time, λ₁ for α, the spectrum for u). */
function resolveWithCost(req: GradientRequest, o: HybridOptions): { run: HybridRunOptions; cost: Omit<GradientCost, 'seconds'>; notes: HybridPlanNotes } {
  const sys = req.system;
  const split = o.split ?? DEFAULT_SPLIT;
  if (split !== 'pathkernel' && split !== 'shadowing') throw new UsageError(`unknown split '${String(split)}' (valid: pathkernel, shadowing)`);
  if (o.alpha !== undefined && !(o.alpha >= 0 && o.alpha <= 1)) throw usage`${opt('alpha')} must be in [0, 1], got ${o.alpha}`;
  const T = req.objective.kind === 'average' ? req.objective.steps : req.objective.horizon;
  if (o.window !== undefined) requirePositiveInteger(opt('window'), o.window);
  const cost = { steps: 0, tangentSolves: 0, adjointSolves: 0 };
  const notes: HybridPlanNotes = { windowFrom: null, alphaFrom: null, predictFrom: null, sweepFrom: null, warnings: [] };
  let window = o.window ?? 1;
  let predict: HybridRunOptions['predict'] = null;
  let windows: number[] | undefined;
  let sweep = fixedSweep(req, o, split);
  let ladder: number[] | null = null;
  let forwardHorizon = 0;
  const planForecasts = (H: number) => {
    if (req.objective.kind !== 'average') return;
    if (o.predict === true) predict = { every: predictEvery(H, req.system.dt !== null), horizon: H };
    else if (o.predict === undefined) {
      const pp = planPredict(sys, req.objective, req.seed, H);
      addCost(cost, pp.cost);
      predict = pp.settings;
      notes.predictFrom = { chosen: 'pilot', ...pp.from };
    }
  };
  if (req.objective.kind === 'average') {
    // never shorter than the fixed default it replaced (10 steps, 1 time unit for flows): a single
    // window has no scan to catch a truncated response, and on AR(1) (τ_abs = 1.5) 4·τ_abs = 6
    // steps cuts 1.6% of d⟨x⟩/dc, 3.5σ at the demo's budget
    const floor = sys.dt !== null ? Math.ceil(1 / sys.dt) : 10;
    const plan = planWindow(sys, req.objective, req.seed, HYBRID_WINDOW_FACTOR, floor);
    addCost(cost, plan.cost);
    window = o.window ?? plan.window;
    notes.windowFrom = { chosen: o.window !== undefined ? 'given' : 'pilot', ...plan.from };
    const w = o.window !== undefined ? windowWarning(o.window, plan, sys) : null;
    if (w !== null) notes.warnings.push(w);
    const tau = plan.from.tauAbsSteps, T10 = Math.max(1, Math.floor(req.objective.steps / 10));
    // forward: a ladder from ⌈4·τ_abs⌉ (no floor: the scan catches a truncated response). Not from the
    // kernel's ⌈2·τ_abs⌉: the doubling test has little power against a small truncation — on rnn
    // (τ_abs ≈ 1) a ladder from W = 2 stopped there on one seed of four, 0.1039 ± 0.0010 against FD's
    // 0.1071 ± 0.0007
    if (sweep !== 'backward') ladder = o.window !== undefined ? [o.window] : windowLadder(Math.max(1, Math.min(Math.ceil(HYBRID_WINDOW_FACTOR * tau), T10)), req.objective.steps);
    // the predictive baseline forecasts H = the window (forward: ⌈4·τ_abs⌉ within the ladder); the pilot decides unless told
    forwardHorizon = ladder ? Math.min(ladder[ladder.length - 1], o.window ?? Math.max(1, Math.ceil(HYBRID_WINDOW_FACTOR * tau))) : window;
    planForecasts(sweep === 'backward' ? window : forwardHorizon);
  }
  let alpha = o.alpha ?? 0;
  const continuity = checkObjectiveContinuity(sys, req.objective, req.seed, continuityPilotSteps(req.objective.kind === 'average' ? req.objective.steps : req.objective.horizon * req.objective.samples));
  if (split === 'pathkernel' && o.alpha === undefined) {
    const plan = planAlpha(sys, req.objective, req.seed, continuity);
    addCost(cost, plan.cost);
    alpha = plan.alpha;
    notes.alphaFrom = { chosen: 'pilot', ...plan.from };
  } else {
    addCost(cost, continuity.cost);
    const w = jumpWarning(continuity, split === 'pathkernel' ? alpha : null);
    if (w !== null) notes.warnings.push(w);
  }
  const orbitMemory = o.orbitMemory ?? DEFAULT_ORBIT_MEMORY_MIB;
  if (!(orbitMemory >= 0 && orbitMemory < Infinity)) throw usage`${opt('orbitMemory')} must be a number of MiB ≥ 0, got ${orbitMemory}`;
  const keepBytes = Math.floor(orbitMemory * 2 ** 20);
  if (sweep === 'auto') {
    const steps = req.objective.kind === 'average' ? req.objective.steps : 1;
    const from = chooseSweep({
      params: paramCount(req),
      dim: sys.dim,
      rungs: ladder!.length,
      // CheckpointedOrbit keeps n + r numbers per step
      keptFraction: Math.min(1, keepBytes / (8 * (sys.dim + (sys.noise?.rank ?? 0)) * steps)),
      backwardWindow: window,
      forwardWindow: ladder![0],
    });
    sweep = from.chosen;
    notes.sweepFrom = from;
    // the backward sweep's forecasts reach its window (the forward one's only the ladder's first rung)
    if (sweep === 'backward' && window !== forwardHorizon) planForecasts(window);
  }
  if (sweep === 'forward' && req.objective.kind === 'average') windows = ladder!;
  const chosen = split === 'shadowing' && o.u === undefined ? defaultU(req) : null;
  if (chosen) addCost(cost, chosen.cost);
  return {
    run: {
      split,
      alpha,
      u: split === 'shadowing' ? (o.u ?? chosen!.u) : 0,
      window,
      segmentSteps: requirePositiveInteger(opt('segmentSteps'), o.segmentSteps ?? Math.max(1, Math.ceil(Math.sqrt(T)))),
      basisTransient: requirePositiveInteger(opt('basisTransient'), o.basisTransient ?? (sys.dt !== null ? Math.round(10 / sys.dt) : 200), true),
      keepBytes,
      ...(predict ? { predict } : {}),
      sweep,
      ...(windows ? { windows } : {}),
      ...(checkParamBlocks(o.paramBlocks) !== undefined ? { paramBlocks: o.paramBlocks } : {}),
    },
    cost,
    notes,
  };
}

/**
 * The sweep when the options or the problem fix it; 'auto' when both apply (≤ FORWARD_MAX_PARAMS
 * parameters of an ergodic path-kernel estimate) and the predicted cost decides (hybrid/sweep.ts).
 */
function fixedSweep(req: GradientRequest, o: HybridOptions, split: string): 'forward' | 'backward' | 'auto' {
  if (o.sweep !== undefined && o.sweep !== 'forward' && o.sweep !== 'backward') throw usage`unknown ${opt('sweep')} '${String(o.sweep)}' (valid: forward, backward)`;
  const applies = split === 'pathkernel' && req.objective.kind === 'average';
  if (o.sweep === 'forward' && !applies) throw usage`${opt('sweep')} forward needs ${opt('split')} pathkernel and ${opt('steps')} T (an ergodic objective)`;
  if (o.sweep !== undefined) return o.sweep;
  // options that only the backward sweep has (its checkpointed orbit) ask for it
  if (o.orbitMemory !== undefined || o.segmentSteps !== undefined) return 'backward';
  return applies && paramCount(req) <= FORWARD_MAX_PARAMS ? 'auto' : 'backward';
}

const paramCount = (req: GradientRequest) => selectParams(req.system, req.params).indices.length;

function addCost(to: Omit<GradientCost, 'seconds'>, c: Omit<GradientCost, 'seconds'>): void {
  to.steps += c.steps;
  to.tangentSolves += c.tangentSolves;
  to.adjointSolves += c.adjointSolves;
}

export function resolveHybridOptions(req: GradientRequest, o: HybridOptions): HybridRunOptions {
  return resolveWithCost(req, o).run;
}

const MODULE_ERGODIC = new URL('./ergodic.js', import.meta.url).href;
const MODULE_HORIZON = new URL('./horizon.js', import.meta.url).href;

/**
 * The hybrid of backpropagation and kernel differentiation (adjoint path-kernel and
 * shadowing-kernel splits): bounded adjoint, low-variance kernel part. See docs/hybrid.md.
 */
const HYBRID_KEYS = { split: true, alpha: true, u: true, window: true, repeats: true, segmentSteps: true, basisTransient: true, orbitMemory: true, predict: true, sweep: true, paramBlocks: true } satisfies OptionKeys<HybridOptions>;

export const hybridEstimator: GradientEstimator<HybridOptions> = {
  optionKeys: Object.keys(HYBRID_KEYS),
  name: 'hybrid',
  description: 'adjoint with part of each perturbation absorbed by the noise kernel (path-kernel or shadowing split)',
  plan(req: GradientRequest, h: HybridOptions = {}): HybridOptions {
    checkMethodOptions(hybridEstimator, h);
    if (req.system.noise === null) return h;
    const run = resolveHybridOptions(req, h);
    // the planned window and α too: their pilots would otherwise repeat in every sized run
    return {
      ...h,
      ...(run.split === 'shadowing' && h.u === undefined ? { u: run.u } : {}),
      ...(run.split === 'pathkernel' && h.alpha === undefined ? { alpha: run.alpha } : {}),
      // (the forward sweep scans its windows in every run: its window is not fixed here)
      ...(req.objective.kind === 'average' && h.window === undefined && run.sweep !== 'forward' ? { window: run.window } : {}),
    };
  },
  async estimate(req: GradientRequest, o: HybridOptions = {}): Promise<GradientResult> {
    checkMethodOptions(hybridEstimator, o);
    checkRequest(req);
    const cost = new CostMeter();
    const sys = req.system;
    const noise = requireNoise(sys);
    const warnings = checkNoiseResolution(sys);
    const ob = resolveObjective(sys, req.objective);
    const sel = selectParams(sys, req.params);
    const { run, cost: setupCost, notes } = resolveWithCost(req, o);
    cost.add(setupCost);
    const common = {
      split: run.split,
      ...(run.split === 'pathkernel'
        ? { alpha: run.alpha, alphaFrom: notes.alphaFrom ?? 'given' }
        : { u: run.u, uFrom: o.u === undefined ? 'Lyapunov spectrum: exponents > −λ₁/2' : 'given' }),
      ...noiseDiagnostics(noise),
      ...(notes.warnings.length > 0 ? { warnings: notes.warnings } : {}),
    };
    if (req.objective.kind === 'average' && run.sweep === 'forward') {
      return estimateForward(req, run, o.repeats, sel, cost, { ...common, windowFrom: notes.windowFrom, predictFrom: notes.predictFrom, ...(notes.sweepFrom ? { sweepFrom: notes.sweepFrom } : {}) }, warnings);
    }
    if (req.objective.kind === 'average') {
      const repeats = requirePositiveInteger(opt('repeats'), o.repeats ?? 1);
      const outs = await runRepeats(MODULE_ERGODIC, 'hybridErgodicRun', req, run, repeats);
      const c = combineRepeats(outs);
      cost.add(c.cost);
      const single = repeats < 2;
      return makeResult('hybrid', req, sel, {
        warnings,
        value: c.value,
        valueStderr: single ? (outs[0].diagnostics.valueStderr as number) : c.valueStderr,
        gradient: c.gradient,
        stderr: single ? Float64Array.from(outs[0].diagnostics.batchStderr as number[]) : c.stderr,
        cost,
        diagnostics: {
          form: 'ergodic',
          sweep: 'backward',
          ...(notes.sweepFrom ? { sweepFrom: notes.sweepFrom } : {}),
          ...common,
          window: run.window,
          windowFrom: notes.windowFrom,
          baseline: run.predict ? `predictive: noise-free forecasts of ${run.predict.horizon} lags every ${run.predict.every} steps, β from the windows completed so far` : 'running mean',
          ...(notes.predictFrom ? { predictFrom: notes.predictFrom } : {}),
          ...(run.predict ? { predictBeta: outs.map((x) => x.diagnostics.predictBeta) } : {}),
          repeats,
          stderrFrom: single ? 'batch means of per-step contributions' : 'independent orbits',
          adjointNormMean: outs.map((x) => x.diagnostics.adjointNormMean),
          adjointNormMax: maxOf(outs.map((x) => x.diagnostics.adjointNormMax as number)),
          memoryBytes: outs[0].diagnostics.memoryBytes,
          orbitMemoryMiB: run.keepBytes / 2 ** 20,
          // steps of each orbit read back from memory instead of recomputed (the rest is recomputed)
          keptSteps: outs[0].diagnostics.keptSteps,
        },
      });
    }
    const N = req.objective.samples, L = req.objective.horizon;
    const M = pilotSamples(N);
    const baseline = pilotBaseline(sys, ob, L, M, req.seed);
    cost.add({ steps: M * L, tangentSolves: 0, adjointSolves: 0 });
    // a fixed number of blocks (not the core count), so the bits do not depend on the machine
    const chunks = Math.min(N, 8);
    const blocks = Array.from({ length: chunks }, (_, i) => {
      const first = Math.floor((i * N) / chunks);
      return { ...run, first, count: Math.floor(((i + 1) * N) / chunks) - first, baseline };
    });
    const flat = await runBlocks<HybridHorizonOptions>(MODULE_HORIZON, 'hybridHorizonChunk', req, blocks);
    const P = sel.indices.length;
    const sum = new Float64Array(P), sumSq = new Float64Array(P);
    let phiSum = 0, phiSq = 0;
    for (const out of flat) {
      const sq = out.diagnostics.sumSq as number[];
      for (let q = 0; q < P; q++) {
        sum[q] += out.gradient[q];
        sumSq[q] += sq[q];
      }
      phiSum += out.value;
      phiSq += out.diagnostics.phiSq as number;
      cost.add(out.cost);
    }
    const mean = sum.map((s) => s / N);
    const stderr = sumSq.map((s, q) => (N > 1 ? Math.sqrt(Math.max(0, (s - N * mean[q] * mean[q]) / (N - 1)) / N) : 0));
    const value = phiSum / N;
    return makeResult('hybrid', req, sel, {
      warnings,
      value,
      valueStderr: N > 1 ? Math.sqrt(Math.max(0, (phiSq - N * value * value) / (N - 1)) / N) : null,
      gradient: mean,
      // one sample gives no error estimate
      stderr: N > 1 ? stderr : null,
      cost,
      diagnostics: { form: 'finite-time', ...common, horizon: L, samples: N, baseline: `mean of ${M} independent pilot samples`, baselineValue: baseline },
    });
  },
};

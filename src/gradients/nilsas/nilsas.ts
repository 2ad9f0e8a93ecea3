import { maxOf, minOf } from '../../stats/index.js';
import { meanAndStderr, median } from '../../stats/index.js';
import { initialState } from '../../systems/index.js';
import { CostMeter } from '../cost.js';
import { resolveObjective, transientOf } from '../objective.js';
import { gather, selectParams } from '../params.js';
import { combineRepeats, repeatContext, runRepeats, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { makeResult } from '../result.js';
import { growthExponent } from '../trust.js';
import { failure, opt } from '../../errors/index.js';
import type { GradientEstimator, GradientRequest, GradientResult } from '../types.js';
import { planNilsas, spectralGapWarning, type NilsasOptions, type NilsasPlan, type NilsasTaskOptions } from './options.js';
import { adjointExponents, adjointGrowth, type AdjointExponents, type AdjointGrowth } from './exponents.js';
import { splitIndices } from '../../lyapunov/index.js';
import { nilsasTrajectory } from './trajectory.js';
import { checkMethodOptions, checkRequest, type OptionKeys } from '../methodOptions.js';

/** Stream of a repetition's generator that draws the random terminal W (the orbit uses the repetition's own stream, as BPTT does). */
export const NILSAS_BASIS_STREAM = 1;

/** Relative continuity violation above which an orbit's least-squares solve is reported as inexact. */
export const CONTINUITY_TOLERANCE = 1e-6;

/** Per-repetition diagnostics (plain data: they cross from worker threads). */
export interface NilsasRepeatDiagnostics {
  schurCondition: number | null;
  /** ⟨|v|²⟩ over the orbit */
  adjointNormSqMean: number;
  adjointNormMax: number;
  /** flows: (1/T)Σ⟨v_n, dt·F(x_n)⟩ (0 when the constraint is imposed) */
  neutralMean: number | null;
  /** flows: rms of ⟨v_n, dt·F⟩ + Φ_n − ½⟨∇Φ_n, dt·F⟩ − ⟨Φ⟩ relative to the rms of Φ_n − ⟨Φ⟩ (≈ 0 when the neutral term is removed) */
  neutralResidual: number | null;
  mu: number | null;
  regularisation: number;
  continuityResidual: number;
  segments: number;
  segmentSteps: number;
  memoryBytes: number;
  checkpointBytes: number;
  /** the homogeneous adjoints' growth per segment (the run's own exponents, exponents.ts) */
  adjointGrowth: AdjointGrowth;
}

/**
 * One repetition: an orbit from the repetition's stream (initial draw, transient, noise), the
 * terminal W from stream NILSAS_BASIS_STREAM of it, then NILSAS over the objective's T steps.
 */
export function nilsasRepeatTask(arg: RepeatArg<NilsasTaskOptions>): RepeatOutcome {
  const { system, rng } = repeatContext(arg);
  if (arg.objective.kind !== 'average') throw new Error('nilsasRepeatTask needs an average objective');
  const o = arg.options;
  const observable = resolveObjective(system, arg.objective); // a combined objective (training loss) too
  const sel = selectParams(system, arg.params);
  const transient = transientOf(system, arg.objective);
  const basisRng = rng.split(NILSAS_BASIS_STREAM);
  const x0 = initialState(system, rng, transient);
  const steps = arg.objective.steps;
  const t = nilsasTrajectory(system, x0, steps, system.noise ? rng : null, basisRng, {
    observable,
    M: o.M,
    segmentSteps: o.segmentSteps,
    neutral: o.neutral,
    // the condition estimate costs up to 10 Schur solves: the first orbit speaks for the problem
    condition: o.condition && arg.stream === 0,
    firstIndex: transient,
  });
  const s = t.stats;
  const diagnostics: NilsasRepeatDiagnostics = {
    schurCondition: t.schurCondition,
    adjointNormSqMean: s.normSq / s.count,
    adjointNormMax: s.maxNorm,
    neutralMean: system.kind === 'flow' && o.neutral ? s.neutralSum / s.count : null,
    neutralResidual: system.kind === 'flow' && o.neutral ? Math.sqrt(s.neutralResidualSq / Math.max(s.objectiveVarSum, 1e-300)) : null,
    mu: t.mu,
    regularisation: t.regularisation,
    continuityResidual: t.continuityResidual,
    segments: t.segments,
    segmentSteps: t.segmentSteps,
    memoryBytes: t.memoryBytes,
    checkpointBytes: t.checkpointBytes,
    adjointGrowth: adjointGrowth(t.kkt.R, o.M, t.segmentSteps, steps),
  };
  return {
    value: t.value,
    gradient: gather(t.gradient, sel),
    cost: { steps: transient + t.primalSteps, tangentSolves: 0, adjointSolves: t.adjointSolves },
    diagnostics: diagnostics as unknown as Record<string, unknown>,
  };
}

/** Across repetitions: medians and extremes of the per-orbit diagnostics and the gradient's spread. */
function summarise(outcomes: RepeatOutcome[], plan: NilsasPlan, labels: readonly string[], own: AdjointExponents | null): Record<string, unknown> {
  const d = outcomes.map((x) => x.diagnostics as unknown as NilsasRepeatDiagnostics);
  const conds = d.map((x) => x.schurCondition).filter((c): c is number => c !== null);
  const shown = Math.min(labels.length, 16);
  const spread = {
    labels: labels.slice(0, shown),
    min: Array.from({ length: shown }, (_, i) => minOf(outcomes.map((o) => o.gradient[i]))),
    max: Array.from({ length: shown }, (_, i) => maxOf(outcomes.map((o) => o.gradient[i]))),
    sd: outcomes.length > 1 ? Array.from(meanAndStderr(outcomes.map((o) => o.gradient)).stderr.subarray(0, shown), (se) => se * Math.sqrt(outcomes.length)) : null,
  };
  const neutral = d[0].neutralResidual !== null;
  const regularised = d.filter((x) => x.regularisation > 0).length;
  const inexact = d.filter((x) => x.continuityResidual > CONTINUITY_TOLERANCE).length;
  const warnings = [...plan.warnings];
  if (own?.warning) warnings.push(own.warning);
  if (regularised > 0 || inexact > 0) {
    warnings.push(
      `the least-squares (Schur) system was too ill-conditioned for double precision on ${Math.max(regularised, inexact)} of ${d.length} orbits ` +
        `(continuity met only to ${maxOf(d.map((x) => x.continuityResidual)).toExponential(1)}${regularised > 0 ? `, shifted by up to ${maxOf(d.map((x) => x.regularisation))}` : ''}): ` +
        'the least-squares adjoint is far from bounded there (non-hyperbolic dynamics); treat the estimate with suspicion',
    );
  }
  return {
    M: plan.task.M,
    requiredM: own ? own.requiredM : plan.requiredM,
    exponents: own ? own.exponents : plan.exponents,
    exponentStderr: own ? own.stderr : plan.exponentStderr,
    // 'pilot': the short Lyapunov run before the run; 'adjoints': the run's own QR factors (M exponents)
    exponentsFrom: own ? 'adjoints' : plan.exponents ? 'pilot' : null,
    repeats: outcomes.length,
    segments: d[0].segments,
    segmentSteps: d[0].segmentSteps,
    neutralConstraint: plan.task.neutral,
    // estimated condition number of the Schur system on the first orbit (a lower bound)
    schurCondition: conds.length > 0 ? conds[0] : null,
    adjointNormSqMean: median(d.map((x) => x.adjointNormSqMean)),
    adjointNormMax: maxOf(d.map((x) => x.adjointNormMax)),
    ...(neutral
      ? {
          neutralMean: median(d.map((x) => x.neutralMean!)),
          neutralResidual: median(d.map((x) => x.neutralResidual!)),
          neutralMultiplier: median(d.map((x) => x.mu!)),
        }
      : {}),
    spread,
    memoryBytes: maxOf(d.map((x) => x.memoryBytes)),
    checkpointBytes: maxOf(d.map((x) => x.checkpointBytes)),
    regularisedOrbits: regularised,
    continuityResidual: maxOf(d.map((x) => x.continuityResidual)),
    warnings,
  };
}

/**
 * Without the short Lyapunov run (M and the segment length given): the run's own M adjoint
 * exponents, with the checks they allow (spectral gap among the kept exponents; a flow whose kept
 * adjoints all grow lacks its neutral direction).
 */
function ownExponents(outcomes: RepeatOutcome[], plan: NilsasPlan, dt: number | null, flow: boolean): AdjointExponents | null {
  const M = plan.task.M;
  const own = adjointExponents(outcomes.map((o) => (o.diagnostics as unknown as NilsasRepeatDiagnostics).adjointGrowth), M, dt, flow);
  if (own === null) return null;
  const gap = spectralGapWarning(own.exponents, splitIndices(own.exponents, own.stderr, flow).unstable, M);
  return gap && !own.warning ? { ...own, warning: gap } : own;
}

/** Growth exponent λ₁·(segment length) above which the least squares is ill-conditioned: warning, error. */
const SEGMENT_GROWTH_WARN = 20;
const SEGMENT_GROWTH_FAIL = 30;

/**
 * Over one segment the adjoints grow like e^(λ₁·S); the Gram matrices like its square. Past e^30
 * the least-squares problem has no correct digit left (measured on henon: 1e50 ± 1e50 at S = 100).
 */
function segmentGrowthCheck(plan: NilsasPlan, exponents: readonly number[] | null, dt: number | null): string[] {
  const g = growthExponent(exponents?.[0] ?? null, plan.task.segmentSteps, dt);
  if (g === null || g <= SEGMENT_GROWTH_WARN) return [];
  const safe = Math.max(1, Math.floor((plan.task.segmentSteps * 8) / g));
  const what = `the adjoints grow like e^${g.toFixed(1)} over one segment of ${plan.task.segmentSteps} steps (λ₁ = ${exponents![0].toPrecision(3)})`;
  if (g > SEGMENT_GROWTH_FAIL) throw failure`NILSAS: ${what}: the least-squares problem is ill-conditioned beyond double precision; use ${opt('segmentSteps')} ≤ ${safe}`;
  return [`${what}: the least-squares problem is ill-conditioned and the estimate may have lost digits; segmentSteps ≤ ${safe} is safe`];
}

/**
 * Non-intrusive least-squares adjoint shadowing (Ni & Talnikar 2019) for maps and flows: the
 * derivative of a long-time average as (1/T)Σ(∂f/∂p)ᵀv with v the bounded (least-squares)
 * adjoint, all parameters in one pass at the cost of M+2 adjoint sweeps. Standard errors from
 * independent orbits. Shadowing omits the unstable contribution of the linear response: it is
 * biased where the system is far from uniformly hyperbolic (see docs/nilsas.md).
 */
const NILSAS_KEYS = { M: true, segmentSteps: true, segments: true, repeats: true, spectrumSteps: true, neutral: true, condition: true } satisfies OptionKeys<NilsasOptions>;

export const nilsasEstimator: GradientEstimator<NilsasOptions> = {
  optionKeys: Object.keys(NILSAS_KEYS),
  name: 'nilsas',
  description: 'adjoint shadowing (NILSAS): bounded least-squares adjoint of a chaotic map or flow, all parameters at (M+2)× the cost of BPTT',
  plan(req: GradientRequest, o: NilsasOptions = {}): NilsasOptions {
    checkMethodOptions(nilsasEstimator, o);
    if (req.objective.kind !== 'average' || (o.M !== undefined && (o.segmentSteps !== undefined || o.segments !== undefined))) return o;
    const plan = planNilsas(req.system, req.objective, o, req.seed);
    return { ...o, M: plan.task.M, segmentSteps: plan.task.segmentSteps, spectrumSteps: 0 };
  },
  async estimate(req: GradientRequest, options: NilsasOptions = {}): Promise<GradientResult> {
    checkMethodOptions(nilsasEstimator, options);
    checkRequest(req);
    const meter = new CostMeter();
    const { system, objective } = req;
    resolveObjective(system, objective);
    const sel = selectParams(system, req.params);
    const plan = planNilsas(system, objective, options, req.seed);
    const warnings = segmentGrowthCheck(plan, plan.exponents, system.dt);
    meter.add(plan.cost);
    const outcomes = await runRepeats(import.meta.url, 'nilsasRepeatTask', req, plan.task, plan.repeats);
    const own = plan.exponents === null ? ownExponents(outcomes, plan, system.dt, system.kind === 'flow') : null;
    if (own) warnings.push(...segmentGrowthCheck(plan, own.exponents, system.dt));
    const c = combineRepeats(outcomes);
    meter.add(c.cost);
    return makeResult('nilsas', req, sel, {
      value: c.value,
      valueStderr: c.valueStderr,
      gradient: c.gradient,
      stderr: c.stderr,
      cost: meter,
      warnings,
      diagnostics: summarise(outcomes, plan, sel.labels, own),
    });
  },
};

import { estimatorNames, type GradientRequest, type GradientResult, type Objective } from '../gradients/index.js';
import { ADJOINT_GROWTH_LIMIT, CONTINUITY_PILOT_STEPS, checkObjectiveContinuity, pilotLambda1 } from '../gradients/plan/index.js';
import type { DynamicalSystem } from '../systems/index.js';
import { fillSetup, resize, runWithBudget, sizeOf } from './compare.js';

/**
 * `advise`: short pilots of every applicable gradient method on one problem, ranked by the standard
 * error one CPU-second buys (stderr·√CPU: a method's error falls like 1/√cost once its fixed
 * overheads are paid), with the known bias risks of each and the size of a run that spends a
 * target budget. Pilots use the methods' planned defaults (window, α, u, M …), so the ranking is of
 * what `grad` runs without options.
 */
export interface AdviseOptions {
  system: DynamicalSystem;
  params: string[];
  objective: Objective;
  seed: number;
  /** methods to try (default: every method that applies) */
  methods?: string[];
  /** CPU seconds of each method's pilot (default 1) */
  budget?: number;
  /** CPU seconds the recommended run should take (default 60) */
  target?: number;
  onProgress?: (label: string, done: number, total: number) => void;
}

export interface AdviceEntry {
  method: string;
  ok: boolean;
  error?: string;
  /** pilot size (steps or samples) and its CPU seconds */
  size?: number;
  cpuSeconds?: number;
  gradient?: number[];
  stderr?: number[] | null;
  /** root-mean-square over entries of stderr·√CPU: the standard error of one CPU second (smaller is better) */
  stderrAtOneSecond?: number | null;
  /** the size that spends the target budget, and the standard error predicted there */
  recommendedSize?: number;
  predictedStderr?: number | null;
  /** known bias risks; `severe` ones rank the method below every method without */
  risks: string[];
  severe: boolean;
  /** the settings the pilot ran with (planned window, α, u …), from its diagnostics */
  settings: Record<string, unknown>;
}

export interface Advice {
  system: string;
  objective: Objective;
  params: string[];
  labels: string[];
  noise: number;
  lambda1: number;
  lambda1Unit: 'per step' | 'per unit time';
  budget: number;
  target: number;
  /** best first: methods without severe risks by stderr·√CPU, then the severe ones, then failures */
  entries: AdviceEntry[];
  top: string | null;
}

/** Methods that can run on this problem (the kernel and hybrid need noise, NILSAS a long-time average). */
export function applicableMethods(sys: DynamicalSystem, objective: Objective): string[] {
  return estimatorNames().filter((m) => {
    if ((m === 'kernel' || m === 'hybrid') && sys.noise === null) return false;
    if (m === 'nilsas' && objective.kind !== 'average') return false;
    return true;
  });
}

/** Risks known before running, from the problem: λ₁, the objective's kind, jumps of the objective at the wrap. */
function priorRisks(method: string, sys: DynamicalSystem, objective: Objective, lambda1: number, jumps: boolean): { risks: string[]; severe: boolean } {
  if (jumps && (method === 'bptt' || method === 'nilsas')) {
    return { risks: ['the objective jumps where the state wraps: a pathwise derivative never sees the jumps and is biased'], severe: true };
  }
  const perStep = lambda1 * (sys.dt ?? 1);
  const steps = objective.kind === 'average' ? objective.steps : objective.horizon;
  switch (method) {
    case 'bptt': {
      if (perStep <= 0) return { risks: [], severe: false };
      if (objective.kind === 'average') {
        return { risks: [`chaotic (λ₁ = ${lambda1.toPrecision(3)}): the derivative of a long-time average is out of BPTT's reach — its adjoint grows like e^(λ₁t), and truncation or clipping change what is computed`], severe: true };
      }
      const growth = perStep * steps;
      return growth > Math.log(ADJOINT_GROWTH_LIMIT)
        ? { risks: [`the adjoint grows by about e^${growth.toFixed(0)} over the horizon (past ${ADJOINT_GROWTH_LIMIT.toExponential(0)}): a few exploding samples dominate the estimate`], severe: true }
        : { risks: [], severe: false };
    }
    case 'fd':
      return { risks: ['O(h²) curvature bias (check with richardson); two runs per parameter entry'], severe: false };
    case 'nilsas':
      // with noise the problem is the noisy system's derivative, which shadowing does not target
      return sys.noise !== null
        ? { risks: ['noisy system: shadowing approximates the deterministic system\'s derivative, not the noisy one asked for (unvalidated)'], severe: true }
        : { risks: ['biased where the system is far from hyperbolic (no gap between unstable and stable exponents)'], severe: false };
    case 'kernel':
      return { risks: [], severe: false };
    case 'hybrid':
      return { risks: ['the window is planned from the correlation time without a scan'], severe: false };
    default:
      return { risks: [], severe: false };
  }
}

/** Risks the pilot itself revealed (its warnings, a window scan that ran out of windows). */
function pilotRisks(result: GradientResult): string[] {
  const d = result.diagnostics;
  const out = Array.isArray(d.warnings) ? [...(d.warnings as string[])] : [];
  const scan = d.windowScan as { window: number }[] | undefined;
  if (scan && scan.length > 1 && d.window === scan[scan.length - 1].window) out.push(`the window scan ended at its longest window (${d.window} steps): the response may be truncated`);
  if (d.foliated === true) out.push('foliated noise: only the part of ∂f/∂p inside the noise span is differentiated');
  return out;
}

/** The settings worth showing from a pilot's diagnostics. */
function settingsOf(result: GradientResult): Record<string, unknown> {
  const d = result.diagnostics;
  const keys = ['window', 'alpha', 'split', 'u', 'M', 'segmentSteps', 'h', 'repeats', 'truncate'];
  const out: Record<string, unknown> = {};
  for (const k of keys) if (d[k] !== undefined && d[k] !== null) out[k] = d[k];
  return out;
}

function rms(v: number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
}

export async function advise(o: AdviseOptions): Promise<Advice> {
  const budget = o.budget ?? 1, target = o.target ?? 60;
  const req: GradientRequest = { system: o.system, objective: o.objective, params: o.params, seed: o.seed };
  const methods = o.methods ?? applicableMethods(o.system, o.objective);
  const lyap = pilotLambda1(o.system, o.seed);
  const jumps = checkObjectiveContinuity(o.system, o.objective, o.seed, CONTINUITY_PILOT_STEPS).jumps > 0;
  const setup = fillSetup(req, methods, {});
  const entries: AdviceEntry[] = [];
  let labels: string[] = [];
  for (const [i, method] of methods.entries()) {
    o.onProgress?.(method, i, methods.length);
    const prior = priorRisks(method, o.system, o.objective, lyap.lambda1, jumps);
    try {
      const run = await runWithBudget(method, req, setup.filled[method] ?? {}, budget);
      labels = [...run.result.labels];
      const se = run.result.stderr ? Array.from(run.result.stderr) : null;
      const eff = se && se.every((s) => Number.isFinite(s)) ? rms(se) * Math.sqrt(run.cpuSeconds) : null;
      const recommendedSize = Math.max(1, Math.round((run.size * target) / Math.max(run.cpuSeconds, 1e-3)));
      const risks = [...prior.risks, ...pilotRisks(run.result), ...(run.limitedBy ? [`could not use its budget: ${run.limitedBy}`] : [])];
      entries.push({
        method, ok: true, size: run.size, cpuSeconds: run.cpuSeconds, gradient: Array.from(run.result.gradient), stderr: se,
        stderrAtOneSecond: eff, recommendedSize: Math.min(recommendedSize, Math.max(run.size, sizeOf(o.objective) * 100)),
        predictedStderr: eff !== null ? eff / Math.sqrt(target) : null,
        risks, severe: prior.severe || run.limitedBy !== undefined || eff === null, settings: settingsOf(run.result),
      });
    } catch (e) {
      entries.push({ method, ok: false, error: (e as Error).message.split('\n')[0], risks: prior.risks, severe: true, settings: {} });
    }
  }
  o.onProgress?.('done', methods.length, methods.length);
  entries.sort((a, b) => rank(a) - rank(b) || (a.stderrAtOneSecond ?? Infinity) - (b.stderrAtOneSecond ?? Infinity));
  const top = entries.length > 0 && rank(entries[0]) === 0 ? entries[0].method : null;
  return {
    system: o.system.name, objective: o.objective, params: o.params, labels, noise: o.system.noise?.sigma ?? 0,
    lambda1: lyap.lambda1, lambda1Unit: o.system.dt !== null ? 'per unit time' : 'per step', budget, target, entries, top,
  };
}

function rank(e: AdviceEntry): number {
  return !e.ok ? 2 : e.severe ? 1 : 0;
}

/** The objective of the recommended run (its size replaced). */
export function recommendedObjective(objective: Objective, e: AdviceEntry): Objective {
  return resize(objective, e.recommendedSize ?? sizeOf(objective));
}

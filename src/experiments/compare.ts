import { getEstimator, type GradientRequest, type GradientResult, type Objective } from '../gradients/index.js';
import { RuntimeFailure } from '../errors/index.js';
import type { DynamicalSystem } from '../systems/index.js';
import { cpuSeconds, seconds } from './common.js';

export interface CompareOptions {
  system: DynamicalSystem;
  params: string[];
  objective: Objective;
  methods: string[];
  /** CPU seconds per method per run; several budgets give the error-vs-compute curve */
  budgets: number[];
  seed: number;
  /** method options by method name */
  methodOptions?: Record<string, Record<string, unknown>>;
  /** reference gradient (one entry per selected parameter entry); otherwise `referenceMethod` at `referenceBudget` */
  reference?: number[];
  /** standard error of a given reference (z-scores then include it) */
  referenceStderr?: number[];
  referenceMethod?: string;
  referenceBudget?: number;
  onProgress?: (label: string) => void;
}

export interface CompareEntry {
  method: string;
  budget: number;
  /** the objective size actually run (steps or samples) */
  size: number;
  ok: boolean;
  error?: string;
  gradient?: number[];
  stderr?: number[] | null;
  /** |estimate − reference| per entry */
  absError?: number[];
  /** error in units of the combined standard error (method's and reference's) */
  zScore?: number[];
  /** wall-clock seconds of the run (inflated when other processes share the cores) */
  seconds?: number;
  /** CPU seconds of the run, all threads: the compute the budget is measured in */
  cpuSeconds?: number;
  /** set when the method could not use its budget (e.g. BPTT overflowed at a larger size): the failure, and this entry is its largest finished run */
  limitedBy?: string;
  /** stderr·√cpuSeconds per entry: the standard error one CPU second buys (smaller is better) */
  stderrAtOneSecond?: number[] | null;
  cost?: GradientResult['cost'];
  /** the trust layer's warnings on this run (absent when none) */
  warnings?: string[];
}

/** Per-system analyses done once, before the budgets, so that the budgets buy gradient work only. */
export interface CompareSetup {
  /** method options filled in (hybrid's u, NILSAS's M and segment length) */
  filled: Record<string, Record<string, unknown>>;
  seconds: number;
}

export interface CompareResult {
  system: string;
  objective: Objective;
  params: string[];
  labels: string[];
  noise: number;
  reference: { gradient: number[]; stderr: number[] | null; method: string; seconds: number | null; cpuSeconds: number | null };
  setup: CompareSetup;
  entries: CompareEntry[];
}

/** Objective with its size (steps or samples) replaced. */
export function resize(o: Objective, size: number): Objective {
  return o.kind === 'average' ? { ...o, steps: size } : { ...o, samples: size };
}

export function sizeOf(o: Objective): number {
  return o.kind === 'average' ? o.steps : o.samples;
}

/** One estimate with the CPU time it took (process-wide, so worker threads count too). */
async function timed(method: string, req: GradientRequest, options: Record<string, unknown>): Promise<{ result: GradientResult; cpuSeconds: number }> {
  const c0 = cpuSeconds();
  const result = await getEstimator(method).estimate({ ...req, onProgress: undefined }, options);
  return { result, cpuSeconds: cpuSeconds() - c0 };
}

/**
 * Runs a method for about `budget` CPU seconds. Fixed overheads (worker start-up, a Lyapunov pilot)
 * make a single small pilot misleading, so the size (steps or samples) grows geometrically until
 * a run takes at least half the budget; that run is the answer. Costs are linear in the size.
 * CPU time, not wall time: on a shared machine wall time depends on the other processes.
 *
 * A first run more than twice over the budget is discarded and the size shrunk in proportion.
 * A method that cannot use the whole budget — BPTT's adjoint overflows past λ₁T ≈ 709 — returns
 * its largest run that finished, with `limitedBy` naming the failure (the size is first shrunk
 * tenfold at a time when even the starting size fails); if none finishes, the failure is thrown.
 */
export async function runWithBudget(method: string, req: GradientRequest, options: Record<string, unknown>, budget: number): Promise<{ result: GradientResult; size: number; cpuSeconds: number; limitedBy?: string }> {
  const minSize = req.objective.kind === 'average' ? 200 : 20;
  let size = Math.max(minSize, Math.round(sizeOf(req.objective) / 100));
  let last: { result: GradientResult; size: number; cpuSeconds: number } | null = null;
  for (;;) {
    let run: { result: GradientResult; cpuSeconds: number };
    try {
      run = await timed(method, { ...req, objective: resize(req.objective, size) }, options);
    } catch (e) {
      if (!(e instanceof RuntimeFailure)) throw e;
      const limitedBy = (e as Error).message.split('\n')[0];
      if (last) return { ...last, limitedBy };
      if (size <= minSize) throw e;
      size = Math.max(minSize, Math.round(size / 10));
      continue;
    }
    // far over budget (a starting size too large for this method): shrink once it is known how far
    if (run.cpuSeconds > 2 * budget && size > minSize && !last) {
      size = Math.max(minSize, Math.round((size * 0.9 * budget) / run.cpuSeconds));
      continue;
    }
    last = { result: run.result, size, cpuSeconds: run.cpuSeconds };
    if (run.cpuSeconds >= 0.5 * budget || size >= 1e9) return last;
    size = Math.round(size * Math.min(20, Math.max(2, (0.9 * budget) / Math.max(run.cpuSeconds, 1e-3))));
  }
}

/**
 * Fills the options that hybrid (u of the shadowing split) and NILSAS (M, segment length) would
 * otherwise derive from a Lyapunov run inside EVERY call — runWithBudget's growing pilot runs
 * would repeat it, and at short budgets the analysis, not the gradient, would be measured.
 * Options already given are kept. Shared by the compare command and the experiments.
 */
export function fillSetup(req: GradientRequest, methods: readonly string[], given: Record<string, Record<string, unknown>> = {}): CompareSetup {
  const t0 = process.hrtime.bigint();
  const filled: Record<string, Record<string, unknown>> = { ...given };
  // each estimator's own plan step (no switch on method names here); a failure (no noise, bad
  // options) is left to the method's own run, which records it
  for (const m of new Set(methods)) {
    const e = getEstimator(m);
    if (!e.plan) continue;
    try {
      filled[m] = e.plan(req, given[m] ?? {});
    } catch {
      /* reported by the method's entry */
    }
  }
  return { filled, seconds: seconds(t0) };
}

/** Method comparison at equal compute: estimate, standard error, error against a reference, cost. */
export async function compareMethods(o: CompareOptions): Promise<CompareResult> {
  const req: GradientRequest = { system: o.system, objective: o.objective, params: o.params, seed: o.seed };
  const setup = fillSetup(req, [...o.methods, ...(o.reference ? [] : [o.referenceMethod ?? 'fd'])], o.methodOptions ?? {});
  const opts = setup.filled;
  let reference: CompareResult['reference'];
  let labels: string[] = [];
  if (o.reference) {
    reference = { gradient: o.reference, stderr: o.referenceStderr ?? null, method: 'given', seconds: null, cpuSeconds: null };
  } else {
    const m = o.referenceMethod ?? 'fd';
    o.onProgress?.(`reference (${m})`);
    // its own seed: the reference's noise is independent of every method's (no shared samples)
    const { result, cpuSeconds: cpu } = await runWithBudget(m, { ...req, seed: o.seed + 1000003 }, opts[m] ?? {}, o.referenceBudget ?? 4 * Math.max(...o.budgets));
    reference = { gradient: Array.from(result.gradient), stderr: result.stderr ? Array.from(result.stderr) : null, method: m, seconds: result.cost.seconds, cpuSeconds: cpu };
    labels = [...result.labels];
  }
  const entries: CompareEntry[] = [];
  for (const method of o.methods) {
    for (const budget of o.budgets) {
      o.onProgress?.(`${method} (${budget} s)`);
      try {
        const { result, size, cpuSeconds: cpu, limitedBy } = await runWithBudget(method, req, opts[method] ?? {}, budget);
        labels = [...result.labels];
        const g = Array.from(result.gradient);
        const se = result.stderr ? Array.from(result.stderr) : null;
        const absError = g.map((v, i) => Math.abs(v - reference.gradient[i]));
        const zScore = absError.map((e, i) => e / Math.sqrt((se?.[i] ?? 0) ** 2 + (reference.stderr?.[i] ?? 0) ** 2));
        entries.push({
          method, budget, size, ok: true, gradient: g, stderr: se, absError, zScore,
          seconds: result.cost.seconds, cpuSeconds: cpu, stderrAtOneSecond: se ? se.map((s) => s * Math.sqrt(cpu)) : null, cost: result.cost,
          ...(limitedBy ? { limitedBy } : {}),
          ...(result.warnings.length > 0 ? { warnings: [...result.warnings] } : {}),
        });
      } catch (e) {
        entries.push({ method, budget, size: 0, ok: false, error: (e as Error).message.split('\n')[0] });
      }
    }
  }
  return { system: o.system.name, objective: o.objective, params: o.params, labels, noise: o.system.noise?.sigma ?? 0, reference, setup, entries };
}

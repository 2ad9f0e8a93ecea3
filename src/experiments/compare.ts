import { getEstimator, type GradientRequest, type GradientResult, type Objective } from '../gradients/index.js';
import type { DynamicalSystem } from '../systems/index.js';

export interface CompareOptions {
  system: DynamicalSystem;
  params: string[];
  objective: Objective;
  methods: string[];
  /** seconds per method per run; several budgets give the error-vs-compute curve */
  budgets: number[];
  seed: number;
  /** method options by method name */
  methodOptions?: Record<string, Record<string, unknown>>;
  /** reference gradient (one entry per selected parameter entry); otherwise `referenceMethod` at `referenceBudget` */
  reference?: number[];
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
  seconds?: number;
  cost?: GradientResult['cost'];
}

export interface CompareResult {
  system: string;
  objective: Objective;
  params: string[];
  labels: string[];
  noise: number;
  reference: { gradient: number[]; stderr: number[] | null; method: string; seconds: number | null };
  entries: CompareEntry[];
}

/** Objective with its size (steps or samples) replaced. */
export function resize(o: Objective, size: number): Objective {
  return o.kind === 'average' ? { ...o, steps: size } : { ...o, samples: size };
}

export function sizeOf(o: Objective): number {
  return o.kind === 'average' ? o.steps : o.samples;
}

/**
 * Runs a method for about `budget` seconds. Fixed overheads (worker start-up, a Lyapunov pilot)
 * make a single small pilot misleading, so the size (steps or samples) grows geometrically until
 * a run takes at least half the budget; that run is the answer. Costs are linear in the size.
 */
export async function runWithBudget(method: string, req: GradientRequest, options: Record<string, unknown>, budget: number): Promise<{ result: GradientResult; size: number }> {
  const est = getEstimator(method);
  let size = Math.max(req.objective.kind === 'average' ? 200 : 20, Math.round(sizeOf(req.objective) / 100));
  for (;;) {
    const result = await est.estimate({ ...req, objective: resize(req.objective, size), onProgress: undefined }, options);
    const t = result.cost.seconds;
    if (t >= 0.5 * budget || size >= 1e9) return { result, size };
    size = Math.round(size * Math.min(20, Math.max(2, (0.9 * budget) / Math.max(t, 1e-3))));
  }
}

/** Method comparison at equal compute: estimate, standard error, error against a reference, cost. */
export async function compareMethods(o: CompareOptions): Promise<CompareResult> {
  const req: GradientRequest = { system: o.system, objective: o.objective, params: o.params, seed: o.seed };
  let reference: CompareResult['reference'];
  let labels: string[] = [];
  if (o.reference) {
    reference = { gradient: o.reference, stderr: null, method: 'given', seconds: null };
  } else {
    const m = o.referenceMethod ?? 'fd';
    o.onProgress?.(`reference (${m})`);
    const { result } = await runWithBudget(m, { ...req, seed: o.seed + 1000003 }, o.methodOptions?.[m] ?? {}, o.referenceBudget ?? 4 * Math.max(...o.budgets));
    reference = { gradient: Array.from(result.gradient), stderr: result.stderr ? Array.from(result.stderr) : null, method: m, seconds: result.cost.seconds };
    labels = [...result.labels];
  }
  const entries: CompareEntry[] = [];
  for (const method of o.methods) {
    for (const budget of o.budgets) {
      o.onProgress?.(`${method} (${budget} s)`);
      try {
        const { result, size } = await runWithBudget(method, req, o.methodOptions?.[method] ?? {}, budget);
        labels = [...result.labels];
        const g = Array.from(result.gradient);
        const se = result.stderr ? Array.from(result.stderr) : null;
        const absError = g.map((v, i) => Math.abs(v - reference.gradient[i]));
        const zScore = absError.map((e, i) => e / Math.sqrt((se?.[i] ?? 0) ** 2 + (reference.stderr?.[i] ?? 0) ** 2));
        entries.push({ method, budget, size, ok: true, gradient: g, stderr: se, absError, zScore, seconds: result.cost.seconds, cost: result.cost });
      } catch (e) {
        entries.push({ method, budget, size: 0, ok: false, error: (e as Error).message.split('\n')[0] });
      }
    }
  }
  return { system: o.system.name, objective: o.objective, params: o.params, labels, noise: o.system.noise?.sigma ?? 0, reference, entries };
}

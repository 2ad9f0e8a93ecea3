import type { Objective } from '../gradients/index.js';
import { createSystem, type SystemOptions } from '../systems/index.js';
import { compareMethods, type CompareResult } from './compare.js';
import { bySize, ProgressCounter, seconds, unit, type ExperimentOptions, type ExperimentSize } from './common.js';

/**
 * Experiment `estimators`: every gradient method on the benchmark systems at an equal time budget
 * (compareMethods), each against a reference that does not come from the method itself.
 */

/** Where a row's reference value comes from. */
export type ReferenceKind = 'exact' | 'transfer-operator' | 'published' | 'fd';

export interface EstimatorCase {
  label: string;
  /** a few characters for a figure's axis */
  short: string;
  system: string;
  options: SystemOptions;
  param: string;
  observable: string;
  methods: string[];
  methodOptions: Record<string, Record<string, unknown>>;
  reference: { kind: ReferenceKind; value?: number; source: string };
}

export interface EstimatorRow extends EstimatorCase {
  /** the comparison: reference (value, stderr), the split sizes fixed before the clock starts
   *  (`setup`: hybrid's u, NILSAS's M and segment length) and one entry per method and budget */
  comparison: CompareResult;
}

export interface EstimatorsData {
  experiment: 'estimators';
  size: ExperimentSize;
  seed: number;
  /** seconds per method per estimate; the FD references get `referenceBudget` */
  budgets: number[];
  referenceBudget: number;
  rows: EstimatorRow[];
  seconds: number;
}

/** Published: FD over long ensembles (shared/README.md; shadowing methods read 1.02–1.04 here). */
export const LORENZ_DZ_DRHO = 1.0;
/** Noisy tent map, σ = 0.1: d⟨x⟩/dγ from a converged discretisation of the transfer operator. */
export const TENT_DX_DGAMMA = -0.0032922;

export function estimatorCases(size: ExperimentSize): EstimatorCase[] {
  // n = 32 with net seed 1 is chaotic (λ₁ ≈ 0.21 per step); small random networks often are not
  const rnnDim = 32;
  const noisy = ['bptt', 'kernel', 'hybrid', 'nilsas'];
  return [
    {
      label: 'linear (σ = 1)',
      short: 'linear',
      system: 'linear',
      options: { noise: 1 },
      param: 'c',
      observable: 'x0',
      methods: ['bptt', 'fd', 'kernel', 'hybrid', 'nilsas'],
      methodOptions: {},
      // x ↦ a·x + c + σξ: ⟨x⟩ = c/(1 − a), so d⟨x⟩/dc = 1/(1 − a) = 2 at a = 0.5
      reference: { kind: 'exact', value: 1 / (1 - 0.5), source: 'exact: d⟨x⟩/dc = 1/(1 − a) = 2' },
    },
    {
      label: 'tent (σ = 0.1)',
      short: 'tent',
      system: 'tent',
      options: { noise: 0.1 },
      param: 'gamma',
      observable: 'x',
      methods: ['bptt', 'fd', 'kernel', 'hybrid', 'nilsas'],
      methodOptions: {},
      reference: { kind: 'transfer-operator', value: TENT_DX_DGAMMA, source: 'transfer operator (converged discretisation): −0.0032922' },
    },
    {
      label: 'lorenz63',
      short: 'lorenz63',
      system: 'lorenz63',
      options: {},
      param: 'rho',
      observable: 'z',
      methods: ['bptt', 'fd', 'nilsas'],
      methodOptions: {},
      reference: { kind: 'published', value: LORENZ_DZ_DRHO, source: 'published: d⟨z⟩/dρ ≈ 1.00 (FD over long ensembles)' },
    },
    {
      label: 'lorenz63 (σ = 0.2)',
      short: 'lorenz63 σ=0.2',
      system: 'lorenz63',
      options: { noise: 0.2 },
      param: 'rho',
      observable: 'z',
      methods: noisy,
      // a flow's kernel window must span its decorrelation time (1 time unit = 200 steps), not 10 steps
      methodOptions: { kernel: { window: 200 } },
      reference: { kind: 'fd', source: 'finite differences (common random numbers), this run' },
    },
    {
      label: 'ni9 (σ = 0.5)',
      short: 'ni9',
      system: 'ni9',
      options: { noise: 0.5 },
      param: 'gamma',
      observable: 'mean',
      methods: noisy,
      methodOptions: {},
      reference: { kind: 'fd', source: 'finite differences (common random numbers), this run' },
    },
    {
      label: `rnn (n = ${rnnDim}, σ = 0.1)`,
      short: 'rnn',
      system: 'rnn',
      options: { dim: rnnDim, noise: 0.1 },
      param: 'g',
      observable: 'meansq',
      methods: noisy,
      methodOptions: {},
      reference: { kind: 'fd', source: 'finite differences (common random numbers), this run' },
    },
    {
      label: 'solenoid (σ = 0.1)',
      short: 'solenoid',
      system: 'solenoid',
      options: { noise: 0.1, dim: bySize(size, { smoke: 5, demo: 11, full: 21 }) },
      param: 'gamma2',
      observable: 'phi',
      methods: noisy,
      methodOptions: {},
      reference: { kind: 'fd', source: 'finite differences (common random numbers), this run' },
    },
  ];
}

export async function runEstimators(opts: ExperimentOptions): Promise<EstimatorsData> {
  const t0 = process.hrtime.bigint();
  const budgets = bySize(opts.size, { smoke: [0.05], demo: [0.3], full: [1, 4] });
  const referenceBudget = bySize(opts.size, { smoke: 0.2, demo: 1.5, full: 40 });
  const cases = estimatorCases(opts.size);
  const progress = new ProgressCounter(cases.length, opts.onProgress);
  const rows: EstimatorRow[] = [];
  for (const c of cases) {
    progress.start(`estimators: ${c.label}`);
    const system = createSystem(c.system, c.options);
    // the starting size only: runWithBudget grows it to fill each budget
    const objective: Objective = { kind: 'average', observable: c.observable, steps: 20000 };
    const comparison = await unit(opts, c.label, () => compareMethods({
      system,
      params: [c.param],
      objective,
      methods: c.methods,
      budgets,
      seed: opts.seed,
      methodOptions: c.methodOptions,
      reference: c.reference.value === undefined ? undefined : [c.reference.value],
      referenceMethod: 'fd',
      referenceBudget,
    }));
    rows.push({ ...c, comparison });
    progress.finish(`estimators: ${c.label}`);
  }
  return { experiment: 'estimators', size: opts.size, seed: opts.seed, budgets, referenceBudget, rows, seconds: seconds(t0) };
}

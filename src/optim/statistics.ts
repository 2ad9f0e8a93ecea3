import { requirePositiveInteger } from '../errors/index.js';
import { Rng } from '../random/index.js';
import { meanAndStderr } from '../stats/index.js';
import { checkFinite, findObservable, initialState, orbitBatchMeans, step, type DynamicalSystem } from '../systems/index.js';
import type { ObjectiveSettings, Statistic } from './loss.js';

/** How the loss is evaluated: the estimator's kind of average, with its own length. */
export type EvaluationSettings =
  | { readonly kind: 'average'; readonly steps: number; readonly transient?: number; readonly batches?: number }
  | { readonly kind: 'horizon'; readonly horizon: number; readonly samples: number };

export interface MeasuredStatistics {
  readonly values: Float64Array;
  readonly stderr: Float64Array;
  /** primal steps spent (transient included) */
  readonly steps: number;
  /**
   * Standard error of Σₖ cₖŜₖ with the statistics' correlations kept (the delta method for a
   * function whose gradient at Ŝ is c): computed from the same batch means (or samples) as `stderr`.
   */
  stderrOf(c: ArrayLike<number>): number;
}

/** The evaluation that matches an estimator objective, `steps`/`samples` overriding its length. */
export function evaluationFor(objective: ObjectiveSettings, override: { steps?: number; transient?: number; samples?: number } = {}): EvaluationSettings {
  return objective.kind === 'average'
    ? { kind: 'average', steps: override.steps ?? objective.steps, transient: override.transient ?? objective.transient }
    : { kind: 'horizon', horizon: objective.horizon, samples: override.samples ?? objective.samples };
}

/**
 * Estimates Sₖ = ⟨Φₖ^pₖ⟩ from one orbit (average: batch means over contiguous batches, as
 * BatchMeans does, kept as rows so that combinations get correlated errors) or from independent
 * samples of x_L (horizon). Every draw comes from `seed`. Allocation-free per step.
 */
export function measureStatistics(sys: DynamicalSystem, stats: readonly Statistic[], ev: EvaluationSettings, seed: number): MeasuredStatistics {
  const obs = stats.map((s) => findObservable(sys, s.observable));
  const pow = Int32Array.from(stats.map((s) => s.power));
  const K = stats.length;
  const rng = new Rng(seed);
  let rows: Float64Array[];
  let steps: number;
  let values: Float64Array | null = null;
  if (ev.kind === 'average') {
    const T = requirePositiveInteger('evaluation steps', ev.steps);
    const transient = ev.transient ?? sys.defaultTransient;
    const { bm } = orbitBatchMeans(sys, initialState(sys, rng, transient), T, rng, K, (x, out) => {
      for (let k = 0; k < K; k++) out[k] = obs[k].value(x) ** pow[k];
    }, { batches: ev.batches, firstIndex: transient });
    rows = bm.batchRows();
    steps = transient + T;
    // the value is the plain time average (as `simulate` reports); the batches only give its error
    values = bm.mean();
  } else {
    const L = requirePositiveInteger('horizon', ev.horizon);
    const N = requirePositiveInteger('evaluation samples', ev.samples);
    rows = [];
    const x = new Float64Array(sys.dim), y = new Float64Array(sys.dim);
    for (let s = 0; s < N; s++) {
      sys.sampleInitial(rng, x);
      for (let n = 0; n < L; n++) {
        step(sys, x, y, rng);
        checkFinite(y, n + 1);
        x.set(y);
      }
      rows.push(Float64Array.from(obs, (o, k) => o.value(x) ** pow[k]));
    }
    steps = N * L;
  }
  const { mean, stderr } = meanAndStderr(rows);
  return {
    values: values ?? mean,
    stderr,
    steps,
    stderrOf(c) {
      const combined = rows.map((r) => {
        let s = 0;
        for (let k = 0; k < K; k++) s += c[k] * r[k];
        return [s];
      });
      return meanAndStderr(combined).stderr[0];
    },
  };
}

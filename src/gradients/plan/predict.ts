import { Rng } from '../../random/index.js';
import { initialState, step, type DynamicalSystem } from '../../systems/index.js';
import { resolveObjective, transientOf } from '../objective.js';
import type { GradientCost, Objective } from '../types.js';
import { Forecast } from './forecast.js';
import { PILOT_STREAM } from './pilot.js';

/**
 * Whether the predictive baseline (kernel/predict.ts) pays for its forecasts on this system, from a
 * pilot: at M points of a pilot orbit (spaced K + H apart) the noise-free forecast of the next H
 * values of Φ is compared with what the noisy orbit did. The estimator's variance is about
 * proportional to the mean square of the window sum minus its baseline, so
 *
 *     gain = Σ e² / Σ (e − β̂f)²,   e = ψ − Hμ (running-mean residual),  f = F − Hμ (forecast residual),
 *
 * is the variance factor the forecasts remove. They cost (K + H − 1)/K noise-free maps per step
 * (an eighth of that for flows, plan/forecast.ts);
 * a kernel or hybrid step costs about STEP_MAPS maps (a map, a parameter adjoint or tangent, the
 * pilots, the window sums), so the plan turns the forecasts on only when
 * gain > 1 + (forecast maps per step)/STEP_MAPS: then the error at equal CPU falls too, not only
 * the error at equal steps. The pilot's gain is conservative: on rnn (n = 64, σ = 0.1, H = 4) it
 * read 2.1–2.4 while the estimator's variance fell 3.0× (± 0.00158 → ± 0.00091 at 10⁵ steps) for
 * 57% more CPU.
 * Measured (pilot gain): noisy Lorenz 96 (n = 40, σ = 0.05, H = 121) ≈ 5–7 → on; rnn (n = 64,
 * σ = 0.1) ≈ 1.2 and noisy Lorenz 63 (σ = 0.2, H = 720) ≈ 1.1 → off (their windows reach past the
 * predictability horizon at that noise).
 */
export const STEP_MAPS = 4;
/** forecast points of the pilot */
export const PREDICT_PILOT_POINTS = 400;

export interface PredictPlan {
  /** null: the running-mean baseline (forecasts would not pay) */
  readonly settings: { every: number; horizon: number } | null;
  readonly from: PredictEvidence;
  readonly cost: Omit<GradientCost, 'seconds'>;
}

export interface PredictEvidence {
  readonly rule: string;
  readonly horizon: number;
  readonly every: number;
  readonly points: number;
  /** Σe² / Σ(e − β̂f)²: variance factor removed at equal steps */
  readonly gain: number;
  readonly beta: number;
  /** gain needed to pay for the forecasts */
  readonly threshold: number;
}

/**
 * The forecast interval K for a horizon H: H/8 for maps (about 9 forecast maps per step), H/16 for
 * flows, whose coarse forecasts (plan/forecast.ts) cost 1/8 of a step each (about 2 map-equivalents
 * per step). Refreshing more often removes more of the noise already realised since the forecast:
 * on noisy Lorenz 96 (H = 124, 4·10⁵ steps) K = 32, 16, 8 left ± 0.0256, 0.0215, 0.0198.
 */
export function predictEvery(horizon: number, flow = false): number {
  return Math.max(1, Math.ceil(horizon / (flow ? 16 : 8)));
}

export function planPredict(sys: DynamicalSystem, objective: Objective & { kind: 'average' }, seed: number, horizon: number): PredictPlan {
  const H = Math.max(1, horizon), K = predictEvery(H, sys.dt !== null), span = K + H - 1;
  // at most a tenth of the run (orbit steps plus forecast maps), at least 20 points
  const M = Math.max(20, Math.min(PREDICT_PILOT_POINTS, Math.floor(objective.steps / 10 / (2 * (K + H)))));
  const ob = resolveObjective(sys, objective);
  const rng = new Rng(seed).split(PILOT_STREAM).split(2);
  const transient = transientOf(sys, objective);
  let x: Float64Array = initialState(sys, rng, transient), y: Float64Array = new Float64Array(sys.dim);
  const fc = new Forecast(sys, ob, span);
  const phi = new Float64Array(span + 1);
  const es: number[] = [], fs: number[] = [];
  let sum = 0, count = 0;
  for (let p = 0; p < M; p++) {
    const i0 = (p * 7) % K; // offsets spread over the forecast interval
    fc.from(x);
    for (let j = 1; j <= span; j++) {
      step(sys, x, y, rng);
      const t = x;
      x = y;
      y = t;
      phi[j] = ob.value(x);
      sum += phi[j];
      count++;
    }
    let psi = 0;
    for (let j = i0 + 1; j <= i0 + H; j++) psi += phi[j];
    es.push(psi);
    fs.push(fc.prefix[i0 + H] - fc.prefix[i0]);
  }
  const mu = sum / count;
  let see = 0, sef = 0, sff = 0;
  for (let p = 0; p < M; p++) {
    const e = es[p] - H * mu, f = Number.isFinite(fs[p]) ? fs[p] - H * mu : 0;
    see += e * e;
    sef += e * f;
    sff += f * f;
  }
  const beta = sff > 0 ? sef / sff : 0;
  const rest = see - beta * sef;
  const gain = rest > 0 ? see / rest : Infinity;
  const threshold = 1 + fc.cost / (K * STEP_MAPS);
  const on = gain > threshold;
  return {
    settings: on ? { every: K, horizon: H } : null,
    from: {
      rule: `forecasts of ${H} lags every ${K} steps when a pilot of ${M} forecasts removes more variance (gain) than their cost adds (threshold 1 + (forecast maps per step)/${STEP_MAPS})`,
      horizon: H,
      every: K,
      points: M,
      gain,
      beta,
      threshold,
    },
    cost: { steps: transient + M * span + fc.maps, tangentSolves: 0, adjointSolves: 0 },
  };
}

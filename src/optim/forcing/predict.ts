import { UsageError, requirePositiveInteger } from '../../errors/index.js';
import type { DynamicalSystem } from '../../systems/index.js';
import type { ObservedSeries } from './segments.js';

/** n-step prediction error of a model from data initial states. */
export interface PredictionError {
  /** mse[n − 1]: mean over starts and observed coordinates of the squared error n steps ahead */
  mse: number[];
  /** standard error of each entry over the starts */
  stderr: number[];
  starts: number;
  warmup: number;
}

/**
 * How well the model predicts the data n = 1 … horizon steps ahead of data row s: the latent state is
 * inferred by `warmup` fully forced steps on rows s − warmup … s (z[:N] ← x each step, the
 * unobserved coordinates following the model; z starts at [x; 0]), then the model runs free
 * (deterministic map) and its observed coordinates are compared with rows s + 1 … s + horizon.
 * Starts are every `stride` rows. A non-finite prediction counts as an infinite error.
 */
export function predictionError(sys: DynamicalSystem, data: ObservedSeries, o: { horizon: number; warmup: number; stride: number }): PredictionError {
  const H = requirePositiveInteger('prediction horizon', o.horizon), S = requirePositiveInteger('prediction stride', o.stride);
  if (!Number.isInteger(o.warmup) || o.warmup < 0) throw new UsageError(`prediction warmup must be a non-negative integer (got ${o.warmup})`);
  const N = data.dim, n = sys.dim, x = data.values;
  if (N > n) throw new UsageError(`the data have ${N} observed coordinates, more than the model's ${n}`);
  const sum = new Float64Array(H), sumSq = new Float64Array(H);
  const z = new Float64Array(n), y = new Float64Array(n);
  let count = 0;
  for (let s = o.warmup; s + H < data.length; s += S) {
    z.fill(0);
    for (let r = s - o.warmup; r <= s; r++) {
      if (r > s - o.warmup) {
        sys.map(z, y);
        z.set(y);
      }
      for (let i = 0; i < N; i++) z[i] = x[r * N + i];
    }
    for (let k = 1; k <= H; k++) {
      sys.map(z, y);
      z.set(y);
      let e = 0;
      for (let i = 0; i < N; i++) e += (z[i] - x[(s + k) * N + i]) ** 2;
      e = Number.isFinite(e) ? e / N : Infinity;
      sum[k - 1] += e;
      sumSq[k - 1] += e * e;
    }
    count++;
  }
  if (count < 2) throw new UsageError(`prediction error: the data (${data.length} rows) hold fewer than 2 starts for warmup ${o.warmup}, horizon ${H}`);
  const mse = Array.from(sum, (v) => v / count);
  const stderr = mse.map((m, k) => Math.sqrt(Math.max(0, sumSq[k] / count - m * m) / (count - 1)));
  return { mse, stderr, starts: count, warmup: o.warmup };
}

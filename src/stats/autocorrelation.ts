/**
 * Correlation time of a stationary series from its sample autocorrelation ρ̂(k), with Sokal's
 * automatic window: sum lags k = 1 … M for the smallest M ≥ c·τ̂(M) (noise in ρ̂(k) beyond the
 * decorrelation time would otherwise accumulate without bound).
 *
 * Two sums are reported:
 *  - `tau` = ½ + Σ ρ̂(k), the integrated autocorrelation time (the variance of a mean of N
 *    samples is 2·tau·Var/N);
 *  - `tauAbs` = ½ + Σ |ρ̂(k)|, the decay time of the correlations' envelope. The two agree for a
 *    monotone decay; for an oscillating ρ (Lorenz 63's z) the signed sum cancels and `tau` can be
 *    ten times shorter than the time over which the series remembers its past (measured on
 *    noisy Lorenz 63, ⟨z⟩: tau ≈ 10 steps, tauAbs ≈ 170 steps). Memory — how long a perturbation
 *    moves the statistic — is what a response window needs, so the planners use `tauAbs`.
 * The window is computed on `tauAbs` (c·tauAbs ≥ M), and `tau` is summed over the same lags.
 * Cost O(N·M) with M ≈ c·tauAbs.
 */
export interface CorrelationTime {
  readonly mean: number;
  readonly variance: number;
  /** ½ + Σ_{k≤M} ρ̂(k), in samples */
  readonly tau: number;
  /** ½ + Σ_{k≤M} |ρ̂(k)|, in samples */
  readonly tauAbs: number;
  /** the window M the sums stopped at */
  readonly lags: number;
  /** true when maxLag was reached before M ≥ c·tauAbs (the series is too short to resolve it) */
  readonly truncated: boolean;
}

export interface CorrelationTimeOptions {
  /** Sokal's window factor (default 5) */
  c?: number;
  /** largest lag tried (default N/10) */
  maxLag?: number;
}

export function correlationTime(series: ArrayLike<number>, opts: CorrelationTimeOptions = {}): CorrelationTime {
  const N = series.length;
  if (N < 4) throw new RangeError(`correlationTime needs at least 4 samples, got ${N}`);
  const c = opts.c ?? 5;
  const maxLag = Math.max(1, Math.min(N - 2, Math.floor(opts.maxLag ?? N / 10)));
  // a running mean and deviations scaled by their largest size: a series of huge (finite) values —
  // an orbit on its way to blowing up — must not overflow into NaN correlations
  let mean = 0;
  for (let i = 0; i < N; i++) mean += (series[i] - mean) / (i + 1);
  const d = new Float64Array(N);
  let scale = 0;
  for (let i = 0; i < N; i++) {
    d[i] = series[i] - mean;
    scale = Math.max(scale, Math.abs(d[i]));
  }
  if (!Number.isFinite(mean) || !Number.isFinite(scale)) throw new RangeError('correlationTime needs a finite series');
  let c0 = 0;
  if (scale > 0) {
    for (let i = 0; i < N; i++) {
      d[i] /= scale;
      c0 += d[i] * d[i];
    }
  }
  c0 /= N;
  // a constant series has no memory: one sample is one independent sample
  if (!(c0 > 0)) return { mean, variance: 0, tau: 0.5, tauAbs: 0.5, lags: 0, truncated: false };
  const variance = c0 * scale * scale;
  let tau = 0.5, tauAbs = 0.5;
  for (let k = 1; k <= maxLag; k++) {
    let s = 0;
    for (let i = 0; i + k < N; i++) s += d[i] * d[i + k];
    // the biased estimator (÷N): its sequence is positive definite and smaller at long lags
    const rho = s / N / c0;
    tau += rho;
    tauAbs += Math.abs(rho);
    if (k >= c * tauAbs) return { mean, variance, tau, tauAbs, lags: k, truncated: false };
  }
  return { mean, variance, tau, tauAbs, lags: maxLag, truncated: true };
}

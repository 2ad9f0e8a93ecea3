import type { DynamicalSystem, Observable } from '../../systems/index.js';
import { Forecast } from '../plan/forecast.js';

/** Settings of the predictive baseline: a forecast every `every` steps, `horizon` lags predicted. */
export interface PredictSettings {
  /** K: steps between forecasts (a forecast from x_{n'} serves the steps n' … n' + K − 1) */
  readonly every: number;
  /** H: lags of each window that are forecast (the rest count as the running mean) */
  readonly horizon: number;
}

/**
 * The predictive baseline of the ergodic kernel and hybrid estimators (control variate):
 *
 *   b_n = W·μ_n + β·(F_n − W·μ_n),   F_n = Σ_{j=1..W} Φ(f^{n+j−n'}(x_{n'})),  n' = K·⌊n/K⌋,
 *
 * μ_n the running mean of Φ(x_0 … x_n), F_n the noise-free forecast of the window sum from the
 * last forecast point (plan/forecast.ts). Every piece is a function of the orbit up to x_n, so
 * E[b_n·s(ξ_n) | past] = 0: no bias, whatever β. The window sum ψ_n = Σ_j Φ(x_{n+j}) is mostly
 * what x_n already determines when the window lies within the system's predictability horizon
 * (noisy Lorenz 96 at σ = 0.05: W = 121 steps, 1.2 time units); the forecast removes that part
 * and leaves the response to the noise, which is what the score correlates with.
 *
 * β is the least-squares coefficient of ψ_n − Wμ_n on F_n − Wμ_n over the windows completed so
 * far (`learn`), so it is adapted to the past too (exactly unbiased), starts at 0 (the running-mean
 * baseline) and stays near 0 where forecasts do not help (beyond the predictability horizon).
 */
export class PredictiveBaseline {
  private readonly fc: Forecast;
  private readonly sef: Float64Array;
  private readonly sff: Float64Array;

  constructor(sys: DynamicalSystem, ob: Observable, private readonly windows: readonly number[], readonly settings: PredictSettings) {
    this.fc = new Forecast(sys, ob, settings.every + settings.horizon - 1);
    this.sef = new Float64Array(windows.length);
    this.sff = new Float64Array(windows.length);
  }

  /**
   * At step t with state x_t (before ξ_t is drawn) and running mean μ_t: per window i,
   * b[off + i] ← the baseline of the window sum, f[off + i] ← its forecast residual F − Wμ (for `learn`).
   */
  at(t: number, x: Float64Array, mu: number, b: Float64Array, f: Float64Array, off = 0): void {
    const i0 = t % this.settings.every;
    if (i0 === 0) this.fc.from(x);
    for (let i = 0; i < this.windows.length; i++) {
      const W = this.windows[i];
      const r = this.fc.windowSum(i0, Math.min(W, this.settings.horizon), mu) - Math.min(W, this.settings.horizon) * mu;
      const fi = Number.isFinite(r) ? r : 0; // a forecast that left the finite numbers predicts nothing
      f[off + i] = fi;
      b[off + i] = W * mu + this.beta(i) * fi;
    }
  }

  /** A completed window i: e = ψ − Wμ (the running-mean residual), f its forecast residual. */
  learn(i: number, e: number, f: number): void {
    this.sef[i] += e * f;
    this.sff[i] += f * f;
  }

  beta(i: number): number {
    return this.sff[i] > 0 ? this.sef[i] / this.sff[i] : 0;
  }

  /** noise-free map evaluations spent on forecasts */
  get maps(): number {
    return this.fc.maps;
  }
}

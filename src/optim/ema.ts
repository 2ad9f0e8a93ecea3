import { UsageError } from '../errors/index.js';

/**
 * Exponential moving average of the parameters, θ_EMA ← βθ_EMA + (1 − β)θ after every update,
 * started at θ₀ (so no bias correction is needed). With noisy gradients θ keeps jittering around
 * the optimum with a spread set by the step size; the "shadow" weights θ_EMA average that jitter
 * over about 1/(1 − β) updates, and are the ones to evaluate.
 */
export class ParameterEma {
  readonly values: Float64Array;
  updates = 0;

  constructor(readonly beta: number, initial: Float64Array) {
    if (!(beta >= 0 && beta < 1)) throw new UsageError(`EMA beta must be in [0, 1), got ${beta}`);
    this.values = Float64Array.from(initial);
  }

  update(params: Float64Array): void {
    const v = this.values, b = this.beta;
    for (let i = 0; i < v.length; i++) v[i] = b * v[i] + (1 - b) * params[i];
    this.updates++;
  }

  state(): { beta: number; updates: number; values: number[] } {
    return { beta: this.beta, updates: this.updates, values: Array.from(this.values) };
  }

  restore(raw: unknown): void {
    const s = raw as { beta?: unknown; updates?: unknown; values?: unknown } | null;
    if (s === null || typeof s !== 'object' || s.beta !== this.beta) throw new UsageError(`EMA state has beta ${String(s?.beta)}, expected ${this.beta}`);
    const v = s.values;
    if (!Array.isArray(v) || v.length !== this.values.length || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new UsageError(`EMA state must hold ${this.values.length} finite values`);
    }
    if (!Number.isInteger(s.updates)) throw new UsageError('EMA state: bad update count');
    this.values.set(v);
    this.updates = s.updates as number;
  }
}

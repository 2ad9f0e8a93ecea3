import { UsageError, unknownName } from '../errors/index.js';
import { learningRate, type Schedule } from './schedules.js';

/**
 * A first-order optimiser: it sees only parameters and a gradient estimate, never the estimator
 * that produced it. `step` updates the parameters in place with the rate of the current update
 * (from the schedule), allocation-free. `state` is plain JSON data: restoring it into a fresh
 * optimiser continues bit for bit (JSON round-trips doubles exactly).
 */
export interface Optimizer {
  readonly name: string;
  /** number of updates taken so far */
  readonly updates: number;
  /** α of the next update (schedule applied) */
  readonly lr: number;
  step(params: Float64Array, grad: Float64Array): void;
  state(): OptimizerState;
  restore(state: unknown): void;
}

export interface OptimizerState {
  name: string;
  updates: number;
  /** named moment vectors: momentum's v, Adam's m and v */
  moments: Record<string, number[]>;
}

export type OptimizerConfig =
  | { readonly name: 'sgd'; readonly lr: number; readonly schedule?: Schedule }
  /** v ← βv + (1 − β)g, θ ← θ − αv (β default 0.9) */
  | { readonly name: 'momentum'; readonly lr: number; readonly beta?: number; readonly schedule?: Schedule }
  /** bias-corrected Adam (β₁ 0.9, β₂ 0.999, ε 1e-8 by default) */
  | { readonly name: 'adam'; readonly lr: number; readonly beta1?: number; readonly beta2?: number; readonly eps?: number; readonly schedule?: Schedule };

export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam'] as const;

const CONSTANT: Schedule = { kind: 'constant' };

/** Shared bookkeeping: update count, rate, moment vectors and their (de)serialisation. */
abstract class Base implements Optimizer {
  abstract readonly name: string;
  updates = 0;
  protected readonly moments: Record<string, Float64Array> = {};

  constructor(readonly size: number, private readonly baseLr: number, private readonly schedule: Schedule, momentNames: string[]) {
    for (const m of momentNames) this.moments[m] = new Float64Array(size);
  }

  get lr(): number {
    return learningRate(this.baseLr, this.schedule, this.updates);
  }

  step(params: Float64Array, grad: Float64Array): void {
    if (params.length !== this.size || grad.length !== this.size) {
      throw new Error(`${this.name}: expected ${this.size} parameters and gradient entries, got ${params.length} and ${grad.length}`);
    }
    const lr = this.lr;
    this.updates++;
    this.update(params, grad, lr);
  }

  protected abstract update(params: Float64Array, grad: Float64Array, lr: number): void;

  state(): OptimizerState {
    const moments: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(this.moments)) moments[k] = Array.from(v);
    return { name: this.name, updates: this.updates, moments };
  }

  restore(raw: unknown): void {
    const s = raw as Partial<OptimizerState> | null;
    if (s === null || typeof s !== 'object' || s.name !== this.name) {
      throw new UsageError(`optimizer state is for '${(s as { name?: unknown } | null)?.name ?? '?'}', not '${this.name}'`);
    }
    if (!Number.isInteger(s.updates) || (s.updates as number) < 0) throw new UsageError(`${this.name} state: bad update count`);
    for (const [k, v] of Object.entries(this.moments)) {
      const m = s.moments?.[k];
      if (!Array.isArray(m) || m.length !== this.size || !m.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new UsageError(`${this.name} state: moment '${k}' must hold ${this.size} finite numbers`);
      }
      v.set(m);
    }
    this.updates = s.updates as number;
  }
}

/** θ ← θ − α_t·g */
export class Sgd extends Base {
  readonly name = 'sgd';
  constructor(size: number, lr: number, schedule: Schedule = CONSTANT) {
    super(size, lr, schedule, []);
  }
  protected update(p: Float64Array, g: Float64Array, lr: number): void {
    for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
  }
}

/**
 * v_t = βv_{t−1} + (1 − β)g_t, θ ← θ − α_t·v_t with v₀ = 0 (as the issue writes it). The (1 − β)
 * makes v an average of recent gradients: noise in them shrinks by √((1 − β)/(1 + β)) while the
 * step size stays α (no bias correction: the first steps are shorter by the factor 1 − β^t).
 */
export class Momentum extends Base {
  readonly name = 'momentum';
  constructor(size: number, lr: number, readonly beta = 0.9, schedule: Schedule = CONSTANT) {
    super(size, lr, schedule, ['v']);
  }
  protected update(p: Float64Array, g: Float64Array, lr: number): void {
    const v = this.moments.v, b = this.beta;
    for (let i = 0; i < p.length; i++) {
      v[i] = b * v[i] + (1 - b) * g[i];
      p[i] -= lr * v[i];
    }
  }
}

/**
 * Adam (Kingma & Ba): m_t = β₁m + (1 − β₁)g, v_t = β₂v + (1 − β₂)g², θ ← θ − α_t·m̂/(√v̂ + ε)
 * with m̂ = m_t/(1 − β₁ᵗ), v̂ = v_t/(1 − β₂ᵗ). Per-coordinate scaling suits rnn weights, whose
 * gradients differ by orders of magnitude between units.
 */
export class Adam extends Base {
  readonly name = 'adam';
  constructor(size: number, lr: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8, schedule: Schedule = CONSTANT) {
    super(size, lr, schedule, ['m', 'v']);
  }
  protected update(p: Float64Array, g: Float64Array, lr: number): void {
    const { m, v } = this.moments;
    const b1 = this.beta1, b2 = this.beta2, t = this.updates;
    const c1 = 1 - b1 ** t, c2 = 1 - b2 ** t;
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
    }
  }
}

/** An optimiser for `size` parameters from its (validated) configuration. */
export function makeOptimizer(config: OptimizerConfig, size: number): Optimizer {
  const s = config.schedule ?? CONSTANT;
  switch (config.name) {
    case 'sgd':
      return new Sgd(size, config.lr, s);
    case 'momentum':
      return new Momentum(size, config.lr, config.beta ?? 0.9, s);
    case 'adam':
      return new Adam(size, config.lr, config.beta1 ?? 0.9, config.beta2 ?? 0.999, config.eps ?? 1e-8, s);
    default:
      return unknownName('optimizer', (config as { name: string }).name, OPTIMIZER_NAMES);
  }
}

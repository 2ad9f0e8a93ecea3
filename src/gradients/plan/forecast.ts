import type { DynamicalSystem, Observable } from '../../systems/index.js';

/**
 * A flow's forecast takes RK4 steps of FLOW_FORECAST_STRIDE·dt on the vector field and interpolates Φ
 * linearly between them: a baseline only has to be a function of the past, not exact, and the
 * forecast then costs an eighth of the map's steps (on noisy Lorenz 96, dt = 0.01, strides 1, 4 and 8
 * left the same error: pilot gains 3.37 at strides 1 and 4; ± 0.0215 and 0.0214 at strides 4 and 8;
 * a stride of 16, RK4 at 0.16, ran away — the runaway check below drops such forecasts).
 */
export const FLOW_FORECAST_STRIDE = 8;
/** a flow forecast whose state grows beyond this many times the largest |xᵢ| it started from has run away */
export const RUNAWAY = 1000;

/**
 * Noise-free forecasts of the objective: from a state x_{n'}, the deterministic continuation
 * f(x), f²(x), … and the prefix sums D_j = Σ_{i=1..j} Φ(f^i(x_{n'})). The predictive baseline of the
 * kernel and hybrid estimators (kernel/predict.ts) predicts the window sum Σ_{j=1..W} Φ(x_{n+j}) of
 * a step n = n' + i by D_{i+W} − D_i: a function of the past only, so subtracting it is unbiased.
 * Allocation-free after construction.
 */
export class Forecast {
  /** D_0 = 0, D_1 … D_length */
  readonly prefix: Float64Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  /** map-equivalents evaluated so far (the forecast's cost) */
  maps = 0;
  /** steps of the system per forecast step (flows: FLOW_FORECAST_STRIDE, maps: 1) */
  readonly stride: number;
  private readonly k: Float64Array[];

  constructor(private readonly sys: DynamicalSystem, private readonly ob: Observable, readonly length: number) {
    this.prefix = new Float64Array(length + 1);
    this.a = new Float64Array(sys.dim);
    this.b = new Float64Array(sys.dim);
    this.stride = sys.vectorField && sys.dt !== null ? Math.min(FLOW_FORECAST_STRIDE, Math.max(1, length)) : 1;
    this.k = this.stride > 1 ? Array.from({ length: 5 }, () => new Float64Array(sys.dim)) : [];
  }

  /** map-equivalents per forecast of `length` lags */
  get cost(): number {
    return Math.ceil(this.length / this.stride);
  }

  /** Runs the noise-free dynamics `length` steps from x (not modified); non-finite forecasts give D = NaN (the caller drops them). */
  from(x: Float64Array): void {
    if (this.stride > 1) return this.fromFlow(x);
    let a = this.a, b = this.b;
    a.set(x);
    let s = 0;
    const limit = RUNAWAY * maxAbs(x, 1);
    for (let j = 1; j <= this.length; j++) {
      this.sys.map(a, b);
      const t = a;
      a = b;
      b = t;
      if (!(maxAbs(a, 0) <= limit)) {
        this.prefix.fill(NaN, j);
        this.maps += j;
        return;
      }
      s += this.ob.value(a);
      this.prefix[j] = s;
    }
    this.maps += this.length;
  }

  /** A flow: RK4 steps of stride·dt, Φ interpolated linearly at the lags in between. */
  private fromFlow(x: Float64Array): void {
    const m = this.stride, h = m * this.sys.dt!, a = this.a, n = a.length;
    const [k1, k2, k3, k4, t] = this.k;
    const f = this.sys.vectorField!;
    a.set(x);
    let prev = this.ob.value(a), s = 0;
    // a coarse step can be unstable where dt is near the integrator's limit: a forecast that runs
    // away (far beyond the state it started from) is dropped (NaN: the baseline falls back to μ)
    const limit = RUNAWAY * maxAbs(x, 1);
    for (let j0 = 0; j0 < this.length; j0 += m) {
      f(a, k1);
      for (let i = 0; i < n; i++) t[i] = a[i] + 0.5 * h * k1[i];
      f(t, k2);
      for (let i = 0; i < n; i++) t[i] = a[i] + 0.5 * h * k2[i];
      f(t, k3);
      for (let i = 0; i < n; i++) t[i] = a[i] + h * k3[i];
      f(t, k4);
      for (let i = 0; i < n; i++) a[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
      this.sys.wrap(a);
      if (!(maxAbs(a, 0) <= limit)) {
        this.prefix.fill(NaN, j0 + 1);
        this.maps++;
        return;
      }
      const next = this.ob.value(a);
      for (let r = 1; r <= m && j0 + r <= this.length; r++) {
        s += prev + ((next - prev) * r) / m;
        this.prefix[j0 + r] = s;
      }
      prev = next;
      this.maps++;
    }
  }

  /** Σ_{j=i+1..i+W} Φ of the forecast, the lags beyond the forecast's length counted as `mean` each. */
  windowSum(i: number, W: number, mean: number): number {
    const end = Math.min(i + W, this.length);
    return this.prefix[end] - this.prefix[Math.min(i, end)] + (i + W - end) * mean;
  }
}

/** max(floor, maxᵢ |vᵢ|); NaN when v has a NaN */
function maxAbs(v: Float64Array, floor: number): number {
  let m = floor;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (!(a <= m)) m = a;
  }
  return m;
}

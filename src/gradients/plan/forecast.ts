import type { DynamicalSystem, Observable } from '../../systems/index.js';

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
  /** maps evaluated so far (the forecast's cost) */
  maps = 0;

  constructor(private readonly sys: DynamicalSystem, private readonly ob: Observable, readonly length: number) {
    this.prefix = new Float64Array(length + 1);
    this.a = new Float64Array(sys.dim);
    this.b = new Float64Array(sys.dim);
  }

  /** Runs the noise-free map `length` steps from x (not modified); non-finite forecasts give D = NaN (the caller drops them). */
  from(x: Float64Array): void {
    let a = this.a, b = this.b;
    a.set(x);
    let s = 0;
    for (let j = 1; j <= this.length; j++) {
      this.sys.map(a, b);
      const t = a;
      a = b;
      b = t;
      s += this.ob.value(a);
      this.prefix[j] = s;
    }
    this.maps += this.length;
  }

  /** Σ_{j=i+1..i+W} Φ of the forecast, the lags beyond the forecast's length counted as `mean` each. */
  windowSum(i: number, W: number, mean: number): number {
    const end = Math.min(i + W, this.length);
    return this.prefix[end] - this.prefix[Math.min(i, end)] + (i + W - end) * mean;
  }
}

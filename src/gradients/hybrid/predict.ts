import type { DynamicalSystem, Observable } from '../../systems/index.js';
import { PredictiveBaseline, type PredictSettings } from '../kernel/predict.js';

/**
 * The predictive baseline (kernel/predict.ts) along the hybrid's forward pass: the hybrid sums its
 * windows backward, but the baseline and its coefficient β must be adapted to the past, so they are
 * computed forward, one visit per state, and b_t is kept for the backward sweep (8 bytes a step).
 */
export class ForwardBaseline {
  /** b_t, the baseline of the window sum Σ_{j=1..W} Φ(x_{t+j}), for t < T */
  readonly b: Float64Array;
  private readonly pb: PredictiveBaseline;
  private readonly phiRing: Float64Array;
  private readonly muRing: Float64Array;
  private readonly fRing: Float64Array;
  private readonly bt = new Float64Array(1);
  private readonly ft = new Float64Array(1);
  private sum = 0;
  private winSum = 0;

  constructor(sys: DynamicalSystem, ob: Observable, private readonly T: number, private readonly W: number, settings: PredictSettings) {
    this.pb = new PredictiveBaseline(sys, ob, [W], settings);
    this.b = new Float64Array(T);
    this.phiRing = new Float64Array(W);
    this.muRing = new Float64Array(W + 1);
    this.fRing = new Float64Array(W + 1);
  }

  /** The state x_t (t = 0 … T, in order) with Φ(x_t). */
  visit(x: Float64Array, t: number, phi: number): void {
    const W = this.W;
    this.sum += phi;
    // the last W values Φ(x_{t−W+1}) … Φ(x_t), re-summed once per lap against drift
    const slot = t % W;
    this.winSum += phi - (t >= W ? this.phiRing[slot] : 0);
    this.phiRing[slot] = phi;
    if (slot === W - 1) {
      let s = 0;
      for (let i = 0; i < Math.min(W, t + 1); i++) s += this.phiRing[i];
      this.winSum = s;
    }
    if (t >= W) {
      // the window of step m = t − W has just closed: learn β from it (before b_t is formed)
      const m = (t - W) % (W + 1);
      this.pb.learn(0, this.winSum - W * this.muRing[m], this.fRing[m]);
    }
    if (t >= this.T) return;
    const mu = this.sum / (t + 1);
    this.pb.at(t, x, mu, this.bt, this.ft);
    this.b[t] = this.bt[0];
    this.muRing[t % (W + 1)] = mu;
    this.fRing[t % (W + 1)] = this.ft[0];
  }

  get beta(): number {
    return this.pb.beta(0);
  }

  get maps(): number {
    return this.pb.maps;
  }
}

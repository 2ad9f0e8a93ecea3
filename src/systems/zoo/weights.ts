import { Rng } from '../../random/index.js';

/**
 * Random initial weights of the zoo's networks, drawn from the network's own seed (independent of
 * a run's seed) in a fixed order, so a seed names one network.
 */
export class WeightDraw {
  private readonly rng: Rng;
  constructor(netSeed: number) {
    this.rng = new Rng(netSeed);
  }

  /** rows×cols entries N(0, gain²/cols): the classic 1/fan-in scaling times a gain */
  gaussian(rows: number, cols: number, gain: number): Float64Array {
    const a = new Float64Array(rows * cols);
    const s = gain / Math.sqrt(cols);
    for (let i = 0; i < a.length; i++) a[i] = s * this.rng.normal();
    return a;
  }

  /** n entries uniform in [lo, hi) */
  uniform(n: number, lo: number, hi: number): Float64Array {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * this.rng.uniform();
    return a;
  }
}

/** The n×n identity, row-major. */
export function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

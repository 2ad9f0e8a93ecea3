import type { Observable, Resonators } from '../../systems/index.js';
import type { LossTerm } from '../loss.js';
import type { ObservedSeries } from './segments.js';

/**
 * Long-time statistics of a reconstruction's observed coordinates, as observables of the latent
 * state (their gradients make them differentiable targets for kernel and hybrid estimators):
 * products zᵢzⱼ (second moments with the coordinates' own squares as power-2 terms) and smoothed
 * histogram bins of each coordinate, Gaussian bumps exp(−(zᵢ − c)²/(2h²)) whose means are a
 * kernel density estimate of the marginal at c.
 */

export function productObservable(i: number, j: number): Observable {
  return {
    name: `x${i}x${j}`,
    description: `x${i}·x${j}`,
    value: (x) => x[i] * x[j],
    gradient: (x, out) => {
      out.fill(0);
      out[i] += x[j];
      out[j] += x[i];
    },
  };
}

export function bumpObservable(i: number, k: number, center: number, width: number): Observable {
  const s = 1 / (2 * width * width);
  return {
    name: `bin${i}_${k}`,
    description: `exp(−(x${i} − ${center.toFixed(3)})²/(2·${width.toFixed(3)}²))`,
    value: (x) => Math.exp(-s * (x[i] - center) ** 2),
    gradient: (x, out) => {
      out.fill(0);
      const d = x[i] - center;
      out[i] = -2 * s * d * Math.exp(-s * d * d);
    },
  };
}

/** A 2-D Gaussian bump over coordinates i, j: its mean is a kernel density estimate of the joint marginal at (cᵢ, cⱼ). */
export function jointBumpObservable(i: number, j: number, k: number, ci: number, cj: number, hi: number, hj: number): Observable {
  const si = 1 / (2 * hi * hi), sj = 1 / (2 * hj * hj);
  const value = (x: ArrayLike<number>) => Math.exp(-si * (x[i] - ci) ** 2 - sj * (x[j] - cj) ** 2);
  return {
    name: `joint${i}${j}_${k}`,
    description: `exp(−(x${i} − ${ci.toFixed(3)})²/(2·${hi.toFixed(3)}²) − (x${j} − ${cj.toFixed(3)})²/(2·${hj.toFixed(3)}²))`,
    value,
    gradient: (x, out) => {
      out.fill(0);
      const v = value(x);
      out[i] = -2 * si * (x[i] - ci) * v;
      out[j] = -2 * sj * (x[j] - cj) * v;
    },
  };
}

export interface ReconstructionStatistics {
  /** the observables to add to the model (products and bumps; coordinates x0… are standard) */
  observables: Observable[];
  /** squared-error terms with the data's values as targets */
  terms: LossTerm[];
}

/**
 * Moments (means, second moments incl. cross products) and `bins` smoothed histogram bins per
 * observed coordinate over the data's range, with targets measured on the data. `momentWeight`,
 * `binWeight` weight the two groups of terms.
 */
export interface StatisticsChoice {
  /** smoothed histogram bins per coordinate (0: none) */
  bins: number;
  momentWeight: number;
  binWeight: number;
  /**
   * smoothed joint histogram bins per axis of every pair of observed coordinates (0 or absent: none):
   * a jointBins × jointBins grid of 2-D Gaussian bumps over the pair's data range, widths one bin
   */
  jointBins?: number;
  jointWeight?: number;
  /** the model's resonators (plrnn option): adds the spectral terms spec{i}_{j} with this weight */
  resonators?: Resonators;
  spectrumWeight?: number;
}

export function reconstructionStatistics(data: ObservedSeries, o: StatisticsChoice): ReconstructionStatistics {
  const N = data.dim, x = data.values, T = data.length;
  const mean = (f: (row: number) => number) => {
    let s = 0;
    for (let r = 0; r < T; r++) s += f(r * N);
    return s / T;
  };
  const observables: Observable[] = [];
  const terms: LossTerm[] = [];
  for (let i = 0; i < N; i++) {
    terms.push({ observable: `x${i}`, target: mean((r) => x[r + i]), weight: o.momentWeight });
    terms.push({ observable: `x${i}`, power: 2, target: mean((r) => x[r + i] ** 2), weight: o.momentWeight });
    for (let j = i + 1; j < N; j++) {
      const ob = productObservable(i, j);
      observables.push(ob);
      terms.push({ observable: ob.name, target: mean((r) => x[r + i] * x[r + j]), weight: o.momentWeight });
    }
  }
  const range = Array.from({ length: N }, (_, i) => {
    let lo = Infinity, hi = -Infinity;
    for (let r = 0; r < T; r++) {
      lo = Math.min(lo, x[r * N + i]);
      hi = Math.max(hi, x[r * N + i]);
    }
    return { lo, hi };
  });
  const row = new Float64Array(N); // one row buffer: a view per row and observable was T·(terms) allocations
  const add = (ob: Observable, weight: number) => {
    observables.push(ob);
    const at = (r: number) => {
      for (let i = 0; i < N; i++) row[i] = x[r + i];
      return ob.value(row);
    };
    terms.push({ observable: ob.name, target: mean(at), weight });
  };
  for (let i = 0; i < N; i++) {
    const { lo, hi } = range[i], h = (hi - lo) / o.bins;
    for (let k = 0; k < o.bins; k++) add(bumpObservable(i, k, lo + (k + 0.5) * h, h), o.binWeight);
  }
  const b = o.jointBins ?? 0;
  for (let i = 0; i < N && b > 0; i++) {
    for (let j = i + 1; j < N; j++) {
      const hi = (range[i].hi - range[i].lo) / b, hj = (range[j].hi - range[j].lo) / b;
      for (let k = 0; k < b * b; k++) {
        const ci = range[i].lo + ((k % b) + 0.5) * hi, cj = range[j].lo + (Math.floor(k / b) + 0.5) * hj;
        add(jointBumpObservable(i, j, k, ci, cj, hi, hj), o.jointWeight ?? 1);
      }
    }
  }
  if (o.resonators) {
    const spec = resonatorStatistics(data, o.resonators);
    spec.forEach((row, i) => row.forEach((target, j) => terms.push({ observable: `spec${i}_${j}`, target, weight: o.spectrumWeight ?? 1 })));
  }
  return { observables, terms };
}

/**
 * The resonators' statistics on the data, as the model's observables `spec{i}_{j}` measure them:
 * ⟨xᵢ(t)·Re wᵢ,ⱼ(t)⟩ with w(t + 1) = ρe^{iωⱼ}w(t) + xᵢ(t), w = 0 at the start; the first
 * ⌈10/(1 − ρ)⌉ rows only warm the resonators up.
 */
export function resonatorStatistics(data: ObservedSeries, r: Resonators): number[][] {
  const N = data.dim, x = data.values, T = data.length;
  const skip = Math.min(Math.ceil(10 / (1 - r.decay)), Math.floor(T / 2));
  return Array.from({ length: r.observed }, (_, i) =>
    r.frequencies.map((omega) => {
      const c = r.decay * Math.cos(omega), s = r.decay * Math.sin(omega);
      let re = 0, im = 0, sum = 0;
      for (let t = 0; t < T; t++) {
        const xi = x[t * N + i];
        if (t >= skip) sum += xi * re;
        const nre = c * re - s * im + xi;
        im = s * re + c * im;
        re = nre;
      }
      return sum / (T - skip);
    }),
  );
}

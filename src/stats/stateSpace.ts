/**
 * State-space divergence D_stsp (Koppe et al. 2019; Mikhaeil et al. 2022; Hess et al. 2023): the
 * Kullback–Leibler divergence KL(p‖q) between the occupation histograms of the data (p) and of a
 * model's orbit (q) on a regular grid. The grid spans the data's range in each dimension, widened by
 * `margin` of the range on both sides; model points outside it still count in q's normalisation
 * (mass the model puts elsewhere is mass missing from the data's bins). Empty model bins are
 * smoothed: q̃_b = (q_b + ε)/(1 + Bε), B the number of bins, and the sum runs over the bins the data
 * occupy, so D_stsp is finite, 0 for identical histograms, and about ln(p_b/ε) per bin the model misses.
 */
export interface StateSpaceOptions {
  /** bins per dimension (default 30) */
  bins?: number;
  /** widening of the data's range on each side, as a fraction of the range (default 0.1) */
  margin?: number;
  /** smoothing ε of the model histogram (default 1e-6) */
  epsilon?: number;
}

export interface Grid {
  lo: Float64Array;
  width: Float64Array;
  bins: number;
}

/** The grid over the range of `points` (rows of `dim`), widened by `margin`. */
export function histogramGrid(points: Float64Array, dim: number, bins: number, margin: number): Grid {
  const lo = new Float64Array(dim).fill(Infinity), hi = new Float64Array(dim).fill(-Infinity);
  for (let r = 0; r < points.length; r += dim) {
    for (let i = 0; i < dim; i++) {
      lo[i] = Math.min(lo[i], points[r + i]);
      hi[i] = Math.max(hi[i], points[r + i]);
    }
  }
  const width = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    const range = hi[i] - lo[i] || 1;
    lo[i] -= margin * range;
    width[i] = (range * (1 + 2 * margin)) / bins;
  }
  return { lo, width, bins };
}

/** Relative frequencies of the grid's bins (flat, bins^dim entries); points outside count in the total only. */
export function histogram(points: Float64Array, dim: number, g: Grid): Float64Array {
  const h = new Float64Array(g.bins ** dim);
  const rows = points.length / dim;
  for (let r = 0; r < points.length; r += dim) {
    let index = 0, inside = true;
    for (let i = 0; i < dim && inside; i++) {
      const b = Math.floor((points[r + i] - g.lo[i]) / g.width[i]);
      inside = b >= 0 && b < g.bins;
      index = index * g.bins + b;
    }
    if (inside) h[index]++;
  }
  for (let b = 0; b < h.length; b++) h[b] /= rows;
  return h;
}

/** KL(p‖q̃) over the bins with p > 0, q̃ = (q + ε)/(1 + Bε). */
export function histogramKl(p: Float64Array, q: Float64Array, epsilon: number): number {
  const norm = 1 + p.length * epsilon;
  let kl = 0;
  for (let b = 0; b < p.length; b++) {
    if (p[b] > 0) kl += p[b] * Math.log((p[b] * norm) / (q[b] + epsilon));
  }
  return kl;
}

/** D_stsp between data points and model points (both rows of `dim`, e.g. observed coordinates of long orbits). */
export function stateSpaceDivergence(data: Float64Array, model: Float64Array, dim: number, o: StateSpaceOptions = {}): number {
  const bins = o.bins ?? 30;
  const g = histogramGrid(data, dim, bins, o.margin ?? 0.1);
  return histogramKl(histogram(data, dim, g), histogram(model, dim, g), o.epsilon ?? 1e-6);
}

/**
 * Power spectra and the Hellinger distance between them, D_H of dynamical-systems reconstruction
 * (Mikhaeil et al. 2022, Hess et al. 2023): per observed coordinate, the spectrum of the centred
 * series (averaged over non-overlapping segments of a power-of-two length, Welch without overlap or
 * window), smoothed by a Gaussian kernel across frequencies, normalised to sum 1; then
 * H(p, q) = √(1 − Σ √(p_k q_k)) ∈ [0, 1], averaged over the coordinates.
 */

/** In-place radix-2 FFT of (re, im), length a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n & (n - 1)) throw new Error(`fft length ${n} is not a power of two`);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k), wi = Math.sin(ang * k);
        const a = i + k, b = a + len / 2;
        const tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** Mean periodogram |X_k|², k = 0 … L/2, of coordinate `coord` of rows of `dim`, over segments of length L (centred by the series' mean). */
export function powerSpectrum(values: Float64Array, dim: number, coord: number, segment: number): Float64Array {
  const rows = Math.floor(values.length / dim), segments = Math.floor(rows / segment);
  if (segments < 1) throw new Error(`power spectrum: ${rows} rows are fewer than one segment of ${segment}`);
  let mean = 0;
  for (let r = 0; r < rows; r++) mean += values[r * dim + coord];
  mean /= rows;
  const out = new Float64Array(segment / 2 + 1), re = new Float64Array(segment), im = new Float64Array(segment);
  for (let s = 0; s < segments; s++) {
    for (let t = 0; t < segment; t++) re[t] = values[(s * segment + t) * dim + coord] - mean;
    im.fill(0);
    fft(re, im);
    for (let k = 0; k < out.length; k++) out[k] += (re[k] * re[k] + im[k] * im[k]) / segments;
  }
  return out;
}

/** Gaussian smoothing across frequencies (σ in bins; the kernel truncated at 4σ, renormalised at the edges), then normalised to sum 1. */
export function smoothSpectrum(s: Float64Array, sigma: number): Float64Array {
  const out = new Float64Array(s.length);
  const reach = Math.ceil(4 * sigma);
  for (let k = 0; k < s.length; k++) {
    let v = 0, w = 0;
    for (let j = Math.max(0, k - reach); j <= Math.min(s.length - 1, k + reach); j++) {
      const g = sigma > 0 ? Math.exp(-((j - k) ** 2) / (2 * sigma * sigma)) : j === k ? 1 : 0;
      v += g * s[j];
      w += g;
    }
    out[k] = v / w;
  }
  let total = 0;
  for (const v of out) total += v;
  for (let k = 0; k < out.length; k++) out[k] = total > 0 ? out[k] / total : 1 / out.length;
  return out;
}

/** Hellinger distance √(1 − Σ√(p q)) between two normalised spectra. */
export function hellinger(p: Float64Array, q: Float64Array): number {
  let bc = 0;
  for (let k = 0; k < p.length; k++) bc += Math.sqrt(p[k] * q[k]);
  return Math.sqrt(Math.max(0, 1 - bc));
}

export interface SpectrumOptions {
  /** segment length, a power of two (default 1024) */
  segment?: number;
  /** Gaussian smoothing σ in frequency bins (default 2) */
  smoothing?: number;
}

/** D_H: mean over the `dim` coordinates of the Hellinger distance between smoothed power spectra of data and model series. */
export function spectralDistance(data: Float64Array, model: Float64Array, dim: number, o: SpectrumOptions = {}): { mean: number; perCoordinate: number[] } {
  const L = o.segment ?? 1024, sigma = o.smoothing ?? 2;
  const per: number[] = [];
  for (let i = 0; i < dim; i++) {
    const p = smoothSpectrum(powerSpectrum(data, dim, i, L), sigma);
    const q = smoothSpectrum(powerSpectrum(model, dim, i, L), sigma);
    per.push(hellinger(p, q));
  }
  return { mean: per.reduce((a, b) => a + b, 0) / dim, perCoordinate: per };
}

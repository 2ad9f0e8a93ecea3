import { UsageError, usage, opt } from '../errors/index.js';
import { meanAndStderr } from '../stats/index.js';
import { checkFinite, step, type DynamicalSystem } from '../systems/index.js';
import { STREAM, checkCount, startRun, timeScale } from './setup.js';

export interface GrowthOptions {
  /** horizons L (steps) at which the growth is measured */
  horizons: number[];
  /** independent starting points (default 200) */
  samples?: number;
  /** orbit steps between starting points (default: the largest horizon) */
  spacing?: number;
  transient?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GrowthRow {
  horizon: number;
  /** ⟨(1/L)·log ‖(∂x_L/∂x₀)ᵀ·w‖⟩ over starts and random unit covectors w, per step or per unit time */
  rate: number;
  stderr: number;
}

/**
 * The measured growth rate of backpropagated gradients: from each start x₀ on the attractor a random
 * unit covector w at x_L is pulled back through L steps with Jᵀ (what backpropagation through time
 * does to ∂Φ/∂x_L), and (1/L)·log‖w₀‖ is averaged. For large L this tends to λ₁ (with an O(1/L)
 * bias from the random projection); the one-step bounds ⟨log‖J‖⟩ and ⟨log ρ(J)⟩ do not.
 */
export function gradientGrowth(sys: DynamicalSystem, opts: GrowthOptions): GrowthRow[] {
  const n = sys.dim;
  const horizons = opts.horizons.map((h) => checkCount('horizon', h));
  if (horizons.length === 0) throw new UsageError('give at least one horizon');
  const Lmax = Math.max(...horizons);
  const samples = checkCount(opt('samples'), opts.samples ?? 200);
  if (samples < 2) throw usage`${opt('samples')} must be at least 2 for a standard error`;
  const spacing = checkCount(opt('spacing'), opts.spacing ?? Lmax);
  const { x: start, orbitRng, root } = startRun(sys, opts.seed ?? 0, opts.transient);
  const rng = root.split(STREAM.directions);
  const states = new Float64Array((Math.max(Lmax, spacing) + 1) * n);
  const xs = new Float64Array(n), ys = new Float64Array(n);
  const w = new Float64Array(n), v = new Float64Array(n);
  const rates = horizons.map(() => new Float64Array(samples));
  xs.set(start);
  let index = 0;
  for (let s = 0; s < samples; s++) {
    // the orbit segment from this start (the next start is `spacing` steps on)
    states.set(xs, 0);
    const len = Math.max(Lmax, spacing);
    for (let t = 0; t < len; t++) {
      step(sys, xs, ys, orbitRng);
      checkFinite(ys, ++index);
      for (let i = 0; i < n; i++) states[(t + 1) * n + i] = xs[i] = ys[i];
    }
    for (let i = 0; i < n; i++) xs[i] = states[spacing * n + i];
    horizons.forEach((L, h) => {
      rng.fillNormal(w);
      let logNorm = -0.5 * Math.log(dot(w, w));
      for (let t = L - 1; t >= 0; t--) {
        for (let i = 0; i < n; i++) ys[i] = states[t * n + i];
        sys.adjoint(ys, w, 1, v);
        // renormalise every step: the growth is kept in log form, nothing overflows
        const nv = Math.sqrt(dot(v, v));
        logNorm += Math.log(nv);
        for (let i = 0; i < n; i++) w[i] = v[i] / nv;
      }
      rates[h][s] = logNorm / L;
    });
    opts.onProgress?.(s + 1, samples);
  }
  const scale = timeScale(sys);
  return horizons.map((L, h) => {
    const { mean, stderr } = meanAndStderr(Array.from(rates[h], (r) => [r]));
    return { horizon: L, rate: mean[0] * scale, stderr: stderr[0] * scale };
  });
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

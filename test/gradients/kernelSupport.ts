import { Rng } from '../../src/random/index.js';
import { meanAndStderr } from '../../src/stats/index.js';
import { checkFinite, findObservable, initialState, projectOnNoise, liftFromNoise, step, type DynamicalSystem } from '../../src/systems/index.js';

/**
 * Independent references for the kernel tests: pathwise (tangent) derivatives, valid where the
 * dynamics is smooth and not expanding over the horizon used. dx_{m+1}/dp = J(x_m)·dx_m/dp + ∂f/∂p(x_m)
 * along the same noisy path (the noise does not depend on p). With `projectOnB` the parameter
 * perturbation is replaced by its part BBᵀ∂f/∂p inside the noise span (the foliated identity).
 */
function perturbation(sys: DynamicalSystem, x: Float64Array, dp: Float64Array, out: Float64Array, projectOnB: boolean, tmpR: Float64Array): void {
  sys.paramTangent(x, dp, out);
  if (projectOnB) {
    projectOnNoise(sys.noise!, out, tmpR);
    liftFromNoise(sys.noise!, tmpR, out);
  }
}

/** d E[Φ(x_L)]/dp_k by the pathwise method over independent samples: mean ± stderr. */
export function pathwiseHorizon(sys: DynamicalSystem, observable: string, L: number, samples: number, seed: number, k: number, projectOnB = false): { mean: number; stderr: number } {
  const ob = findObservable(sys, observable);
  const rng = new Rng(seed);
  const n = sys.dim;
  let x: Float64Array = new Float64Array(n), y: Float64Array = new Float64Array(n);
  let v: Float64Array = new Float64Array(n), u: Float64Array = new Float64Array(n);
  const d = new Float64Array(n), g = new Float64Array(n), tmpR = new Float64Array(sys.noise?.rank ?? n);
  const dp = new Float64Array(sys.nParams);
  dp[k] = 1;
  const vals: number[][] = [];
  for (let i = 0; i < samples; i++) {
    sys.sampleInitial(rng, x);
    v.fill(0);
    for (let t = 0; t < L; t++) {
      sys.tangent(x, v, 1, u);
      perturbation(sys, x, dp, d, projectOnB, tmpR);
      for (let j = 0; j < n; j++) u[j] += d[j];
      step(sys, x, y, rng);
      let t1 = x; x = y; y = t1;
      t1 = v; v = u; u = t1;
    }
    ob.gradient(x, g);
    let s = 0;
    for (let j = 0; j < n; j++) s += g[j] * v[j];
    vals.push([s]);
  }
  const r = meanAndStderr(vals);
  return { mean: r.mean[0], stderr: r.stderr[0] };
}

/**
 * d⟨Φ⟩/dp_k of a CONTRACTING noisy system by the pathwise method along one orbit: the tangent
 * v_n forgets its start, so (1/T)Σ ∇Φ(x_n)·v_n converges to the linear response. Standard error by
 * independent orbits.
 */
export function pathwiseAverage(sys: DynamicalSystem, observable: string, steps: number, orbits: number, seed: number, k: number): { mean: number; stderr: number } {
  const ob = findObservable(sys, observable);
  const n = sys.dim;
  const dp = new Float64Array(sys.nParams);
  dp[k] = 1;
  const vals: number[][] = [];
  for (let o = 0; o < orbits; o++) {
    const rng = new Rng(seed).split(o);
    let x: Float64Array = initialState(sys, rng);
    let y: Float64Array = new Float64Array(n);
    let v: Float64Array = new Float64Array(n), u: Float64Array = new Float64Array(n);
    const d = new Float64Array(n), g = new Float64Array(n);
    let acc = 0;
    const burn = 200;
    for (let t = 0; t < steps + burn; t++) {
      sys.tangent(x, v, 1, u);
      sys.paramTangent(x, dp, d);
      for (let j = 0; j < n; j++) u[j] += d[j];
      step(sys, x, y, rng);
      checkFinite(y, t + 1);
      let t1 = x; x = y; y = t1;
      t1 = v; v = u; u = t1;
      if (t >= burn) {
        ob.gradient(x, g);
        for (let j = 0; j < n; j++) acc += g[j] * v[j];
      }
    }
    vals.push([acc / steps]);
  }
  const r = meanAndStderr(vals);
  return { mean: r.mean[0], stderr: r.stderr[0] };
}

/** Linear map x ↦ ax + c + σξ, x₀ ~ N(0, 1), noise variance v: exact moments of x_L and their derivatives. */
export function linearHorizonExact(a: number, c: number, sigma: number, v: number, L: number): { dMeanDa: number; dMeanDc: number; dSqDa: number; dSqDc: number } {
  let mu = 0, dmu = 0, s2 = 0, ds2 = 0;
  for (let m = 0; m < L; m++) {
    mu += c * a ** m;
    dmu += m === 0 ? 0 : c * m * a ** (m - 1);
    s2 += a ** (2 * m);
    ds2 += m === 0 ? 0 : 2 * m * a ** (2 * m - 1);
  }
  return {
    dMeanDa: dmu,
    dMeanDc: mu / c,
    // E[x_L²] = a^{2L}·E[x₀²] + μ_L² + σ²v Σ_{m<L} a^{2m}
    dSqDa: 2 * L * a ** (2 * L - 1) + 2 * mu * dmu + sigma * sigma * v * ds2,
    dSqDc: (2 * mu * mu) / c,
  };
}

/** Stationary AR(1): ⟨x⟩ = c/(1−a), ⟨x²⟩ = σ²v/(1−a²) + c²/(1−a)², and their derivatives. */
export function linearStationaryExact(a: number, c: number, sigma: number, v: number): { dMeanDa: number; dMeanDc: number; dSqDa: number; dSqDc: number } {
  return {
    dMeanDa: c / (1 - a) ** 2,
    dMeanDc: 1 / (1 - a),
    dSqDa: (2 * a * sigma * sigma * v) / (1 - a * a) ** 2 + (2 * c * c) / (1 - a) ** 3,
    dSqDc: (2 * c) / (1 - a) ** 2,
  };
}

/** Asserts |estimate − exact| ≤ k·stderr with a readable message. */
export function within(estimate: number, stderr: number, exact: number, k = 3, what = ''): string | null {
  return Math.abs(estimate - exact) <= k * stderr ? null : `${what}: ${estimate} ± ${stderr} vs exact ${exact} (${((estimate - exact) / stderr).toFixed(2)} stderr)`;
}

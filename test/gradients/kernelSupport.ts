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
  let x = new Float64Array(n), y = new Float64Array(n);
  let v = new Float64Array(n), u = new Float64Array(n);
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
      [x, y] = [y, x];
      [v, u] = [u, v];
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
      [x, y] = [y, x];
      [v, u] = [u, v];
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

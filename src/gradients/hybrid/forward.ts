import type { DynamicalSystem, Observable } from '../../systems/index.js';
import { resolveObjective } from '../objective.js';
import { selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { windowedOrbit, type ErgodicOrbitOptions, type StepWeights } from '../kernel/ergodic.js';
import { ScoreCovector } from '../kernel/score.js';
import { pathKernelSplit } from './split.js';

/** Options of one forward-hybrid orbit: the kernel's orbit options and the path-kernel fraction. */
export interface ForwardHybridOptions extends ErgodicOrbitOptions {
  alpha: number;
}

/**
 * The path-kernel hybrid in forward (tangent) form, for a few parameters. Per unit change of p_j,
 * transition m's mean moves by s_m = J(x_m)·D_m + (∂f/∂p_j)(x_m), D_m the pathwise perturbation of x_m
 * (D_0 = 0). The split P = α·BBᵀ gives the noise kernel b_m = P·s_m and carries the rest:
 * D_{m+1} = (I − P)·s_m. The derivative of ⟨Φ⟩ is then
 *
 *     (1/T) Σ_m [ ∇Φ(x_{m+1})·D_{m+1}  +  ψ_m · α·s_mᵀ B s(ξ_m)/σ ],   ψ_m = Σ_{j=1..W} (Φ(x_{m+j}) − b_m),
 *
 * the same estimator as the adjoint form of hybrid/ergodic.ts (its transpose: one tangent per
 * parameter instead of one backward pass for all), but with the window sums multiplying a weight
 * known at step m — exactly the kernel's structure. So the same orbit estimates a whole window
 * ladder (and the kernel's scan picks the window), the predictive baseline applies unchanged, and
 * nothing is stored or recomputed backward. Cost per step: P tangents and P parameter tangents.
 */
export function forwardHybridWeights(sys: DynamicalSystem, ob: Observable, indices: ArrayLike<number>, alpha: number): StepWeights {
  const n = sys.dim, P = indices.length;
  const split = pathKernelSplit(sys, alpha);
  const cov = new ScoreCovector(sys);
  const D = new Float64Array(P * n), S = new Float64Array(P * n), a = new Float64Array(n), dp = new Float64Array(sys.nParams);
  const zero = new Float64Array(n), grad = new Float64Array(n);
  // the P columns of S and D as views made once (the scan calls weigh every step)
  const Sv = Array.from({ length: P }, (_, j) => S.subarray(j * n, (j + 1) * n));
  const Dv = Array.from({ length: P }, (_, j) => D.subarray(j * n, (j + 1) * n));
  return {
    pathwise: true,
    tangentsPerStep: P,
    adjointsPerStep: 0,
    weigh(x, y, xi, xiOff, w, p, off) {
      sys.tangent(x, D, P, S); // S_j = J(x_m)·D_j
      const score = cov.set(xi, 1, xiOff); // B s(ξ_m)/σ
      ob.gradient(y, grad);
      for (let j = 0; j < P; j++) {
        dp[indices[j]] = 1;
        sys.paramTangent(x, dp, a);
        dp[indices[j]] = 0;
        const s = Sv[j], d = Dv[j];
        let ks = 0;
        for (let i = 0; i < n; i++) {
          s[i] += a[i];
          ks += s[i] * score[i];
        }
        // the kernel weight of b = αBBᵀs: bᵀBs(ξ)/σ = α·sᵀBs(ξ)/σ (BᵀB = I)
        w[off + j] = alpha * ks;
        split.apply(s, zero, d, null, 0); // D_{m+1} = s + P(0 − s) = (I − P)s
        let g = 0;
        for (let i = 0; i < n; i++) g += grad[i] * d[i];
        p[off + j] = g;
      }
    },
  };
}

/** One orbit of the forward hybrid (a runRepeats task). */
export function hybridForwardOrbit(arg: RepeatArg<ForwardHybridOptions>): RepeatOutcome {
  const { system: sys, rng } = repeatContext(arg);
  const ob = resolveObjective(sys, arg.objective);
  const weights = forwardHybridWeights(sys, ob, selectParams(sys, arg.params).indices, arg.options.alpha);
  return windowedOrbit(arg, sys, rng, weights);
}

import type { SystemModel } from '../model.js';
import { coordinate } from '../observables.js';

/** Reduction mod 1 into [0, 1). */
function mod1(v: number): number {
  const r = v - Math.floor(v);
  return r >= 1 ? 0 : r;
}

/**
 * T(x) = x for x ≤ ½, 1 − x otherwise, without a branch: the tent's orbit crosses ½ at random,
 * so a branch there is mispredicted half the time (≈ 4 ns a step in the ergodic scan). Both
 * candidates are computed and the comparison picks one by index: the same bits as the branch.
 */
function foldInto(pick: Float64Array): (x: number) => number {
  return (x) => {
    pick[0] = x;
    pick[1] = 1 - x;
    return pick[+!(x <= 0.5)];
  };
}

export function tent(): SystemModel {
  return {
    name: 'tent',
    kind: 'map',
    dim: 1,
    description: 'noisy tent map on the circle [0, 1); default noise σ = 0.1',
    equations: 'x ↦ (γ·T(x) + σξ) mod 1, T(x) = x for x ≤ ½, 1 − x otherwise',
    params: [{ name: 'gamma', size: 1, default: 3, description: 'slope γ' }],
    defaultNoise: 0.1,
    defaultTransient: 100,
    naturalHorizon: null,
    extraObservables: [coordinate('x', 0)],
    sampleInitial(rng, out) {
      out[0] = rng.uniform();
    },
    wrap(x) {
      x[0] = mod1(x[0]);
    },
    bindScalar(p) {
      const fold = foldInto(new Float64Array(2));
      return {
        map: (x) => mod1(p[0] * fold(x)),
        wrap: mod1,
        paramAdjoint(x, w, out) {
          out[0] = fold(x) * w;
        },
      };
    },
    bind(p) {
      // the mod is locally a translation, so it does not enter the derivatives
      return {
        eval(x, out) {
          const t = x[0] <= 0.5 ? x[0] : 1 - x[0];
          out[0] = mod1(p[0] * t);
        },
        jvp(x, v, out) {
          out[0] = (x[0] <= 0.5 ? p[0] : -p[0]) * v[0];
        },
        vjp(x, w, out) {
          out[0] = (x[0] <= 0.5 ? p[0] : -p[0]) * w[0];
        },
        pjvp(x, dp, out) {
          out[0] = (x[0] <= 0.5 ? x[0] : 1 - x[0]) * dp[0];
        },
        pvjp(x, w, out) {
          out[0] = (x[0] <= 0.5 ? x[0] : 1 - x[0]) * w[0];
        },
      };
    },
  };
}

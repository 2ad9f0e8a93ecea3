import type { SystemModel } from '../model.js';

/** The scalar AR(1) process: every statistic and derivative is known in closed form. */
export function linear(): SystemModel {
  return {
    name: 'linear',
    kind: 'map',
    dim: 1,
    description: 'scalar linear map; with noise an AR(1) process with exact mean c/(1−a) and variance σ²/(1−a²)',
    equations: 'x ↦ a·x + c (+ σξ)',
    params: [
      { name: 'a', size: 1, default: 0.5, description: 'multiplier a (|a| < 1 for a stationary law)' },
      { name: 'c', size: 1, default: 1, description: 'offset c' },
    ],
    defaultTransient: 100,
    naturalHorizon: 20,
    sampleInitial(rng, out) {
      out[0] = rng.normal();
    },
    bindScalar(p) {
      return {
        map: (x) => p[0] * x + p[1],
        wrap: (x) => x,
        paramAdjoint(x, w, out) {
          out[0] = x * w;
          out[1] = w;
        },
      };
    },
    bind(p) {
      return {
        eval: (x, out) => { out[0] = p[0] * x[0] + p[1]; },
        jvp: (_x, v, out) => { out[0] = p[0] * v[0]; },
        vjp: (_x, w, out) => { out[0] = p[0] * w[0]; },
        pjvp: (x, dp, out) => { out[0] = x[0] * dp[0] + dp[1]; },
        pvjp: (x, w, out) => { out[0] = x[0] * w[0]; out[1] = w[0]; },
      };
    },
  };
}

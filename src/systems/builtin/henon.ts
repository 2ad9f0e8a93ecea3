import type { SystemModel } from '../model.js';

export function henon(): SystemModel {
  return {
    name: 'henon',
    kind: 'map',
    dim: 2,
    description: 'Hénon map, the classic two-dimensional chaotic map',
    equations: '(x, y) ↦ (1 − a·x² + y, b·x)',
    params: [
      { name: 'a', size: 1, default: 1.4, description: 'nonlinearity a' },
      { name: 'b', size: 1, default: 0.3, description: 'contraction b (det J = −b)' },
    ],
    defaultTransient: 1000,
    naturalHorizon: null,
    sampleInitial(rng, out) {
      // small box around the origin: inside the basin of the attractor
      out[0] = 0.1 * rng.uniform();
      out[1] = 0.1 * rng.uniform();
    },
    bind(p) {
      return {
        eval(x, out) {
          const x0 = x[0];
          out[0] = 1 - p[0] * x0 * x0 + x[1];
          out[1] = p[1] * x0;
        },
        jvp(x, v, out) {
          const v0 = v[0];
          out[0] = -2 * p[0] * x[0] * v0 + v[1];
          out[1] = p[1] * v0;
        },
        vjp(x, w, out) {
          const w0 = w[0];
          out[0] = -2 * p[0] * x[0] * w0 + p[1] * w[1];
          out[1] = w0;
        },
        pjvp(x, dp, out) {
          out[0] = -x[0] * x[0] * dp[0];
          out[1] = x[0] * dp[1];
        },
        pvjp(x, w, out) {
          out[0] = -x[0] * x[0] * w[0];
          out[1] = x[0] * w[1];
        },
      };
    },
  };
}

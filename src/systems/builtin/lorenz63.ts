import type { SystemModel } from '../model.js';
import { coordinate } from '../observables.js';

export function lorenz63(dt = 0.005): SystemModel {
  return {
    name: 'lorenz63',
    kind: 'flow',
    dim: 3,
    dt,
    description: 'Lorenz 1963 convection model, the classic chaotic flow',
    equations: 'ẋ = σ(y − x), ẏ = x(ρ − z) − y, ż = xy − βz',
    params: [
      { name: 'sigma', size: 1, default: 10, description: 'Prandtl number σ' },
      { name: 'rho', size: 1, default: 28, description: 'Rayleigh number ρ' },
      { name: 'beta', size: 1, default: 8 / 3, description: 'geometric factor β' },
    ],
    defaultTransient: Math.round(20 / dt),
    naturalHorizon: null,
    extraObservables: [coordinate('x', 0), coordinate('y', 1), coordinate('z', 2)],
    sampleInitial(rng, out) {
      out[0] = 1 + rng.normal();
      out[1] = 1 + rng.normal();
      out[2] = 25 + rng.normal();
    },
    bind(p) {
      return {
        eval(x, out) {
          const s = p[0], r = p[1], b = p[2];
          const x0 = x[0], x1 = x[1], x2 = x[2];
          out[0] = s * (x1 - x0);
          out[1] = x0 * (r - x2) - x1;
          out[2] = x0 * x1 - b * x2;
        },
        jvp(x, v, out) {
          const s = p[0], r = p[1], b = p[2];
          const v0 = v[0], v1 = v[1], v2 = v[2];
          out[0] = s * (v1 - v0);
          out[1] = (r - x[2]) * v0 - v1 - x[0] * v2;
          out[2] = x[1] * v0 + x[0] * v1 - b * v2;
        },
        vjp(x, w, out) {
          const s = p[0], r = p[1], b = p[2];
          const w0 = w[0], w1 = w[1], w2 = w[2];
          out[0] = -s * w0 + (r - x[2]) * w1 + x[1] * w2;
          out[1] = s * w0 - w1 + x[0] * w2;
          out[2] = -x[0] * w1 - b * w2;
        },
        pjvp(x, dp, out) {
          out[0] = (x[1] - x[0]) * dp[0];
          out[1] = x[0] * dp[1];
          out[2] = -x[2] * dp[2];
        },
        pvjp(x, w, out) {
          out[0] = (x[1] - x[0]) * w[0];
          out[1] = x[0] * w[1];
          out[2] = -x[2] * w[2];
        },
      };
    },
  };
}

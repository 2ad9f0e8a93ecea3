import type { SystemModel } from '../model.js';

export function lorenz96(dim = 40, dt = 0.01): SystemModel {
  const n = dim;
  // cyclic index without a modulo in the inner loop
  const idx = (i: number) => (i + n) % n;
  const ip1 = Int32Array.from({ length: n }, (_, i) => idx(i + 1));
  const im1 = Int32Array.from({ length: n }, (_, i) => idx(i - 1));
  const im2 = Int32Array.from({ length: n }, (_, i) => idx(i - 2));
  const ip2 = Int32Array.from({ length: n }, (_, i) => idx(i + 2));
  return {
    name: 'lorenz96',
    kind: 'flow',
    dim: n,
    dt,
    minDim: 4,
    description: 'Lorenz 1996 model of an atmospheric latitude circle (cyclic)',
    equations: 'ẋᵢ = (xᵢ₊₁ − xᵢ₋₂)·xᵢ₋₁ − xᵢ + F, indices mod n',
    params: [{ name: 'F', size: 1, default: 8, description: 'forcing F' }],
    defaultTransient: Math.round(20 / dt),
    naturalHorizon: null,
    sampleInitial(rng, out) {
      for (let i = 0; i < n; i++) out[i] = 8 + 0.01 * rng.normal(); // near the (unstable) uniform fixed point of F = 8
    },
    bind(p) {
      return {
        eval(x, out) {
          const F = p[0];
          for (let i = 0; i < n; i++) out[i] = (x[ip1[i]] - x[im2[i]]) * x[im1[i]] - x[i] + F;
        },
        jvp(x, v, out) {
          for (let i = 0; i < n; i++) {
            out[i] = (v[ip1[i]] - v[im2[i]]) * x[im1[i]] + (x[ip1[i]] - x[im2[i]]) * v[im1[i]] - v[i];
          }
        },
        vjp(x, w, out) {
          // transpose of the three off-diagonal bands of J, gathered per output coordinate
          for (let j = 0; j < n; j++) {
            out[j] = w[im1[j]] * x[im2[j]] - w[ip2[j]] * x[ip1[j]] + w[ip1[j]] * (x[ip2[j]] - x[im1[j]]) - w[j];
          }
        },
        pjvp(_x, dp, out) {
          out.fill(dp[0]);
        },
        pvjp(_x, w, out) {
          let s = 0;
          for (let i = 0; i < n; i++) s += w[i];
          out[0] = s;
        },
      };
    },
  };
}

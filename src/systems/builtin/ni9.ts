import type { SystemModel } from '../model.js';
import { NI9_J0, NI9_SCALE } from './ni9Matrix.js';
import { ni9Batched } from './ni9Batched.js';

const N = 9;

/** One step is one layer of a 9-neuron network: x ↦ J·tanh(x + γ) + c·1, J = 4·J0. */
export function ni9(): SystemModel {
  const J = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) J[i * N + j] = NI9_SCALE * NI9_J0[i][j];
  return {
    name: 'ni9',
    kind: 'map',
    dim: N,
    description: "9-neuron chaotic network of Ni's kernel-differentiation papers (one step = one layer; Ni's setting: noise 0.5, horizon 50)",
    equations: 'x ↦ J·tanh(x + γ) + c·1 (+ σξ), J = 4·J0, x₀ ~ N(0, I₉)',
    params: [
      { name: 'gamma', size: 1, default: 0, description: 'input shift γ added to every neuron' },
      { name: 'c', size: 1, default: 0, description: 'output bias c along the all-ones vector' },
    ],
    defaultTransient: 100,
    naturalHorizon: 50,
    sampleInitial(rng, out) {
      for (let i = 0; i < N; i++) out[i] = rng.normal();
    },
    bindBatched: (p, k) => ni9Batched(J, p, k),
    bind(p) {
      const d = new Float64Array(N); // tanh' at the current input
      const t = new Float64Array(N);
      function prime(x: Float64Array): void {
        for (let i = 0; i < N; i++) {
          const th = Math.tanh(x[i] + p[0]);
          d[i] = 1 - th * th;
        }
      }
      function mulJ(v: Float64Array, out: Float64Array): void {
        for (let i = 0; i < N; i++) {
          let s = 0;
          for (let j = 0; j < N; j++) s += J[i * N + j] * v[j];
          out[i] = s;
        }
      }
      function mulJT(w: Float64Array, out: Float64Array): void {
        out.fill(0, 0, N);
        for (let i = 0; i < N; i++) {
          const wi = w[i];
          for (let j = 0; j < N; j++) out[j] += J[i * N + j] * wi;
        }
      }
      return {
        eval(x, out) {
          for (let i = 0; i < N; i++) t[i] = Math.tanh(x[i] + p[0]);
          mulJ(t, out);
          for (let i = 0; i < N; i++) out[i] += p[1];
        },
        jvp(x, v, out) {
          prime(x);
          for (let i = 0; i < N; i++) t[i] = d[i] * v[i];
          mulJ(t, out);
        },
        vjp(x, w, out) {
          prime(x);
          mulJT(w, out);
          for (let i = 0; i < N; i++) out[i] *= d[i];
        },
        pjvp(x, dp, out) {
          prime(x);
          mulJ(d, out);
          for (let i = 0; i < N; i++) out[i] = out[i] * dp[0] + dp[1];
        },
        pvjp(x, w, out) {
          prime(x);
          mulJT(w, t);
          let sg = 0, sc = 0;
          for (let i = 0; i < N; i++) {
            sg += t[i] * d[i];
            sc += w[i];
          }
          out[0] = sg;
          out[1] = sc;
        },
      };
    },
  };
}

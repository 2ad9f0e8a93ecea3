import type { SystemModel } from '../model.js';
import type { Observable } from '../types.js';

const TWO_PI = 2 * Math.PI;

function mod2pi(v: number): number {
  const r = v - TWO_PI * Math.floor(v / TWO_PI);
  return r >= TWO_PI ? 0 : r;
}

/** dim = 1 + m: one contracting coordinate x⁰ and m expanding angles xⁱ (m = 20 by default). */
export function solenoid(dim = 21): SystemModel {
  const m = dim - 1;
  const phi: Observable = {
    name: 'phi',
    description: '(x⁰)³ + 0.005·Σᵢ (xⁱ − π)²',
    value(x) {
      let s = 0;
      for (let i = 1; i <= m; i++) s += (x[i] - Math.PI) ** 2;
      return x[0] ** 3 + 0.005 * s;
    },
    gradient(x, out) {
      out[0] = 3 * x[0] * x[0];
      for (let i = 1; i <= m; i++) out[i] = 0.01 * (x[i] - Math.PI);
    },
  };
  return {
    name: 'solenoid',
    kind: 'map',
    dim,
    minDim: 2,
    description: `solenoid map with ${m} expanding angles: many unstable directions, where shadowing is biased`,
    equations: 'x⁰ ↦ 0.05x⁰ + 0.1·Σᵢ cos(5xⁱ) + γ₁;  xⁱ ↦ 2xⁱ + γ₂(1 + x⁰)·sin(2xⁱ) mod 2π',
    params: [
      { name: 'gamma1', size: 1, default: 0.1, description: 'shift γ₁ of the contracting coordinate' },
      { name: 'gamma2', size: 1, default: 0.1, description: 'amplitude γ₂ of the angle perturbation' },
    ],
    defaultTransient: 100,
    naturalHorizon: null,
    extraObservables: [phi],
    sampleInitial(rng, out) {
      out[0] = rng.uniform();
      for (let i = 1; i <= m; i++) out[i] = TWO_PI * rng.uniform();
    },
    wrap(x) {
      for (let i = 1; i <= m; i++) x[i] = mod2pi(x[i]);
    },
    bind(p) {
      return {
        eval(x, out) {
          const x0 = x[0], g2 = p[1];
          let s = 0;
          for (let i = 1; i <= m; i++) s += Math.cos(5 * x[i]);
          for (let i = 1; i <= m; i++) out[i] = mod2pi(2 * x[i] + g2 * (1 + x0) * Math.sin(2 * x[i]));
          out[0] = 0.05 * x0 + 0.1 * s + p[0];
        },
        jvp(x, v, out) {
          const x0 = x[0], g2 = p[1], v0 = v[0];
          let s = 0;
          for (let i = 1; i <= m; i++) {
            s += -0.5 * Math.sin(5 * x[i]) * v[i];
            out[i] = (2 + 2 * g2 * (1 + x0) * Math.cos(2 * x[i])) * v[i] + g2 * Math.sin(2 * x[i]) * v0;
          }
          out[0] = 0.05 * v0 + s;
        },
        vjp(x, w, out) {
          const x0 = x[0], g2 = p[1], w0 = w[0];
          let s = 0.05 * w0;
          for (let i = 1; i <= m; i++) {
            s += g2 * Math.sin(2 * x[i]) * w[i];
            out[i] = -0.5 * Math.sin(5 * x[i]) * w0 + (2 + 2 * g2 * (1 + x0) * Math.cos(2 * x[i])) * w[i];
          }
          out[0] = s;
        },
        pjvp(x, dp, out) {
          out[0] = dp[0];
          for (let i = 1; i <= m; i++) out[i] = (1 + x[0]) * Math.sin(2 * x[i]) * dp[1];
        },
        pvjp(x, w, out) {
          out[0] = w[0];
          let s = 0;
          for (let i = 1; i <= m; i++) s += (1 + x[0]) * Math.sin(2 * x[i]) * w[i];
          out[1] = s;
        },
      };
    },
  };
}

import { buildSystem, type DynamicalSystem, type SystemModel } from '../../src/systems/index.js';

/**
 * A constant linear map x ↦ A·x (A row-major n×n) as a DynamicalSystem: its exponents are the
 * log-moduli of A's eigenvalues, its CLVs A's eigenvectors and its covariant covectors the left
 * eigenvectors — exact references for the Ginelli and adjoint constructions.
 */
export function constantLinearMap(a: number[][]): DynamicalSystem {
  const n = a.length;
  const A = Float64Array.from(a.flat());
  const model: SystemModel = {
    name: 'constant-linear',
    kind: 'map',
    dim: n,
    params: [{ name: 'unused', size: 1, default: 0, description: 'no parameter' }],
    description: 'x ↦ A·x',
    equations: 'x ↦ A·x',
    defaultTransient: 0,
    naturalHorizon: 10,
    sampleInitial(rng, out) {
      for (let i = 0; i < n; i++) out[i] = rng.normal();
    },
    bind() {
      const mul = (m: (i: number, j: number) => number, v: Float64Array, out: Float64Array) => {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += m(i, j) * v[j];
          out[i] = s;
        }
      };
      const Ax = (i: number, j: number) => A[i * n + j];
      const ATx = (i: number, j: number) => A[j * n + i];
      return {
        eval: (x, out) => mul(Ax, x, out),
        jvp: (_x, v, out) => mul(Ax, v, out),
        vjp: (_x, w, out) => mul(ATx, w, out),
        pjvp: (_x, _dp, out) => out.fill(0),
        pvjp: (_x, _w, out) => out.fill(0),
      };
    },
  };
  return buildSystem(model, new Float64Array(1), null);
}

export function unit(v: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v);
  const s = Math.hypot(...out);
  for (let i = 0; i < out.length; i++) out[i] /= s;
  return out;
}

/** max_i |a_i − s·b_i| for the sign s that fits best (directions are defined up to sign). */
export function directionError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ua = unit(a), ub = unit(b);
  let plus = 0, minus = 0;
  for (let i = 0; i < ua.length; i++) {
    plus = Math.max(plus, Math.abs(ua[i] - ub[i]));
    minus = Math.max(minus, Math.abs(ua[i] + ub[i]));
  }
  return Math.min(plus, minus);
}

export function vectorOf(block: Float64Array, j: number, n: number): Float64Array {
  return block.slice(j * n, (j + 1) * n);
}

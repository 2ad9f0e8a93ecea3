import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hybridEstimator, type HybridOptions } from '../../src/gradients/hybrid/index.js';
import type { GradientResult, Objective } from '../../src/gradients/index.js';
import { buildSystem, makeNoise, type DynamicalSystem, type SystemModel } from '../../src/systems/index.js';

process.env.CHAOSGRAD_WORKERS = '1';

/**
 * A two-dimensional linear map x ↦ A·x + c (+ σBξ), assembled by hand: the mean obeys
 * m_{k+1} = A·m_k + c exactly, so every derivative of E[x_L] and of the stationary mean is known,
 * and A can be chosen non-normal with an expanding direction, where the shadowing projector
 * P = QQᵀ is a genuine split (on the scalar map it is the identity).
 */
function linear2(A: number[], c: number[], noise: { sigma: number; directions?: number[][] }): DynamicalSystem {
  const model: SystemModel = {
    name: 'linear2',
    kind: 'map',
    dim: 2,
    description: 'test: x ↦ A·x + c',
    equations: 'x ↦ A·x + c',
    params: [
      { name: 'A', size: 4, default: Float64Array.from(A), description: 'matrix, row-major' },
      { name: 'c', size: 2, default: Float64Array.from(c), description: 'offset' },
    ],
    defaultTransient: 200,
    naturalHorizon: null,
    sampleInitial(_rng, out) {
      out[0] = X0[0];
      out[1] = X0[1];
    },
    bind(p) {
      return {
        eval: (x, out) => {
          const y0 = p[0] * x[0] + p[1] * x[1] + p[4], y1 = p[2] * x[0] + p[3] * x[1] + p[5];
          out[0] = y0;
          out[1] = y1;
        },
        jvp: (_x, v, out) => {
          const y0 = p[0] * v[0] + p[1] * v[1], y1 = p[2] * v[0] + p[3] * v[1];
          out[0] = y0;
          out[1] = y1;
        },
        vjp: (_x, w, out) => {
          const y0 = p[0] * w[0] + p[2] * w[1], y1 = p[1] * w[0] + p[3] * w[1];
          out[0] = y0;
          out[1] = y1;
        },
        pjvp: (x, dp, out) => {
          out[0] = dp[0] * x[0] + dp[1] * x[1] + dp[4];
          out[1] = dp[2] * x[0] + dp[3] * x[1] + dp[5];
        },
        pvjp: (x, w, out) => {
          out[0] = w[0] * x[0];
          out[1] = w[0] * x[1];
          out[2] = w[1] * x[0];
          out[3] = w[1] * x[1];
          out[4] = w[0];
          out[5] = w[1];
        },
      };
    },
  };
  const p = Float64Array.from([...A, ...c]);
  return buildSystem(model, p, makeNoise(2, { sigma: noise.sigma, directions: noise.directions ?? 'isotropic' }));
}

const X0 = [0.3, -0.2];

type Mat = number[]; // 2×2 row-major
const mul = (A: Mat, v: number[]) => [A[0] * v[0] + A[1] * v[1], A[2] * v[0] + A[3] * v[1]];

/** d m_L / d(A, c) for m_{k+1} = A·m_k + c, m_0 = X0: the derivative of E[x_L], component `comp`. */
function exactHorizon(A: Mat, c: number[], L: number, comp: number): number[] {
  const grads: number[] = [];
  for (let q = 0; q < 6; q++) {
    let m = [...X0], dm = [0, 0];
    for (let k = 0; k < L; k++) {
      const e = [0, 0];
      if (q < 4) e[q >> 1] = m[q & 1]; // (E_ij·m)_i = m_j
      else e[q - 4] = 1;
      const Adm = mul(A, dm);
      dm = [Adm[0] + e[0], Adm[1] + e[1]];
      const Am = mul(A, m);
      m = [Am[0] + c[0], Am[1] + c[1]];
    }
    grads.push(dm[comp]);
  }
  return grads;
}

/** Stationary mean m = (I − A)⁻¹c: dm/dA_ij = (I − A)⁻¹E_ij·m, dm/dc = (I − A)⁻¹; component `comp`. */
function exactStationary(A: Mat, c: number[], comp: number): number[] {
  const a = 1 - A[0], b = -A[1], cc = -A[2], d = 1 - A[3];
  const det = a * d - b * cc;
  const inv: Mat = [d / det, -b / det, -cc / det, a / det];
  const m = mul(inv, c);
  const out: number[] = [];
  for (let q = 0; q < 6; q++) {
    const e = [0, 0];
    if (q < 4) e[q >> 1] = m[q & 1];
    else e[q - 4] = 1;
    out.push(mul(inv, e)[comp]);
  }
  return out;
}

function allWithin(r: GradientResult, exact: number[], what: string, k = 3.5): void {
  for (let q = 0; q < exact.length; q++) {
    const se = r.stderr![q];
    assert.ok(Number.isFinite(se) && se >= 0, `${what} ${r.labels[q]}: stderr ${se}`);
    // a pathwise derivative with no noise dependence (dE/dc at α = 0) is exact: only rounding may differ
    const tol = Math.max(k * se, 1e-9 * Math.max(1, Math.abs(exact[q])));
    assert.ok(Math.abs(r.gradient[q] - exact[q]) <= tol, `${what} ${r.labels[q]}: ${r.gradient[q]} ± ${se} vs exact ${exact[q]}`);
  }
}

// non-normal, one expanding direction (eigenvalues 1.27 and 0.53)
const A_UNSTABLE = [1.2, 0.5, 0.1, 0.6];
// stable, rotating (complex eigenvalues of modulus 0.66)
const A_STABLE = [0.7, 0.4, -0.2, 0.5];
const C = [0.4, -0.3];

describe('hybrid splits on a non-normal 2-d linear map (exact answers)', () => {
  const L = 6;
  const horizon: Objective = { kind: 'horizon', observable: 'x0', horizon: L, samples: 20000 };
  const exactH = exactHorizon(A_UNSTABLE, C, L, 0);
  const cases: [string, HybridOptions, number[][] | undefined][] = [
    ['shadowing u = 1 (P = QQᵀ on the expanding Gram–Schmidt vector)', { split: 'shadowing', u: 1 }, undefined],
    ['shadowing u = 2 (pure kernel)', { split: 'shadowing', u: 2 }, undefined],
    ['path-kernel α = 0.5', { split: 'pathkernel', alpha: 0.5 }, undefined],
    ['foliated path-kernel α = 0.6, noise along (1, 1)', { split: 'pathkernel', alpha: 0.6 }, [[1], [1]]],
    ['foliated path-kernel α = 1, noise along (1, −2)', { split: 'pathkernel', alpha: 1 }, [[1], [-2]]],
  ];
  for (const [label, o, dirs] of cases) {
    it(`finite horizon dE[x_${L}]/d(A, c), every entry — ${label}`, async () => {
      const system = linear2(A_UNSTABLE, C, { sigma: 0.5, directions: dirs });
      const r = await hybridEstimator.estimate({ system, objective: horizon, params: ['A', 'c'], seed: 3 }, o);
      allWithin(r, exactH, label);
    });
  }

  it('the foliated kernel alone misses what the noise cannot move; the hybrid carries it pathwise', async () => {
    // noise along e₁ only: c₂ shifts the mean along e₂, which no kernel weight can absorb
    const system = linear2(A_UNSTABLE, C, { sigma: 0.5, directions: [[1], [0]] });
    const r = await hybridEstimator.estimate({ system, objective: horizon, params: ['c'], seed: 4 }, { split: 'pathkernel', alpha: 1 });
    allWithin(r, exactH.slice(4), 'foliated α = 1, dE/dc');
    assert.ok(Math.abs(exactH[5]) > 0.5, 'the c₂ entry is not trivially zero');
  });

  const T = 60000;
  const ergodic: Objective = { kind: 'average', observable: 'x0', steps: T, transient: 200 };
  const exactS = exactStationary(A_STABLE, C, 0);
  const ergodicCases: [string, HybridOptions, number[][] | undefined][] = [
    ['shadowing u = 1', { split: 'shadowing', u: 1, window: 30 }, undefined],
    ['path-kernel α = 0.3', { split: 'pathkernel', alpha: 0.3, window: 30 }, undefined],
    ['foliated path-kernel α = 1, noise along (1, 1)', { split: 'pathkernel', alpha: 1, window: 30 }, [[1], [1]]],
  ];
  for (const [label, o, dirs] of ergodicCases) {
    it(`ergodic d⟨x₀⟩/d(A, c), every entry — ${label}`, async () => {
      const system = linear2(A_STABLE, C, { sigma: 0.5, directions: dirs });
      const r = await hybridEstimator.estimate({ system, objective: ergodic, params: ['A', 'c'], seed: 5 }, o);
      // the finite-T statistic differs from the stationary one by O(1/T) (x₀ fixed); far below the stderr here
      allWithin(r, exactS, label);
    });
  }

  it('the ergodic sweep does not depend on the checkpoint segment length (window longer than a segment)', async () => {
    const system = linear2(A_STABLE, C, { sigma: 0.5 });
    const obj: Objective = { kind: 'average', observable: 'meansq', steps: 997, transient: 50 };
    const base = await hybridEstimator.estimate({ system, objective: obj, params: ['A', 'c'], seed: 9 }, { split: 'shadowing', u: 1, window: 23, segmentSteps: 997 });
    for (const S of [1, 7, 50]) {
      const r = await hybridEstimator.estimate({ system, objective: obj, params: ['A', 'c'], seed: 9 }, { split: 'shadowing', u: 1, window: 23, segmentSteps: S });
      for (let q = 0; q < 6; q++) {
        assert.ok(Math.abs(r.gradient[q] - base.gradient[q]) <= 1e-12 * Math.max(1, Math.abs(base.gradient[q])), `S = ${S}, ${r.labels[q]}: ${r.gradient[q]} vs ${base.gradient[q]}`);
      }
      assert.ok(Math.abs(r.value - base.value) < 1e-12);
    }
  });

  it('refuses the shadowing split with foliated noise (the unstable subspace must be in the noise span)', async () => {
    const system = linear2(A_UNSTABLE, C, { sigma: 0.5, directions: [[1], [0]] });
    await assert.rejects(hybridEstimator.estimate({ system, objective: horizon, params: ['c'], seed: 1 }, { split: 'shadowing', u: 1 }), /needs isotropic noise/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schurComplement, schurConditionNumber, solveNilsasKkt, type NilsasKkt } from '../../src/gradients/nilsas/index.js';
import { solve, symmetricEigen } from '../../src/linalg/index.js';
import { Rng } from '../../src/random/index.js';

/** The hand-solvable instance of the issue: 2 segments, M = 2, a flow's neutral constraint. */
const HAND: NilsasKkt = {
  M: 2,
  C: [Float64Array.of(1, 0, 0, 1), Float64Array.of(4, 0, 0, 1)],
  d: [Float64Array.of(1, 0), Float64Array.of(1, 4)],
  e: [Float64Array.of(1, 1), Float64Array.of(3, 1)],
  g: [1, 2],
  R: [Float64Array.of(1, 1, 0, 2)],
  b: [Float64Array.of(0, 1)],
};

/** A random well-posed instance: SPD C_k, upper-triangular R_k with positive diagonal. */
function randomInstance(rng: Rng, K: number, M: number, flow: boolean): NilsasKkt {
  const C: Float64Array[] = [], d: Float64Array[] = [], e: Float64Array[] = [], R: Float64Array[] = [], b: Float64Array[] = [];
  const g: number[] = [];
  for (let k = 0; k < K; k++) {
    const a = Float64Array.from({ length: M * M }, () => rng.normal());
    const c = new Float64Array(M * M);
    for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) {
      for (let l = 0; l < M; l++) c[i * M + j] += a[i * M + l] * a[j * M + l];
      if (i === j) c[i * M + j] += 1;
    }
    C.push(c);
    d.push(Float64Array.from({ length: M }, () => rng.normal()));
    e.push(Float64Array.from({ length: M }, () => rng.normal()));
    g.push(rng.normal());
    if (k < K - 1) {
      const r = new Float64Array(M * M);
      for (let i = 0; i < M; i++) for (let j = i; j < M; j++) r[i * M + j] = i === j ? 0.5 + 3 * rng.uniform() : rng.normal();
      R.push(r);
      b.push(Float64Array.from({ length: M }, () => rng.normal()));
    }
  }
  return flow ? { M, C, d, R, b, e, g } : { M, C, d, R, b };
}

/**
 * The full KKT system, assembled densely and solved by LU (the independent reference):
 * unknowns (a_0..a_{K−1}, λ_0..λ_{K−2}, μ), rows: C a + Bᵀλ + μe = −d, B a = b, eᵀa = −Σg.
 */
function denseKkt(p: NilsasKkt): { a: Float64Array[]; mu: number | null } {
  const K = p.C.length, M = p.M;
  const na = K * M, nl = (K - 1) * M, nm = p.e ? 1 : 0;
  const N = na + nl + nm;
  const A = new Float64Array(N * N);
  const rhs = new Float64Array(N);
  const set = (i: number, j: number, v: number) => {
    A[i * N + j] += v;
  };
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < M; i++) {
      rhs[k * M + i] = -p.d[k][i];
      for (let j = 0; j < M; j++) set(k * M + i, k * M + j, p.C[k][i * M + j]);
    }
  }
  for (let k = 0; k < K - 1; k++) {
    for (let i = 0; i < M; i++) {
      const row = na + k * M + i;
      rhs[row] = p.b[k][i];
      // a_k − R_k a_{k+1} = b_k, and the symmetric column
      set(row, k * M + i, 1);
      set(k * M + i, row, 1);
      for (let j = 0; j < M; j++) {
        set(row, (k + 1) * M + j, -p.R[k][i * M + j]);
        set((k + 1) * M + j, row, -p.R[k][i * M + j]);
      }
    }
  }
  if (p.e) {
    const row = na + nl;
    let G = 0;
    for (let k = 0; k < K; k++) {
      G += p.g![k];
      for (let i = 0; i < M; i++) {
        set(row, k * M + i, p.e[k][i]);
        set(k * M + i, row, p.e[k][i]);
      }
    }
    rhs[row] = -G;
  }
  const x = solve(A, N, rhs);
  return { a: Array.from({ length: K }, (_, k) => x.slice(k * M, (k + 1) * M)), mu: p.e ? x[na + nl] : null };
}

function maxDiff(a: Float64Array[], b: Float64Array[]): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) for (let i = 0; i < a[k].length; i++) m = Math.max(m, Math.abs(a[k][i] - b[k][i]));
  return m;
}

function maxAbs(a: Float64Array[]): number {
  let m = 0;
  for (const v of a) for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

describe('NILSAS KKT solve', () => {
  it('solves the hand instance of the issue: a = ([−1,−1], [0,−1])', () => {
    const s = solveNilsasKkt(HAND);
    assert.deepEqual(s.a.map((v) => Array.from(v, (x) => Math.round(x * 1e12) / 1e12 + 0)), [[-1, -1], [0, -1]]);
    // the constraints it must meet, and the multiplier derived by hand (μ = −1/4)
    assert.ok(Math.abs(s.mu! + 0.25) < 1e-12, `μ = ${s.mu}`);
    assert.equal(s.regularisation, 0);
  });

  it('matches a dense LU solve of the full KKT system on random maps and flows', () => {
    const rng = new Rng(41);
    for (let c = 0; c < 40; c++) {
      const K = 1 + rng.int(7), M = 1 + rng.int(4), flow = c % 2 === 1;
      const p = randomInstance(rng, K, M, flow);
      const s = solveNilsasKkt(p);
      const ref = denseKkt(p);
      const scale = Math.max(1, maxAbs(ref.a));
      assert.ok(maxDiff(s.a, ref.a) <= 1e-9 * scale, `case ${c} (K=${K}, M=${M}, flow=${flow}): ${maxDiff(s.a, ref.a)}`);
      if (flow) assert.ok(Math.abs(s.mu! - ref.mu!) <= 1e-9 * Math.max(1, Math.abs(ref.mu!)), `case ${c}: μ ${s.mu} vs ${ref.mu}`);
      // continuity holds exactly (not only in the least-squares sense)
      for (let k = 0; k < K - 1; k++) for (let i = 0; i < M; i++) {
        let r = s.a[k][i] - p.b[k][i];
        for (let j = 0; j < M; j++) r -= p.R[k][i * M + j] * s.a[k + 1][j];
        assert.ok(Math.abs(r) <= 1e-9 * scale, `case ${c}: continuity residual ${r}`);
      }
    }
  });

  it('M = 0 has nothing to solve', () => {
    const z = new Float64Array(0);
    const s = solveNilsasKkt({ M: 0, C: [z, z, z], d: [z, z, z], R: [z, z], b: [z, z] });
    assert.equal(s.a.length, 3);
    assert.equal(s.a[0].length, 0);
  });

  it('estimates the condition number of the Schur complement (vs a dense eigen-decomposition)', () => {
    const rng = new Rng(43);
    for (let c = 0; c < 6; c++) {
      const K = 3 + rng.int(5), M = 1 + rng.int(3);
      const p = randomInstance(rng, K, M, false);
      const { diag, upper } = schurComplement(p);
      const N = (K - 1) * M;
      const S = new Float64Array(N * N);
      for (let k = 0; k < K - 1; k++) for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) {
        S[(k * M + i) * N + k * M + j] = diag[k][i * M + j];
        if (k < K - 2) {
          S[(k * M + i) * N + (k + 1) * M + j] = upper[k][i * M + j];
          S[((k + 1) * M + j) * N + k * M + i] = upper[k][i * M + j];
        }
      }
      const ev = symmetricEigen(S, N).values;
      const exact = ev[0] / ev[N - 1];
      const est = schurConditionNumber(p, 200);
      assert.ok(est <= exact * 1.001 && est >= 0.5 * exact, `case ${c}: estimate ${est} vs ${exact}`);
    }
  });

  it('a numerically singular Schur complement is shifted, and the shift and the continuity residual are reported', () => {
    // scalar chain whose interface factors grow by 30 for ten interfaces, then shrink by 30: the
    // multiplier mode following the products is null up to 30⁻²⁰, far beyond double precision
    const K = 21;
    const p: NilsasKkt = {
      M: 1,
      C: Array.from({ length: K }, () => Float64Array.of(1)),
      d: Array.from({ length: K }, (_, k) => Float64Array.of(Math.sin(k))),
      R: Array.from({ length: K - 1 }, (_, k) => Float64Array.of(k < 10 ? 30 : 1 / 30)),
      b: Array.from({ length: K - 1 }, (_, k) => Float64Array.of(Math.cos(k))),
    };
    const s = solveNilsasKkt(p);
    assert.ok(s.a.every((v) => v.every(Number.isFinite)));
    assert.ok(s.regularisation > 0, `regularisation ${s.regularisation}`);
    assert.ok(s.continuityResidual > 1e-6, `continuity residual ${s.continuityResidual}`);
    assert.equal(schurConditionNumber(p), Infinity);
    // a well-conditioned instance reports a residual at rounding level
    assert.ok(solveNilsasKkt(randomInstance(new Rng(5), 6, 3, true)).continuityResidual < 1e-13);
  });
});

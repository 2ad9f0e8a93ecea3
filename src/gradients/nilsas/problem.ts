/**
 * The NILSAS least-squares problem and the block operations on it shared by the Schur complement
 * (schur.ts) and the KKT solve (kkt.ts).
 */

/**
 * The NILSAS least-squares problem over K segments with M homogeneous adjoints each.
 * On segment k the adjoint is v = v* + W·a_k; with
 *   C_k = Σ_n W_nᵀW_n (M×M, SPD),  d_k = Σ_n W_nᵀv*_n,
 *   e_k = Σ_n W_nᵀg_n,  g_k = Σ_n ⟨v*_n, g_n⟩   (flows: g_n spans the neutral direction)
 * the problem is
 *   minimise Σ_k ½a_kᵀC_k a_k + d_kᵀa_k            (= ½Σ|v_n|² up to a constant)
 *   subject to a_k = R_k a_{k+1} + b_k, k = 0..K−2 (continuity at the interface after segment k)
 *              Σ_k e_kᵀa_k + g_k = 0               (flows only: Σ⟨v_n, g_n⟩ = 0)
 * Blocks are row-major M×M; R_k is the QR factor at the interface, b_k the component of v* that the
 * re-orthonormalisation removed.
 */
export interface NilsasKkt {
  readonly M: number;
  readonly C: readonly Float64Array[];
  readonly d: readonly Float64Array[];
  readonly R: readonly Float64Array[];
  readonly b: readonly Float64Array[];
  /** both present for a flow's neutral constraint, both absent for a map */
  readonly e?: readonly Float64Array[];
  readonly g?: ArrayLike<number>;
}

export interface KktSolution {
  /** coefficients a_k, one per segment */
  readonly a: Float64Array[];
  /** multipliers of the continuity constraints, one per interface */
  readonly lambda: Float64Array[];
  /** multiplier of the neutral constraint (null for a map) */
  readonly mu: number | null;
  /**
   * 0 normally. When the Schur complement is numerically singular (its block Cholesky meets a
   * non-positive pivot) it is solved as S + δ·I: the continuity constraints are then met up to
   * δ·λ, and δ (relative to the largest diagonal entry of S) is reported here.
   */
  readonly regularisation: number;
  /**
   * max_k |a_k − R_k a_{k+1} − b_k| / (|a_k| + |R_k a_{k+1}| + |b_k|) (∞-norms): ~1e-16 when the
   * solve is accurate; large when S is too ill-conditioned for double precision.
   */
  readonly continuityResidual: number;
}

/** Checks shapes; a malformed problem is a programming error, not a user's. */
export function checkShapes(p: NilsasKkt): number {
  const K = p.C.length;
  const M = p.M;
  const fail = (what: string) => {
    throw new Error(`NILSAS KKT: ${what}`);
  };
  if (K < 1) fail('needs at least one segment');
  if (p.d.length !== K) fail(`${K} segments but ${p.d.length} vectors d`);
  if (p.R.length !== K - 1 || p.b.length !== K - 1) fail(`${K} segments need ${K - 1} interfaces, got ${p.R.length} R and ${p.b.length} b`);
  if ((p.e === undefined) !== (p.g === undefined)) fail('give both e and g (flow) or neither (map)');
  if (p.e && (p.e.length !== K || p.g!.length !== K)) fail(`e and g need ${K} entries`);
  for (let k = 0; k < K; k++) {
    if (p.C[k].length !== M * M || p.d[k].length !== M || (p.e && p.e[k].length !== M)) fail(`segment ${k}: blocks must be ${M}×${M} and vectors of length ${M}`);
    if (k < K - 1 && (p.R[k].length !== M * M || p.b[k].length !== M)) fail(`interface ${k}: R must be ${M}×${M} and b of length ${M}`);
  }
  return K;
}

/** out ← A·x (M×M row-major). */
export function matVec(a: Float64Array, x: Float64Array, M: number, out = new Float64Array(M)): Float64Array {
  for (let i = 0; i < M; i++) {
    let s = 0;
    for (let j = 0; j < M; j++) s += a[i * M + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** out ← Aᵀ·x (M×M row-major). */
export function matTVec(a: Float64Array, x: Float64Array, M: number, out = new Float64Array(M)): Float64Array {
  out.fill(0);
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) out[j] += a[i * M + j] * x[i];
  return out;
}

/** (B·x)_k = x_k − R_k·x_{k+1}, one block per interface. */
export function applyB(p: NilsasKkt, x: Float64Array[]): Float64Array[] {
  const M = p.M;
  const out: Float64Array[] = [];
  for (let k = 0; k < x.length - 1; k++) {
    const rx = matVec(p.R[k], x[k + 1], M);
    out.push(x[k].map((v, i) => v - rx[i]));
  }
  return out;
}

/** (Bᵀ·λ)_k = λ_k − R_{k−1}ᵀλ_{k−1} (absent terms are zero), one block per segment. */
export function applyBt(p: NilsasKkt, lambda: Float64Array[], K: number): Float64Array[] {
  const M = p.M;
  const out: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    const o = k < K - 1 ? Float64Array.from(lambda[k]) : new Float64Array(M);
    if (k > 0) {
      const t = matTVec(p.R[k - 1], lambda[k - 1], M);
      for (let i = 0; i < M; i++) o[i] -= t[i];
    }
    out.push(o);
  }
  return out;
}

export function dotBlocks(x: Float64Array[], y: Float64Array[]): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) for (let i = 0; i < x[k].length; i++) s += x[k][i] * y[k][i];
  return s;
}


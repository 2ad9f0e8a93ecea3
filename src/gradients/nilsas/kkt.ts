import { RuntimeFailure } from '../../errors/index.js';
import { blockTridiagonalMultiply, cholesky, choleskySolve, solveBlockTridiagonalSPD } from '../../linalg/index.js';

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

/** δ/max diag(S) tried in turn when the block Cholesky of S fails. */
const REGULARISATION_STEPS = [1e-14, 1e-12, 1e-10, 1e-8];

/**
 * Solves S·x = r for several right-hand sides with one shift δ for all of them: δ = `from` first
 * (0 by default), then the smallest larger entry of REGULARISATION_STEPS that lets the block
 * Cholesky through.
 */
function solveSchur(diag: Float64Array[], upper: Float64Array[], M: number, rhs: Float64Array[][], from = 0): { x: Float64Array[][]; regularisation: number } {
  let scale = 0;
  for (const d of diag) for (let i = 0; i < M; i++) scale = Math.max(scale, Math.abs(d[i * M + i]));
  for (const rel of [0, ...REGULARISATION_STEPS].filter((r) => r >= from)) {
    const shifted = rel === 0 ? diag : diag.map((d) => {
      const c = Float64Array.from(d);
      for (let i = 0; i < M; i++) c[i * M + i] += rel * scale;
      return c;
    });
    try {
      return { x: rhs.map((r) => solveBlockTridiagonalSPD(shifted, upper, M, r)), regularisation: rel };
    } catch (e) {
      if (!/not positive definite/.test((e as Error).message)) throw e;
    }
  }
  throw new RuntimeFailure(`NILSAS: the least-squares (Schur) system is singular even with a relative shift of ${REGULARISATION_STEPS[REGULARISATION_STEPS.length - 1]}: the adjoint is far from bounded (non-hyperbolic dynamics); try another --M or shorter --steps`);
}

/** Checks shapes; a malformed problem is a programming error, not a user's. */
function checkShapes(p: NilsasKkt): number {
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

/** The Cholesky factors of the C_k and the products C_k⁻¹ they are used for. */
class SegmentInverses {
  private readonly factors: Float64Array[];
  constructor(C: readonly Float64Array[], private readonly M: number) {
    this.factors = C.map((c, k) => {
      const l = Float64Array.from(c);
      try {
        cholesky(l, M);
      } catch (e) {
        throw new RuntimeFailure(`NILSAS: the Gram matrix of the homogeneous adjoints on segment ${k} is singular (${(e as Error).message}): the segments are too long for the growth of the adjoints; use shorter --segment-steps (or a smaller --M)`);
      }
      return l;
    });
  }

  /** C_k⁻¹·x (new vector). */
  apply(k: number, x: Float64Array): Float64Array {
    const y = Float64Array.from(x);
    choleskySolve(this.factors[k], this.M, y);
    return y;
  }

  /** x ← C_k⁻¹·x */
  solveInPlace(k: number, x: Float64Array): void {
    choleskySolve(this.factors[k], this.M, x);
  }

  /** C_k⁻¹ as a dense row-major matrix (symmetric). */
  inverse(k: number): Float64Array {
    const M = this.M;
    const out = new Float64Array(M * M);
    const col = new Float64Array(M);
    for (let j = 0; j < M; j++) {
      col.fill(0);
      col[j] = 1;
      choleskySolve(this.factors[k], M, col);
      for (let i = 0; i < M; i++) out[i * M + j] = col[i];
    }
    return out;
  }
}

/** out ← A·x (M×M row-major). */
function matVec(a: Float64Array, x: Float64Array, M: number, out = new Float64Array(M)): Float64Array {
  for (let i = 0; i < M; i++) {
    let s = 0;
    for (let j = 0; j < M; j++) s += a[i * M + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** out ← Aᵀ·x (M×M row-major). */
function matTVec(a: Float64Array, x: Float64Array, M: number, out = new Float64Array(M)): Float64Array {
  out.fill(0);
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) out[j] += a[i * M + j] * x[i];
  return out;
}

/**
 * The Schur complement S = B·C⁻¹·Bᵀ of the continuity constraints (rows of B at interface k: I on
 * a_k, −R_k on a_{k+1}). It is block tridiagonal with K−1 blocks of M×M:
 *   S_kk = C_k⁻¹ + R_k·C_{k+1}⁻¹·R_kᵀ,   S_{k,k+1} = −R_k·C_{k+1}⁻¹.
 */
export function schurComplement(p: NilsasKkt): { diag: Float64Array[]; upper: Float64Array[] } {
  checkShapes(p);
  return schurBlocks(p, new SegmentInverses(p.C, p.M));
}

function schurBlocks(p: NilsasKkt, ci: SegmentInverses): { diag: Float64Array[]; upper: Float64Array[] } {
  const K = p.C.length;
  const M = p.M;
  const cInv = Array.from({ length: K }, (_, k) => ci.inverse(k));
  const diag: Float64Array[] = [];
  const upper: Float64Array[] = [];
  for (let k = 0; k < K - 1; k++) {
    const r = p.R[k];
    const next = cInv[k + 1];
    // t = R_k·C_{k+1}⁻¹
    const t = new Float64Array(M * M);
    for (let i = 0; i < M; i++) for (let l = 0; l < M; l++) {
      const ril = r[i * M + l];
      if (ril === 0) continue;
      for (let j = 0; j < M; j++) t[i * M + j] += ril * next[l * M + j];
    }
    const dk = Float64Array.from(cInv[k]);
    // + t·R_kᵀ
    for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) {
      let s = 0;
      for (let l = 0; l < M; l++) s += t[i * M + l] * r[j * M + l];
      dk[i * M + j] += s;
    }
    diag.push(dk);
    if (k < K - 2) upper.push(t.map((v) => -v));
  }
  return { diag, upper };
}

/** (B·x)_k = x_k − R_k·x_{k+1}, one block per interface. */
function applyB(p: NilsasKkt, x: Float64Array[]): Float64Array[] {
  const M = p.M;
  const out: Float64Array[] = [];
  for (let k = 0; k < x.length - 1; k++) {
    const rx = matVec(p.R[k], x[k + 1], M);
    out.push(x[k].map((v, i) => v - rx[i]));
  }
  return out;
}

/** (Bᵀ·λ)_k = λ_k − R_{k−1}ᵀλ_{k−1} (absent terms are zero), one block per segment. */
function applyBt(p: NilsasKkt, lambda: Float64Array[], K: number): Float64Array[] {
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

function dotBlocks(x: Float64Array[], y: Float64Array[]): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) for (let i = 0; i < x[k].length; i++) s += x[k][i] * y[k][i];
  return s;
}

/** The factorised pieces shared by the solve and its refinement. */
interface KktFactors {
  inv: SegmentInverses;
  diag: Float64Array[];
  upper: Float64Array[];
  /** C⁻¹e and B·C⁻¹e (flows) */
  z: Float64Array[];
  Bz: Float64Array[];
  /** S⁻¹(−B·C⁻¹e) (flows), and eᵀ(C⁻¹ − C⁻¹BᵀS⁻¹BC⁻¹)e */
  x2: Float64Array[];
  den: number;
  regularisation: number;
}

function factorise(p: NilsasKkt, K: number): KktFactors {
  const M = p.M;
  const inv = new SegmentInverses(p.C, M);
  const { diag, upper } = schurBlocks(p, inv);
  const f: KktFactors = { inv, diag, upper, z: [], Bz: [], x2: [], den: 0, regularisation: 0 };
  if (p.e) {
    f.z = p.e.map((e, k) => inv.apply(k, e));
    f.Bz = applyB(p, f.z);
    if (K > 1) {
      const { x, regularisation } = solveSchur(diag, upper, M, [f.Bz.map((v) => v.map((t) => -t))]);
      f.x2 = x[0];
      f.regularisation = regularisation;
    }
    const ez = dotBlocks(p.e as Float64Array[], f.z);
    f.den = ez + dotBlocks(f.Bz, f.x2);
    // den = eᵀ(C⁻¹ − C⁻¹BᵀS⁻¹BC⁻¹)e ≥ 0: e's size on the feasible directions; it vanishes (up to
    // cancellation) when no homogeneous adjoint can move ⟨v, F⟩ without growing
    if (!(f.den > 1e-12 * ez)) throw new RuntimeFailure('NILSAS: the neutral-direction constraint is degenerate (the homogeneous adjoints have no component along the vector field); increase --M');
  }
  return f;
}

/**
 * One solve of C·a + Bᵀλ + μe = −d, B·a = b, eᵀa = −G with the factors of `f` (the problem's own
 * d, b, G, or residuals during refinement).
 */
function solveWith(p: NilsasKkt, f: KktFactors, K: number, d: Float64Array[], b: Float64Array[], G: number): { a: Float64Array[]; lambda: Float64Array[]; mu: number | null } {
  const M = p.M;
  const y = d.map((v, k) => f.inv.apply(k, v)); // C⁻¹d
  const By = applyB(p, y);
  const rhs = By.map((v, k) => v.map((x, i) => -x - b[k][i]));
  let x1: Float64Array[] = [];
  if (K > 1) {
    const r = solveSchur(f.diag, f.upper, M, [rhs], f.regularisation);
    x1 = r.x[0];
    f.regularisation = Math.max(f.regularisation, r.regularisation);
  }
  let mu: number | null = null;
  let lambda = x1;
  if (p.e) {
    // neutral constraint: Σ e_kᵀa_k + G = 0 with a = −C⁻¹(d + Bᵀ(x₁ + μx₂) + μe)
    mu = (G - dotBlocks(p.e as Float64Array[], y) - dotBlocks(f.Bz, x1)) / f.den;
    const m = mu;
    lambda = x1.map((v, k) => v.map((x, i) => x + m * f.x2[k][i]));
  }
  const bt = applyBt(p, lambda, K);
  const a = bt.map((v, k) => {
    const r = v.map((x, i) => -(x + d[k][i] + (mu !== null ? mu * p.e![k][i] : 0)));
    f.inv.solveInPlace(k, r);
    return r;
  });
  return { a, lambda, mu };
}

/**
 * Solves the KKT system of {@link NilsasKkt} in O(K·M³): the coefficients are eliminated,
 * a = −C⁻¹(d + Bᵀλ + μe), leaving S·λ = −b − B·C⁻¹d − μ·B·C⁻¹e with S block tridiagonal SPD.
 * For a flow the one dense row/column of μ is removed by bordering: S is solved for two
 * right-hand sides (x₁ without μ, x₂ per unit μ), then the neutral constraint fixes μ.
 * One step of iterative refinement on the full KKT residual follows: long segments make C_k and
 * S ill-conditioned, and the refinement restores continuity to near rounding level.
 */
export function solveNilsasKkt(p: NilsasKkt): KktSolution {
  const K = checkShapes(p);
  const M = p.M;
  if (M === 0) return { a: Array.from({ length: K }, () => new Float64Array(0)), lambda: Array.from({ length: K - 1 }, () => new Float64Array(0)), mu: null, regularisation: 0, continuityResidual: 0 };
  const f = factorise(p, K);
  let G = 0;
  if (p.g) for (let k = 0; k < K; k++) G += p.g[k];
  const x = solveWith(p, f, K, p.d as Float64Array[], p.b as Float64Array[], G);
  // residuals of the three block rows, then the correction from the same factors
  const bt = applyBt(p, x.lambda, K);
  const rd = x.a.map((a, k) => {
    const ca = matVec(p.C[k], a, M);
    return ca.map((v, i) => v + bt[k][i] + p.d[k][i] + (x.mu !== null ? x.mu * p.e![k][i] : 0));
  });
  const Ba = applyB(p, x.a);
  const rb = Ba.map((v, k) => v.map((t, i) => p.b[k][i] - t));
  const rg = p.e ? G + dotBlocks(p.e as Float64Array[], x.a) : 0;
  const c = solveWith(p, f, K, rd, rb, rg);
  const a = x.a.map((v, k) => v.map((t, i) => t + c.a[k][i]));
  const lambda = x.lambda.map((v, k) => v.map((t, i) => t + c.lambda[k][i]));
  const mu = x.mu !== null ? x.mu + c.mu! : null;
  return { a, lambda, mu, regularisation: f.regularisation, continuityResidual: continuityResidual(p, a) };
}

function continuityResidual(p: NilsasKkt, a: Float64Array[]): number {
  const M = p.M;
  let worst = 0;
  for (let k = 0; k < a.length - 1; k++) {
    const ra = matVec(p.R[k], a[k + 1], M);
    let res = 0, scale = 0;
    for (let i = 0; i < M; i++) {
      res = Math.max(res, Math.abs(a[k][i] - ra[i] - p.b[k][i]));
      scale = Math.max(scale, Math.abs(a[k][i]) + Math.abs(ra[i]) + Math.abs(p.b[k][i]));
    }
    if (scale > 0) worst = Math.max(worst, res / scale);
  }
  return worst;
}

/**
 * Estimated 2-norm condition number of the Schur complement S (1 when there is no interface):
 * λ_max by power iteration on S, λ_min by inverse iteration with the block-tridiagonal solver,
 * each stopped when its Rayleigh quotient settles to 1e-3. A lower bound that is usually sharp.
 */
export function schurConditionNumber(p: NilsasKkt, maxIterations = 30): number {
  const K = checkShapes(p);
  const M = p.M;
  if (M === 0 || K < 2) return 1;
  const { diag, upper } = schurComplement(p);
  const start = (): Float64Array[] => diag.map((_, k) => Float64Array.from({ length: M }, (_v, i) => 1 + 0.1 * Math.sin(1 + 7 * k + 3 * i)));
  const normalise = (x: Float64Array[]): void => {
    const nrm = Math.sqrt(dotBlocks(x, x));
    for (const v of x) for (let i = 0; i < M; i++) v[i] /= nrm;
  };
  const iterate = (apply: (x: Float64Array[]) => Float64Array[]): number => {
    let x = start();
    normalise(x);
    let rq = 0;
    for (let it = 0; it < maxIterations; it++) {
      const y = apply(x);
      const next = dotBlocks(x, y);
      x = y;
      normalise(x);
      if (it > 2 && Math.abs(next - rq) <= 1e-3 * Math.abs(next)) return next;
      rq = next;
    }
    return rq;
  };
  const largest = iterate((x) => blockTridiagonalMultiply(diag, upper, M, x));
  let smallestInverse: number;
  try {
    smallestInverse = iterate((x) => solveBlockTridiagonalSPD(diag, upper, M, x));
  } catch {
    return Infinity; // numerically singular: the block Cholesky met a non-positive pivot
  }
  return smallestInverse > 0 ? largest * smallestInverse : Infinity;
}

import { failure, opt } from '../../errors/index.js';
import { applyB, applyBt, checkShapes, dotBlocks, matVec, type KktSolution, type NilsasKkt } from './problem.js';
import { schurBlocks, SegmentInverses, solveSchur } from './schur.js';

export type { KktSolution, NilsasKkt } from './problem.js';

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
    if (!(f.den > 1e-12 * ez)) throw failure`NILSAS: the neutral-direction constraint is degenerate (the homogeneous adjoints have no component along the vector field); increase ${opt('M')}`;
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


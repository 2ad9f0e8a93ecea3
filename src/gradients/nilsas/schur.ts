import { failure, opt } from '../../errors/index.js';
import { blockTridiagonalMultiply, cholesky, choleskySolve, factorBlockTridiagonalSPD, solveFactored } from '../../linalg/index.js';
import { checkShapes, dotBlocks, type NilsasKkt } from './problem.js';

/** The Cholesky factors of the C_k and the products C_k⁻¹ they are used for. */
export class SegmentInverses {
  private readonly factors: Float64Array[];
  constructor(C: readonly Float64Array[], private readonly M: number) {
    this.factors = C.map((c, k) => {
      const l = Float64Array.from(c);
      try {
        cholesky(l, M);
      } catch (e) {
        throw failure`NILSAS: the Gram matrix of the homogeneous adjoints on segment ${k} is singular (${(e as Error).message}): the segments are too long for the growth of the adjoints; use shorter ${opt('segmentSteps')} (or a smaller ${opt('M')})`;
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

/**
 * The Schur complement S = B·C⁻¹·Bᵀ of the continuity constraints (rows of B at interface k: I on
 * a_k, −R_k on a_{k+1}). It is block tridiagonal with K−1 blocks of M×M:
 *   S_kk = C_k⁻¹ + R_k·C_{k+1}⁻¹·R_kᵀ,   S_{k,k+1} = −R_k·C_{k+1}⁻¹.
 */
export function schurComplement(p: NilsasKkt): { diag: Float64Array[]; upper: Float64Array[] } {
  checkShapes(p);
  return schurBlocks(p, new SegmentInverses(p.C, p.M));
}

/** The blocks of S from the factors of the C_k (see {@link schurComplement}). */
export function schurBlocks(p: NilsasKkt, ci: SegmentInverses): { diag: Float64Array[]; upper: Float64Array[] } {
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

/** δ/max diag(S) tried in turn when the block Cholesky of S fails. */
const REGULARISATION_STEPS = [1e-14, 1e-12, 1e-10, 1e-8];

/**
 * Solves S·x = r for several right-hand sides with one shift δ for all of them: δ = `from` first
 * (0 by default), then the smallest larger entry of REGULARISATION_STEPS that lets the block
 * Cholesky through.
 */
export function solveSchur(diag: Float64Array[], upper: Float64Array[], M: number, rhs: Float64Array[][], from = 0): { x: Float64Array[][]; regularisation: number } {
  let scale = 0;
  for (const d of diag) for (let i = 0; i < M; i++) scale = Math.max(scale, Math.abs(d[i * M + i]));
  for (const rel of [0, ...REGULARISATION_STEPS].filter((r) => r >= from)) {
    const shifted = rel === 0 ? diag : diag.map((d) => {
      const c = Float64Array.from(d);
      for (let i = 0; i < M; i++) c[i * M + i] += rel * scale;
      return c;
    });
    try {
      const factor = factorBlockTridiagonalSPD(shifted, upper, M);
      return { x: rhs.map((r) => solveFactored(factor, r)), regularisation: rel };
    } catch (e) {
      if (!/not positive definite/.test((e as Error).message)) throw e;
    }
  }
  throw failure`NILSAS: the least-squares (Schur) system is singular even with a relative shift of ${REGULARISATION_STEPS[REGULARISATION_STEPS.length - 1]}: the adjoint is far from bounded (non-hyperbolic dynamics); try another ${opt('M')} or shorter ${opt('steps')}`;
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
    // one factorisation for every inverse iteration
    const factor = factorBlockTridiagonalSPD(diag, upper, M);
    smallestInverse = iterate((x) => solveFactored(factor, x));
  } catch {
    return Infinity; // numerically singular: the block Cholesky met a non-positive pivot
  }
  return smallestInverse > 0 ? largest * smallestInverse : Infinity;
}


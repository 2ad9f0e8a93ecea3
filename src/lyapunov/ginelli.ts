import { usage, opt } from '../errors/index.js';
import type { Rng } from '../random/index.js';

/**
 * Pieces of Ginelli's method (Ginelli et al., PRL 99, 130601, 2007) shared by the forward CLVs
 * and the adjoint (covariant covector) pass: a store of the k×k triangular factors of a window of
 * steps, and the one-step inverse iteration c ← R⁻¹c with column normalisation.
 */

/** Largest number of doubles a history may hold (400 MB): beyond it, ask for a shorter window. */
export const MAX_HISTORY_DOUBLES = 5e7;

/** The k×k factors of steps [first, first + count), preallocated in one block. */
export class TriangularHistory {
  readonly data: Float64Array;
  private readonly kk: number;

  constructor(readonly k: number, readonly first: number, readonly count: number, what = 'R factors') {
    this.kk = k * k;
    if (count * this.kk > MAX_HISTORY_DOUBLES) {
      throw usage`storing ${count} ${what} of size ${k}×${k} needs ${((count * this.kk * 8) / 1e6).toFixed(0)} MB (limit ${(MAX_HISTORY_DOUBLES * 8) / 1e6} MB): use fewer ${opt('steps')} or a smaller ${opt('k')}`;
    }
    this.data = new Float64Array(count * this.kk);
  }

  has(step: number): boolean {
    return step >= this.first && step < this.first + this.count;
  }

  store(step: number, r: Float64Array): void {
    const off = (step - this.first) * this.kk;
    for (let i = 0; i < this.kk; i++) this.data[off + i] = r[i];
  }

  offset(step: number): number {
    return (step - this.first) * this.kk;
  }
}

/** A random upper-triangular k×k matrix (row-major) with unit columns: the generic start of the iteration. */
export function randomUpperTriangular(k: number, rng: Rng): Float64Array {
  const c = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i <= j; i++) {
      const v = i === j ? 1 + Math.abs(rng.normal()) : rng.normal();
      c[i * k + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i <= j; i++) c[i * k + j] *= inv;
  }
  return c;
}

/**
 * c ← R⁻¹·c column by column (R upper triangular at r[rOff…], c upper triangular, both k×k
 * row-major), then each column normalised; logNorm[j] receives log ‖R⁻¹c_j‖ (before normalising).
 * Column j has entries 0..j only, so only the leading (j+1)×(j+1) block of R is used: O(k³/6).
 */
export function inverseStep(r: Float64Array, rOff: number, c: Float64Array, k: number, logNorm: Float64Array): void {
  for (let j = 0; j < k; j++) {
    let s2 = 0;
    for (let i = j; i >= 0; i--) {
      const ri = rOff + i * k;
      let s = c[i * k + j];
      for (let l = i + 1; l <= j; l++) s -= r[ri + l] * c[l * k + j];
      const v = s / r[ri + i];
      c[i * k + j] = v;
      s2 += v * v;
    }
    const nrm = Math.sqrt(s2);
    logNorm[j] = Math.log(nrm);
    const inv = 1 / nrm;
    for (let i = 0; i <= j; i++) c[i * k + j] *= inv;
  }
}

/** out ← Q·C: vector j = Σ_{i≤j} c_ij·Q_i (Q a block of k vectors of length n; C upper triangular). */
export function combine(q: Float64Array, qOff: number, c: Float64Array, n: number, k: number, out: Float64Array, outOff = 0): void {
  for (let j = 0; j < k; j++) {
    const o = outOff + j * n;
    for (let t = 0; t < n; t++) out[o + t] = 0;
    for (let i = 0; i <= j; i++) {
      const cij = c[i * k + j];
      const qi = qOff + i * n;
      for (let t = 0; t < n; t++) out[o + t] += cij * q[qi + t];
    }
  }
}

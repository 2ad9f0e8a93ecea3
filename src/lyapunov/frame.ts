import { NonFiniteStateError } from '../errors/index.js';
import { QRWorkspace, qrBlock } from '../linalg/index.js';
import type { Rng } from '../random/index.js';
import type { DynamicalSystem } from '../systems/index.js';

/**
 * k orthonormal tangent vectors carried along an orbit: the Benettin/Shimada–Nagashima machinery
 * shared by the spectrum, the covariant vectors, the adjoint spectrum and FTLE fields.
 * After `advance(x_n)`, q holds Q_{n+1} and r holds R_n with J(x_n)·Q_n = Q_{n+1}·R_n
 * (the forward Gram–Schmidt vectors and their one-step stretching). Allocation-free per step.
 */
export class TangentFrame {
  readonly n: number;
  readonly k: number;
  /** block of k vectors (vector j at [j·n, (j+1)·n)), orthonormal after each orthonormalising advance */
  readonly q: Float64Array;
  /** k×k row-major R of the last QR (positive diagonal) */
  readonly r: Float64Array;
  /** number of advances so far (numbers the step in error messages) */
  advances = 0;
  private readonly scratch: Float64Array;
  private readonly ws: QRWorkspace;

  constructor(readonly sys: DynamicalSystem, k: number, rng: Rng) {
    const n = sys.dim;
    if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`TangentFrame: need an integer 1 <= k <= ${n}, got ${k}`);
    this.n = n;
    this.k = k;
    this.q = new Float64Array(n * k);
    this.r = new Float64Array(k * k);
    this.scratch = new Float64Array(n * k);
    this.ws = new QRWorkspace(n, k);
    rng.fillNormal(this.q);
    this.orthonormalise();
  }

  /** q ← J(x)·q, then (by default) QR: q ← Q, r ← R. */
  advance(x: Float64Array, orthonormalise = true): void {
    this.sys.tangent(x, this.q, this.k, this.scratch);
    this.q.set(this.scratch);
    this.advances++;
    if (orthonormalise) this.orthonormalise();
  }

  /**
   * The adjoint frame's step: q ← J(x)ᵀ·q, then QR. Carried backward along an orbit
   * (x_{n}, then x_{n−1}, …), q holds the adjoint Gram–Schmidt covectors P_n and r the S_n
   * of J(x_n)ᵀ·P_{n+1} = P_n·S_n.
   */
  advanceAdjoint(x: Float64Array, orthonormalise = true): void {
    this.sys.adjoint(x, this.q, this.k, this.scratch);
    this.q.set(this.scratch);
    this.advances++;
    if (orthonormalise) this.orthonormalise();
  }

  /** QR of the current block in place; a non-finite or collapsed basis is a runtime failure. */
  orthonormalise(): void {
    qrBlock(this.q, this.n, this.k, this.r, this.ws);
    const k = this.k;
    for (let j = 0; j < k; j++) {
      const d = this.r[j * k + j];
      // d > 0 fails for NaN too; d = Infinity means the block overflowed between QRs
      if (!(d > 0 && d < Infinity)) throw new NonFiniteStateError(this.advances, 'tangent basis');
    }
  }

  /** out[j] ← log R_jj for the last QR. */
  logDiagonal(out: Float64Array): void {
    const k = this.k;
    for (let j = 0; j < k; j++) out[j] = Math.log(this.r[j * k + j]);
  }
}

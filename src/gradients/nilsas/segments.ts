import { qrBlock, QRWorkspace } from '../../linalg/index.js';
import type { DynamicalSystem, Observable } from '../../systems/index.js';

/**
 * The backward sweeps of NILSAS over one recomputed segment (states x_0..x_L in local numbering,
 * vector after vector). Adjoints obey
 *   homogeneous     W_j = J(x_j)ᵀ W_{j+1}
 *   inhomogeneous   v*_j = J(x_j)ᵀ v*_{j+1} + ∇Φ(x_j)
 * (source ∇Φ per step; the 1/T of the average is applied once to the final gradient). A segment
 * owns the adjoint values at its local states 1..L; the value at local state 0 is handed, after
 * re-orthonormalisation, to the previous segment as its terminal value.
 *
 * The block of M+1 covectors is stored W_1..W_M then v* (W first, so the QR runs in place).
 */

/** Per-segment sums of the least-squares problem (see kkt.ts). */
export interface SegmentSums {
  /** Σ W_jᵀW_j, M×M row-major */
  readonly C: Float64Array;
  /** Σ W_jᵀ v*_j */
  readonly d: Float64Array;
  /** Σ W_jᵀ g_j (flows with the neutral constraint; null otherwise) */
  readonly e: Float64Array | null;
  /** Σ ⟨v*_j, g_j⟩ */
  g: number;
}

export function allocSums(M: number, neutral: boolean): SegmentSums {
  return { C: new Float64Array(M * M), d: new Float64Array(M), e: neutral ? new Float64Array(M) : null, g: 0 };
}

/** Statistics of the final adjoint v = v* + W·a_k collected by the gradient pass. */
export interface AdjointStats {
  /** Σ |v_n|² */
  normSq: number;
  /** Σ ⟨v_n, g_n⟩ (flows) */
  neutralSum: number;
  /** Σ r_n² with r_n = ⟨v_n, g_n⟩ + Φ(x_n) − ½⟨∇Φ(x_n), g_n⟩ − ⟨Φ⟩ (flows: ≈ 0 pointwise, see docs/nilsas.md) */
  neutralResidualSq: number;
  /** Σ (Φ(x_n) − ⟨Φ⟩)², the scale of that residual */
  objectiveVarSum: number;
  count: number;
  maxNorm: number;
}

export function allocStats(): AdjointStats {
  return { normSq: 0, neutralSum: 0, neutralResidualSq: 0, objectiveVarSum: 0, count: 0, maxNorm: 0 };
}

/**
 * Allocation-free backward sweeps of one system with M homogeneous adjoints. `neutral` (flows):
 * the neutral direction g_j = dt·F(x_j) enters the sums and the diagnostics.
 */
export class NilsasSweeper {
  readonly n: number;
  private cur: Float64Array;
  private nxt: Float64Array;
  private readonly xs: Float64Array;
  private readonly grad: Float64Array;
  private readonly gdir: Float64Array;
  private readonly v: Float64Array;
  private readonly outX: Float64Array;
  private readonly outP: Float64Array;
  private readonly ws: QRWorkspace;
  /** adjoint-vector propagations so far (one covector through one step counts 1) */
  adjointSolves = 0;

  constructor(
    readonly sys: DynamicalSystem,
    readonly M: number,
    readonly observable: Observable,
    readonly neutral: boolean,
  ) {
    const n = sys.dim;
    if (neutral && (sys.vectorField === undefined || sys.dt === null)) throw new Error('NilsasSweeper: the neutral constraint needs a flow');
    if (M > n) throw new Error(`NilsasSweeper: M = ${M} exceeds the dimension ${n}`);
    this.n = n;
    this.cur = new Float64Array((M + 1) * n);
    this.nxt = new Float64Array((M + 1) * n);
    this.xs = new Float64Array(n);
    this.grad = new Float64Array(n);
    this.gdir = new Float64Array(n);
    this.v = new Float64Array(n);
    this.outX = new Float64Array(n);
    this.outP = new Float64Array(sys.nParams);
    this.ws = new QRWorkspace(n, M);
  }

  /** The block [W_1..W_M, v*] at the current state of the sweep (write the terminal value here). */
  get block(): Float64Array {
    return this.cur;
  }

  /** Bytes of the sweep's own buffers. */
  get bufferBytes(): number {
    return 8 * (2 * this.cur.length + 6 * this.n + this.outP.length + this.ws.u.length + this.ws.tau.length);
  }

  /** g ← dt·F(x): the step's displacement along the flow, to first order (spans the neutral direction). */
  private neutralDirection(x: Float64Array): void {
    this.sys.vectorField!(x, this.gdir);
    const dt = this.sys.dt!;
    for (let i = 0; i < this.n; i++) this.gdir[i] *= dt;
  }

  private loadState(states: Float64Array, j: number): void {
    const n = this.n, xs = this.xs;
    for (let i = 0; i < n; i++) xs[i] = states[j * n + i];
  }

  /** Adds this state's terms to the sums (upper triangle of C only; mirrored by `finishSums`). */
  private accumulate(sums: SegmentSums): void {
    const { n, M, cur } = this;
    const vOff = M * n;
    for (let a = 0; a < M; a++) {
      const ao = a * n;
      for (let c = a; c < M; c++) {
        const co = c * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += cur[ao + i] * cur[co + i];
        sums.C[a * M + c] += s;
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += cur[ao + i] * cur[vOff + i];
      sums.d[a] += s;
    }
    if (sums.e !== null) {
      this.neutralDirection(this.xs);
      const g = this.gdir;
      for (let a = 0; a < M; a++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += cur[a * n + i] * g[i];
        sums.e[a] += s;
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += cur[vOff + i] * g[i];
      sums.g += s;
    }
  }

  /** One backward step of the whole block to local state j (x_j loaded in xs). */
  private propagate(): void {
    const { n, M } = this;
    this.sys.adjoint(this.xs, this.cur, M + 1, this.nxt);
    this.adjointSolves += M + 1;
    this.observable.gradient(this.xs, this.grad);
    const vOff = M * n;
    for (let i = 0; i < n; i++) this.nxt[vOff + i] += this.grad[i];
    const t = this.cur;
    this.cur = this.nxt;
    this.nxt = t;
  }

  /**
   * Pass 1 over a segment of `len` steps: on entry `block` holds [W, v*] at local state len; the sums
   * collect local states len..1. With `toStart` the block is then propagated to local state 0 (the
   * interface with the previous segment, not accumulated here).
   */
  homogeneousPass(states: Float64Array, len: number, toStart: boolean, sums: SegmentSums): void {
    this.loadState(states, len);
    this.accumulate(sums);
    for (let j = len - 1; j >= 1; j--) {
      this.loadState(states, j);
      this.propagate();
      this.accumulate(sums);
    }
    if (toStart) {
      this.loadState(states, 0);
      this.propagate();
    }
  }

  /**
   * Re-orthonormalisation at an interface: W = Q·R (in place, Q replaces W), b = Qᵀv*, v* ← v* − Q·b.
   * Continuity of v = v* + W·a across the interface is then a_prev = R·a_next + b.
   */
  renormalise(R: Float64Array, b: Float64Array): void {
    const { n, M, cur } = this;
    if (M === 0) return;
    qrBlock(cur, n, M, R, this.ws);
    const vOff = M * n;
    for (let a = 0; a < M; a++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += cur[a * n + i] * cur[vOff + i];
      b[a] = s;
    }
    for (let a = 0; a < M; a++) {
      const ba = b[a];
      for (let i = 0; i < n; i++) cur[vOff + i] -= ba * cur[a * n + i];
    }
  }

  /**
   * Pass 2 over a segment: v (length n, overwritten) holds v = v* + W·a_k at local state len; the
   * exact adjoint is swept back to local state 1, adding Σ_{j=0}^{len−1} (∂f/∂p)(x_j)ᵀ v_{j+1} to
   * `grad` (length nParams), and the statistics of v_len..v_1 to `stats` (`mean` is ⟨Φ⟩).
   */
  gradientPass(states: Float64Array, len: number, v: Float64Array, grad: Float64Array, stats: AdjointStats, mean: number): void {
    const { n, xs, outX, outP } = this;
    for (let j = len; j >= 1; j--) {
      this.loadState(states, j);
      this.observe(v, stats, mean);
      this.loadState(states, j - 1);
      this.sys.backward(xs, v, outX, outP);
      this.adjointSolves++;
      for (let q = 0; q < outP.length; q++) grad[q] += outP[q];
      if (j > 1) {
        this.observable.gradient(xs, this.grad);
        for (let i = 0; i < n; i++) v[i] = outX[i] + this.grad[i];
      }
    }
  }

  /** Statistics of v at the state in xs. */
  private observe(v: Float64Array, stats: AdjointStats, mean: number): void {
    const n = this.n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += v[i] * v[i];
    stats.normSq += sq;
    stats.count++;
    if (sq > stats.maxNorm * stats.maxNorm) stats.maxNorm = Math.sqrt(sq);
    if (this.neutral) {
      this.neutralDirection(this.xs);
      this.observable.gradient(this.xs, this.grad);
      let q = 0, dphi = 0;
      for (let i = 0; i < n; i++) {
        q += v[i] * this.gdir[i];
        dphi += this.grad[i] * this.gdir[i];
      }
      const dev = this.observable.value(this.xs) - mean;
      stats.neutralSum += q;
      const r = q + dev - 0.5 * dphi;
      stats.neutralResidualSq += r * r;
      stats.objectiveVarSum += dev * dev;
    }
  }

  /** Copies the upper triangle of C into the lower one (C is accumulated as an upper triangle). */
  static finishSums(sums: SegmentSums, M: number): void {
    for (let a = 0; a < M; a++) for (let c = 0; c < a; c++) sums.C[a * M + c] = sums.C[c * M + a];
  }
}

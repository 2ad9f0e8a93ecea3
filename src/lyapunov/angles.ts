import { QRWorkspace, qrBlock } from '../linalg/index.js';

/**
 * The smallest principal angle between the unstable subspace E_u = span(e_1..e_u) and the stable
 * subspace E_s = span(e_{u+z+1}..e_k) of the CLVs (z neutral directions excluded from both sides),
 * computed in the coefficient space of Ginelli's method: e_j = Q·c_j with Q orthonormal and C
 * upper triangular, so E_u = span(Q_1..Q_u) is the span of the first u coordinate axes, and for a
 * unit s ∈ E_s, sin∠(s, E_u) is the norm of its coordinates u..k−1. Hence
 *   sin θ = σ_min(B_tail),   B = orthonormal basis of the stable columns of C,
 * computed by one-sided Jacobi (relative accuracy, so tangencies with θ ≈ 1e−8 are resolved).
 * Preallocated; `angle(c)` allocates nothing.
 */
export class SubspaceAngle {
  readonly q: number;
  private readonly basis: Float64Array;
  private readonly r: Float64Array;
  private readonly ws: QRWorkspace;
  private readonly tail: Float64Array;

  constructor(readonly k: number, readonly unstable: number, readonly neutral: number) {
    this.q = Math.max(0, k - unstable - neutral);
    const q = Math.max(1, this.q);
    this.basis = new Float64Array(k * q);
    this.r = new Float64Array(q * q);
    this.ws = new QRWorkspace(k, q);
    this.tail = new Float64Array(Math.max(1, k - unstable) * q);
  }

  /** Whether both sides are non-empty (otherwise there is no angle to measure). */
  get defined(): boolean {
    return this.unstable > 0 && this.q > 0;
  }

  /** θ in radians, in [0, π/2]; NaN when undefined. */
  angle(c: Float64Array): number {
    if (!this.defined) return NaN;
    const { k, unstable: u, q } = this;
    const s0 = u + this.neutral;
    if (q === 1) {
      // one stable direction: θ = atan2(‖tail‖, ‖head‖) of its coefficient vector
      let head = 0, tail = 0;
      for (let i = 0; i < k; i++) {
        const v = c[i * k + s0];
        if (i < u) head += v * v;
        else tail += v * v;
      }
      return Math.atan2(Math.sqrt(tail), Math.sqrt(head));
    }
    const b = this.basis;
    for (let j = 0; j < q; j++) for (let i = 0; i < k; i++) b[j * k + i] = c[i * k + s0 + j];
    qrBlock(b, k, q, this.r, this.ws);
    const m = k - u;
    const t = this.tail;
    for (let j = 0; j < q; j++) for (let i = 0; i < m; i++) t[j * m + i] = b[j * k + u + i];
    const sinTheta = Math.min(1, minSingularValue(t, m, q));
    return Math.asin(sinTheta);
  }
}

/**
 * Smallest singular value of the m×q matrix whose q columns are stored vector after vector
 * (overwritten), by one-sided Jacobi: rotate column pairs until orthogonal; the singular values
 * are then the column norms. When q > m the smallest is 0.
 */
export function minSingularValue(a: Float64Array, m: number, q: number): number {
  if (q > m) return 0;
  const tol = 1e-15;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < q - 1; p++) {
      for (let r = p + 1; r < q; r++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = a[p * m + i], y = a[r * m + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        for (let i = 0; i < m; i++) {
          const x = a[p * m + i], y = a[r * m + i];
          a[p * m + i] = cs * x - sn * y;
          a[r * m + i] = sn * x + cs * y;
        }
      }
    }
    if (!rotated) break;
  }
  let best = Infinity;
  for (let j = 0; j < q; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += a[j * m + i] ** 2;
    best = Math.min(best, Math.sqrt(s));
  }
  return best;
}

export interface AngleSummary {
  /** radians */
  min: number;
  p05: number;
  median: number;
  mean: number;
  /** fraction of samples below 0.1 rad (near-tangencies) */
  fractionBelow01: number;
  count: number;
}

/** Order statistics of angle samples (sorted copy; NaN-free input expected). */
export function summariseAngles(angles: ArrayLike<number>): AngleSummary | null {
  const a = Float64Array.from(angles).sort();
  const n = a.length;
  if (n === 0) return null;
  const quantile = (p: number) => {
    const pos = p * (n - 1);
    const lo = Math.floor(pos), hi = Math.min(n - 1, lo + 1);
    return a[lo] + (pos - lo) * (a[hi] - a[lo]);
  };
  let sum = 0, below = 0;
  for (const v of a) {
    sum += v;
    if (v < 0.1) below++;
  }
  return { min: a[0], p05: quantile(0.05), median: quantile(0.5), mean: sum / n, fractionBelow01: below / n, count: n };
}

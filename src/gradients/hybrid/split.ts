import { usage, opt } from '../../errors/index.js';
import type { DynamicalSystem } from '../../systems/index.js';

/**
 * The split s_n = a_n + b_n of a transition's mean shift into a part carried pathwise (a_n) and a
 * part absorbed by the noise kernel (b_n = P_n s_n). In adjoint form only P_n is needed:
 *   g_n = (I − P_n)·ν_{n+1} + P_n·ψ_n·B s(ξ_n)/σ = ν_{n+1} + P_n·(k_n − ν_{n+1}),
 * with k_n = ψ_n·B s(ξ_n)/σ the kernel covector. P_n must depend on the past only and map into
 * the noise subspace (the kernel can only absorb shifts the noise can make).
 */
export interface Split {
  readonly name: 'pathkernel' | 'shadowing';
  /** g ← ν + P·(k − ν); q: block holding the orthonormal frame Q_{n+1} at offset qOff (shadowing only) */
  apply(nu: Float64Array, k: Float64Array, g: Float64Array, q: Float64Array | null, qOff: number): void;
  /** number of forward Gram–Schmidt vectors the split needs (0 for path-kernel) */
  readonly frameSize: number;
}

/**
 * Adjoint path-kernel: P = α·BBᵀ (α·I for isotropic noise). α = 0 is backprop through the noisy
 * system, α = 1 pure kernel differentiation; in between the pathwise adjoint is damped by (1 − α)
 * per step, so it stays bounded when (1 − α)·e^{λ₁} < 1.
 */
export function pathKernelSplit(sys: DynamicalSystem, alpha: number): Split {
  if (!(alpha >= 0 && alpha <= 1)) throw usage`${opt('alpha')} must be in [0, 1], got ${alpha}`;
  const n = sys.dim;
  const b = sys.noise?.directions ?? null;
  const r = b?.cols ?? n;
  const c = new Float64Array(r);
  return {
    name: 'pathkernel',
    frameSize: 0,
    apply(nu, k, g) {
      if (b === null) {
        for (let i = 0; i < n; i++) g[i] = nu[i] + alpha * (k[i] - nu[i]);
        return;
      }
      // g = ν + α·B·Bᵀ(k − ν)
      c.fill(0);
      for (let i = 0; i < n; i++) {
        const d = k[i] - nu[i];
        for (let j = 0; j < r; j++) c[j] += b.data[i * r + j] * d;
      }
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < r; j++) s += b.data[i * r + j] * c[j];
        g[i] = nu[i] + alpha * s;
      }
    },
  };
}

/**
 * Shadowing-kernel: P_n = Q_{n+1}Q_{n+1}ᵀ, the projector on the first u forward Gram–Schmidt
 * vectors at x_{n+1} (the span of J_n·Q_n, so adapted to the past). The unstable part of the
 * perturbation goes to the kernel; what is left is propagated pathwise and grows no faster than
 * e^{λ_{u+1}}. The kernel sees only u noise components, so its variance scales with u, not n.
 */
export function shadowingSplit(sys: DynamicalSystem, u: number): Split {
  if (sys.noise?.directions) {
    throw usage`the shadowing split needs isotropic noise (the unstable subspace must lie in the noise subspace); use ${opt('split')} pathkernel with ${opt('noiseDirections')}`;
  }
  const n = sys.dim;
  if (!Number.isInteger(u) || u < 1 || u > n) throw usage`${opt('u')} must be an integer between 1 and ${n}, got ${u}`;
  const c = new Float64Array(u);
  return {
    name: 'shadowing',
    frameSize: u,
    apply(nu, k, g, q, qOff) {
      // g = ν + Q·Qᵀ(k − ν)
      for (let j = 0; j < u; j++) {
        let s = 0;
        const o = qOff + j * n;
        for (let i = 0; i < n; i++) s += q![o + i] * (k[i] - nu[i]);
        c[j] = s;
      }
      for (let i = 0; i < n; i++) g[i] = nu[i];
      for (let j = 0; j < u; j++) {
        const o = qOff + j * n, cj = c[j];
        for (let i = 0; i < n; i++) g[i] += cj * q![o + i];
      }
    },
  };
}

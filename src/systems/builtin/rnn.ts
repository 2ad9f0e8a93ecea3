import { UsageError, usage, opt } from '../../errors/index.js';
import { Rng } from '../../random/index.js';
import { kernels } from '../../linalg/index.js';
import type { SystemModel } from '../model.js';
import { rnnBatched } from './rnnBatched.js';

export type RnnWeights = {
  W: number[][];
  b: number[];
};

export interface RnnOptions {
  dim?: number;
  weights?: RnnWeights;
  /** seed of the random network (independent of the run's seed) */
  netSeed?: number;
}

/** Validates a weights object ({W: n×n, b: n}) and returns n. */
export function checkRnnWeights(w: unknown): number {
  const o = w as Partial<RnnWeights> | null;
  if (o === null || typeof o !== 'object' || !Array.isArray(o.W) || !Array.isArray(o.b)) {
    throw new UsageError('weights must be a JSON object {"W": n×n nested array, "b": n array}');
  }
  const n = o.W.length;
  if (n < 1) throw new UsageError('weights: W is empty');
  o.W.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n) throw new UsageError(`weights: W must be ${n}×${n}; row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries`);
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`weights: W[${i}][${j}] is not a finite number`);
    });
  });
  if (o.b.length !== n) throw new UsageError(`weights: b must have ${n} entries (W is ${n}×${n}), got ${o.b.length}`);
  o.b.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`weights: b[${i}] is not a finite number`);
  });
  return n;
}

/** Random network W_ij ~ N(0, 1/n), b = 0, drawn from its own seed. */
export function randomRnnWeights(n: number, netSeed = 1): { W: Float64Array; b: Float64Array } {
  const rng = new Rng(netSeed);
  const W = new Float64Array(n * n);
  const s = 1 / Math.sqrt(n);
  for (let i = 0; i < n * n; i++) W[i] = s * rng.normal();
  return { W, b: new Float64Array(n) };
}

/** Blocks of at least this many vectors go through the GEMM kernel (fewer: one matrix–vector product each). */
const GEMM_MIN_BLOCK = 4;

/**
 * Products of W with a block of k vectors on the linalg GEMM kernel (WebAssembly SIMD unless
 * CHAOSGRAD_KERNELS=js). W is read in place when it lives in kernel memory (the model's p does:
 * kernelParams); otherwise it is copied per call, since p may be changed in place between calls
 * (the copy, n², is small beside the product, 2·k·n²).
 */
class BlockProduct {
  private readonly k = kernels();
  private readonly Wk: Float64Array;
  private readonly inPlace: boolean;
  private Vk: Float64Array = new Float64Array(0);
  private Ok: Float64Array = new Float64Array(0);
  constructor(private readonly n: number, private readonly W: Float64Array) {
    this.inPlace = this.k.owns(W);
    this.Wk = this.inPlace ? W : this.k.f64(n * n);
  }
  /** V·Wᵀ (transposeW) or V·W for the k×n block v (each entry optionally mapped first). */
  product(v: Float64Array, kv: number, transposeW: boolean, map?: (q: number, i: number, value: number) => number): Float64Array {
    const n = this.n, len = n * kv;
    if (this.Vk.length < len) {
      this.Vk = this.k.f64(len);
      this.Ok = this.k.f64(len);
    }
    const Wk = this.Wk, W = this.W, Vk = this.Vk;
    if (!this.inPlace) Wk.set(W.subarray(0, n * n));
    if (map) for (let q = 0; q < kv; q++) for (let i = 0; i < n; i++) Vk[q * n + i] = map(q, i, v[q * n + i]);
    else Vk.set(v.subarray(0, len));
    this.k.gemm(false, transposeW, kv, n, n, 1, Vk, n, Wk, n, 0, this.Ok, n);
    return this.Ok;
  }
}

/** A vanilla recurrent network x ↦ tanh(g·W·x + b); g > 1 makes the default network chaotic. */
export function rnn(opts: RnnOptions = {}): SystemModel {
  let W: Float64Array, b: Float64Array, n: number;
  if (opts.weights) {
    n = checkRnnWeights(opts.weights);
    if (opts.dim !== undefined && opts.dim !== n) throw usage`${opt('dim')} ${opts.dim} conflicts with the weights file (n = ${n})`;
    W = Float64Array.from(opts.weights.W.flat());
    b = Float64Array.from(opts.weights.b);
  } else {
    n = opts.dim ?? 64;
    ({ W, b } = randomRnnWeights(n, opts.netSeed ?? 1));
  }
  const nn = n * n;
  return {
    name: 'rnn',
    kind: 'map',
    dim: n,
    description: `recurrent network with ${n} tanh units; W_ij ~ N(0, 1/n) from the network seed unless weights are given`,
    equations: 'x ↦ tanh(g·W·x + b)',
    params: [
      { name: 'g', size: 1, default: 3, description: 'gain g (chaotic for g > 1 in large random networks)' },
      { name: 'W', size: nn, shape: [n, n], default: W, defaultLabel: 'N(0, 1/n) from the network seed', description: `recurrent weights, ${n}×${n} row-major` },
      { name: 'b', size: n, default: b, defaultLabel: 'zeros', description: `biases, ${n} entries` },
    ],
    minDim: 1,
    seededWeights: true,
    kernelParams: true,
    defaultTransient: 500,
    naturalHorizon: 50,
    sampleInitial(rng, out) {
      for (let i = 0; i < n; i++) out[i] = rng.normal();
    },
    bindBatched: (p, k) => rnnBatched(n, p, k),
    bind(p) {
      const Wv = p.subarray(1, 1 + nn);
      const bv = p.subarray(1 + nn, 1 + nn + n);
      // single-vector products run on the matrix–vector kernels (WebAssembly SIMD reading W in place
      // from the kernel-memory p; the TS twins otherwise), in the order of the TS loops they replaced
      const kern = kernels();
      const xk = kern.f64(n); // the vector multiplied, copied into kernel memory
      const wx = kern.f64(n); // W·x at the current state
      const tv = kern.f64(n); // W·v of a tangent vector
      const ty = kern.f64(n); // Wᵀ·coef
      const d = new Float64Array(n); // tanh'(g·W·x + b)
      const u = new Float64Array(n);
      function pre(x: Float64Array): void {
        for (let i = 0; i < n; i++) xk[i] = x[i]; // no subarray view per call
        kern.matVec(n, n, Wv, n, xk, wx);
      }
      function prime(x: Float64Array): void {
        pre(x);
        const g = p[0];
        for (let i = 0; i < n; i++) {
          const th = Math.tanh(g * wx[i] + bv[i]);
          d[i] = 1 - th * th;
        }
      }
      /** out_j ← d ⊙ (g·W·v_j) for k vectors, W read once per row */
      function tangentBlock(x: Float64Array, v: Float64Array, k: number, out: Float64Array): void {
        prime(x);
        const g = p[0];
        if (k >= GEMM_MIN_BLOCK) {
          // a block of tangent vectors is one GEMM: out (k×n) = V (k×n)·Wᵀ, then the row scaling
          const Ok = block.product(v, k, true);
          for (let q = 0; q < k; q++) for (let i = 0; i < n; i++) out[q * n + i] = g * d[i] * Ok[q * n + i];
          return;
        }
        for (let q = 0; q < k; q++) {
          for (let i = 0; i < n; i++) xk[i] = v[q * n + i];
          kern.matVec(n, n, Wv, n, xk, tv);
          for (let i = 0; i < n; i++) out[q * n + i] = g * d[i] * tv[i];
        }
      }
      const coef = kern.f64(n);
      /** out[off…off+n) ← Σᵢ coef_i·W_i (row i of W), i.e. Wᵀ·coef (matTVec: four rows per pass). */
      function transposeTimes(out: Float64Array, off: number): void {
        kern.matTVec(n, n, Wv, n, coef, ty);
        out.set(ty, off);
      }
      /** out_j ← g·Wᵀ(d ⊙ w_j) */
      function adjointBlock(x: Float64Array, w: Float64Array, k: number, out: Float64Array): void {
        prime(x);
        const g = p[0];
        if (k >= GEMM_MIN_BLOCK) {
          // out (k×n) = C (k×n)·W with C_qi = g·d_i·w_qi
          const Ok = block.product(w, k, false, (q, i, wv) => g * d[i] * wv);
          for (let i = 0; i < n * k; i++) out[i] = Ok[i];
          return;
        }
        for (let q = 0; q < k; q++) {
          for (let i = 0; i < n; i++) coef[i] = g * d[i] * w[q * n + i];
          transposeTimes(out, q * n);
        }
      }
      const block = new BlockProduct(n, Wv);
      /** (∂f/∂p)ᵀw assuming prime(x) ran: ∂/∂g = Σ dᵢwᵢ(Wx)ᵢ, ∂/∂W_ij = g·dᵢwᵢ·x_j, ∂/∂b_i = dᵢwᵢ */
      function paramAdjointPrimed(x: Float64Array, w: Float64Array, out: Float64Array): void {
        const g = p[0];
        let sg = 0;
        for (let i = 0; i < n; i++) {
          const ui = d[i] * w[i];
          u[i] = ui;
          sg += ui * wx[i];
          out[1 + nn + i] = ui;
          const o = 1 + i * n, c = g * ui;
          for (let j = 0; j < n; j++) out[o + j] = c * x[j];
        }
        out[0] = sg;
      }
      return {
        eval(x, out) {
          pre(x);
          const g = p[0];
          for (let i = 0; i < n; i++) out[i] = Math.tanh(g * wx[i] + bv[i]);
        },
        jvp: (x, v, out) => tangentBlock(x, v, 1, out),
        vjp: (x, w, out) => adjointBlock(x, w, 1, out),
        jvpBlock: tangentBlock,
        vjpBlock: adjointBlock,
        pjvp(x, dp, out) {
          prime(x);
          const g = p[0];
          for (let i = 0; i < n; i++) {
            let s = 0;
            const o = i * n;
            for (let j = 0; j < n; j++) s += dp[1 + o + j] * x[j];
            out[i] = d[i] * (dp[0] * wx[i] + g * s + dp[1 + nn + i]);
          }
        },
        pvjp(x, w, out) {
          prime(x);
          paramAdjointPrimed(x, w, out);
        },
        backward(x, w, outX, outP) {
          prime(x);
          paramAdjointPrimed(x, w, outP);
          // outX ← g·Wᵀu with u = d ⊙ w from the parameter pass (same products as the adjoint)
          const g = p[0];
          for (let i = 0; i < n; i++) coef[i] = g * d[i] * w[i];
          transposeTimes(outX, 0);
        },
      };
    },
  };
}

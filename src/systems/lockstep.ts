import { NonFiniteStateError } from '../errors/index.js';
import { kernels as defaultKernels, type Kernels } from '../linalg/index.js';
import { Rng, ZIGGURAT, type LaneStreams } from '../random/index.js';
import { batchedKernels, gatherLane, scatterLane, type BatchedSystem } from './batched.js';
import { gaussianKernel } from './noise.js';
import type { DynamicalSystem, NoiseModel } from './types.js';

/**
 * Up to `capacity` independent noisy orbits x_{m+1} = wrap(f(x_m) + σBξ_m) of one system advanced
 * in lockstep (lane-major blocks, see batched.ts), each sample drawing x₀ and its noise from its
 * own stream, with the likelihood-ratio score sums Σ_m (∂f/∂p)(x_m)ᵀ B s(ξ_m)/σ per lane for the
 * estimators that need them. Memory: O(capacity·(n + nParams)).
 */
export class LockstepEnsemble {
  readonly capacity: number;
  readonly bk: BatchedSystem;
  private readonly k: Kernels;
  private readonly n: number;
  private readonly noise: NoiseModel;
  private B = 0;
  private X: Float64Array;
  private Y: Float64Array;
  private readonly XI: Float64Array;
  private readonly Wc: Float64Array;
  private readonly comp: Float64Array;
  private readonly G: Float64Array;
  private S: Float64Array;
  private idx: ArrayLike<number> = [];
  /** per selected parameter: its rows of G and S for the current B (built on first use) */
  private views: { g: Float64Array; s: Float64Array }[] | null = null;
  private readonly state: Uint32Array;
  private readonly rng = new Rng(0);
  private readonly dirs: Float64Array | null;
  private readonly x: Float64Array;

  constructor(readonly system: DynamicalSystem, private readonly streams: LaneStreams, capacity: number, k: Kernels = defaultKernels()) {
    if (system.noise === null) throw new Error(`LockstepEnsemble: ${system.name} has no noise`);
    this.noise = system.noise;
    this.capacity = capacity;
    this.k = k;
    this.n = system.dim;
    this.bk = batchedKernels(system, k);
    const r = this.noise.rank;
    this.X = k.f64(this.n * capacity);
    this.Y = k.f64(this.n * capacity);
    this.XI = k.f64(r * capacity);
    this.Wc = k.f64(this.n * capacity);
    this.comp = k.f64(r * capacity);
    this.G = k.f64(system.nParams * capacity);
    this.S = k.f64(0);
    this.state = k.u32(4 * capacity);
    this.x = new Float64Array(this.n);
    const d = this.noise.directions;
    this.dirs = d === null ? null : k.f64(d.data.length);
    if (d !== null) this.dirs!.set(d.data);
  }

  /** Starts B ≤ capacity samples first, first+1, …: seeds their streams and draws their x₀. */
  start(first: number, B: number): void {
    if (B > this.capacity) throw new Error(`LockstepEnsemble: ${B} lanes exceed the capacity ${this.capacity}`);
    this.B = B;
    for (let b = 0; b < B; b++) {
      this.streams.seed(first + b, this.state, b);
      this.rng.loadWords(this.state, 4 * b);
      this.system.sampleInitial(this.rng, this.x);
      this.rng.storeWords(this.state, 4 * b);
      scatterLane(this.x, this.n, B, b, this.X);
    }
    this.S.fill(0);
  }

  /** Zeroes and returns the score sums of the selected parameters (parameter j of lane b at [j·B + b]). */
  scores(indices: ArrayLike<number>): Float64Array {
    this.idx = indices;
    this.views = null;
    if (this.S.length < indices.length * this.capacity) this.S = this.k.f64(indices.length * this.capacity);
    this.S.fill(0);
    return this.S;
  }

  /** Lane b's current state into out. */
  lane(b: number, out: Float64Array): void {
    gatherLane(this.X, this.n, this.B, b, out);
  }

  /** One noisy step of every lane (step index t, for error messages), adding the scores when asked. */
  advance(t: number, withScore: boolean): void {
    const { B, n, k, noise } = this;
    const r = noise.rank, Y = this.Y, XI = this.XI, bk = this.bk;
    this.draw(); // the lanes' streams hold noise only, so drawing before the map changes nothing
    if (withScore) {
      this.scoreCovector();
      if (bk.mapParamAdjointLanes) bk.mapParamAdjointLanes(this.X, this.Wc, B, Y, this.G);
      else {
        bk.map(this.X, B, Y);
        bk.paramAdjointLanes(this.X, this.Wc, B, this.G);
      }
      this.accumulate();
    } else bk.map(this.X, B, Y);
    const sigma = noise.sigma;
    let s = 0;
    if (this.dirs === null && !bk.wrap) s = k.axpy(sigma, XI, Y, n * B); // NaN iff some lane is not finite
    else {
      if (this.dirs !== null) k.gemm(false, false, n, B, r, sigma, this.dirs, r, XI, B, 1, Y, B);
      else for (let i = 0; i < n * B; i++) Y[i] += sigma * XI[i];
      bk.wrap?.(Y, B);
      for (let i = 0; i < n * B; i++) s += Y[i] * 0;
    }
    if (s !== 0) throw new NonFiniteStateError(t + 1, 'trajectory');
    this.Y = this.X;
    this.X = Y;
  }

  /** ξ for every lane from its own stream (Gaussian: the SIMD kernel; others: the kernel's sampler). */
  private draw(): void {
    const { B, noise } = this;
    const r = noise.rank;
    if (noise.kernel === gaussianKernel) {
      this.k.normals(this.state, B, r, this.XI, ZIGGURAT);
      return;
    }
    for (let b = 0; b < B; b++) {
      this.rng.loadWords(this.state, 4 * b);
      for (let c = 0; c < r; c++) this.XI[c * B + b] = noise.kernel.sample(this.rng);
      this.rng.storeWords(this.state, 4 * b);
    }
  }

  /** Wc ← B s(ξ)/σ per lane (the covector whose parameter adjoint is the step's score). */
  private scoreCovector(): void {
    const { B, n, noise, XI } = this;
    const r = noise.rank, f = 1 / noise.sigma;
    const target = this.dirs === null ? this.Wc : this.comp;
    if (noise.kernel === gaussianKernel) this.k.scaleShift(f, XI, 0, target, r * B);
    else for (let i = 0; i < r * B; i++) target[i] = f * noise.kernel.score(XI[i]);
    if (this.dirs !== null) this.k.gemm(false, false, n, B, r, 1, this.dirs, r, this.comp, B, 0, this.Wc, B);
  }

  /** S += G for the selected parameters, lane by lane. */
  private accumulate(): void {
    const { B, idx, S, G } = this;
    if (this.views === null || (this.views.length > 0 && this.views[0].s.length !== B)) {
      this.views = Array.from({ length: idx.length }, (_, j) => ({ g: G.subarray(idx[j] * B, idx[j] * B + B), s: S.subarray(j * B, j * B + B) }));
    }
    for (const v of this.views) this.k.axpy(1, v.g, v.s, B);
  }
}

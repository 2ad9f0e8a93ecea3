import type { Kernels, Matrix } from '../linalg/index.js';
import type { Rng } from '../random/index.js';
import type { SystemOptions } from './options.js';

/**
 * A noise kernel: the density p of one noise component ξ and its score s(ξ) = −d log p/dξ.
 * Kernel differentiation needs the score: shifting a transition's mean by δ changes its
 * log-likelihood by δ·s(ξ)/σ to first order.
 */
export interface NoiseKernel {
  readonly name: string;
  sample(rng: Rng): number;
  /**
   * Optional block form of `sample`: out[0 … len) ← the next len draws of sample(rng), the same
   * numbers in the same order (a faster generator may do it, e.g. the wasm ziggurat for Gaussians).
   */
  fill?(rng: Rng, out: Float64Array, len: number): void;
  score(xi: number): number;
  logDensity(xi: number): number;
  /** Variance of one component (Infinity when it does not exist). */
  readonly variance: number;
}

export type SystemKind = 'map' | 'flow';

/** A named parameter; array-valued ones occupy `size` consecutive entries (row-major) of the flat vector. */
export interface ParamSpec {
  readonly name: string;
  readonly size: number;
  readonly offset: number;
  /** [] for a scalar, [n] for a vector, [rows, cols] for a matrix (row-major) */
  readonly shape: readonly number[];
  readonly description: string;
}

/** A scalar function of the state with its gradient, e.g. a network output or a coordinate. */
export interface Observable {
  readonly name: string;
  readonly description: string;
  value(x: Float64Array): number;
  /** out ← ∇Φ(x) (overwrites out, length dim) */
  gradient(x: Float64Array, out: Float64Array): void;
}

/** Additive noise σ·B·ξ with ξ i.i.d. from `kernel`; B has orthonormal columns (null: B = I). */
export interface NoiseModel {
  readonly sigma: number;
  readonly kernel: NoiseKernel;
  readonly directions: Matrix | null;
  /** number of noise components r (n when isotropic) */
  readonly rank: number;
  /** human-readable description of the directions: 'isotropic', 'ones', or 'matrix n×r' */
  readonly directionsLabel: string;
}

/**
 * Lockstep (batched) kernels: B independent orbits of ONE system (same parameters) advanced
 * together, so that W·X is a matrix–matrix product and elementwise work runs across lanes.
 *
 * Layout (lane-major): a block of B vectors of dimension n is a Float64Array of n·B entries with
 * component i of lane b at `[i·B + b]` — component i of all B orbits is contiguous. Parameter
 * blocks per lane (nParams·B) use the same layout: parameter q of lane b at `[q·B + b]`.
 *
 * Contract (as for the single-orbit kernels): every method OVERWRITES its output, allocates
 * nothing per call once warmed up for a given B, and computes lane b exactly as the single-vector
 * kernel would on lane b alone, up to summation order — the results for lane b must not depend on
 * B or on the other lanes (that is what makes B = 1 and B = 32 agree, and per-sample random
 * streams give the same numbers whatever the batch size).
 *
 * A model gives these through `SystemModel.bindBatched(p, kernels)` (optional), built on the
 * linalg kernels (WebAssembly SIMD or pure TS) and its buffers allocated with `kernels.f64` so the
 * products run in place; it may copy p at bind time (parameters are fixed while a batch runs: bind
 * again after changing them). `batchedKernels(sys)` falls back to a lane-by-lane loop over the
 * single-orbit kernels for systems without them (and for flows, whose RK4 wrapper is single-orbit),
 * so every system has a batched form.
 */
export interface BatchedStepKernels {
  /** out ← f(X) lane by lane (X, out: n·B) */
  map(X: Float64Array, B: number, out: Float64Array): void;
  /** out ← J(X_b)·V_b per lane (one tangent vector per lane) */
  jvp(X: Float64Array, V: Float64Array, B: number, out: Float64Array): void;
  /** out ← J(X_b)ᵀ·W_b per lane */
  vjp(X: Float64Array, W: Float64Array, B: number, out: Float64Array): void;
  /** out (nParams) ← Σ_b (∂f/∂p)(X_b)ᵀ·W_b, the parameter adjoint summed over lanes */
  paramAdjointSum(X: Float64Array, W: Float64Array, B: number, out: Float64Array): void;
  /** out (nParams·B, lane-major) ← (∂f/∂p)(X_b)ᵀ·W_b per lane (per-sample scores) */
  paramAdjointLanes(X: Float64Array, W: Float64Array, B: number, out: Float64Array): void;
  /**
   * outX ← J(X_b)ᵀW_b per lane and outP ← Σ_b (∂f/∂p)(X_b)ᵀW_b in one pass (batched backprop);
   * with outF also outF ← f(X) (the forward pass the derivatives need anyway).
   */
  backward(X: Float64Array, W: Float64Array, B: number, outX: Float64Array, outP: Float64Array, outF?: Float64Array): void;
  /**
   * Optional fused form of map + paramAdjointLanes at the same X (the kernel estimator's step):
   * out ← f(X), outP ← per-lane (∂f/∂p)(X_b)ᵀW_b, sharing the work both need (tanh, say).
   */
  mapParamAdjointLanes?(X: Float64Array, W: Float64Array, B: number, out: Float64Array, outP: Float64Array): void;
  /** Reduces every lane to the fundamental domain after noise; absent when the system needs none. */
  wrap?(X: Float64Array, B: number): void;
  /**
   * True when paramAdjointSum over B lanes is a rank-B update on GEMMs (the rnn: g·U·Xᵀ), far cheaper
   * than B single parameter adjoints: adjoint sweeps then defer a single orbit's parameter adjoints
   * to blocks of steps (systems/paramBlock.ts). A lane loop (a model program's batched executor)
   * leaves it unset: there blocks measured slower than the fused per-step backward.
   */
  readonly gemmParamSum?: boolean;
}

/**
 * Scalar kernels of a one-dimensional map (`DynamicalSystem.scalar`): the same arithmetic as
 * map / wrap / paramAdjoint on vectors of length 1, the same bits for every input, on numbers
 * instead of arrays (the ergodic kernel's hot loop runs on them: no per-step array traffic).
 */
export interface ScalarStepKernels {
  /** f(x; p): out[0] of map([x], out) */
  map(x: number): number;
  /** the reduction to the fundamental domain: wrap([x]) (the identity when the system has none) */
  wrap(x: number): number;
  /** out ← (∂f/∂p)(x)ᵀ·w (length nParams): paramAdjoint([x], [w], out) */
  paramAdjoint(x: number, w: number, out: Float64Array): void;
}

/**
 * A dynamical system is a one-step map x_{n+1} = f(x_n; p) (+ σBξ_n) with exact derivatives.
 * Blocks of k vectors are stored vector after vector: vector j occupies [j·dim, (j+1)·dim).
 * Every derivative method OVERWRITES its output. Flows are maps through an RK4 step whose
 * derivatives are those of the discrete step, so every algorithm sees one consistent map.
 */
export interface DynamicalSystem {
  readonly name: string;
  readonly kind: SystemKind;
  readonly dim: number;
  readonly params: readonly ParamSpec[];
  readonly nParams: number;
  /** Current flat parameter vector. Mutate only in place (views into it are cached). */
  readonly p: Float64Array;
  readonly noise: NoiseModel | null;
  readonly observables: readonly Observable[];
  /** Time step of a flow's integrator; null for maps. Exponents and rates are per unit time for flows. */
  readonly dt: number | null;
  /** Steps discarded before statistics by default (reach the attractor). */
  readonly defaultTransient: number;
  /** Natural horizon for the finite-horizon (deep-network) reading, when the system has one. */
  readonly naturalHorizon: number | null;

  /** out ← f(x; p), the deterministic part (already reduced to the fundamental domain). */
  map(x: Float64Array, out: Float64Array): void;
  /** out ← J(x)·V for a block of k vectors. */
  tangent(x: Float64Array, v: Float64Array, k: number, out: Float64Array): void;
  /** out ← J(x)ᵀ·W for a block of k covectors. */
  adjoint(x: Float64Array, w: Float64Array, k: number, out: Float64Array): void;
  /** out ← (∂f/∂p)(x)·dp, dp of length nParams. */
  paramTangent(x: Float64Array, dp: Float64Array, out: Float64Array): void;
  /** out ← (∂f/∂p)(x)ᵀ·w, out of length nParams. */
  paramAdjoint(x: Float64Array, w: Float64Array, out: Float64Array): void;
  /** outX ← J(x)ᵀw and outP ← (∂f/∂p)(x)ᵀw in one pass (the backprop hot loop). */
  backward(x: Float64Array, w: Float64Array, outX: Float64Array, outP: Float64Array): void;
  /** Reduces a state to the fundamental domain (mod 1, mod 2π) after noise is added; no-op for most. */
  wrap(x: Float64Array): void;
  /** Draws x₀ from the system's initial distribution. */
  sampleInitial(rng: Rng, out: Float64Array): void;
  /** A flow's vector field F(x) (spans the neutral direction); absent for maps. */
  vectorField?(x: Float64Array, out: Float64Array): void;
  /** Plain-data recipe that rebuilds this exact system (createSystem(spec.name, spec.options)),
   *  e.g. in a worker thread; null for systems assembled by hand. */
  readonly spec: SystemSpec | null;
  /**
   * Lockstep kernels over B lanes bound to the current p (see batched.ts), when the model has
   * them; use `batchedKernels(sys)`, which falls back to a lane loop otherwise.
   */
  bindBatched?(k: Kernels): BatchedStepKernels;
  /** A one-dimensional map's scalar kernels bound to p (read per call), when the model has them. */
  readonly scalar?: ScalarStepKernels;
  /** The same system with another parameter vector (copied). */
  withParams(p: Float64Array): DynamicalSystem;
  /** The same system with another noise model (null: deterministic). */
  withNoise(noise: NoiseModel | null): DynamicalSystem;
}

/**
 * Plain-data recipe of a system: a built-in name and its options (createSystem), or a user's model
 * loaded from an ES module (`module`: its URL and export name; see loadSystem).
 */
export interface SystemSpec {
  readonly name: string;
  readonly options: SystemOptions;
  readonly module?: ModuleRef;
}

/** Where a user's model lives: an ES module URL (file:// or a package) and the export holding it. */
export interface ModuleRef {
  readonly url: string;
  /** 'default' for the default export */
  readonly export: string;
}

export function paramIndex(sys: DynamicalSystem, name: string): ParamSpec | undefined {
  return sys.params.find((s) => s.name === name);
}

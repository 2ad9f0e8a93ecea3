import type { Kernels } from '../linalg/index.js';
import type { Rng } from '../random/index.js';

import type { BatchedStepKernels, Observable, ScalarStepKernels, SystemKind } from './types.js';

/** Declares one parameter of a model; `default` is a number (scalar) or the full flattened array. */
export interface ParamDef {
  readonly name: string;
  readonly size: number;
  readonly default: number | Float64Array;
  /** shape of an array-valued parameter ([n] or [rows, cols], row-major); default [size] (or [] for a scalar) */
  readonly shape?: readonly number[];
  /** how an array default is drawn, for the catalogue (e.g. 'zeros') */
  readonly defaultLabel?: string;
  readonly description: string;
}

/**
 * The derivative kernels of a one-step rule, bound to a parameter vector. Single-vector forms are
 * required; block forms are optional fast paths (a dense network multiplies a block at once).
 * All overwrite their output.
 */
export interface StepKernels {
  /** out ← g(x) (the map, or a flow's vector field) */
  eval(x: Float64Array, out: Float64Array): void;
  /** out ← (∂g/∂x)·v */
  jvp(x: Float64Array, v: Float64Array, out: Float64Array): void;
  /** out ← (∂g/∂x)ᵀ·w */
  vjp(x: Float64Array, w: Float64Array, out: Float64Array): void;
  /** out ← (∂g/∂p)·dp */
  pjvp(x: Float64Array, dp: Float64Array, out: Float64Array): void;
  /** out ← (∂g/∂p)ᵀ·w (length nParams) */
  pvjp(x: Float64Array, w: Float64Array, out: Float64Array): void;
  jvpBlock?(x: Float64Array, v: Float64Array, k: number, out: Float64Array): void;
  vjpBlock?(x: Float64Array, w: Float64Array, k: number, out: Float64Array): void;
  /** outX ← (∂g/∂x)ᵀw and outP ← (∂g/∂p)ᵀw in one pass */
  backward?(x: Float64Array, w: Float64Array, outX: Float64Array, outP: Float64Array): void;
}

/** A built-in system before its parameters and noise are chosen. */
export interface SystemModel {
  readonly name: string;
  readonly kind: SystemKind;
  readonly dim: number;
  readonly params: readonly ParamDef[];
  readonly description: string;
  /** equations, for the catalogue (`systems` command and README) */
  readonly equations: string;
  readonly defaultTransient: number;
  readonly naturalHorizon: number | null;
  /** flows only */
  readonly dt?: number;
  /**
   * Facts about the model family, read by the code that builds systems (never `if (name === …)`):
   * `minDim` marks a sized model (the `dim` option applies) and its smallest size; `defaultNoise`
   * is σ when the caller gives none; `seededWeights` says its array parameters are drawn from a
   * network seed (the `netSeed` option applies).
   */
  readonly minDim?: number;
  readonly defaultNoise?: number;
  readonly seededWeights?: boolean;
  readonly extraObservables?: readonly Observable[];
  /**
   * The step kernels read p through the linalg kernels (matrix–vector products on W): the system's
   * parameter vector is then allocated in kernel memory, so WebAssembly reads it in place — no copy
   * per call, and in-place changes of p are seen at once. Same numbers either way.
   */
  readonly kernelParams?: boolean;
  sampleInitial(rng: Rng, out: Float64Array): void;
  wrap?(x: Float64Array): void;
  /** Binds kernels to p: the place to take views into p once, not per step. */
  bind(p: Float64Array): StepKernels;
  /** Optional lockstep kernels over B lanes (maps only; see batched.ts), bound to p. */
  bindBatched?(p: Float64Array, k: Kernels): BatchedStepKernels;
  /**
   * Optional scalar kernels of a one-dimensional map (dim 1, kind 'map'), reading p per call: the
   * same bits as bind(p) and wrap on vectors of length 1 (test/systems/scalar.test.ts checks).
   */
  bindScalar?(p: Float64Array): ScalarStepKernels;
}

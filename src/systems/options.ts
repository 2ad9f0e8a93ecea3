/**
 * Plain-data options that choose a concrete system. They live in their own file with no imports so
 * that types.ts (SystemSpec) and registry.ts can both use them without a type cycle.
 */

/** Noise directions: isotropic, (1,…,1)/√n, or an n×r matrix given by rows. */
export type NoiseDirections = 'isotropic' | 'ones' | number[][];

/** Array-valued parameters by name: a vector as number[], a matrix as rows (number[][]), row-major. */
export type WeightArrays = Record<string, number[] | number[][]>;

/** Everything that chooses a concrete system; plain data, so workers can rebuild the same system. */
export interface SystemOptions {
  /** scalar parameter values by name */
  set?: Record<string, number>;
  /** full flat parameter vector (overrides defaults and `set`; used by training and workers) */
  params?: number[];
  dim?: number;
  dt?: number;
  /** noise σ; omitted: the system's default (0 except tent) */
  noise?: number;
  kernel?: string;
  noiseDirections?: NoiseDirections;
  /** array-valued parameters by name (the rnn's {W, b}) */
  weights?: WeightArrays;
  netSeed?: number;
}

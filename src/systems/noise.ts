import { UsageError, requireFinite } from '../errors/index.js';
import { logGamma } from '../stats/studentT.js';
import { fromRows, kernels, type Matrix } from '../linalg/index.js';
import { ZIGGURAT, type Rng } from '../random/index.js';
import type { NoiseDirections } from './options.js';
import type { NoiseKernel, NoiseModel } from './types.js';

export type { NoiseKernel, NoiseDirections };


/** The generator's four state words in kernel memory (the wasm ziggurat draws from there). */
let normalState: Uint32Array | null = null;

/**
 * out[0 … len) ← the next len values of rng.normal(), in order, by the kernels' ziggurat (wasm when
 * loaded): draw for draw the numbers of Rng.normal (test/linalg/kernels.test.ts), about 1.6× faster.
 */
export function normalBlock(rng: Rng, out: Float64Array, len: number): void {
  const k = kernels();
  if (normalState === null) normalState = k.u32(4);
  rng.storeWords(normalState, 0);
  k.normals(normalState, 1, len, out, ZIGGURAT);
  rng.loadWords(normalState, 0);
}

export const gaussianKernel: NoiseKernel = {
  name: 'gaussian',
  sample: (rng) => rng.normal(),
  fill: normalBlock,
  score: (xi) => xi,
  logDensity: (xi) => -0.5 * xi * xi - 0.5 * Math.log(2 * Math.PI),
  variance: 1,
};

/** Logistic scaled to unit variance, so σ means the same noise level as for the Gaussian. */
const LOGISTIC_SCALE = Math.sqrt(3) / Math.PI;
export const logisticKernel: NoiseKernel = {
  name: 'logistic',
  sample: (rng) => LOGISTIC_SCALE * rng.logistic(),
  score: (xi) => Math.tanh(xi / (2 * LOGISTIC_SCALE)) / LOGISTIC_SCALE,
  logDensity: (xi) => {
    const z = Math.abs(xi) / LOGISTIC_SCALE;
    return -z - 2 * Math.log1p(Math.exp(-z)) - Math.log(LOGISTIC_SCALE);
  },
  variance: 1,
};


/** Standard Student-t with ν degrees of freedom (heavy tails; bounded score). */
export function studentKernel(nu: number): NoiseKernel {
  if (!(Number.isFinite(nu) && nu > 0)) throw new UsageError(`student kernel needs ν > 0, got ${nu}`);
  const logNorm = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI);
  return {
    name: `student:${nu}`,
    sample: (rng) => rng.studentT(nu),
    score: (xi) => ((nu + 1) * xi) / (nu + xi * xi),
    logDensity: (xi) => logNorm - ((nu + 1) / 2) * Math.log1p((xi * xi) / nu),
    variance: nu > 2 ? nu / (nu - 2) : Infinity,
  };
}

export const KERNEL_NAMES = ['gaussian', 'logistic', 'student:ν'] as const;

export function parseKernel(spec: string): NoiseKernel {
  if (spec === 'gaussian') return gaussianKernel;
  if (spec === 'logistic') return logisticKernel;
  const m = /^student:(.+)$/.exec(spec);
  if (m) {
    const nu = Number(m[1]);
    if (!(Number.isFinite(nu) && nu > 0)) throw new UsageError(`student kernel needs a degree of freedom ν > 0, as in student:5 (got '${spec}')`);
    return studentKernel(nu);
  }
  throw new UsageError(`unknown kernel '${spec}' (valid: gaussian, logistic, student:ν)`);
}


export interface NoiseOptions {
  sigma: number;
  kernel?: NoiseKernel | string;
  directions?: NoiseDirections;
}

/** Builds a noise model; directions given as a matrix are orthonormalised (their span is what matters). */
export function makeNoise(dim: number, opts: NoiseOptions): NoiseModel | null {
  const sigma = requireFinite('noise σ', opts.sigma, { nonNegative: true });
  if (sigma === 0) return null;
  const kernel = typeof opts.kernel === 'string' ? parseKernel(opts.kernel) : (opts.kernel ?? gaussianKernel);
  const dirs = opts.directions ?? 'isotropic';
  if (dirs === 'isotropic') return { sigma, kernel, directions: null, rank: dim, directionsLabel: 'isotropic' };
  if (dirs === 'ones') {
    const b = fromRows(Array.from({ length: dim }, () => [1 / Math.sqrt(dim)]));
    return { sigma, kernel, directions: b, rank: 1, directionsLabel: 'ones' };
  }
  const b = orthonormalColumns(dirs, dim);
  return { sigma, kernel, directions: b, rank: b.cols, directionsLabel: `matrix ${b.rows}x${b.cols}` };
}

function orthonormalColumns(rows: number[][], dim: number): Matrix {
  if (!Array.isArray(rows) || rows.length !== dim) {
    throw new UsageError(`noise directions must be a ${dim}×r matrix (one row per state coordinate), got ${Array.isArray(rows) ? rows.length : 'no'} rows`);
  }
  let m: Matrix;
  try {
    m = fromRows(rows);
  } catch (e) {
    throw new UsageError(`noise directions: ${(e as Error).message}`);
  }
  const r = m.cols;
  if (r < 1 || r > dim) throw new UsageError(`noise directions must have between 1 and ${dim} columns, got ${r}`);
  // modified Gram–Schmidt on the columns; a dependent column is an input error
  const out = new Float64Array(dim * r);
  for (let j = 0; j < r; j++) {
    for (let i = 0; i < dim; i++) out[i * r + j] = m.data[i * r + j];
    for (let q = 0; q < j; q++) {
      let d = 0;
      for (let i = 0; i < dim; i++) d += out[i * r + q] * out[i * r + j];
      for (let i = 0; i < dim; i++) out[i * r + j] -= d * out[i * r + q];
    }
    let nrm = 0;
    for (let i = 0; i < dim; i++) nrm += out[i * r + j] ** 2;
    nrm = Math.sqrt(nrm);
    if (!(nrm > 1e-10)) throw new UsageError(`noise directions: column ${j} is zero or linearly dependent on the previous ones`);
    for (let i = 0; i < dim; i++) out[i * r + j] /= nrm;
  }
  return { rows: dim, cols: r, data: out };
}

/**
 * xi[0 … steps·r) ← the noise components of the next `steps` steps, step after step: the same
 * numbers, in the same order, as `steps` calls of addNoise would draw (block form for hot loops).
 */
export function drawNoise(noise: NoiseModel, rng: Rng, xi: Float64Array, steps: number): void {
  const len = steps * noise.rank, kernel = noise.kernel;
  if (kernel.fill) kernel.fill(rng, xi, len);
  else for (let j = 0; j < len; j++) xi[j] = kernel.sample(rng);
}

/** Adds σ·B·ξ to `out` for noise components already drawn (xi[off … off+r), see drawNoise). */
export function applyNoise(noise: NoiseModel, xi: Float64Array, off: number, out: Float64Array): void {
  const { sigma, directions } = noise;
  if (directions === null) {
    for (let i = 0; i < out.length; i++) out[i] += sigma * xi[off + i];
    return;
  }
  const r = directions.cols;
  const b = directions.data;
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let j = 0; j < r; j++) s += b[i * r + j] * xi[off + j];
    out[i] += sigma * s;
  }
}

/**
 * Adds σ·B·ξ to `out`, storing the r noise components ξ in `xi` (estimators need them).
 */
export function addNoise(noise: NoiseModel, rng: Rng, out: Float64Array, xi: Float64Array): void {
  const { sigma, kernel, directions } = noise;
  if (directions === null) {
    for (let i = 0; i < out.length; i++) {
      const z = kernel.sample(rng);
      xi[i] = z;
      out[i] += sigma * z;
    }
    return;
  }
  const r = directions.cols;
  const b = directions.data;
  for (let j = 0; j < r; j++) xi[j] = kernel.sample(rng);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let j = 0; j < r; j++) s += b[i * r + j] * xi[j];
    out[i] += sigma * s;
  }
}

/** out ← Bᵀv (length r): the components of v along the noise directions. */
export function projectOnNoise(noise: NoiseModel, v: Float64Array, out: Float64Array): void {
  const b = noise.directions;
  if (b === null) {
    for (let i = 0; i < out.length; i++) out[i] = v[i]; // no subarray view: called per step
    return;
  }
  const r = b.cols;
  out.fill(0, 0, r);
  for (let i = 0; i < b.rows; i++) for (let j = 0; j < r; j++) out[j] += b.data[i * r + j] * v[i];
}

/** out ← B·c (length n): a vector in the noise subspace from its components. */
export function liftFromNoise(noise: NoiseModel, c: Float64Array, out: Float64Array): void {
  const b = noise.directions;
  if (b === null) {
    for (let i = 0; i < out.length; i++) out[i] = c[i];
    return;
  }
  const r = b.cols;
  for (let i = 0; i < b.rows; i++) {
    let s = 0;
    for (let j = 0; j < r; j++) s += b.data[i * r + j] * c[j];
    out[i] = s;
  }
}

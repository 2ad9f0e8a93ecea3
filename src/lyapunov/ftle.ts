import { UsageError, usage, opt } from '../errors/index.js';
import { singularValues } from '../linalg/index.js';
import { Rng } from '../random/index.js';
import { checkFinite, type DynamicalSystem } from '../systems/index.js';
import { TangentFrame } from './frame.js';
import { STREAM, checkCount } from './setup.js';

export type FtleMethod = 'full' | 'power';
export const FTLE_METHODS: readonly FtleMethod[] = ['full', 'power'];

export interface FtleFieldOptions {
  /** number of layers L (default: the system's natural horizon) */
  horizon?: number;
  /** G: the field is G×G (default 41) */
  grid?: number;
  /** coordinate range of both directions (default [−3, 3]) */
  range?: [number, number];
  /** centre point of the plane (default 0) */
  centre?: Float64Array;
  /** the two directions spanning the plane (default the first two coordinate axes); orthonormalised */
  directions?: [Float64Array, Float64Array];
  /** 'full': the n×n Jacobian product by QR; 'power': σ_max by power iteration with tangent and adjoint */
  method?: FtleMethod;
  /** power iterations (v ← JᵀJ v over L layers) before the convergence test stops them (default 30 at most) */
  powerIterations?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface FtleFieldResult {
  horizon: number;
  grid: number;
  range: [number, number];
  centre: Float64Array;
  directions: [Float64Array, Float64Array];
  method: FtleMethod;
  /** field[i·G + j] = λ at (a_j, b_i): row i along the second direction (bottom to top), column j along the first */
  field: Float64Array;
  mean: number;
  min: number;
  max: number;
  perUnitTime: boolean;
}

/**
 * Input-space field of the maximal finite-time Lyapunov exponent of a network read as L layers with
 * tied weights (Storm et al., PRL 132, 057301, 2024): λ(x₀) = (1/L)·log σ_max(∂x_L/∂x₀) at the
 * grid points x₀ = centre + a·d₁ + b·d₂, computed on the deterministic network (noise off).
 * Ridges of large λ mark where the layered map separates nearby inputs: the decision boundaries
 * of a classifier, where gradients explode.
 */
export function ftleField(system: DynamicalSystem, opts: FtleFieldOptions = {}): FtleFieldResult {
  const sys = system.noise ? system.withNoise(null) : system;
  const n = sys.dim;
  if (n < 2) throw new UsageError(`an FTLE field needs a system of dimension >= 2; ${sys.name} has ${n}`);
  const L = opts.horizon ?? sys.naturalHorizon;
  if (L === null) throw usage`${opt('horizon')} is required for ${sys.name} (it has no natural horizon)`;
  checkCount(opt('horizon'), L);
  const G = checkCount(opt('grid'), opts.grid ?? 41);
  if (G < 2) throw usage`${opt('grid')} must be at least 2, got ${G}`;
  const range = opts.range ?? [-3, 3];
  if (!(Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[1] > range[0])) throw usage`${opt('range')} must be a,b with finite a < b, got ${range.join(',')}`;
  const centre = opts.centre ? Float64Array.from(opts.centre) : new Float64Array(n);
  if (centre.length !== n) throw usage`${opt('centre')} needs ${n} values for ${sys.name} (or one value for all), got ${centre.length}`;
  const directions = orthonormalPair(opts.directions ?? [axis(n, 0), axis(n, 1)]);
  const method = opts.method ?? (n <= 16 ? 'full' : 'power');
  if (!FTLE_METHODS.includes(method)) throw new UsageError(`unknown FTLE method '${method}' (valid: ${FTLE_METHODS.join(', ')})`);
  const rng = new Rng(opts.seed ?? 0).split(STREAM.directions);
  const largest = method === 'full' ? new FullProduct(sys, L, rng) : new PowerIteration(sys, L, rng, checkCount(opt('powerIterations'), opts.powerIterations ?? 30));
  const field = new Float64Array(G * G);
  const x0 = new Float64Array(n);
  const [d1, d2] = directions;
  let sum = 0, min = Infinity, max = -Infinity;
  const scale = 1 / (L * (sys.dt ?? 1));
  for (let i = 0; i < G; i++) {
    const b = range[0] + ((range[1] - range[0]) * i) / (G - 1);
    for (let j = 0; j < G; j++) {
      const a = range[0] + ((range[1] - range[0]) * j) / (G - 1);
      for (let t = 0; t < n; t++) x0[t] = centre[t] + a * d1[t] + b * d2[t];
      const lambda = largest.logSigmaMax(x0) * scale;
      field[i * G + j] = lambda;
      sum += lambda;
      min = Math.min(min, lambda);
      max = Math.max(max, lambda);
    }
    opts.onProgress?.(i + 1, G);
  }
  return { horizon: L, grid: G, range: [range[0], range[1]], centre, directions, method, field, mean: sum / (G * G), min, max, perUnitTime: sys.dt !== null };
}

function axis(n: number, i: number): Float64Array {
  const v = new Float64Array(n);
  v[i] = 1;
  return v;
}

function orthonormalPair([a, b]: [Float64Array, Float64Array]): [Float64Array, Float64Array] {
  const u = Float64Array.from(a), v = Float64Array.from(b);
  if (u.length !== v.length) throw new UsageError('the two FTLE directions must have the same length');
  const nu = Math.hypot(...u);
  if (!(nu > 0)) throw new UsageError('the first FTLE direction is zero');
  for (let i = 0; i < u.length; i++) u[i] /= nu;
  let d = 0;
  for (let i = 0; i < u.length; i++) d += u[i] * v[i];
  for (let i = 0; i < u.length; i++) v[i] -= d * u[i];
  const nv = Math.hypot(...v);
  if (!(nv > 1e-12)) throw new UsageError('the two FTLE directions are parallel');
  for (let i = 0; i < v.length; i++) v[i] /= nv;
  return [u, v];
}

/** log σ_max of the L-layer Jacobian at x₀. */
interface LargestSingular {
  logSigmaMax(x0: Float64Array): number;
}

/**
 * The full product: Q_L·(R_{L−1}⋯R_0) = J_{L−1}⋯J_0·Q_0 with Q_0 orthogonal (k = n), so
 * σ_max(∂x_L/∂x₀) = σ_max(R_{L−1}⋯R_0). The triangular product is rescaled every layer and the
 * scale kept in log form, so nothing overflows whatever L.
 */
class FullProduct implements LargestSingular {
  private readonly frame: TangentFrame;
  private readonly prod: Float64Array;
  private readonly tmp: Float64Array;
  private readonly x: Float64Array;
  private readonly y: Float64Array;

  constructor(private readonly sys: DynamicalSystem, private readonly L: number, rng: Rng) {
    const n = sys.dim;
    this.frame = new TangentFrame(sys, n, rng);
    this.prod = new Float64Array(n * n);
    this.tmp = new Float64Array(n * n);
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
  }

  logSigmaMax(x0: Float64Array): number {
    const n = this.sys.dim;
    const { frame, prod, tmp } = this;
    frame.q.fill(0);
    for (let j = 0; j < n; j++) frame.q[j * n + j] = 1;
    prod.fill(0);
    for (let j = 0; j < n; j++) prod[j * n + j] = 1;
    let logScale = 0;
    let x = this.x, y = this.y;
    x.set(x0);
    for (let l = 0; l < this.L; l++) {
      frame.advance(x);
      // prod ← R·prod (both upper triangular), then rescale by the largest entry
      const r = frame.r;
      let big = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          let s = 0;
          for (let m = i; m <= j; m++) s += r[i * n + m] * prod[m * n + j];
          tmp[i * n + j] = s;
          big = Math.max(big, Math.abs(s));
        }
      }
      const inv = 1 / big;
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) prod[i * n + j] = tmp[i * n + j] * inv;
      logScale += Math.log(big);
      this.sys.map(x, y);
      checkFinite(y, l + 1, 'network state');
      const t = x;
      x = y;
      y = t;
    }
    // one O(n³) SVD per grid point (outside the layer loop)
    return logScale + Math.log(singularValues({ rows: n, cols: n, data: prod })[0]);
  }
}

/**
 * σ_max by power iteration on MᵀM, M = ∂x_L/∂x₀: one tangent sweep (M·v) and one adjoint sweep
 * (Mᵀ·u) over the stored layer states per iteration, vectors renormalised every layer with the
 * log-norms summed. The gap σ₂/σ₁ ≈ e^{−L(λ₁−λ₂)} is tiny for deep networks, so a few iterations
 * converge; the loop stops when log σ changes by less than 1e−13.
 */
class PowerIteration implements LargestSingular {
  private readonly states: Float64Array;
  private readonly v: Float64Array;
  private readonly u: Float64Array;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;

  constructor(private readonly sys: DynamicalSystem, private readonly L: number, private readonly rng: Rng, private readonly iterations: number) {
    const n = sys.dim;
    this.states = new Float64Array((L + 1) * n);
    this.v = new Float64Array(n);
    this.u = new Float64Array(n);
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
  }

  logSigmaMax(x0: Float64Array): number {
    const n = this.sys.dim, L = this.L;
    const { states, v, u, xs, ys } = this;
    for (let i = 0; i < n; i++) states[i] = x0[i];
    for (let l = 0; l < L; l++) {
      for (let i = 0; i < n; i++) xs[i] = states[l * n + i];
      this.sys.map(xs, ys);
      checkFinite(ys, l + 1, 'network state');
      for (let i = 0; i < n; i++) states[(l + 1) * n + i] = ys[i];
    }
    this.rng.fillNormal(v);
    normalise(v);
    let logSigma = -Infinity;
    for (let it = 0; it < this.iterations; it++) {
      // forward: u = M·v/‖M·v‖, log‖M·v‖ accumulated layer by layer
      let logForward = 0;
      u.set(v);
      for (let l = 0; l < L; l++) {
        for (let i = 0; i < n; i++) xs[i] = states[l * n + i];
        this.sys.tangent(xs, u, 1, ys);
        logForward += Math.log(normalise(ys));
        u.set(ys);
      }
      // backward: v = Mᵀ·u/‖Mᵀ·u‖
      v.set(u);
      for (let l = L - 1; l >= 0; l--) {
        for (let i = 0; i < n; i++) xs[i] = states[l * n + i];
        this.sys.adjoint(xs, v, 1, ys);
        normalise(ys);
        v.set(ys);
      }
      const converged = Math.abs(logForward - logSigma) < 1e-13 * Math.max(1, Math.abs(logForward));
      logSigma = logForward;
      if (converged) break;
    }
    return logSigma;
  }
}

/** v ← v/‖v‖; returns ‖v‖. */
function normalise(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const nrm = Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] /= nrm;
  return nrm;
}

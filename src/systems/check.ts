import { requireFinite, requirePositiveInteger, RuntimeFailure, UsageError } from '../errors/index.js';
import { Rng } from '../random/index.js';
import type { DynamicalSystem } from './types.js';

/** One identity checked on random states, parameters and directions; `worst` is its largest error. */
export interface DerivativeCheck {
  readonly name: string;
  readonly description: string;
  /** largest relative error over the cases (Infinity when something was not finite) */
  readonly worst: number;
  readonly tolerance: number;
  readonly passed: boolean;
}

export interface DerivativeReport {
  readonly system: string;
  readonly dim: number;
  readonly nParams: number;
  readonly seed: number;
  readonly cases: number;
  readonly checks: readonly DerivativeCheck[];
  readonly passed: boolean;
}

export interface CheckOptions {
  /** random states, parameters and directions come from this seed (default 1) */
  readonly seed?: number;
  /** random cases per check (default 8) */
  readonly cases?: number;
  /** relative parameter perturbation of each case (default 0.05; 0 checks at the given parameters) */
  readonly spread?: number;
}

const KEYS = new Set(['seed', 'cases', 'spread']);

type Vec = Float64Array;

function maxAbs(a: Vec): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function dot(a: Vec, b: Vec, off = 0, n = a.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[off + i] * b[off + i];
  return s;
}

/** max|a − b| / max(|a|, |b|, 1e-12); Infinity when either holds a non-finite number. */
function relErr(a: Vec, b: Vec): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  const r = d / Math.max(1e-12, maxAbs(a), maxAbs(b));
  return Number.isFinite(r) ? r : Infinity;
}

/** |a − b| / max(1, |a|): how the suite compares the two sides of an adjoint identity. */
function identityErr(a: number, b: number): number {
  const r = Math.abs(a - b) / Math.max(1, Math.abs(a));
  return Number.isFinite(r) ? r : Infinity;
}

function randn(rng: Rng, n: number): Vec {
  const v = new Float64Array(n);
  rng.fillNormal(v);
  return v;
}

/** Central difference (f(x + εv) − f(x − εv)) / 2ε of any vector function. */
function centralDiff(f: (dir: 1 | -1, out: Vec) => void, n: number, eps: number): Vec {
  const fp = new Float64Array(n), fm = new Float64Array(n);
  f(1, fp);
  f(-1, fm);
  return fp.map((v, i) => (v - fm[i]) / (2 * eps));
}

interface Case {
  readonly sys: DynamicalSystem;
  readonly x: Vec;
}

/** The system with parameters perturbed by `spread` (relative), and a state a few steps from x₀. */
function randomCase(base: DynamicalSystem, rng: Rng, spread: number, index: number): Case {
  const p = Float64Array.from(base.p, (v) => v * (1 + spread * (2 * rng.uniform() - 1)) + 0.2 * spread * (2 * rng.uniform() - 1));
  const sys = spread > 0 ? base.withParams(p) : base;
  const x = new Float64Array(sys.dim), y = new Float64Array(sys.dim);
  sys.sampleInitial(rng, x);
  for (let s = 0, m = 5 + rng.int(20); s < m; s++) {
    sys.map(x, y);
    if (!y.every(Number.isFinite)) {
      throw new RuntimeFailure(`checkDerivatives: the orbit of case ${index} left the finite numbers at step ${s + 1} (parameters perturbed by spread ${spread}; a smaller spread, or 0, checks nearer the given parameters)`);
    }
    x.set(y);
  }
  return { sys, x };
}

const FD_EPS = 1e-6;
const FD_TOL = 1e-6;
const EXACT_TOL = 1e-12;

/** The identities, each a function of one case returning its error. */
const IDENTITIES: { name: string; description: string; tolerance: number; error(c: Case, rng: Rng): number }[] = [
  {
    name: 'tangent-fd', description: 'J·v equals the central finite difference of the map', tolerance: FD_TOL,
    error({ sys, x }, rng) {
      const n = sys.dim, v = randn(rng, n), jv = new Float64Array(n);
      sys.tangent(x, v, 1, jv);
      return relErr(jv, centralDiff((s, out) => sys.map(x.map((xi, i) => xi + s * FD_EPS * v[i]), out), n, FD_EPS));
    },
  },
  {
    name: 'adjoint-transpose', description: '⟨W, J·V⟩ = ⟨Jᵀ·W, V⟩ for blocks of 3', tolerance: EXACT_TOL,
    error({ sys, x }, rng) {
      const n = sys.dim, k = 3, v = randn(rng, n * k), w = randn(rng, n * k);
      const jv = new Float64Array(n * k), jtw = new Float64Array(n * k);
      sys.tangent(x, v, k, jv);
      sys.adjoint(x, w, k, jtw);
      let worst = 0;
      for (let j = 0; j < k; j++) worst = Math.max(worst, identityErr(dot(w, jv, j * n, n), dot(jtw, v, j * n, n)));
      return worst;
    },
  },
  {
    name: 'block-consistency', description: 'block tangent and adjoint equal one vector at a time', tolerance: 1e-14,
    error({ sys, x }, rng) {
      const n = sys.dim, k = 3, v = randn(rng, n * k), blk = new Float64Array(n * k), one = new Float64Array(n);
      let worst = 0;
      const forms = [(a: Vec, b: Vec, kk: number, o: Vec) => sys.tangent(x, b, kk, o), (a: Vec, b: Vec, kk: number, o: Vec) => sys.adjoint(x, b, kk, o)];
      for (const apply of forms) {
        apply(x, v, k, blk);
        for (let j = 0; j < k; j++) {
          apply(x, v.slice(j * n, (j + 1) * n), 1, one);
          worst = Math.max(worst, relErr(one, blk.subarray(j * n, (j + 1) * n)));
        }
      }
      return worst;
    },
  },
  {
    name: 'param-tangent-fd', description: '(∂f/∂p)·dp equals the central finite difference in the parameters', tolerance: FD_TOL,
    error({ sys, x }, rng) {
      if (sys.nParams === 0) return 0;
      const n = sys.dim, dp = randn(rng, sys.nParams), pd = new Float64Array(n);
      sys.paramTangent(x, dp, pd);
      return relErr(pd, centralDiff((s, out) => sys.withParams(sys.p.map((v, i) => v + s * FD_EPS * dp[i])).map(x, out), n, FD_EPS));
    },
  },
  {
    name: 'param-adjoint-transpose', description: '⟨w, (∂f/∂p)·dp⟩ = ⟨(∂f/∂p)ᵀ·w, dp⟩', tolerance: EXACT_TOL,
    error({ sys, x }, rng) {
      if (sys.nParams === 0) return 0;
      const dp = randn(rng, sys.nParams), w = randn(rng, sys.dim), pd = new Float64Array(sys.dim), ptw = new Float64Array(sys.nParams);
      sys.paramTangent(x, dp, pd);
      sys.paramAdjoint(x, w, ptw);
      return identityErr(dot(w, pd), dot(ptw, dp));
    },
  },
  {
    name: 'backward-fused', description: 'backward equals the adjoint and the parameter adjoint', tolerance: 1e-14,
    error({ sys, x }, rng) {
      const n = sys.dim, w = randn(rng, n);
      const ax = new Float64Array(n), ap = new Float64Array(sys.nParams), bx = new Float64Array(n), bp = new Float64Array(sys.nParams);
      sys.adjoint(x, w, 1, ax);
      sys.paramAdjoint(x, w, ap);
      sys.backward(x, w, bx, bp);
      return Math.max(relErr(bx, ax), sys.nParams ? relErr(bp, ap) : 0);
    },
  },
  {
    name: 'observable-gradients', description: 'observable gradients equal central finite differences', tolerance: FD_TOL,
    error({ sys, x }, rng) {
      const g = new Float64Array(sys.dim);
      let worst = 0;
      for (const ob of sys.observables.slice(0, 12)) {
        ob.gradient(x, g);
        const v = randn(rng, sys.dim);
        const fd = (ob.value(x.map((xi, i) => xi + FD_EPS * v[i])) - ob.value(x.map((xi, i) => xi - FD_EPS * v[i]))) / (2 * FD_EPS);
        const an = dot(g, v);
        const e = Math.abs(an - fd) / Math.max(1, Math.abs(fd));
        worst = Math.max(worst, Number.isFinite(e) ? e : Infinity);
      }
      return worst;
    },
  },
];

/**
 * Checks a system's derivative kernels the way the test suite does: tangent and parameter tangent
 * against central finite differences, adjoints against the transpose identities, block forms and
 * the fused backward against the single-vector kernels, observable gradients against finite
 * differences — each over `cases` random states, perturbed parameters and directions (seeded).
 */
export function checkDerivatives(sys: DynamicalSystem, options: CheckOptions = {}): DerivativeReport {
  for (const k of Object.keys(options)) if (!KEYS.has(k)) throw new UsageError(`checkDerivatives: unknown option '${k}' (valid: ${[...KEYS].join(', ')})`);
  const seed = requirePositiveInteger('seed', options.seed ?? 1, true);
  const cases = requirePositiveInteger('cases', options.cases ?? 8);
  const spread = requireFinite('spread', options.spread ?? 0.05, { nonNegative: true });
  const rng = new Rng(seed);
  const worst = new Float64Array(IDENTITIES.length);
  for (let c = 0; c < cases; c++) {
    const kase = randomCase(sys, rng, spread, c);
    IDENTITIES.forEach((id, i) => {
      const e = id.error(kase, rng);
      worst[i] = Number.isNaN(e) ? Infinity : Math.max(worst[i], e);
    });
  }
  const checks = IDENTITIES.map((id, i) => ({ name: id.name, description: id.description, worst: worst[i], tolerance: id.tolerance, passed: worst[i] <= id.tolerance }));
  return { system: sys.name, dim: sys.dim, nParams: sys.nParams, seed, cases, checks, passed: checks.every((c) => c.passed) };
}

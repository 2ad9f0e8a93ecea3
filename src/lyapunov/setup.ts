import { UsageError, requirePositiveInteger, usage, opt, type OptionName } from '../errors/index.js';
import { Rng } from '../random/index.js';
import { advance, type DynamicalSystem } from '../systems/index.js';

/**
 * Shared set-up of every Lyapunov computation: option checks with messages naming the valid range,
 * the seeded random streams and the starting state. One seed drives a run; each use of randomness
 * has its own stream so that, e.g., changing the initial basis never changes the orbit.
 */
export const STREAM = { orbit: 0, basis: 1, adjointBasis: 2, backwardCoefficients: 3, adjointCoefficients: 4, directions: 5 } as const;

export function checkK(sys: DynamicalSystem, k: number | undefined): number {
  const n = sys.dim;
  const kk = k ?? n;
  if (!Number.isInteger(kk) || kk < 1 || kk > n) throw usage`${opt('k')} must be an integer between 1 and ${n} (the dimension of ${sys.name}), got ${kk}`;
  return kk;
}

export function checkCount(name: string | OptionName, v: number, allowZero = false): number {
  return requirePositiveInteger(name, v, allowZero);
}

/** 1/dt for flows (exponents per unit time), 1 for maps (per step). */
export function timeScale(sys: DynamicalSystem): number {
  return sys.dt === null ? 1 : 1 / sys.dt;
}

/** Steps that make `time` units of a flow, or `mapSteps` steps of a map. */
export function stepsFor(sys: DynamicalSystem, time: number, mapSteps: number): number {
  return sys.dt === null ? mapSteps : Math.max(1, Math.round(time / sys.dt));
}

/**
 * Default length of a spectrum run: long enough for small systems to meet published values
 * (flows 5000 time units, maps 10⁶ steps), shortened for large ones so that the tangent work
 * (≈ k·(n·min(n, 50) + 30n) + 2n·k² per step: a dense tangent, a per-vector overhead, the QR) stays near a fixed budget (2·10⁹, about 5 s on one core).
 */
export function defaultSpectrumSteps(sys: DynamicalSystem, k: number): number {
  const n = sys.dim;
  const work = k * (n * Math.min(n, 50) + 30 * n) + 2 * n * k * k;
  const budget = 2e9;
  const cap = stepsFor(sys, 5000, 1_000_000);
  return Math.max(Math.min(cap, 2000), Math.min(cap, Math.round(budget / work)));
}

/** Default steps for the basis to converge onto the Gram–Schmidt vectors (10 time units, or 200 steps). */
export function defaultBasisTransient(sys: DynamicalSystem): number {
  return stepsFor(sys, 10, 200);
}

/** Default transient for the CLV/adjoint Ginelli passes: these converge at the exponent gaps, so longer. */
export function defaultGinelliTransient(sys: DynamicalSystem): number {
  return stepsFor(sys, 50, 500);
}

export interface RunStart {
  /** the state at which statistics begin (after the state transient) */
  x: Float64Array;
  /** noise stream of the orbit (null for a deterministic system) */
  orbitRng: Rng | null;
  root: Rng;
}

/**
 * The starting state: `x0` when given (then only `transient` steps are run from it), otherwise a
 * draw from the system's initial distribution followed by `transient` steps (default the system's).
 */
export function startRun(sys: DynamicalSystem, seed: number, transient: number | undefined, x0?: Float64Array): RunStart {
  if (!Number.isSafeInteger(seed) || seed < 0) throw usage`${opt('seed')} must be a non-negative integer, got ${seed}`;
  const root = new Rng(seed);
  const rng = root.split(STREAM.orbit);
  const t = checkCount(opt('transient'), transient ?? (x0 ? 0 : sys.defaultTransient), true);
  let x: Float64Array;
  if (x0) {
    if (x0.length !== sys.dim) throw new UsageError(`initial state has ${x0.length} entries, ${sys.name} needs ${sys.dim}`);
    x = Float64Array.from(x0);
  } else {
    x = new Float64Array(sys.dim);
    sys.sampleInitial(rng, x);
  }
  advance(sys, x, t, sys.noise ? rng : null);
  return { x, orbitRng: sys.noise ? rng : null, root };
}

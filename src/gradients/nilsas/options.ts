import { UsageError, usage, opt, type OptionName } from '../../errors/index.js';
import { lyapunovSpectrum, splitIndices } from '../../lyapunov/index.js';
import type { DynamicalSystem } from '../../systems/index.js';
import type { GradientCost, Objective } from '../types.js';

/**
 * Options of the NILSAS estimator. Defaults come from a short Lyapunov run (seeded by the run's
 * seed): M = the number of unstable exponents + the neutral (near-zero) ones, which for a flow
 * includes its vector-field direction; segments long enough for the leading adjoint to grow by
 * about e⁸ (well-conditioned Gram matrices, few stored interfaces).
 */
export interface NilsasOptions {
  /** homogeneous adjoints (≥ unstable exponents, + 1 for a flow) */
  M?: number;
  /** steps per segment (interval between re-orthonormalisations) */
  segmentSteps?: number;
  /** number of segments K (alternative to segmentSteps) */
  segments?: number;
  /** independent orbits (different initial states) for the standard error; default 8 */
  repeats?: number;
  /**
   * steps of the short Lyapunov run that sets the defaults and checks M (0: skip; then give M).
   * Default: none when M and the segment length are given (the run's own adjoint exponents are
   * reported instead), else 2000 steps for a map, 100 time units for a flow.
   */
  spectrumSteps?: number;
  /** flows: impose the neutral-direction constraint Σ⟨v, dt·F⟩ = 0 (default true; false to study its effect) */
  neutral?: boolean;
  /** estimate the Schur complement's condition number (default true) */
  condition?: boolean;
}

/** What each repetition needs (structured-clonable: it crosses to worker threads). */
export interface NilsasTaskOptions {
  M: number;
  segmentSteps: number;
  neutral: boolean;
  condition: boolean;
}

export interface NilsasPlan {
  task: NilsasTaskOptions;
  repeats: number;
  /** M the short Lyapunov run asks for (unstable + neutral), null when it was skipped */
  requiredM: number | null;
  /** leading exponents of the short run (per step for maps, per unit time for flows) */
  exponents: number[] | null;
  exponentStderr: number[] | null;
  warnings: string[];
  cost: Omit<GradientCost, 'seconds'>;
}

export const DEFAULT_REPEATS = 8;
/**
 * Target growth of the leading adjoint over one segment, e^GROWTH. Longer segments mean fewer
 * interfaces (memory and KKT work O(K·M²), O(K·M³)) but Gram matrices C_k with entries up to
 * e^(2·GROWTH): e⁸ keeps them far from the e^(2·18) where double precision loses C ≥ I.
 */
const GROWTH = 8;

function integerOption(name: OptionName, v: number | undefined, min: number): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw usage`${name} must be an integer >= ${min}, got ${v}`;
}

/** Default short-run length: 2000 steps for a map, 100 time units for a flow. */
export function nilsasSpectrumSteps(sys: DynamicalSystem): number {
  return sys.dt === null ? 2000 : Math.max(1, Math.round(100 / sys.dt));
}

/** A kept or dropped exponent closer to zero than this fraction of λ₁ means no spectral gap at M. */
export const GAP_FRACTION = 0.1;

/**
 * Shadowing needs a gap in the spectrum where W is cut off: the smallest unstable exponent kept and
 * the first exponent dropped (exponents[M], when computed) should both be well away from zero.
 * A flow's neutral exponent is expected and not counted. Returns the warning, or null.
 */
export function spectralGapWarning(exponents: ArrayLike<number>, unstable: number, M: number): string | null {
  const lead = exponents[0];
  if (!(lead > 0)) return null;
  const near: string[] = [];
  if (unstable >= 1 && unstable <= M && exponents[unstable - 1] < GAP_FRACTION * lead) near.push(`the smallest unstable exponent kept is ${exponents[unstable - 1].toFixed(3)}`);
  if (M < exponents.length && M >= unstable && Math.abs(exponents[M]) < GAP_FRACTION * lead) near.push(`the first exponent left out is ${exponents[M].toFixed(3)}`);
  if (near.length === 0) return null;
  return (
    `no spectral gap at M = ${M}: ${near.join(' and ')}, within ${GAP_FRACTION}·λ₁ = ${(GAP_FRACTION * lead).toFixed(3)} of zero. ` +
    'The dynamics is far from hyperbolic there, the least-squares adjoint is ill-conditioned and its estimates heavy-tailed: compare with a kernel or hybrid estimate'
  );
}

/** Validates the options and fills the defaults (running the short Lyapunov run when needed). */
export function planNilsas(sys: DynamicalSystem, objective: Objective, o: NilsasOptions, seed: number): NilsasPlan {
  if (objective.kind !== 'average') {
    throw usage`nilsas differentiates long-time averages (${opt('steps')} T); for a finite horizon (${opt('horizon')}) use bptt or kernel`;
  }
  const n = sys.dim;
  const flow = sys.kind === 'flow';
  const steps = objective.steps;
  integerOption(opt('M'), o.M, 0);
  integerOption(opt('segmentSteps'), o.segmentSteps, 1);
  integerOption(opt('segments'), o.segments, 1);
  integerOption(opt('repeats'), o.repeats, 1);
  integerOption(opt('spectrumSteps'), o.spectrumSteps, 0);
  if (o.M !== undefined && o.M > n) throw usage`${opt('M')} must be between 0 and the dimension of ${sys.name} (${n}), got ${o.M}`;
  if (o.neutral === false && !flow) throw usage`${opt('neutral', false)} applies to flows only (${sys.name} is a map)`;
  const neutral = flow && (o.neutral ?? true);
  if (o.M !== undefined && neutral && o.M < 1) throw usage`${opt('M')} must be >= 1 for a flow (one homogeneous adjoint spans the neutral direction), got ${o.M}`;
  if (o.segments !== undefined && o.segments > steps) throw usage`${opt('segments')} ${o.segments} exceeds ${opt('steps')} ${steps} (each segment needs at least one step)`;
  if (o.segments !== undefined && o.segmentSteps !== undefined && Math.ceil(steps / o.segmentSteps) !== o.segments) {
    throw usage`${opt('segments')} ${o.segments} and ${opt('segmentSteps')} ${o.segmentSteps} disagree for ${opt('steps')} ${steps} (give one of them)`;
  }
  // with M and the segment length given the short run would only check M: skipped unless asked for
  // (the run's own QR factors give its M exponents, exponents.ts)
  const fixed = o.M !== undefined && (o.segmentSteps !== undefined || o.segments !== undefined);
  const spectrumSteps = o.spectrumSteps ?? (fixed ? 0 : nilsasSpectrumSteps(sys));
  if (spectrumSteps === 0 && o.M === undefined) throw usage`${opt('spectrumSteps')} 0 skips the Lyapunov run that sets the default M: give ${opt('M')}`;

  const warnings: string[] = [];
  const cost = { steps: 0, tangentSolves: 0, adjointSolves: 0 };
  let requiredM: number | null = null;
  let exponents: number[] | null = null;
  let exponentStderr: number[] | null = null;
  let leadingPerStep: number | null = null;
  if (spectrumSteps > 0) {
    // enough exponents to see whether the (M+1)-th is still unstable or neutral; without M, start
    // with 8 and double while every computed exponent is unstable or neutral
    const transient = objective.transient ?? sys.defaultTransient;
    let k = Math.min(n, o.M === undefined ? 8 : o.M + 2);
    let spec;
    let split;
    for (;;) {
      spec = lyapunovSpectrum(sys, { k, steps: spectrumSteps, transient, seed });
      cost.steps += transient + spec.basisTransient + spectrumSteps;
      cost.tangentSolves += k * (spec.basisTransient + spectrumSteps);
      split = splitIndices(spec.exponents, spec.stderr, flow);
      if (o.M !== undefined || split.unstable + split.neutral < k || k === n) break;
      k = Math.min(n, 2 * k);
    }
    requiredM = split.unstable + split.neutral;
    exponents = Array.from(spec.exponents);
    exponentStderr = Array.from(spec.stderr);
    leadingPerStep = spec.exponents[0] * (sys.dt ?? 1);
    const gapWarning = spectralGapWarning(spec.exponents, split.unstable, o.M ?? Math.max(requiredM, neutral ? 1 : 0));
    if (gapWarning) warnings.push(gapWarning);
    if (o.M !== undefined && o.M < requiredM) {
      warnings.push(
        `M = ${o.M} is below the ${split.unstable} unstable${flow || split.neutral > 0 ? ` + ${split.neutral} neutral` : ''} direction(s) of a short Lyapunov run (${spectrumSteps} steps): ` +
          `the adjoint is not kept bounded and the estimate is unreliable; use --M ${requiredM}`,
      );
    }
  }
  const M = o.M ?? Math.max(requiredM!, neutral ? 1 : 0);
  if (M > n) throw new UsageError(`M = ${M} exceeds the dimension ${n}`);

  let segmentSteps: number;
  if (o.segmentSteps !== undefined) segmentSteps = o.segmentSteps;
  else if (o.segments !== undefined) segmentSteps = Math.ceil(steps / o.segments);
  else if (leadingPerStep !== null && leadingPerStep > 0) segmentSteps = Math.ceil(GROWTH / leadingPerStep);
  else if (leadingPerStep !== null) segmentSteps = Math.ceil(Math.sqrt(steps)); // nothing grows: segments only bound memory
  else segmentSteps = sys.dt === null ? 10 : Math.max(1, Math.round(1 / sys.dt));
  segmentSteps = Math.max(1, Math.min(steps, segmentSteps));

  return {
    task: { M, segmentSteps, neutral, condition: o.condition ?? true },
    repeats: o.repeats ?? DEFAULT_REPEATS,
    requiredM,
    exponents,
    exponentStderr,
    warnings,
    cost,
  };
}

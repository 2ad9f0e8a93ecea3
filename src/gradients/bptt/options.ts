import { usage, opt, type OptionName } from '../../errors/index.js';
import type { Objective } from '../types.js';
import { checkParamBlocks } from '../adjointSteps.js';

/**
 * Options of BPTT and of the practitioners' fixes. Every fix changes WHAT is computed (they are
 * biased baselines, kept to be measured against the references), not how accurately:
 * - `clip` C: global norm clipping of each trajectory's gradient, g ← g·min(1, C/‖g‖) over the
 *   selected entries, before averaging over trajectories.
 * - `clipStep` c: per-step adjoint clipping ν̃ ← ν̃·min(1, c/‖ν̃‖), where ν̃ is the adjoint of the
 *   UN-normalised objective (ΣΦ(xₙ) for an average, Φ(x_L) for a horizon), so c does not depend on T.
 * - `truncate` K: truncated BPTT, "detach every K steps" (k1 = k2 = K): the orbit is cut into chunks
 *   of K steps and each source ∇Φ(xₙ) is propagated back only to the start of its chunk (1..K steps).
 *   One adjoint sweep, cost O(T) like BPTT; K ≥ T is exact BPTT.
 * - `l2` W: the objective becomes J + W·|p|² over the selected parameters: 2W·p is added to the
 *   gradient and W·|p|² to the value.
 * - `ensemble` E (Lea, Allen & Haines 2000): BPTT averaged over E trajectories of T/E steps, each
 *   started from an independent point of the attractor (own initial draw and transient).
 */
export interface BpttOptions {
  /** independent trajectories for the standard error (average objective; default 8) */
  repeats?: number;
  clip?: number;
  clipStep?: number;
  truncate?: number;
  l2?: number;
  ensemble?: number;
  /** checkpoint spacing in steps (default ⌈√T⌉: memory O(√T·n)) */
  segmentSteps?: number;
  /**
   * sum the parameter adjoints over blocks of steps by the system's batched kernels (true) or step
   * by step (false); default: the rule of systems/paramBlock.ts. Only the summation order differs.
   */
  paramBlocks?: boolean;
}

export const DEFAULT_REPEATS = 8;

function positive(name: OptionName, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw usage`${name} must be a finite number > 0, got ${v}`;
}

function positiveInteger(name: OptionName, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw usage`${name} must be a positive integer, got ${v}`;
}

/** Validates options against the objective; throws a UsageError naming the option. */
export function checkBpttOptions(o: BpttOptions, objective: Objective): void {
  positive(opt('clip'), o.clip);
  positive(opt('clipStep'), o.clipStep);
  positiveInteger(opt('truncate'), o.truncate);
  positiveInteger(opt('repeats'), o.repeats);
  positiveInteger(opt('ensemble'), o.ensemble);
  positiveInteger(opt('segmentSteps'), o.segmentSteps);
  checkParamBlocks(o.paramBlocks);
  if (o.l2 !== undefined && !(Number.isFinite(o.l2) && o.l2 >= 0)) throw usage`${opt('l2')} must be a finite number >= 0, got ${o.l2}`;
  if (objective.kind === 'horizon') {
    if (o.repeats !== undefined) throw usage`${opt('repeats')} applies to the average objective (with ${opt('horizon')} the ${opt('samples')} are the repetitions)`;
    if (o.ensemble !== undefined) throw usage`${opt('ensemble')} applies to the average objective (${opt('steps')}), not to ${opt('horizon')}`;
  } else if (o.ensemble !== undefined && o.ensemble > objective.steps) {
    throw usage`${opt('ensemble')} ${o.ensemble} exceeds ${opt('steps')} ${objective.steps} (each member needs at least one step)`;
  }
}

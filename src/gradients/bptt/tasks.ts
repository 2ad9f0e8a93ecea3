import { norm2 } from '../../linalg/index.js';
import { initialState, type DynamicalSystem } from '../../systems/index.js';
import { resolveObjective, transientOf } from '../objective.js';
import { gather, selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import type { BpttOptions } from './options.js';
import { bpttTrajectory, type TrajectoryGradient } from './trajectory.js';

/** Module URL of the repetition tasks below (they run in worker threads). */
export const BPTT_TASKS = import.meta.url;

/** Per-trajectory diagnostics; the estimator summarises them over repetitions. */
export interface TrajectoryDiagnostics {
  /** ‖g‖ over the selected entries before global clipping */
  gradientNorm: number;
  clipped: boolean;
  adjointNormMax: number;
  /** ‖ν‖ at the first state of the orbit, where the backward sweep ends */
  adjointNormFinal: number;
  /** log-growth of ‖ν‖ along the sweep, per step (maps) or per unit time (flows); null for one step */
  adjointGrowthRate: number | null;
  clippedSteps: number;
  peakMemoryBytes: number;
  segments: number;
  segmentSteps: number;
}

/** Global norm clipping g ← g·min(1, C/‖g‖); returns ‖g‖ before clipping. */
function clipGradient(g: Float64Array, clip: number | undefined): number {
  const norm = norm2(g);
  if (clip !== undefined && norm > clip) for (let i = 0; i < g.length; i++) g[i] *= clip / norm;
  return norm;
}

function diagnosticsOf(sys: DynamicalSystem, t: TrajectoryGradient, steps: number, gradientNorm: number, clip: number | undefined): TrajectoryDiagnostics {
  const span = (steps - 1) * (sys.dt ?? 1);
  const { adjointNormStart: a, adjointNormEnd: b } = t.sweep;
  return {
    gradientNorm,
    clipped: clip !== undefined && gradientNorm > clip,
    adjointNormMax: t.sweep.adjointNormMax,
    adjointNormFinal: b,
    adjointGrowthRate: span > 0 && a > 0 && b > 0 ? Math.log(b / a) / span : null,
    clippedSteps: t.sweep.clippedSteps,
    peakMemoryBytes: t.memoryBytes,
    segments: t.segments,
    segmentSteps: t.segmentSteps,
  };
}

/**
 * One repetition of the average objective: an orbit from its own stream (initial draw, transient,
 * noise), then BPTT of (1/T)Σ Φ(xₙ) with x₀ held fixed. With `ensemble` E, the mean of BPTT over E
 * members of ⌊T/E⌋ steps, each from its own stream (independent points of the attractor).
 */
export function bpttAverageTask(arg: RepeatArg<BpttOptions>): RepeatOutcome {
  const { system, rng } = repeatContext(arg);
  if (arg.objective.kind !== 'average') throw new Error('bpttAverageTask needs an average objective');
  const o = arg.options;
  const observable = resolveObjective(system, arg.objective);
  const sel = selectParams(system, arg.params);
  const transient = transientOf(system, arg.objective);
  const members = o.ensemble ?? 1;
  const steps = members === 1 ? arg.objective.steps : Math.floor(arg.objective.steps / members);
  const gradient = new Float64Array(sel.indices.length);
  const cost = { steps: 0, tangentSolves: 0, adjointSolves: 0 };
  let value = 0;
  let diag: TrajectoryDiagnostics | null = null;
  let clippedMembers = 0;
  for (let e = 0; e < members; e++) {
    const r = members === 1 ? rng : rng.split(e);
    const x0 = initialState(system, r, transient);
    const t = bpttTrajectory(system, x0, steps, system.noise ? r : null, {
      observable,
      kind: 'average',
      clipStep: o.clipStep,
      truncate: o.truncate,
      segmentSteps: o.segmentSteps,
      paramBlocks: o.paramBlocks,
      firstIndex: transient,
    });
    const g = gather(t.gradient, sel);
    const norm = clipGradient(g, o.clip);
    for (let i = 0; i < g.length; i++) gradient[i] += g[i] / members;
    value += t.value / members;
    cost.steps += transient + t.primalSteps;
    cost.adjointSolves += t.sweep.adjointSolves;
    const d = diagnosticsOf(system, t, steps, norm, o.clip);
    if (d.clipped) clippedMembers++;
    diag = diag === null ? d : mergeMember(diag, d);
  }
  const diagnostics = members === 1 ? { ...diag! } : { ...diag!, gradientNorm: norm2(gradient), clippedMembers, memberSteps: steps };
  return { value, gradient, cost, diagnostics };
}

/** Member diagnostics of an ensemble: the worst adjoint, the summed clip counts. */
function mergeMember(a: TrajectoryDiagnostics, b: TrajectoryDiagnostics): TrajectoryDiagnostics {
  return {
    ...a,
    clipped: a.clipped || b.clipped,
    adjointNormMax: Math.max(a.adjointNormMax, b.adjointNormMax),
    adjointNormFinal: Math.max(a.adjointNormFinal, b.adjointNormFinal),
    clippedSteps: a.clippedSteps + b.clippedSteps,
    peakMemoryBytes: Math.max(a.peakMemoryBytes, b.peakMemoryBytes),
  };
}

/** One sample of the finite-horizon objective: x₀ from the initial distribution, BPTT of Φ(x_L). */
export function bpttHorizonTask(arg: RepeatArg<BpttOptions>): RepeatOutcome {
  const { system, rng } = repeatContext(arg);
  if (arg.objective.kind !== 'horizon') throw new Error('bpttHorizonTask needs a horizon objective');
  const o = arg.options;
  const L = arg.objective.horizon;
  const observable = resolveObjective(system, arg.objective);
  const sel = selectParams(system, arg.params);
  const x0 = new Float64Array(system.dim);
  system.sampleInitial(rng, x0);
  const t = bpttTrajectory(system, x0, L, system.noise ? rng : null, {
    observable,
    kind: 'horizon',
    clipStep: o.clipStep,
    truncate: o.truncate,
    segmentSteps: o.segmentSteps,
    paramBlocks: o.paramBlocks,
  });
  const gradient = gather(t.gradient, sel);
  const norm = clipGradient(gradient, o.clip);
  return {
    value: t.value,
    gradient,
    cost: { steps: t.primalSteps, tangentSolves: 0, adjointSolves: t.sweep.adjointSolves },
    diagnostics: { ...diagnosticsOf(system, t, L, norm, o.clip) },
  };
}

import { maxOf } from '../stats/index.js';
import { median } from '../stats/index.js';
import { DEFAULT_REPEATS, checkBpttOptions, type BpttOptions } from './bptt/options.js';
import { BPTT_TASKS, type TrajectoryDiagnostics } from './bptt/tasks.js';
import { CostMeter } from './cost.js';
import { resolveObjective } from './objective.js';
import { gather, selectParams } from './params.js';
import { combineRepeats, runRepeats, type RepeatOutcome } from './repeats.js';
import { makeResult } from './result.js';
import type { GradientEstimator, GradientRequest, GradientResult } from './types.js';
import { bpttHorizonWarning } from './plan/horizon.js';
import { checkMethodOptions, checkRequest, type OptionKeys } from './methodOptions.js';

export type { BpttOptions } from './bptt/options.js';
export { bpttTrajectory, defaultSegmentSteps, type TrajectoryGradient, type TrajectorySpec } from './bptt/trajectory.js';
export { adjointSweep, type SweepSpec, type SweepStats } from './bptt/sweep.js';

/** Over repetitions: the per-trajectory gradient norms and the adjoint's size, growth and memory. */
function summarise(outcomes: RepeatOutcome[], o: BpttOptions, sys: GradientRequest['system'], horizonSteps: number): Record<string, unknown> {
  const perUnitTime = sys.dt !== null;
  const d = outcomes.map((x) => x.diagnostics as unknown as TrajectoryDiagnostics);
  const norms = d.map((x) => x.gradientNorm);
  const rates = d.map((x) => x.adjointGrowthRate).filter((r): r is number => r !== null);
  const rate = rates.length > 0 ? median(rates) : null;
  // truncation and per-step clipping bound the adjoint by construction: nothing to warn about
  const warning = o.truncate === undefined && o.clipStep === undefined ? bpttHorizonWarning(rate, horizonSteps, sys.dt) : null;
  return {
    trajectories: d.length,
    trajectoryGradientNorms: norms,
    gradientNormMedian: median(norms),
    adjointNormMax: maxOf(d.map((x) => x.adjointNormMax)),
    adjointNormFinal: median(d.map((x) => x.adjointNormFinal)),
    adjointGrowthRate: rates.length > 0 ? median(rates) : null,
    growthRateUnit: perUnitTime ? 'per unit time' : 'per step',
    peakMemoryBytes: maxOf(d.map((x) => x.peakMemoryBytes)),
    segments: d[0].segments,
    segmentSteps: d[0].segmentSteps,
    ...(o.clip !== undefined ? { clip: o.clip, clippedTrajectories: d.filter((x) => x.clipped).length } : {}),
    ...(o.clipStep !== undefined ? { clipStep: o.clipStep, clippedSteps: d.reduce((s, x) => s + x.clippedSteps, 0) } : {}),
    ...(o.truncate !== undefined ? { truncate: o.truncate, truncation: 'chunked: detach every K steps (k1 = k2 = K)' } : {}),
    ...(o.ensemble !== undefined ? { ensemble: o.ensemble, memberSteps: (outcomes[0].diagnostics as { memberSteps?: number }).memberSteps } : {}),
    ...(o.l2 !== undefined ? { l2: o.l2 } : {}),
    ...(warning !== null ? { warnings: [warning] } : {}),
  };
}

/**
 * Backpropagation through time: the exact derivative of the finite-T average (x₀ after the
 * transient and the noise held fixed) or of Φ(x_L) per sample, by the discrete adjoint, all
 * parameters in one backward pass, memory O(√T·n) by checkpointing. Standard errors from
 * independent trajectories (average) or across samples (horizon).
 */
const BPTT_KEYS = { repeats: true, clip: true, clipStep: true, truncate: true, l2: true, ensemble: true, segmentSteps: true, paramBlocks: true } satisfies OptionKeys<BpttOptions>;

export const bpttEstimator: GradientEstimator<BpttOptions> = {
  optionKeys: Object.keys(BPTT_KEYS),
  name: 'bptt',
  description: 'backpropagation through time (discrete adjoint, checkpointed), with clipping/truncation/L2/ensemble baselines',
  async estimate(req: GradientRequest, options: BpttOptions = {}): Promise<GradientResult> {
    checkMethodOptions(bpttEstimator, options);
    checkRequest(req);
    const meter = new CostMeter();
    const { system, objective } = req;
    resolveObjective(system, objective);
    const sel = selectParams(system, req.params);
    checkBpttOptions(options, objective);
    const average = objective.kind === 'average';
    const count = average ? (options.repeats ?? DEFAULT_REPEATS) : objective.samples;
    const outcomes = await runRepeats(BPTT_TASKS, average ? 'bpttAverageTask' : 'bpttHorizonTask', req, options, count);
    const c = combineRepeats(outcomes);
    meter.add(c.cost);
    let value = c.value;
    if (options.l2 !== undefined && options.l2 > 0) {
      // the penalised objective J + W|p|² (deterministic: no effect on the standard errors)
      const p = gather(system.p, sel);
      for (let i = 0; i < p.length; i++) {
        value += options.l2 * p[i] * p[i];
        c.gradient[i] += 2 * options.l2 * p[i];
      }
    }
    return makeResult('bptt', req, sel, {
      value,
      valueStderr: c.valueStderr,
      gradient: c.gradient,
      stderr: c.stderr,
      cost: meter,
      diagnostics: summarise(outcomes, options, system, average ? (options.ensemble !== undefined ? Math.floor(objective.steps / options.ensemble) : objective.steps) : objective.horizon),
    });
  },
};

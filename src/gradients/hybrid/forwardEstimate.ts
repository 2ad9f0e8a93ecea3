import { requirePositiveInteger, opt } from '../../errors/index.js';
import type { CostMeter } from '../cost.js';
import { predictiveBaselineLabel, scannedEstimate } from '../kernel/estimator.js';
import { transientOf } from '../objective.js';
import type { ParamSelection } from '../params.js';
import { runRepeats } from '../repeats.js';
import { makeResult } from '../result.js';
import type { GradientRequest, GradientResult } from '../types.js';
import type { ForwardHybridOptions } from './forward.js';
import type { HybridRunOptions } from './options.js';

const MODULE_FORWARD = new URL('./forward.js', import.meta.url).href;

/**
 * The ergodic path-kernel hybrid by its forward sweep (hybrid/forward.ts): R orbits of T steps each
 * (as the backward sweep's repeats), pooled per window, and the kernel's scan rule picks the window
 * (the first whose successor moves no entry by more than 2 stderr of the move).
 */
export async function estimateForward(req: GradientRequest, run: HybridRunOptions, repeatsOption: number | undefined, sel: ParamSelection, cost: CostMeter, common: Record<string, unknown>, warnings: string[]): Promise<GradientResult> {
  const obj = req.objective;
  if (obj.kind !== 'average') throw new Error('the forward hybrid needs an average objective');
  const repeats = requirePositiveInteger(opt('repeats'), repeatsOption ?? 1);
  const windows = run.windows ?? [run.window];
  const options: ForwardHybridOptions = { windows, baseline: true, orbits: repeats, transient: transientOf(req.system, obj), batches: 32, ...(run.predict ? { predict: run.predict } : {}), alpha: run.alpha };
  // every orbit runs T steps: the request's steps are split over the orbits, so ask for R·T
  const outs = await runRepeats(MODULE_FORWARD, 'hybridForwardOrbit', { ...req, objective: { ...obj, steps: obj.steps * repeats } }, options, repeats);
  for (const o of outs) cost.add(o.cost);
  const est = scannedEstimate(outs, windows, obj.steps, sel.labels);
  const notes = [...((common.warnings as string[] | undefined) ?? []), ...(est.scanNote !== null ? [est.scanNote] : [])];
  return makeResult('hybrid', req, sel, {
    warnings,
    value: est.value,
    valueStderr: est.valueStderr,
    gradient: est.gradient,
    stderr: est.stderr,
    cost,
    diagnostics: {
      form: 'ergodic',
      sweep: 'forward',
      ...common,
      window: est.window,
      ...est.diagnostics,
      ...(notes.length > 0 ? { warnings: notes } : {}),
      baseline: run.predict ? predictiveBaselineLabel(run.predict) : 'running mean',
      ...est.predictBeta,
      repeats,
      stderrFrom: 'batch means of per-step contributions',
      // the backward sweep's keys, kept for scripts that read them: the forward sweep stores no
      // orbit, so nothing is read back (the budget is still reported as given)
      orbitMemoryMiB: run.keepBytes / 2 ** 20,
      keptSteps: 0,
    },
  });
}

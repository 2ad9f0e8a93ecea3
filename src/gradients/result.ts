import type { CostMeter } from './cost.js';
import type { ParamSelection } from './params.js';
import type { GradientRequest, GradientResult } from './types.js';

/** Assembles the common result; estimators supply only what they computed. */
export function makeResult(
  method: string,
  req: GradientRequest,
  sel: ParamSelection,
  parts: {
    value: number;
    valueStderr: number | null;
    gradient: Float64Array;
    stderr: Float64Array | null;
    cost: CostMeter;
    diagnostics?: Record<string, unknown>;
  },
): GradientResult {
  return {
    method,
    system: req.system.name,
    objective: req.objective,
    params: sel.names,
    labels: sel.labels,
    value: parts.value,
    valueStderr: parts.valueStderr,
    gradient: parts.gradient,
    stderr: parts.stderr,
    cost: parts.cost.done(),
    diagnostics: parts.diagnostics ?? {},
  };
}

import type { CostMeter } from './cost.js';
import type { ParamSelection } from './params.js';
import { checkResult } from './trust.js';
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
    /** the estimator's own failure signatures (see trust.ts) */
    warnings?: readonly string[];
  },
): GradientResult {
  // the trust layer: non-finite numbers throw here; the method's warnings and the generic ones travel together
  const generic = checkResult(method, req.system, sel.labels, parts);
  const own = parts.diagnostics?.warnings;
  const warnings = [...(parts.warnings ?? []), ...(Array.isArray(own) ? (own as string[]) : []), ...generic];
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
    warnings,
  };
}

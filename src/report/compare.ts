import type { CompareResult } from '../experiments/compare.js';
import { lineChart, type Series } from './svg.js';

/** Error against compute time (log–log), one line per method; entry 0 of the gradient. */
export function compareFigure(r: CompareResult, entry = 0): string {
  const methods = [...new Set(r.entries.map((e) => e.method))];
  const series: Series[] = methods.map((m) => {
    const es = r.entries.filter((e) => e.method === m && e.ok && Number.isFinite(e.absError![entry]));
    return { label: m, x: es.map((e) => e.seconds!), y: es.map((e) => Math.max(e.absError![entry], 1e-12)), err: undefined, style: 'both' as const };
  });
  const refSe = r.reference.stderr?.[entry];
  return lineChart(series, {
    title: `${r.system}: error of d⟨${r.objective.observable}⟩/d${r.labels[entry] ?? r.params[0]} against compute`,
    xLabel: 'compute time (s)',
    yLabel: `|estimate − reference (${r.reference.method})|`,
    logX: true,
    logY: true,
    hLines: refSe ? [{ y: refSe, label: 'reference stderr' }] : [],
  });
}

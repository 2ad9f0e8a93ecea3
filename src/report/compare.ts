import type { CompareResult } from '../experiments/compare.js';
import { lineChart, type Series } from './svg.js';

/** One colour per method, the same in every comparison figure. */
const METHOD_COLORS: Record<string, string> = { bptt: '#d62728', fd: '#7f7f7f', nilsas: '#9467bd', kernel: '#1f77b4', hybrid: '#2ca02c' };
const SPARE = ['#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** Figures span at most this many decades: an exploding method is drawn at the top edge instead of flattening the rest. */
const DECADES = 7;

const short = (v: number) => Number(v.toPrecision(2)).toString();

/**
 * Error against compute (CPU seconds, log–log), one solid line per method, with its reported
 * standard error dashed in the same colour; entry `entry` of the gradient. A method whose errors
 * leave the range (BPTT's explode) is drawn at the top edge and says so in its label.
 */
export function compareFigure(r: CompareResult, entry = 0): string {
  const methods = [...new Set(r.entries.map((e) => e.method))];
  const usable = (m: string) => r.entries.filter((e) => e.method === m && e.ok && Number.isFinite(e.absError![entry]));
  const all: number[] = [];
  for (const m of methods) for (const e of usable(m)) {
    all.push(Math.max(e.absError![entry], 1e-300));
    const s = e.stderr?.[entry];
    if (s !== undefined && Number.isFinite(s) && s > 0) all.push(s);
  }
  // a window of DECADES around the median value: exploding (or exactly zero) outliers go to its edges
  all.sort((a, b) => a - b);
  const mid = all.length > 0 ? all[Math.floor(all.length / 2)] : 1;
  const floor = mid / 10 ** (DECADES - 4), cap = mid * 10 ** 4;
  const clamp = (v: number) => Math.min(cap, Math.max(floor, v));
  const series: Series[] = [];
  const xs: number[] = [];
  methods.forEach((m, k) => {
    const es = usable(m);
    const color = METHOD_COLORS[m] ?? SPARE[k % SPARE.length];
    const x = es.map((e) => e.cpuSeconds ?? e.seconds!);
    xs.push(...x);
    const err = es.map((e) => Math.max(e.absError![entry], 1e-300));
    const se = es.map((e) => e.stderr?.[entry] ?? NaN);
    const clipped = [...err, ...se].some((v) => v > cap);
    const below = err.some((v) => v < floor);
    const failed = r.entries.filter((e) => e.method === m && !e.ok).length;
    const note = [clipped ? `values > ${short(cap)} drawn at the top` : '', below ? `values < ${short(floor)} drawn at the bottom` : '', failed ? `${failed} run(s) failed` : ''].filter(Boolean).join('; ');
    series.push({ label: `${m}: |error|${note ? ` (${note})` : ''}`, x, y: err.map(clamp), style: 'both', color });
    if (se.some(Number.isFinite)) series.push({ label: `${m}: reported stderr`, x, y: se.map((v) => (Number.isFinite(v) ? clamp(v) : v)), color, dashed: true });
  });
  const refSe = r.reference.stderr?.[entry];
  const o = r.objective;
  const what = o.kind === 'average' ? `d⟨${o.observable}⟩` : `dE[${o.observable}(x_${o.horizon})]`;
  return lineChart(series, {
    title: `${r.system} (σ = ${r.noise}): error of ${what}/d${r.labels[entry] ?? r.params[0]} against compute`,
    xLabel: 'CPU seconds per estimate',
    yLabel: `|estimate − reference (${r.reference.method})|, stderr dashed`,
    logX: true,
    logY: true,
    width: 720,
    height: 480,
    hLines: refSe ? [{ y: clamp(refSe), label: `reference stderr ${short(refSe)}` }] : [],
    xTicks: logTicks(xs),
  });
}

/** Ticks at 1, 2, 5 × 10^k inside the data's range (a short range holds no whole decade). */
function logTicks(xs: number[]): { value: number; label: string }[] {
  const pos = xs.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return [];
  const lo = Math.min(...pos), hi = Math.max(...pos);
  const out: { value: number; label: string }[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** k;
      if (v >= lo / 1.05 && v <= hi * 1.05) out.push({ value: v, label: short(v) });
    }
  }
  return out;
}

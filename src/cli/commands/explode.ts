import { UsageError } from '../../errors/index.js';
import { explodeStudy, type ExplodeResult } from '../../gradients/explode.js';
import { lineChart } from '../../report/svg.js';
import { list, num, str, writeTextFile, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import { fmt, table } from '../format.js';
import type { Progress } from '../progress.js';
import { seedFrom, systemFrom } from '../systemArgs.js';

/** Log-y plot of the median gradient norm against horizon, the fitted line and the λ₁ slope. */
export function explodeFigure(r: ExplodeResult): string {
  const unit = r.unit === 'per unit time' ? 'time T' : 'steps T';
  const [t0, t1] = r.fitRange;
  const mid = 0.5 * (t0 + t1);
  // the λ₁ line passes through the fitted line at the middle of the fit range
  const a1 = r.intercept + (r.growthRate - r.lambda1) * mid;
  const ts = [r.times[0], r.times[r.times.length - 1]];
  const q = (v: (number | null)[]) => v.map((x) => x ?? NaN);
  return lineChart(
    [
      { label: `median ‖∇ΣΦ‖ over ${r.repeats} orbits`, x: r.times, y: q(r.gradientNorms), style: 'both' },
      { label: 'lower quartile', x: r.times, y: q(r.lowerQuartile), dashed: true, color: '#9ecae1' },
      { label: 'upper quartile', x: r.times, y: q(r.upperQuartile), dashed: true, color: '#9ecae1' },
      { label: `fit: rate ${fmt(r.growthRate, 4)}`, x: [t0, t1], y: [Math.exp(r.intercept + r.growthRate * t0), Math.exp(r.intercept + r.growthRate * t1)], color: '#d62728' },
      { label: `λ₁ = ${fmt(r.lambda1, 4)} slope`, x: ts, y: ts.map((t) => Math.exp(a1 + r.lambda1 * t)), dashed: true, color: '#2ca02c' },
    ],
    {
      title: `BPTT gradient explosion: ${r.system}, ∂/∂(${r.params.join(', ')}) of Σ ${r.observable}`,
      xLabel: `horizon (${unit})`,
      yLabel: 'gradient norm',
      logY: true,
    },
  );
}

export const explodeCommand: Command = {
  name: 'explode',
  summary: 'BPTT gradient norm against horizon (median over orbits), fitted growth rate beside λ₁',
  usage: 'explode <system> [--horizons a,b,c | --max-horizon T --points P] [--repeats R] [--objective O] [--param P] [--transient N] [--lyapunov-steps N] [--plot FILE.svg]',
  options: {
    horizons: { type: 'string', value: 'a,b,c', unit: 'steps', description: 'horizons at which the gradient norm is measured' },
    'max-horizon': { type: 'string', kind: 'integer', min: 2, value: 'T', unit: 'steps', description: 'largest horizon (with --points, instead of --horizons)' },
    points: { type: 'string', kind: 'integer', min: 3, value: 'P', description: 'horizons spread up to --max-horizon' },
    repeats: { type: 'string', kind: 'integer', min: 1, value: 'R', description: 'orbits per horizon (the median norm is shown)' },
    objective: { type: 'string', value: 'NAME', default: 'mean', description: 'observable summed along the orbit' },
    param: { type: 'string', value: 'NAME[,NAME…]', default: 'every scalar parameter', description: 'parameters differentiated' },
    transient: { type: 'string', kind: 'integer', min: 0, value: 'N', unit: 'steps', default: "the system's transient", description: 'steps discarded before each orbit' },
    'lyapunov-steps': { type: 'string', kind: 'integer', min: 2, value: 'N', unit: 'steps', description: 'steps of the λ₁ estimate the growth is compared with' },
    plot: { type: 'string', value: 'FILE.svg', group: 'output', description: 'write an SVG figure (log-y norm against horizon)' },
  },
  system: true,
  maxPositionals: 1,
  async run(positionals: string[], values: OptionValues, progress: Progress) {
    const { system } = await systemFrom(positionals[0], values);
    const raw = list(values, 'horizons');
    if (raw !== undefined && (values['max-horizon'] !== undefined || values.points !== undefined)) {
      throw new UsageError('give either --horizons a,b,c or --max-horizon T [--points P], not both');
    }
    const horizons = raw?.map((h) => {
      const v = Number(h);
      if (!(Number.isInteger(v) && v >= 1)) throw new UsageError(`--horizons entries must be positive integers (steps), got '${h}'`);
      return v;
    });
    const plot = str(values, 'plot');
    if (plot !== undefined && !plot.endsWith('.svg')) throw new UsageError(`--plot must name an .svg file, got '${plot}'`);
    const r = await explodeStudy(system, {
      horizons,
      maxHorizon: num(values, 'max-horizon', undefined, { integer: true, min: 2 }),
      points: num(values, 'points', undefined, { integer: true, min: 3 }),
      repeats: num(values, 'repeats', undefined, { integer: true, min: 1 }),
      observable: str(values, 'objective'),
      params: list(values, 'param'),
      transient: num(values, 'transient', undefined, { integer: true, min: 0 }),
      lyapunovSteps: num(values, 'lyapunov-steps', undefined, { integer: true, min: 2 }),
      seed: seedFrom(values),
      onProgress: (d, t) => progress.update('explode', d, t),
    });
    progress.done();
    if (plot !== undefined) writeTextFile('plot', plot, explodeFigure(r));
    const rows = r.horizons.map((h, i) => [String(h), fmt(r.times[i], 4), r.gradientNorms[i] === null ? 'overflow' : fmt(r.gradientNorms[i]!, 3)]);
    const text = `${r.system}: ‖∇ Σ ${r.observable}‖ w.r.t. ${r.params.join(', ')} (median over ${r.repeats} orbits)\n` +
      table(['steps', r.unit === 'per unit time' ? 'time' : 'T', 'median norm'], rows) +
      `\ngrowth rate ${fmt(r.growthRate, 4)} ${r.unit} (fit over ${fmt(r.fitRange[0], 4)}..${fmt(r.fitRange[1], 4)}, ${r.fitPoints} points)` +
      `\nλ₁ = ${fmt(r.lambda1, 4)} ± ${fmt(r.lambda1Stderr, 2)}; ratio ${fmt(r.ratio, 4)}` + (plot ? `\nplot: ${plot}` : '');
    return { json: { ...r, plot: plot ?? null }, text };
  },
};

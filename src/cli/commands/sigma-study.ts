import { UsageError } from '../../errors/index.js';
import { sigmaStudy, type SigmaStudy } from '../../gradients/index.js';
import { lineChart, type Series } from '../../report/svg.js';
import { flag, list, num, parseNumber, str, writeTextFile, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import { fmt, pm, table } from '../format.js';
import type { Progress } from '../progress.js';
import { seedFrom, systemFrom } from '../systemArgs.js';
import { kernelMethod } from '../methods/kernel.js';
import { OBJECTIVE_OPTIONS, objectiveFrom, paramsFrom } from './grad.js';

/** The σ-study as a figure: estimates with error bars, the fit, and the extrapolated σ → 0 value. */
export function sigmaStudyChart(s: SigmaStudy, title?: string): string {
  const series: Series[] = [];
  const sMax = Math.max(...s.points.map((p) => p.sigma));
  const shown = s.extrapolation.slice(0, 4);
  shown.forEach((e, j) => {
    series.push({ label: `${e.label}: kernel estimate ± stderr`, x: s.points.map((p) => p.sigma), y: s.points.map((p) => p.gradient[j]), err: s.points.map((p) => p.stderr[j]), style: 'points' });
    const xs = Array.from({ length: 41 }, (_, i) => (sMax * i) / 40);
    series.push({ label: `${e.label}: degree-${e.degree} fit`, x: xs, y: xs.map((x) => e.coefficients.reduce((a, c, p) => a + c * x ** p, 0)), dashed: true });
    series.push({ label: `${e.label}: σ → 0: ${fmt(e.value, 4)} ± ${fmt(e.stderr, 2)}`, x: [0], y: [e.value], err: [e.stderr], style: 'points' });
  });
  const o = s.objective;
  const what = o.kind === 'average' ? `⟨${o.observable}⟩` : `E[${o.observable}(x_${o.horizon})]`;
  return lineChart(series, {
    title: title ?? `σ-study: d${what}/dp on ${s.system} (${s.kernel} noise, ${s.directions})`,
    xLabel: 'noise σ',
    yLabel: `d${what}/dp`,
  });
}

export const sigmaStudyCommand: Command = {
  name: 'sigma-study',
  summary: 'kernel derivative at several noise levels σ, extrapolated to σ → 0 (JSON + SVG plot)',
  usage: 'sigma-study <system> --sigmas a,b,c [--param NAME,…] [--objective NAME] [--steps T | --horizon L --samples N] [--window W] [--repeats R] [--no-baseline] [--degree 1|2] [--plot FILE.svg]',
  options: {
    sigmas: { type: 'string', value: 'a,b,c', description: 'noise levels of the study, each > 0 (required)' },
    ...OBJECTIVE_OPTIONS,
    window: { ...kernelMethod.options.window },
    repeats: { ...kernelMethod.options.repeats },
    'no-baseline': { ...kernelMethod.options['no-baseline'] },
    degree: { type: 'string', kind: 'integer', min: 1, max: 2, default: 1, group: 'method', description: 'degree of the polynomial extrapolation in σ' },
    plot: { type: 'string', value: 'FILE.svg', group: 'output', description: 'write an SVG figure of the study' },
  },
  system: true,
  cluster: true,
  maxPositionals: 1,
  async run(positionals: string[], values: OptionValues, progress: Progress) {
    const raw = list(values, 'sigmas');
    if (raw === undefined) throw new UsageError('missing --sigmas a,b,c (the noise levels of the study, each > 0)');
    if (values.noise !== undefined) throw new UsageError('give the noise levels with --sigmas, not --noise');
    const sigmas = raw.map((v) => parseNumber('--sigmas', v, { above: 0 }));
    const degree = num(values, 'degree', 1, { integer: true, min: 1, max: 2 }) as 1 | 2;
    // the system is built at the first σ so that --kernel and --noise-dirs apply
    const { system } = await systemFrom(positionals[0], { ...values, noise: String(sigmas[0]) });
    const seed = seedFrom(values);
    const objective = objectiveFrom(values, system, system.dt !== null ? Math.round(1000 / system.dt) : 100000);
    const study = await sigmaStudy(system, {
      sigmas,
      objective,
      params: paramsFrom(values, system),
      seed,
      degree,
      kernel: {
        window: num(values, 'window', undefined, { integer: true, min: 1 }),
        repeats: num(values, 'repeats', undefined, { integer: true, min: 1 }),
        baseline: !flag(values, 'no-baseline'),
      },
      onProgress: (d, t) => progress.update('sigma-study', d, t),
    });
    progress.done();
    const plot = str(values, 'plot');
    if (plot !== undefined) writeTextFile('plot', plot, sigmaStudyChart(study));
    const rows = study.points.flatMap((p) => study.labels.map((l, j) => [fmt(p.sigma), l, pm(p.gradient[j], p.stderr[j])]));
    const ext = study.extrapolation.map((e) => [e.label, pm(e.value, e.stderr), `${fmt(e.chi2, 3)} / ${e.dof}`]);
    const text = `σ-study of ${study.system} (${study.kernel} noise, ${study.directions})\n` +
      table(['σ', 'parameter', 'derivative ± stderr'], rows) +
      `\n\nextrapolation to σ → 0 (weighted least squares, degree ${degree}):\n` +
      table(['parameter', 'σ → 0', 'χ² / dof'], ext) +
      (study.extrapolation.some((e) => e.dof > 0 && e.chi2 > 2 * e.dof)
        ? '\nwarning: the estimates scatter beyond their error bars around the fit (χ²/dof > 2): the derivative may not be smooth in σ; the error is inflated by √(χ²/dof)'
        : '') +
      (plot ? `\nplot: ${plot}` : '');
    const o = study.objective;
    return {
      json: {
        system: study.system,
        objective: o.observable,
        objectiveKind: o.kind,
        ...(o.kind === 'average' ? { steps: o.steps, transient: o.transient } : { horizon: o.horizon, samples: o.samples }),
        params: study.params,
        labels: study.labels,
        kernel: study.kernel,
        directions: study.directions,
        seed,
        degree,
        sigmas,
        points: study.points,
        extrapolation: study.extrapolation,
        plot: plot ?? null,
      },
      text,
    };
  },
};

import type { EstimatorsData, ExperimentData, ExplosionData, InverseLorenzData, TeacherRnnData } from '../experiments/index.js';
import { lineChart, type Series } from './svg.js';
import { seedStudyFigures } from './seedStudy.js';
import { dsrFigures } from './dsr.js';

export type { Figure } from './parts.js';
import type { Figure } from './parts.js';

/** relative errors outside [CLAMP_LOW, CLAMP_HIGH] are drawn at the edge */
const CLAMP_LOW = 1e-6;
const CLAMP_HIGH = 1e3;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const nan = (v: number | null | undefined): number => (v === null || v === undefined || !Number.isFinite(v) ? NaN : v);
const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

/**
 * Explosion: every system on one chart against λ₁·T (time in Lyapunov times), so that all three
 * λ₁ lines have slope 1 per e-fold: a measured curve parallel to its dashed line grows at λ₁.
 */
export function explosionFigures(d: ExplosionData): Figure[] {
  const series: Series[] = [];
  d.cases.forEach((c, k) => {
    const r = c.result;
    const color = COLORS[k % COLORS.length];
    const x = r.times.map((t) => t * r.lambda1);
    series.push({ label: `${c.label}: median ‖∇ΣΦ‖ (rate ${r.growthRate.toFixed(3)})`, x, y: r.gradientNorms.map(nan), style: 'both', color });
    // e^{λ₁T} through the fitted line at the middle of the fit range (as the explode command draws it)
    const mid = 0.5 * (r.fitRange[0] + r.fitRange[1]);
    const a = r.intercept + (r.growthRate - r.lambda1) * mid;
    const ends = [r.times[0], r.times[r.times.length - 1]];
    series.push({ label: `${c.label}: e^(λ₁T), λ₁ = ${r.lambda1.toFixed(3)} ${r.unit}`, x: ends.map((t) => t * r.lambda1), y: ends.map((t) => Math.exp(a + r.lambda1 * t)), dashed: true, color });
  });
  return [
    {
      id: 'norms',
      title: 'BPTT gradient norm against horizon',
      caption: 'Median over orbits of the norm of the gradient of Σ_{n≤T} Φ(xₙ), against the horizon in Lyapunov times λ₁T (log scale). Dashed: the growth e^(λ₁T) predicted by the leading Lyapunov exponent.',
      svg: lineChart(series, { title: 'BPTT gradients grow like e^(λ₁T)', xLabel: 'horizon λ₁·T (Lyapunov times)', yLabel: 'median gradient norm', logY: true, height: 440 }),
    },
  ];
}

/**
 * Estimators: relative error of every method on every system, at the largest budget, with the
 * combined standard error as a bar. A failed method (BPTT overflow) has no point.
 */
export function estimatorsFigures(d: EstimatorsData): Figure[] {
  const budget = Math.max(...d.budgets);
  const methods = [...new Set(d.rows.flatMap((r) => r.methods))];
  const series: Series[] = methods.map((m, k) => {
    const x: number[] = [], y: number[] = [], err: number[] = [];
    d.rows.forEach((row, i) => {
      const e = row.comparison.entries.find((en) => en.method === m && en.budget === budget && en.ok);
      if (!e) return;
      const ref = Math.abs(row.comparison.reference.gradient[0]) || 1;
      const se = Math.hypot(e.stderr?.[0] ?? 0, row.comparison.reference.stderr?.[0] ?? 0);
      // side by side within a system's column
      x.push(i + 1 + (k - (methods.length - 1) / 2) * 0.1);
      // an exploded BPTT estimate (error 10^70) would squash every other point: clamp at the top
      y.push(Math.min(Math.max(e.absError![0] / ref, CLAMP_LOW), CLAMP_HIGH));
      err.push(Math.min(se / ref, CLAMP_HIGH));
    });
    return { label: m, x, y, err, style: 'points', color: COLORS[k % COLORS.length] };
  });
  return [
    {
      id: 'errors',
      title: 'Relative error of each method at equal compute',
      caption: `|estimate − reference| / |reference| at ${budget} s per estimate (log scale, clamped to [10⁻⁶, 10³]: points on the top line are exploded estimates); bars: the combined standard error of estimate and reference, relative. A point well above its bar is a bias, not noise. Missing points are failures (see the table).`,
      svg: lineChart(series, {
        title: `Relative error at ${budget} s per estimate`,
        yLabel: '|error| / |reference|',
        logY: true,
        width: 760,
        height: 440,
        xTicks: d.rows.map((r, i) => ({ value: i + 1, label: r.short })),
        hLines: [{ y: 1, label: '100 % error' }, { y: CLAMP_HIGH, label: '≥ 10³ (clamped)', color: '#999' }],
        legend: 'bottom-right',
      }),
    },
  ];
}

/** Inverse Lorenz: ρ and ⟨z⟩ against iteration (the diverged run leaves the axes), and the gradient size. */
export function inverseLorenzFigures(d: InverseLorenzData): Figure[] {
  const inRange = (v: number, lo: number, hi: number) => (v >= lo && v <= hi ? v : NaN);
  const rhoSeries: Series[] = d.runs.map((r, k) => ({ label: r.label, x: range(r.rho.length), y: r.rho.map((v) => inRange(v, 26, 40)), style: 'both', color: COLORS[k % COLORS.length] }));
  const zSeries: Series[] = d.runs.map((r, k) => ({ label: r.label, x: range(r.z.length), y: r.z.map((v) => inRange(v, 18, 32)), err: r.zStderr, style: 'both', color: COLORS[k % COLORS.length] }));
  const gSeries: Series[] = d.runs.map((r, k) => ({ label: r.label, x: range(r.gradient.length), y: r.gradient.map((v) => Math.abs(v)), style: 'both', color: COLORS[k % COLORS.length] }));
  const t = d.settings.target;
  return [
    {
      id: 'rho',
      title: 'ρ against iteration',
      caption: 'The parameter at each iteration (SGD with inverse-time decay from ρ = 28). Points outside 26–40 are not drawn (plain BPTT jumps to ~10^15 after its first step).',
      svg: lineChart(rhoSeries, { title: 'ρ_t', xLabel: 'iteration', yLabel: 'ρ', yRange: [26, 40], legend: 'top-right' }),
    },
    {
      id: 'z',
      title: '⟨z⟩ against iteration',
      caption: `⟨z⟩ at ρ_t from the loop's evaluation run (bars: its standard error), with the target ${t} ± ${d.settings.tolerance}. The noisy runs (kernel, hybrid) measure ⟨z⟩ of the noisy system they train.`,
      svg: lineChart(zSeries, {
        title: '⟨z⟩ at ρ_t',
        xLabel: 'iteration',
        yLabel: '⟨z⟩',
        yRange: [18, 32],
        legend: 'bottom-right',
        hLines: [{ y: t, label: `target ${t}` }, { y: t + d.settings.tolerance, label: '', color: '#bbb' }, { y: t - d.settings.tolerance, label: '', color: '#bbb' }],
      }),
    },
    {
      id: 'gradient',
      title: 'Size of the loss gradient',
      caption: '|∂L/∂ρ| as each estimator returned it (log scale). Plain BPTT over a long orbit returns ~10^15 or more; clipping caps it at 1 but keeps a random sign; the others shrink as ⟨z⟩ approaches the target.',
      svg: lineChart(gSeries, { title: '|∂L/∂ρ| per iteration', xLabel: 'iteration', yLabel: '|∂L/∂ρ|', logY: true, legend: 'top-right' }),
    },
  ];
}

/** Teacher–student: loss against iteration and against compute, and the learned statistics. */
export function teacherRnnFigures(d: TeacherRnnData): Figure[] {
  const byIteration: Series[] = d.runs.map((r, k) => ({ label: r.label, x: range(r.loss.length), y: r.loss, color: COLORS[k % COLORS.length] }));
  const byCompute: Series[] = d.runs.map((r, k) => ({ label: r.label, x: r.cpuSeconds, y: r.loss, color: COLORS[k % COLORS.length] }));
  const floor = { y: d.student.initialLoss, label: 'initial loss', color: '#999' };
  const losses = d.runs.flatMap((r) => r.loss.filter((v) => Number.isFinite(v) && v > 0));
  const top = 1.1 * Math.max(d.student.initialLoss, ...losses);
  // a log axis once the losses span decades (a long run), a linear one from 0 otherwise
  const log = top / Math.min(top, ...losses) > 30;
  const axes = { yLabel: 'loss', ...(log ? { logY: true } : { yRange: [0, top] as [number, number] }), legend: 'bottom-left' as const, hLines: [floor] };
  const figures: Figure[] = [
    {
      id: 'loss-iteration',
      title: 'Loss against iteration',
      caption: `L = Σᵢ (⟨xᵢ⟩ − mᵢ)² + (⟨xᵢ²⟩ − sᵢ)² over ${d.settings.n} units, measured at each iteration by the loop's evaluation run (${d.settings.evaluationSteps} steps).`,
      svg: lineChart(byIteration, { title: 'teacher–student loss', xLabel: 'iteration', ...axes }),
    },
    {
      id: 'loss-compute',
      title: 'Loss against compute',
      caption: `The same curves against cumulative CPU seconds of each run (steps per gradient chosen for ≈ ${d.settings.budget} CPU s each, plus the loss evaluations every method shares).`,
      svg: lineChart(byCompute, { title: 'loss against compute', xLabel: 'CPU seconds', ...axes }),
    },
  ];
  const done = d.runs.filter((r) => r.final !== null);
  if (done.length > 0) {
    const best = done.reduce((a, b) => (b.final!.loss < a.final!.loss ? b : a));
    const targets = d.teacher.means.flatMap((m, i) => [m, d.teacher.meanSquares[i]]);
    const diag = [Math.min(...targets, -1), Math.max(...targets, 1)];
    figures.push({
      id: 'statistics',
      title: 'Learned statistics',
      caption: `Each unit's ⟨xᵢ⟩ and ⟨xᵢ²⟩ of the student against the teacher's, before training and after training with ${best.label} (the lowest final loss); on the diagonal the statistics match.`,
      svg: lineChart(
        [
          { label: 'initial student', x: targets, y: d.student.initialStatistics, style: 'points', color: '#bbb' },
          { label: `after ${best.label}`, x: targets, y: best.final!.statistics, style: 'points', color: '#d62728' },
          { label: 'match', x: diag, y: diag, dashed: true, color: '#555' },
        ],
        { title: 'student against teacher statistics', xLabel: 'teacher ⟨xᵢ⟩ and ⟨xᵢ²⟩', yLabel: 'student', width: 480, height: 440 },
      ),
    });
  }
  return figures;
}

/** The figures of any experiment's data. */
export function figuresFor(d: ExperimentData): Figure[] {
  switch (d.experiment) {
    case 'explosion':
      return explosionFigures(d);
    case 'estimators':
      return estimatorsFigures(d);
    case 'inverse-lorenz':
      return inverseLorenzFigures(d);
    case 'teacher-rnn':
      return teacherRnnFigures(d);
    case 'slow-teacher':
    case 'tradeoff':
      return seedStudyFigures(d);
    case 'dsr-lorenz':
      return dsrFigures(d);
  }
}

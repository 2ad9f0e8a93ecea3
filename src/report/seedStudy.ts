import type { Interval, MethodSummary, SlowTeacherData, StudyRun, TradeoffData } from '../experiments/index.js';
import { num, pm, table, type Figure, type Section } from './parts.js';
import { lineChart, type Series } from './svg.js';

/**
 * Report pieces of the training studies over seeds (`slow-teacher`, `tradeoff`): the loss against
 * CPU per method, the final losses with their 95% intervals over seeds, and findings computed from
 * the data (which method has the lowest final loss, and whether the intervals separate).
 */
type StudyData = SlowTeacherData | TradeoffData;

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function ci(i: Interval, digits = 3): string {
  return Number.isFinite(i.lo) ? `${num(i.mean, digits)} [${num(i.lo, digits)}, ${num(i.hi, digits)}]` : num(i.mean, digits);
}

/** Mean over seeds of a per-iteration series (iterations every finished seed has). */
function meanCurve(runs: StudyRun[], pick: (r: StudyRun) => number[]): number[] {
  const len = Math.min(...runs.map((r) => pick(r).length));
  return Array.from({ length: Number.isFinite(len) ? len : 0 }, (_, k) => runs.reduce((a, r) => a + pick(r)[k], 0) / runs.length);
}

export function seedStudyFigures(d: StudyData): Figure[] {
  const loss: Series[] = d.summaries.map((s, k) => {
    const runs = d.runs.filter((r) => r.label === s.label && r.error === null);
    return { label: s.label, x: meanCurve(runs, (r) => r.cpuSeconds), y: meanCurve(runs, (r) => r.loss), style: 'line', color: COLORS[k % COLORS.length] };
  });
  const finals: Series[] = d.summaries.map((s, k) => ({
    label: s.label,
    x: [k + 1],
    y: [s.finalLoss.mean],
    err: [Number.isFinite(s.finalLoss.hi) ? (s.finalLoss.hi - s.finalLoss.lo) / 2 : 0],
    style: 'points',
    color: COLORS[k % COLORS.length],
  }));
  const hLines = [{ y: d.reference.loss, label: `reference optimum ${num(d.reference.loss, 3)}` }];
  return [
    {
      id: 'loss-compute',
      title: 'Loss against compute',
      caption: 'The loop’s loss at each iteration (its evaluation run) against the run’s cumulative CPU seconds, both averaged over the training seeds.',
      svg: lineChart(loss, { title: 'loss against CPU seconds (mean over seeds)', xLabel: 'CPU seconds', yLabel: 'loss', logY: true, legend: 'top-right', hLines }),
    },
    {
      id: 'final',
      title: 'Final loss with 95% intervals over seeds',
      caption: 'Final loss at each run’s EMA weights from an independent long run; the point is the mean over seeds, the bar its 95% Student-t interval.',
      svg: lineChart(finals, { title: 'final loss per method', xLabel: 'method', yLabel: 'final loss', logY: true, xTicks: d.summaries.map((s, k) => ({ value: k + 1, label: String(k + 1) })), legend: 'top-right', hLines }),
    },
  ];
}

function summaryRows(d: StudyData): string[][] {
  return d.summaries.map((s, k) => {
    const m = d.methods[k];
    return [s.label, String(m.steps), ci(s.finalLoss, 4), ci(s.cpuSeconds, 3), num(s.signalToNoise, 3), `${s.finalLoss.n}${s.failed > 0 ? ` (${s.failed} failed)` : ''}`, m.note];
  });
}

function checkTable(d: StudyData): string {
  return table(['method (gradient at the start, its CPU budget)', 'cosine to the FD gradient (mean [95% CI over seeds])', '‖ĝ‖/‖g_FD‖', '‖ĝ‖/‖stderr‖'],
    d.gradientCheck.map((c) => [c.label, ci(c.cosine, 3), ci(c.normRatio, 3), num(c.signalToNoise, 3)]));
}

function checkFinding(d: StudyData): string {
  return `Gradient at the start against finite differences (cosine, mean over seeds): ${d.gradientCheck.map((c) => `${c.label} ${num(c.cosine.mean, 2)}`).join(', ')}.`;
}

/** Each unbiased method against the best baseline: below / above / overlapping 95% intervals. */
function verdicts(d: StudyData): string[] {
  const ok = (s: MethodSummary) => Number.isFinite(s.finalLoss.mean);
  const base = d.summaries.filter((s, k) => d.methods[k].baseline && ok(s));
  if (base.length === 0) return ['No baseline finished; no comparison.'];
  const best = base.reduce((a, b) => (b.finalLoss.mean < a.finalLoss.mean ? b : a));
  const winner = d.summaries.filter(ok).reduce((a, b) => (b.finalLoss.mean < a.finalLoss.mean ? b : a));
  const rel = (a: Interval, b: Interval) => (a.hi < b.lo ? 'BELOW it (intervals do not overlap)' : a.lo > b.hi ? 'ABOVE it (intervals do not overlap)' : 'intervals overlap');
  const failed = d.summaries.filter((s) => s.failed > 0);
  return [
    ...(failed.length > 0 ? [`RUNS FAILED (diverged or non-finite; left out of the intervals): ${failed.map((s) => `${s.label} ${s.failed} of ${s.failed + s.finalLoss.n}`).join(', ')}; errors in data.runs[].error.`] : []),
    `Lowest mean final loss: ${winner.label}, ${ci(winner.finalLoss, 4)} (mean [95% interval over ${winner.finalLoss.n} seeds]).`,
    ...d.summaries.filter((s, k) => !d.methods[k].baseline && ok(s)).map((s) =>
      `${s.label}: ${ci(s.finalLoss, 4)} against the best baseline, ${best.label}, ${ci(best.finalLoss, 4)} — ${rel(s.finalLoss, best.finalLoss)}; CPU per run ${num(s.cpuSeconds.mean, 3)} s against ${num(best.cpuSeconds.mean, 3)} s.`),
  ];
}

export function slowTeacherSection(d: SlowTeacherData): Section {
  const s = d.settings;
  return {
    intro: [
      `A network of ${s.n} fast tanh units x ↦ tanh(g·W·x + b + U·s) (g = ${s.g}) and ${s.m} slow leaky units s ↦ (1 − ε)s + ε·tanh(V·x + c) (ε = ${s.eps}: time scale ${Math.round(1 / s.eps)} steps), noise σ = ${s.noise} per step on every unit. Teacher: W, U, V from net seed ${s.netSeed}, biases b, c ~ N(0, ${s.biasScale}²); the student shares W, U, V and learns b and c (${s.n + s.m} parameters) from b = c = 0. Loss: Σ over all ${s.n + s.m} units of (⟨zᵢ⟩ − target)² + (⟨zᵢ²⟩ − target)², targets from a ${s.targetSteps}-step teacher run.`,
      `The statistics respond to b and c through the slow units, over ≈ 1/ε steps; truncated BPTT detaches every ${s.truncation} steps. Every method uses Adam (rate ${s.optimizer.lr}), EMA β = ${s.emaBeta}, ${s.iterations} iterations, and steps per gradient fixed so that one gradient costs ≈ ${s.budget} CPU s at the start; ${s.seeds.length} training seeds. Final loss: at the EMA weights, an independent ${s.finalSteps}-step run.`,
    ],
    finding: [
      `Teacher λ₁ = ${pm(d.teacher.chaos.lambda1, d.teacher.chaos.stderr, 3)}, student λ₁ = ${pm(d.student.chaos.lambda1, d.student.chaos.stderr, 3)} per step; correlation time (τ_abs) of a slow unit ${num(d.correlation.slow.tauAbs, 3)} steps, of a fast unit ${num(d.correlation.fast.tauAbs, 3)} steps, against the truncation window ${s.truncation}; initial loss ${pm(d.student.initialLoss, d.student.initialLossStderr, 3)}.`,
      `Reference optimum over b, c (finite-difference Gauss–Newton, ${d.reference.steps} steps per point, ${d.reference.path.length - 1} Gauss–Newton iteration(s), ${num(d.reference.cpuSeconds, 3)} CPU s): loss ${pm(d.reference.loss, d.reference.lossStderr, 3)}.`,
      checkFinding(d),
      ...verdicts(d),
    ],
    tables: [table(['method', 'steps/gradient', 'final loss (mean [95% CI])', 'CPU s per run', '‖ĝ‖/‖stderr‖', 'seeds', 'note'], summaryRows(d), 'wide'), checkTable(d)],
    settings: { size: d.size, seed: d.seed, ...s, methods: d.methods, reference: { theta: d.reference.theta, path: d.reference.path } },
  };
}

export function tradeoffSection(d: TradeoffData): Section {
  const s = d.settings, r = d.reference;
  const terms = s.terms.map((t) => `${t.weight ?? 1}·(⟨${t.observable}${(t.power ?? 1) === 2 ? '²' : ''}⟩ − ${t.target})²`).join(' + ');
  return {
    intro: [
      `Lorenz 63 with noise σ = ${s.noise} per step, trained over ρ and β from (${s.start.rho}, ${num(s.start.beta, 4)}) on L = ${terms}: targets no (ρ, β) meets at once, so the optimum depends on the derivatives’ values, not only their signs.`,
      `Reference optimum: Gauss–Newton on finite-difference Jacobians (common random numbers, ${r.steps} steps per point, ${r.path.length - 1} iteration(s), ${num(r.cpuSeconds, 3)} CPU s). Every method: Adam (rate ${String(s.optimizer.lr)}, inverse-time decay), EMA β = ${s.emaBeta}, ${s.iterations} iterations, ≈ ${s.budget} CPU s per gradient at the start, ${s.seeds.length} seeds; final loss at the EMA weights from an independent ${s.finalSteps}-step run.`,
    ],
    finding: [
      `λ₁ = ${pm(d.chaos.lambda1, d.chaos.stderr, 3)} per time unit; correlation time of z: τ_abs = ${num(d.correlation.tauAbs, 3)} steps (τ_int ${num(d.correlation.tau, 3)}), against truncation windows ${s.truncations.join(' and ')} steps.`,
      `Reference optimum ρ = ${pm(r.theta[0], r.thetaStderr[0], 4)}, β = ${pm(r.theta[1], r.thetaStderr[1], 4)}, loss ${pm(r.loss, r.lossStderr, 4)} (initial loss ${pm(d.initial.loss, d.initial.lossStderr, 4)}).`,
      checkFinding(d),
      ...verdicts(d),
    ],
    tables: [table(['method', 'steps/gradient', 'final loss (mean [95% CI])', 'CPU s per run', '‖ĝ‖/‖stderr‖', 'seeds', 'note'], summaryRows(d), 'wide'), checkTable(d),
      table(['method', 'final ρ (mean over seeds)', 'final β'], d.summaries.map((sm) => {
        const runs = d.runs.filter((x) => x.label === sm.label && x.final !== null);
        const mean = (i: number) => runs.reduce((a, x) => a + x.final!.params[i], 0) / runs.length;
        return [sm.label, num(mean(0), 4), num(mean(1), 4)];
      }).concat([['reference optimum', pm(r.theta[0], r.thetaStderr[0], 4), pm(r.theta[1], r.thetaStderr[1], 4)]]))],
    settings: { size: d.size, seed: d.seed, ...s, methods: d.methods, reference: { theta: r.theta, path: r.path, jacobian: r.jacobian } },
  };
}

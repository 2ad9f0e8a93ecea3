import type { EstimatorsData, ExperimentData, ExplosionData, InverseLorenzData, TeacherRnnData } from '../experiments/index.js';
import { figuresFor, type Figure } from './figures.js';
import { esc } from './svg.js';
import { num, pm, table, type Section } from './parts.js';
import { slowTeacherSection, tradeoffSection } from './seedStudy.js';

import { dsrSection } from './dsr.js';

export { num };

/**
 * The HTML report: one self-contained page (inline SVG, no scripts, no external resources) with,
 * for each experiment, what it does and why, the measured table, the figures, a finding computed
 * from the data, and the settings and seed that reproduce it.
 */

export interface ReportMeta {
  title: string;
  /** the command that reproduces the page */
  command: string;
  /** name → version (chaosgrad, node, platform, …) */
  versions: Record<string, string>;
  generated: string;
  /** wall-clock seconds of the whole run */
  seconds?: number;
}

function figure(f: Figure, experiment: string): string {
  return `<figure id="${esc(experiment)}-${esc(f.id)}">\n${f.svg}\n<figcaption><b>${esc(f.title)}.</b> ${esc(f.caption)}</figcaption>\n</figure>`;
}

function settings(values: Record<string, unknown>): string {
  const rows = Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  return table(['setting', 'value'], rows, 'settings');
}

function explosionSection(d: ExplosionData): Section {
  const rows = d.cases.map((c) => {
    const r = c.result;
    const last = r.gradientNorms[r.gradientNorms.length - 1];
    return [c.label, c.note, `${r.horizons[0]}–${r.horizons[r.horizons.length - 1]} steps`, num(last, 3), num(r.growthRate), pm(r.lambda1, r.lambda1Stderr), num(r.ratio, 3), r.unit];
  });
  return {
    intro: [
      'Backpropagation through time differentiates a T-step average by propagating the adjoint ν backwards, ν_n = J_nᵀν_{n+1} + ∇Φ(x_n). On a chaotic system the Jacobian products stretch at the rate of the leading Lyapunov exponent, so the BPTT gradient grows like e^(λ₁T): the longer the orbit, the larger and more random the gradient, while the derivative of the long-time average stays bounded.',
      'For each system the median gradient norm over independent orbits is measured at log-spaced horizons, its growth rate fitted over the longer half, and compared with λ₁ from a QR Lyapunov run.',
    ],
    finding: d.cases.map((c) => `${c.label}: gradient norm grows at ${num(c.result.growthRate)} ${c.result.unit} against λ₁ = ${pm(c.result.lambda1, c.result.lambda1Stderr)} (ratio ${num(c.result.ratio, 3)}); at the longest horizon the median norm is ${num(c.result.gradientNorms[c.result.gradientNorms.length - 1], 3)}.`),
    tables: [table(['system', 'setting', 'horizons', 'median norm at longest', 'growth rate', 'λ₁ ± stderr', 'rate / λ₁', 'unit'], rows)],
    settings: { size: d.size, seed: d.seed, ...Object.fromEntries(d.cases.map((c) => [c.label, { system: c.system, options: c.options, maxHorizon: c.maxHorizon, points: c.points, repeats: c.repeats, lyapunovSteps: c.lyapunovSteps }])) },
  };
}

function estimatorsSection(d: EstimatorsData): Section {
  const rows: string[][] = [];
  let useful = 0, total = 0;
  const biased: string[] = [];
  const exploded: string[] = [];
  const noisy: string[] = [];
  const limited: string[] = [];
  const failed: string[] = [];
  for (const row of d.rows) {
    const c = row.comparison;
    const ref = `${num(c.reference.gradient[0])}${c.reference.stderr ? ` ± ${num(c.reference.stderr[0], 2)}` : ''} (${row.reference.kind})`;
    for (const e of c.entries) {
      if (!e.ok) {
        rows.push([row.label, e.method, `failed: ${e.error ?? ''}`.slice(0, 90), ref, '–', '–', String(e.budget), '–', '–']);
        failed.push(`${e.method} on ${row.label}`);
        continue;
      }
      total++;
      if (e.limitedBy) limited.push(`${e.method} on ${row.label} (${e.size} steps)`);
      const ref0 = Math.abs(c.reference.gradient[0]);
      // an overflowing spread is Infinity in memory and null once through JSON: both mean "no error bar"
      const rawSe = e.stderr?.[0];
      const se = rawSe === null || rawSe === undefined || !Number.isFinite(rawSe) ? Infinity : rawSe;
      const z = e.zScore?.[0] ?? Infinity;
      // no spread across orbits (linear map): the error is the O(1/T) finite-time bias alone
      const spreadless = (rawSe === 0 || se <= 1e-9 * ref0) && e.absError![0] <= 1e-3 * ref0;
      // consistent (within 3σ) AND informative (an error bar smaller than the value itself)
      if ((z <= 3 && se < ref0) || spreadless) useful++;
      else if (e.absError![0] > 1e3 * Math.max(ref0, 1e-12)) exploded.push(`${e.method} on ${row.label}`);
      else if (z > 3) biased.push(`${e.method} on ${row.label} (${Number.isFinite(z) ? `${num(z, 2)}σ` : 'no spread on either side'})`);
      else noisy.push(`${e.method} on ${row.label}`);
      // a method that could not use its budget (BPTT overflowing at larger sizes) shows its largest finished run
      const size = e.limitedBy ? `${e.size} (largest that did not overflow)` : String(e.size);
      rows.push([row.label, e.method, pm(e.gradient![0], e.stderr?.[0]), ref, num(e.absError![0], 2), num(e.zScore![0], 2), String(e.budget), num(e.cpuSeconds ?? e.seconds ?? null, 3), size]);
    }
  }
  return {
    intro: [
      'Every gradient method differentiates the same long-time average on each benchmark system at the same CPU-time budget per estimate (the number of steps grows until a run fills the budget; hybrid and NILSAS get their split sizes from one Lyapunov run before the clock starts), and is compared with a reference that does not come from the method: exact for the linear map (⟨x⟩ = c/(1 − a), so d⟨x⟩/dc = 1/(1 − a) = 2), the transfer-operator value d⟨x⟩/dγ = −0.0032922 for the noisy tent map, the published d⟨z⟩/dρ ≈ 1.00 for deterministic Lorenz 63, and central finite differences with common random numbers (a longer budget) for the noisy systems.',
      'error/σ is |estimate − reference| divided by the combined standard error of both: values far above 3 are bias, not noise. BPTT and NILSAS on the deterministic linear map have zero spread across orbits, so their tiny O(1/T) finite-time bias shows as a huge error/σ.',
    ],
    finding: [
      `${useful} of ${total} estimates that ran are within 3 standard errors of their reference with a standard error smaller than the reference itself (or, with no spread at all, within 0.1 %).`,
      exploded.length > 0 ? `Exploded (error over 1000× the reference, with an error bar as large): ${exploded.join('; ')}.` : 'No estimate exploded.',
      biased.length > 0 ? `Off by more than 3σ (bias): ${biased.join('; ')}.` : 'No estimate is off by more than 3σ.',
      ...(noisy.length > 0 ? [`Consistent but uninformative (error bar larger than the reference): ${noisy.join('; ')}.`] : []),
      ...(limited.length > 0 ? [`Could not use the whole budget (the adjoint overflows on longer orbits; the largest run that finished is shown): ${limited.join('; ')}.`] : []),
      failed.length > 0 ? `Failed (not even the smallest run finished): ${failed.join('; ')}.` : 'No method failed outright.',
    ],
    tables: [table(['system', 'method', 'estimate ± stderr', 'reference', '|error|', 'error/σ', 'budget s', 'CPU s', 'steps'], rows, 'wide')],
    settings: {
      size: d.size,
      seed: d.seed,
      budgets: d.budgets,
      referenceBudget: d.referenceBudget,
      ...Object.fromEntries(d.rows.map((r) => [r.label, { system: r.system, options: r.options, param: r.param, observable: r.observable, methodOptions: r.comparison.setup?.filled ?? r.methodOptions, reference: r.reference.source }])),
    },
  };
}

function inverseLorenzSection(d: InverseLorenzData): Section {
  const s = d.settings;
  const rows = d.runs.map((r) => [
    r.label,
    String(r.noise),
    String(r.steps),
    r.status,
    r.final ? num(r.final.rho) : r.rhoAfterFailure !== null ? `→ ${num(r.rhoAfterFailure, 3)}` : '–',
    r.final ? pm(r.final.z, r.final.zStderr) : '–',
    r.final && r.final.zDeterministic !== null ? pm(r.final.zDeterministic, r.final.zDeterministicStderr) : '–',
    `${r.rho.length}/${s.iterations}`,
    num(r.cpuSeconds[r.cpuSeconds.length - 1] ?? null, 3),
    r.error ?? r.note,
  ]);
  const converged = d.runs.filter((r) => r.status === 'converged').map((r) => r.label);
  const notConverged = d.runs.filter((r) => r.status !== 'converged').map((r) => `${r.label} (${r.status}${r.final ? `: ρ = ${num(r.final.rho)}, ⟨z⟩ = ${num(r.final.z)}` : r.rhoAfterFailure !== null ? `: first gradient ${num(r.gradient[0], 2)}, ρ sent to ${num(r.rhoAfterFailure, 2)}` : ''})`);
  return {
    intro: [
      `Find ρ of Lorenz 63 with ⟨z⟩ = ${s.target}, starting from ρ = ${s.start}, by minimising L(ρ) = (⟨z⟩_ρ − ${s.target})² with the training loop: at each iteration a plain run measures ⟨z⟩, the estimator returns ∇L = 2(⟨z⟩ − ${s.target})·d⟨z⟩/dρ, SGD takes a step (rate ${s.optimizer.lr}/(1 + t/${s.optimizer.schedule.tau})), and the EMA of ρ (β = ${s.emaBeta}) is the answer. The answer is ρ ≈ 34.4 (d⟨z⟩/dρ ≈ 1).`,
      `Kernel and hybrid need noise: they train the noisy system (σ = ${d.runs.find((r) => r.noise > 0)?.noise ?? 0} per step, which raises ⟨z⟩ by a few tenths), and their target is ⟨z⟩ = ${s.target} of that system; the table also gives the deterministic ⟨z⟩ at the same ρ. A run counts as converged when an independent ${s.checkSteps}-step run at the final ρ gives ⟨z⟩ within ${s.tolerance} of the target.`,
      'With one parameter, any gradient with the right sign and a sane size finds the root: the question is whether an estimator gives one.',
    ],
    finding: [
      converged.length > 0 ? `Converged to ⟨z⟩ = ${s.target} ± ${s.tolerance}: ${converged.join(', ')}.` : 'No method converged.',
      notConverged.length > 0 ? `Not converged: ${notConverged.join('; ')}.` : 'Every method converged.',
    ],
    tables: [table(['method', 'noise σ', 'steps/gradient', 'status', 'final ρ (EMA)', '⟨z⟩ at final ρ', '⟨z⟩ deterministic', 'iterations', 'CPU s', 'note'], rows, 'wide')],
    settings: { size: d.size, seed: d.seed, ...s, methods: d.runs.map((r) => ({ label: r.label, method: r.method, options: r.options, noise: r.noise, steps: r.steps })) },
  };
}

/**
 * Mean over iterations of ‖ĝ‖/‖stderr(ĝ)‖: near 1 the estimate is mostly noise (with Adam, which
 * normalises every entry, a noise-dominated gradient is a random walk of the weights).
 */
function signalToNoise(norms: number[], stderrNorms: (number | null)[]): number | null {
  const ratios = norms.map((g, i) => (stderrNorms[i] ? g / stderrNorms[i]! : NaN)).filter(Number.isFinite);
  return ratios.length === 0 ? null : ratios.reduce((a, b) => a + b, 0) / ratios.length;
}

function teacherRnnSection(d: TeacherRnnData): Section {
  const s = d.settings;
  const rows = d.runs.map((r) => [
    r.label,
    String(r.steps),
    `${r.loss.length}/${s.iterations}`,
    num(r.cpuSeconds[r.cpuSeconds.length - 1] ?? null, 3),
    r.final ? pm(r.final.loss, r.final.lossStderr) : '–',
    r.final ? num(r.final.rmsMean, 3) : '–',
    r.final ? num(r.final.rmsMeanSquare, 3) : '–',
    r.final ? pm(r.final.chaos.lambda1, r.final.chaos.stderr, 3) : '–',
    num(signalToNoise(r.gradNorm, r.gradStderrNorm), 2),
    r.error ?? r.note,
  ]);
  return {
    ...teacherText(d),
    tables: [table(['method', 'steps/gradient', 'iterations', 'CPU s', 'final loss (EMA weights)', 'rms error ⟨xᵢ⟩', 'rms error ⟨xᵢ²⟩', 'λ₁ of trained student', '‖ĝ‖/‖stderr‖', 'note'], rows, 'wide')],
    settings: { size: d.size, seed: d.seed, ...s, methods: d.runs.map((r) => ({ label: r.label, method: r.method, options: r.options, steps: r.steps })) },
  };
}

type Run = TeacherRnnData['runs'][number];

/** Baselines of the teacher–student study: the BPTT variants (biased fixes, kept to be measured against). */
function isBaseline(r: Run): boolean {
  return r.method === 'bptt';
}

/** 'lower', 'higher' or 'not clearly different' at two standard errors on each side. */
function compareLoss(a: Run, b: Run): string {
  const fa = a.final!, fb = b.final!;
  if (fa.loss + 2 * fa.lossStderr < fb.loss - 2 * fb.lossStderr) return 'lower';
  if (fa.loss - 2 * fa.lossStderr > fb.loss + 2 * fb.lossStderr) return 'HIGHER';
  return 'not clearly different';
}

/** The findings and intro of the teacher–student study, numbers from the data only. */
function teacherText(d: TeacherRnnData): Pick<Section, 'intro' | 'finding'> {
  const s = d.settings;
  const done = d.runs.filter((r) => r.final !== null).sort((a, b) => a.final!.loss - b.final!.loss);
  const best = done.find(isBaseline);
  const cpu = (r: Run) => num(r.cpuSeconds[r.cpuSeconds.length - 1] ?? null, 3);
  const verdict = best
    ? done.filter((r) => !isBaseline(r)).map((r) =>
        `${r.label}: final loss ${pm(r.final!.loss, r.final!.lossStderr)} against the best baseline, ${best.label}, ${pm(best.final!.loss, best.final!.lossStderr)} (CPU ${cpu(r)} s against ${cpu(best)} s) — ${compareLoss(r, best)}.`)
    : ['No BPTT baseline finished; no comparison.'];
  const start = d.student.initialLoss + 2 * d.student.initialLossStderr;
  const worse = done.filter((r) => r.final!.loss - 2 * r.final!.lossStderr > start);
  const unfinished = d.runs.filter((r) => r.final === null);
  return {
    intro: [
      `A student rnn x ↦ tanh(g·W·x + b) with n = ${s.n} units (g = ${s.g} fixed; all ${s.n * s.n} entries of W and ${s.n} of b trained) learns the long-time statistics of a teacher rnn with other weights (net seed ${s.teacherNetSeed}) and biases bᵢ ~ N(0, ${s.teacherBiasScale}²) (with b = 0 the symmetry x → −x makes every mean zero). Loss: L = Σᵢ (⟨xᵢ⟩ − mᵢ)² + (⟨xᵢ²⟩ − sᵢ)², the teacher's statistics mᵢ, sᵢ from a ${s.targetSteps}-step run.`,
      `Both networks get noise σ = ${s.noise} per step (kernel and hybrid need it; every method trains the same noisy student). Every method uses Adam (rate ${s.optimizer.lr}) and the EMA of the weights (β = ${s.emaBeta}); each method's steps per gradient were chosen so that one gradient costs about ${s.budget} CPU s at the start (the table gives the CPU time each actually used). The final loss is measured at the EMA weights by an independent ${s.finalSteps}-step run.`,
    ],
    finding: [
      `Teacher λ₁ = ${pm(d.teacher.chaos.lambda1, d.teacher.chaos.stderr, 3)}, initial student λ₁ = ${pm(d.student.chaos.lambda1, d.student.chaos.stderr, 3)} per step (${d.teacher.chaos.chaotic && d.student.chaos.chaotic ? 'both chaotic' : 'NOT both chaotic'}); initial loss ${pm(d.student.initialLoss, d.student.initialLossStderr)}.`,
      done.length > 0 ? `Final loss, lowest first: ${done.map((r) => `${r.label} ${num(r.final!.loss, 3)}`).join(', ')}${isBaseline(done[0]) ? ` (the lowest is a baseline: no trained method beat it)` : ''}.` : 'No run finished.',
      ...verdict,
      worse.length > 0
        ? `ENDED WORSE THAN IT STARTED (final loss above the initial ${pm(d.student.initialLoss, d.student.initialLossStderr)} by more than two standard errors): ${worse.map((r) => `${r.label} ${pm(r.final!.loss, r.final!.lossStderr)}`).join('; ')}.`
        : 'Every finished run ended below or at its starting loss.',
      ...(unfinished.length > 0 ? [`Did not finish: ${unfinished.map((r) => r.label).join(', ')}.`] : []),
    ],
  };
}

function sectionOf(d: ExperimentData): Section {
  switch (d.experiment) {
    case 'explosion':
      return explosionSection(d);
    case 'estimators':
      return estimatorsSection(d);
    case 'inverse-lorenz':
      return inverseLorenzSection(d);
    case 'teacher-rnn':
      return teacherRnnSection(d);
    case 'slow-teacher':
      return slowTeacherSection(d);
    case 'tradeoff':
      return tradeoffSection(d);
    case 'dsr-lorenz':
      return dsrSection(d);
  }
}

/** The finding sentences of an experiment (what the CLI prints as text). */
export function findings(d: ExperimentData): string[] {
  return sectionOf(d).finding;
}

/** One experiment as an HTML <section>. */
export function experimentSection(d: ExperimentData, title: string, index: number): string {
  const s = sectionOf(d);
  return [
    `<section id="${esc(d.experiment)}">`,
    `<h2>${index}. ${esc(title)}</h2>`,
    ...s.intro.map((p) => `<p>${esc(p)}</p>`),
    `<h3>Result</h3>`,
    `<ul class="finding">${s.finding.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`,
    ...s.tables,
    ...figuresFor(d).map((f) => figure(f, d.experiment)),
    `<details><summary>Settings (size ${esc(d.size)}, seed ${d.seed}; ${num(d.seconds, 3)} s)</summary>${settings(s.settings)}</details>`,
    `</section>`,
  ].join('\n');
}

const STYLE = `
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.88em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } table.wide td:last-child { max-width: 28em; }
figure { margin: 1.5em 0; } figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; max-width: 60em; }
ul.finding li { margin: 0.2em 0; } code { background: #f4f4f4; padding: 0 0.2em; }
details { margin: 1em 0; } table.settings td:last-child { font-family: monospace; font-size: 0.9em; word-break: break-all; }
nav a { margin-right: 1em; }`;

/** The whole page: a header with versions and the reproducing command, then every section. */
export function renderReport(meta: ReportMeta, sections: { data: ExperimentData; title: string }[]): string {
  const versions = Object.entries(meta.versions).map(([k, v]) => `${k} ${v}`).join(' · ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(meta.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(meta.title)}</h1>`,
    `<p>Generated ${esc(meta.generated)}${meta.seconds !== undefined ? ` in ${num(meta.seconds, 3)} s` : ''} by <code>${esc(meta.command)}</code>. ${esc(versions)}.</p>`,
    // the times are measured by this run (wall clock on this machine), never typed in
    `<p>Measured time of each part: ${sections.map((s) => `${esc(s.data.experiment)} ${num(s.data.seconds, 3)} s`).join(' · ')}.</p>`,
    '<p>Every number below comes from the run that wrote this page. Every random draw derives from the seed, so the same command reproduces it bit for bit (times excepted) — except the estimators comparison, whose sizes are chosen by a time budget and so depend on the machine.</p>',
    `<nav>${sections.map((s, i) => `<a href="#${esc(s.data.experiment)}">${i + 1}. ${esc(s.data.experiment)}</a>`).join('')}</nav>`,
    ...sections.map((s, i) => experimentSection(s.data, s.title, i + 1)),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

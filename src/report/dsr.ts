import type { DsrLorenzData, Interval } from '../experiments/index.js';
import { num, table, type Section } from './parts.js';
import { lineChart, type Series } from './svg.js';

/** The dsr-lorenz section and figures: every metric per method as mean ± 95% interval over seeds. */

function ci(i: Interval | undefined, digits = 3): string {
  if (!i) return '–';
  return Number.isNaN(i.hi) ? num(i.mean, digits) : `${num(i.mean, digits)} ± ${num(i.hi - i.mean, 2)}`;
}

export function dsrSection(d: DsrLorenzData): Section {
  const s = d.settings, f = s.fineTune;
  const rows = d.summary.map((m) => [
    m.label,
    `${m.finished}/${s.seeds}${m.diverged > 0 ? ` (${m.diverged} diverged, left out of D_stsp)` : ''}`,
    ci(m.stats?.dstsp),
    ci(m.stats?.dh),
    ci(m.stats?.pe20),
    ci(m.stats?.lambda1),
    ci(m.stats?.cpuSeconds),
  ]);
  const paired = d.paired.map((p) => [`${p.method ?? 'fine-tuned'} − ${p.versus}`, ci(p.dstsp), ci(p.dh), ci(p.pe20Ratio)]);
  const snr = (label: string) => {
    const ft = d.seeds.map((x) => x.runs.find((r) => r.label === label)).filter((r) => r?.statisticsLoss);
    return ft.length > 0 ? ft.reduce((a, r) => a + r!.gradientSnr!, 0) / ft.length : NaN;
  };
  // the combined fine-tune is the first paired comparison's method
  const checked = d.seeds.map((x) => x.runs.find((r) => r.label === d.paired[0]?.method)?.statisticsSteps).filter((v) => v !== undefined);
  const kept = checked.length === 0 ? '' : ` Statistics steps kept by the check: ${checked.reduce((a, v) => a + v.kept, 0)} of ${checked.reduce((a, v) => a + v.proposed, 0)}.`;
  const a = d.acceptance, c = s.combined, head = d.paired[0], fair = d.paired[1];
  return {
    intro: [
      `Data: Lorenz 63 (dt = ${s.dt}), ${s.rows} observations standardised per coordinate plus N(0, ${s.observationNoise}²) observation noise; the first half trains, the second half tests. Model: clipped shallow PLRNN, ${s.latent} latent coordinates (identity read-out), ${s.hidden} hidden units, ${s.seeds} seeds (initialisation and training streams).`,
      `Sparse TF forces every τ = ln 2/λ₁ = ${d.data.interval} steps (data λ₁ = ${num(d.data.lambda1, 3)} per time unit); generalized TF pulls the observed coordinates with α annealed ${s.gtf.alpha} → ${s.gtf.alphaEnd}; both ${s.forcingIterations} Adam steps on batches of ${s.batch} segments, exact BPTT through each segment. The statistics fine-tune starts from the GTF model, adds process noise σ = ${f.sigma} on the latent coordinates (kernel gradients need it) and matches means, second moments, ${f.bins} smoothed histogram bins per coordinate and ${f.frequencies} resonator spectra per coordinate (ρ = ${f.decay}) to the training half: ${f.iterations} kernel gradients of ${f.steps} steps. The combined fine-tune (${head?.method ?? 'combined'}) also starts from the GTF model and runs the train loop's combined objective: ${c.iterations} GTF steps at α = ${s.gtf.alphaEnd}, every ${c.every}th plus ${c.trust === null ? `λ = ${c.weight} times a ${c.estimator} gradient` : `a step along a ${c.estimator} gradient, applied outside Adam and capped at ρ = ${c.trust} times the norm of that iteration's GTF update (forcing.statisticsTrust)${c.check ? (c.backtrack > 0 ? `, measured with its shortenings by 4, …, 4^${c.backtrack} on one seed and the candidate with the lowest statistics loss kept when below the loss without a step (forcing.statisticsCheck, statisticsBacktrack)` : ' and kept only where it lowers the statistics loss, measured with and without it on one seed (forcing.statisticsCheck)') : ''},`} (${c.steps} steps) of a statistics loss that adds ${c.jointBins}×${c.jointBins} smoothed joint histograms of each coordinate pair${c.spectra ? ' and the resonator spectra' : ''}. GTF continued runs ${s.continuedIterations} more forcing steps from the GTF model at α = ${s.gtf.alphaEnd}, the control at about the combined fine-tune's CPU (the CPU column gives what each used).`,
      `Metrics on the test half: D_stsp (KL of ${s.metrics.bins}³-bin histograms) and D_H (Hellinger distance of smoothed power spectra) from a ${s.metrics.orbitSteps}-step orbit of each model with the same process noise σ = ${f.sigma}; 20-step prediction error (mean squared, standardised units, after ${s.metrics.warmup} forced warm-up steps) and λ₁ of the deterministic model. Floor (training half against test half): D_stsp ${num(d.data.floor.dstsp, 3)}, D_H ${num(d.data.floor.dh, 3)}.`,
    ],
    finding: [
      `Lowest D_stsp: ${best(d, 'dstsp')}; lowest D_H: ${best(d, 'dh')}; lowest 20-step error: ${best(d, 'pe20')}.`,
      `${head?.method} minus GTF alone (paired over seeds, 95%): D_stsp ${ci(head?.dstsp)}, D_H ${ci(head?.dh)}, PE₂₀ ratio ${ci(head?.pe20Ratio)}; minus GTF continued: D_stsp ${ci(fair?.dstsp)}, D_H ${ci(fair?.dh)}, PE₂₀ ratio ${ci(fair?.pe20Ratio)}. Gradient ‖ĝ‖/‖stderr‖ ≈ ${num(snr(d.paired[2]?.method ?? ''), 2)} (statistics alone, kernel), ${num(snr(head?.method ?? ''), 2)} (combined${c.trust === null ? ', forcing part included' : `, its ${c.estimator} statistics estimate`}).${kept}`,
      `Acceptance (D_stsp and D_H lower than teacher forcing alone, PE₂₀ up ≤ 20%): ${a.held ? 'HELD' : 'NOT HELD'} (D_stsp lower: ${a.dstspLower}, D_H lower: ${a.dhLower}, PE₂₀ change ${num(100 * a.pe20Rise, 3)}%).`,
    ],
    tables: [
      table(['method', 'finished', 'D_stsp', 'D_H', 'PE₂₀', 'λ₁ (per time unit)', 'CPU s'], rows, 'wide'),
      table(['paired difference', 'ΔD_stsp', 'ΔD_H', 'PE₂₀ ratio'], paired),
    ],
    settings: { size: d.size, seed: d.seed, ...s },
  };
}

function best(d: DsrLorenzData, key: 'dstsp' | 'dh' | 'pe20'): string {
  const done = d.summary.filter((m) => m.stats !== null);
  if (done.length === 0) return '–';
  const b = done.reduce((x, y) => (y.stats![key].mean < x.stats![key].mean ? y : x));
  return `${b.label} (${ci(b.stats![key])})`;
}

export function dsrFigures(d: DsrLorenzData): { id: string; title: string; caption: string; svg: string }[] {
  const ticks = d.summary.map((m, i) => ({ value: i + 1, label: m.label }));
  const series = (key: 'dstsp' | 'dh' | 'pe20', label: string, color: string): Series => {
    const done = d.summary.map((m, i) => [i + 1, m.stats?.[key]] as const).filter((p) => p[1] !== undefined);
    return { label, x: done.map((p) => p[0]), y: done.map((p) => p[1]!.mean), err: done.map((p) => (Number.isNaN(p[1]!.hi) ? 0 : p[1]!.hi - p[1]!.mean)), style: 'points', color };
  };
  const chart = (key: 'dstsp' | 'dh' | 'pe20', label: string, floor: number | null) =>
    lineChart([series(key, label, '#1f77b4')], { title: label, yLabel: label, xTicks: ticks, width: 560, height: 360, ...(floor !== null && { hLines: [{ y: floor, label: 'data floor', color: '#999' }] }) });
  return [
    { id: 'dstsp', title: 'State-space divergence', caption: 'D_stsp of each method on the test half (mean and 95% interval over seeds); the line is the floor, the training half against the test half.', svg: chart('dstsp', 'D_stsp', d.data.floor.dstsp) },
    { id: 'dh', title: 'Power-spectrum distance', caption: 'D_H of each method (mean and 95% interval over seeds); the line is the training half against the test half.', svg: chart('dh', 'D_H', d.data.floor.dh) },
    { id: 'pe20', title: '20-step prediction error', caption: 'Mean squared error 20 steps ahead from test-data states, standardised units (mean and 95% interval over seeds).', svg: chart('pe20', 'PE₂₀', null) },
  ];
}

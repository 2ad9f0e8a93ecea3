import { parseTrainConfig, reconstructionStatistics, squaredErrorLoss, type LossTerm } from '../optim/index.js';
import { selectParams } from '../gradients/index.js';
import { buildSystem, plrnn, type DynamicalSystem } from '../systems/index.js';
import { cpuSeconds, trainRecording } from './common.js';
import { COMBINED_LABEL, type DsrMethodRun } from './dsrSettings.js';
import { DSR_PARAMS, dsrMetrics, fineTuneResonators, noisy, weighGroups, type SeedContext } from './dsrModel.js';

/**
 * The combined fine-tune of dsr-lorenz: from the GTF model, the train loop's combined objective
 * L_GTF + λ·L_S (config forcing.statisticsWeight = λ, statisticsEvery = k): every iteration one
 * GTF step at the final α (exact BPTT on 16 segments of the training half), every k-th iteration
 * plus λ times a kernel gradient of the statistics loss of the model's noisy orbit (σ on the latent
 * coordinates) — means, second moments, smoothed marginal and joint (pairwise 2-D) histograms,
 * optionally the resonator spectra — all with targets from the training half. One Adam, no EMA.
 * The forcing term holds the short-term prediction; the statistics term shapes the long-time
 * behaviour the forcing loss does not see.
 */

/** The combined fine-tune's statistics: terms (each group weighted by 1/mean(target²)) and the model's observables. */
export function combinedStatistics(c: SeedContext) {
  const f = c.settings.combined;
  const resonators = f.spectra ? fineTuneResonators(c.settings) : undefined;
  const stats = reconstructionStatistics(c.data.train, { bins: f.bins, momentWeight: 1, binWeight: 1, jointBins: f.jointBins, jointWeight: 1, resonators });
  return { observables: stats.observables, terms: weighGroups(stats.terms, ['bin', 'joint', 'spec']), resonators };
}

export async function combinedFineTune(start: DynamicalSystem, c: SeedContext, cpuBefore: number): Promise<DsrMethodRun> {
  const s = c.settings, f = s.combined, t0 = cpuSeconds();
  const stats = combinedStatistics(c);
  const model = plrnn({ dim: s.latent, hidden: s.hidden, clipped: true, netSeed: 100 + c.seed, observables: stats.observables, resonators: stats.resonators });
  const augmented = noisy(buildSystem(model, start.p, null), s.fineTune.sigma, s.latent);
  const config = parseTrainConfig(
    {
      params: DSR_PARAMS,
      forcing: { mode: 'generalized', alpha: s.gtf.alphaEnd, segment: s.gtf.segment, batch: s.batch, evaluationBatch: 1, clip: s.sparse.clip, statisticsWeight: f.weight, statisticsEvery: f.every, ...(f.trust !== null && { statisticsTrust: f.trust, ...(f.check && { statisticsCheck: true }), ...(f.check && f.backtrack > 0 && { statisticsBacktrack: f.backtrack }) }) },
      loss: stats.terms as LossTerm[],
      estimator: { method: f.estimator, steps: f.steps, transient: 1000 },
      optimizer: { name: 'adam', lr: s.gtf.lr },
      ema: 0,
      iterations: f.iterations,
      seed: c.seed + 3,
      evaluation: { steps: f.evaluationSteps, transient: 1000 },
    },
    { system: augmented },
  );
  const rec = await trainRecording(config, { system: augmented, data: c.data.train, loss: squaredErrorLoss(stats.terms) });
  const cpu = cpuBefore + cpuSeconds() - t0;
  if (rec.result === null) return { label: COMBINED_LABEL, metrics: null, cpuSeconds: cpu, error: rec.error };
  const p = Float64Array.from(start.p), sel = selectParams(start, DSR_PARAMS);
  sel.indices.forEach((q, i) => (p[q] = rec.result!.params[i]));
  const refreshed = rec.records.filter((r) => r.statisticsLoss !== undefined);
  // the statistics estimate's ‖ĝ‖/‖stderr‖ (logged apart from the forcing gradient when its step is capped)
  const ratio = (r: (typeof refreshed)[number]) => (r.statisticsStep ? [r.statisticsStep.gradNorm, r.statisticsStep.gradStderrNorm] : [r.gradNorm, r.gradStderrNorm]) as [number, number | null];
  const snr = refreshed.reduce((a, r) => { const [g, se] = ratio(r); return a + (se ? g / se : 0); }, 0) / Math.max(1, refreshed.length);
  const statisticsLoss = { first: refreshed[0]?.statisticsLoss ?? NaN, last: refreshed[refreshed.length - 1]?.statisticsLoss ?? NaN };
  const checked = refreshed.filter((r) => r.statisticsStep?.check !== undefined);
  const statisticsSteps = checked.length === 0 ? undefined : { kept: checked.filter((r) => r.statisticsStep!.check!.kept).length, proposed: checked.length };
  return { label: COMBINED_LABEL, metrics: dsrMetrics(start.withParams(p), c), cpuSeconds: cpu, error: null, gradientSnr: snr, statisticsLoss, ...(statisticsSteps && { statisticsSteps }) };
}

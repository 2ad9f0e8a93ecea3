import { fitForcing, parseTrainConfig, reconstructionStatistics, squaredErrorLoss, type ForcingFitOptions } from '../optim/index.js';
import { selectParams } from '../gradients/index.js';
import { buildSystem, plrnn, type DynamicalSystem } from '../systems/index.js';
import { cpuSeconds, trainRecording } from './common.js';
import { combinedFineTune } from './dsrCombined.js';
import { DSR_PARAMS, dsrMetrics, fineTuneResonators, initialModel, noisy, weighGroups, type SeedContext } from './dsrModel.js';
import { DSR_METHODS, STATISTICS_LABEL, type DsrMethodRun, type DsrSeedRun } from './dsrSettings.js';

export function timed(label: string, c: SeedContext, cpuBefore: number, f: () => DynamicalSystem): { run: DsrMethodRun; system: DynamicalSystem | null } {
  const t0 = cpuSeconds();
  try {
    const system = f();
    const cpu = cpuBefore + cpuSeconds() - t0;
    return { run: { label, metrics: dsrMetrics(system, c), cpuSeconds: cpu, error: null }, system };
  } catch (e) {
    return { run: { label, metrics: null, cpuSeconds: cpuBefore + cpuSeconds() - t0, error: (e as Error).message.split('\n')[0] }, system: null };
  }
}

/** The forcing runs of a seed: sparse TF, GTF, and GTF continued from the GTF model. */
export function forcingRuns(c: SeedContext): { sparse: ForcingFitOptions; gtf: ForcingFitOptions; continued: ForcingFitOptions } {
  const s = c.settings;
  const base = { batch: s.batch, iterations: s.forcingIterations, params: DSR_PARAMS };
  const sparse: ForcingFitOptions = { ...base, forcing: { mode: 'sparse', interval: c.tau, alpha: 0, segment: s.sparse.segmentIntervals * c.tau }, optimizer: { name: 'adam', lr: s.sparse.lr }, clip: s.sparse.clip, seed: c.seed };
  const gtf: ForcingFitOptions = { ...base, forcing: { mode: 'generalized', interval: 1, alpha: s.gtf.alpha, segment: s.gtf.segment }, alphaEnd: s.gtf.alphaEnd, optimizer: { name: 'adam', lr: s.gtf.lr }, clip: s.sparse.clip, seed: c.seed + 1 };
  const continued: ForcingFitOptions = { ...gtf, forcing: { ...gtf.forcing, alpha: s.gtf.alphaEnd }, alphaEnd: undefined, iterations: s.continuedIterations, seed: c.seed + 2 };
  return { sparse, gtf, continued };
}

/** One seed of dsr-lorenz: the methods from one initial PLRNN (a unit of work, saved for --resume). */
export async function reconstruct(c: SeedContext): Promise<DsrSeedRun> {
  const init = initialModel(c.settings, c.seed);
  const { sparse: sparseOpts, gtf: gtfOpts, continued: continuedOpts } = forcingRuns(c);
  const sparse = timed('sparse TF', c, 0, () => fitForcing(init, c.data.train, sparseOpts).system);
  const gtf = timed('generalized TF', c, 0, () => fitForcing(init, c.data.train, gtfOpts).system);
  const runs = [sparse.run, gtf.run];
  if (gtf.system === null) {
    runs.push(...DSR_METHODS.slice(2).map((label) => ({ label, metrics: null, cpuSeconds: 0, error: 'GTF failed' })));
    return { seed: c.seed, runs };
  }
  const start = gtf.system;
  const continued = timed('GTF continued', c, gtf.run.cpuSeconds, () => fitForcing(start, c.data.train, continuedOpts).system);
  runs.push(continued.run, await fineTune(start, c, gtf.run.cpuSeconds), await combinedFineTune(start, c, gtf.run.cpuSeconds));
  return { seed: c.seed, runs };
}

/**
 * GTF model → long-time statistics of its noisy orbit (σ on the latent coordinates) matched to the
 * training half's: means, second moments, smoothed marginal histograms and resonator spectra, the
 * spectral terms weighted by 1/mean(target²) so that each group counts alike; kernel gradients,
 * Adam, EMA weights. The resonators are extra, parameter-free coordinates, so the trained
 * parameter vector is the plain PLRNN's.
 */
async function fineTune(start: DynamicalSystem, c: SeedContext, cpuBefore: number): Promise<DsrMethodRun> {
  const s = c.settings, f = s.fineTune, t0 = cpuSeconds();
  const resonators = fineTuneResonators(s);
  const built = reconstructionStatistics(c.data.train, { bins: f.bins, momentWeight: 1, binWeight: 1, resonators });
  const stats = { observables: built.observables, terms: weighGroups(built.terms, ['spec']) };
  const model = plrnn({ dim: s.latent, hidden: s.hidden, clipped: true, netSeed: 100 + c.seed, observables: stats.observables, resonators });
  const augmented = noisy(buildSystem(model, start.p, null), f.sigma, s.latent);
  const config = parseTrainConfig(
    {
      params: DSR_PARAMS,
      loss: stats.terms,
      estimator: { method: 'kernel', steps: f.steps, transient: 1000 },
      optimizer: { name: 'adam', lr: f.lr },
      ema: { beta: f.ema },
      iterations: f.iterations,
      seed: c.seed,
      evaluation: { steps: f.evaluationSteps, transient: 1000 },
    },
    { system: augmented },
  );
  const rec = await trainRecording(config, { system: augmented, loss: squaredErrorLoss(stats.terms) });
  const cpu = cpuBefore + cpuSeconds() - t0;
  const label = STATISTICS_LABEL;
  if (rec.result === null) return { label, metrics: null, cpuSeconds: cpu, error: rec.error };
  const p = Float64Array.from(start.p), sel = selectParams(start, DSR_PARAMS);
  sel.indices.forEach((q, i) => (p[q] = rec.result!.emaParams[i]));
  const tuned = start.withParams(p);
  const snr = rec.records.reduce((a, r) => a + (r.gradStderrNorm ? r.gradNorm / r.gradStderrNorm : 0), 0) / rec.records.length;
  const first = rec.records[0], last = rec.result.finalEma;
  return { label, metrics: dsrMetrics(tuned, c), cpuSeconds: cpu, error: null, gradientSnr: snr, statisticsLoss: { first: first.loss, last: last.loss, floor: last.lossNoiseFloor } };
}

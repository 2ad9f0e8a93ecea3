import { fitForcing, parseTrainConfig, predictionError, reconstructionStatistics, squaredErrorLoss, type ForcingFitOptions } from '../optim/index.js';
import { selectParams } from '../gradients/index.js';
import { buildSystem, defaultParams, makeNoise, plrnn, type DynamicalSystem, type Resonators } from '../systems/index.js';
import { spectralDistance, stateSpaceDivergence } from '../stats/index.js';
import { chaosCheck, cpuSeconds, trainRecording } from './common.js';
import { observedOrbit, type LorenzSeries } from './dsrData.js';
import type { DsrMethodRun, DsrMetrics, DsrSeedRun, DsrSettings } from './dsrSettings.js';

/** One seed of dsr-lorenz: the four methods from one initial PLRNN (a unit of work, saved for --resume). */

export interface SeedContext {
  settings: DsrSettings;
  data: LorenzSeries;
  /** sparse forcing interval in steps */
  tau: number;
  seed: number;
}

const OBSERVED = 3;
const PARAMS = ['A', 'W1', 'W2', 'h1', 'h2'];

/** The initial PLRNN of a seed: clipped shallow PLRNN, A = initA, W₁ of the zoo's draw scaled down (a near-identity start). */
export function initialModel(s: DsrSettings, seed: number): DynamicalSystem {
  const model = plrnn({ dim: s.latent, hidden: s.hidden, clipped: true, netSeed: 100 + seed });
  const sys = buildSystem(model, defaultParams(model), null);
  const p = Float64Array.from(sys.p);
  for (const spec of sys.params) {
    if (spec.name === 'A') p.fill(s.initA, spec.offset, spec.offset + spec.size);
    if (spec.name === 'W1') for (let k = spec.offset; k < spec.offset + spec.size; k++) p[k] *= s.initW1Scale;
  }
  return sys.withParams(p);
}

function noisy(sys: DynamicalSystem, sigma: number, noisyDims: number): DynamicalSystem {
  const directions = Array.from({ length: sys.dim }, (_, r) => Array.from({ length: noisyDims }, (_, c) => (r === c ? 1 : 0)));
  return sys.withNoise(makeNoise(sys.dim, { sigma, directions: noisyDims === sys.dim ? 'isotropic' : directions }));
}

/** D_stsp, D_H (noisy model orbit against the test half), PE₂₀ and λ₁ (deterministic model). */
export function dsrMetrics(sys: DynamicalSystem, c: SeedContext): DsrMetrics {
  const m = c.settings.metrics, test = c.data.test;
  const orbit = observedOrbit(noisy(sys, c.settings.fineTune.sigma, sys.dim), OBSERVED, m.orbitSteps, 1000, c.seed, test.values.subarray(0, OBSERVED));
  const finite = orbit.every(Number.isFinite);
  const pe = predictionError(sys, test, { horizon: 20, warmup: m.warmup, stride: m.predictionStride });
  const chaos = chaosCheck(sys, m.lyapunovSteps, c.seed);
  return {
    dstsp: finite ? stateSpaceDivergence(test.values, orbit, OBSERVED, { bins: m.bins }) : Infinity,
    dh: finite ? spectralDistance(test.values, orbit, OBSERVED, { segment: m.spectrumSegment, smoothing: m.smoothing }).mean : 1,
    pe20: pe.mse[19],
    lambda1: chaos.lambda1 / c.settings.dt,
    lambda1Stderr: chaos.stderr / c.settings.dt,
  };
}

function timed(label: string, c: SeedContext, cpuBefore: number, f: () => DynamicalSystem): { run: DsrMethodRun; system: DynamicalSystem | null } {
  const t0 = cpuSeconds();
  try {
    const system = f();
    const cpu = cpuBefore + cpuSeconds() - t0;
    return { run: { label, metrics: dsrMetrics(system, c), cpuSeconds: cpu, error: null }, system };
  } catch (e) {
    return { run: { label, metrics: null, cpuSeconds: cpuBefore + cpuSeconds() - t0, error: (e as Error).message.split('\n')[0] }, system: null };
  }
}

export async function reconstruct(c: SeedContext): Promise<DsrSeedRun> {
  const s = c.settings, init = initialModel(s, c.seed);
  const base = { batch: s.batch, iterations: s.forcingIterations, params: PARAMS };
  const sparseOpts: ForcingFitOptions = { ...base, forcing: { mode: 'sparse', interval: c.tau, alpha: 0, segment: s.sparse.segmentIntervals * c.tau }, optimizer: { name: 'adam', lr: s.sparse.lr }, clip: s.sparse.clip, seed: c.seed };
  const gtfOpts: ForcingFitOptions = { ...base, forcing: { mode: 'generalized', interval: 1, alpha: s.gtf.alpha, segment: s.gtf.segment }, alphaEnd: s.gtf.alphaEnd, optimizer: { name: 'adam', lr: s.gtf.lr }, clip: s.sparse.clip, seed: c.seed + 1 };
  const sparse = timed('sparse TF', c, 0, () => fitForcing(init, c.data.train, sparseOpts).system);
  const gtf = timed('generalized TF', c, 0, () => fitForcing(init, c.data.train, gtfOpts).system);
  const runs = [sparse.run, gtf.run];
  if (gtf.system === null) {
    runs.push({ label: 'GTF continued', metrics: null, cpuSeconds: 0, error: 'GTF failed' }, { label: 'GTF + statistics (kernel)', metrics: null, cpuSeconds: 0, error: 'GTF failed' });
    return { seed: c.seed, runs };
  }
  const start = gtf.system;
  const continued = timed('GTF continued', c, gtf.run.cpuSeconds, () =>
    fitForcing(start, c.data.train, { ...gtfOpts, forcing: { ...gtfOpts.forcing, alpha: s.gtf.alphaEnd }, alphaEnd: undefined, iterations: s.continuedIterations, seed: c.seed + 2 }).system,
  );
  runs.push(continued.run, await fineTune(start, c, gtf.run.cpuSeconds));
  return { seed: c.seed, runs };
}

/** The resonators of the fine-tune's spectral statistics (frequencies 0, Δω, …). */
export function fineTuneResonators(s: DsrSettings): Resonators {
  const f = s.fineTune;
  return { observed: OBSERVED, frequencies: Array.from({ length: f.frequencies }, (_, j) => j * f.frequencyStep), decay: f.decay };
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
  const probe = reconstructionStatistics(c.data.train, { bins: f.bins, momentWeight: 1, binWeight: 1, resonators });
  const spectral = probe.terms.filter((t) => t.observable.startsWith('spec'));
  const spectrumWeight = spectral.length / spectral.reduce((a, t) => a + t.target ** 2, 0);
  const stats = reconstructionStatistics(c.data.train, { bins: f.bins, momentWeight: 1, binWeight: 1, resonators, spectrumWeight });
  const model = plrnn({ dim: s.latent, hidden: s.hidden, clipped: true, netSeed: 100 + c.seed, observables: stats.observables, resonators });
  const augmented = noisy(buildSystem(model, start.p, null), f.sigma, s.latent);
  const config = parseTrainConfig(
    {
      params: PARAMS,
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
  const label = 'GTF + statistics (kernel)';
  if (rec.result === null) return { label, metrics: null, cpuSeconds: cpu, error: rec.error };
  const p = Float64Array.from(start.p), sel = selectParams(start, PARAMS);
  sel.indices.forEach((q, i) => (p[q] = rec.result!.emaParams[i]));
  const tuned = start.withParams(p);
  const snr = rec.records.reduce((a, r) => a + (r.gradStderrNorm ? r.gradNorm / r.gradStderrNorm : 0), 0) / rec.records.length;
  const first = rec.records[0], last = rec.result.finalEma;
  return { label, metrics: dsrMetrics(tuned, c), cpuSeconds: cpu, error: null, gradientSnr: snr, statisticsLoss: { first: first.loss, last: last.loss, floor: last.lossNoiseFloor } };
}

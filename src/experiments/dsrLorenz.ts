import { lyapunovSpectrum } from '../lyapunov/index.js';
import { forcingInterval } from '../optim/index.js';
import { createSystem } from '../systems/index.js';
import { spectralDistance, stateSpaceDivergence } from '../stats/index.js';
import { bySize, ProgressCounter, seconds, unit, type ExperimentOptions } from './common.js';
import { interval, noisyLorenz, type Interval } from './dsrData.js';
import { reconstruct } from './dsrMethods.js';

/**
 * Experiment `dsr-lorenz`: dynamical-systems reconstruction of Lorenz 63 from a noisy observed
 * series with a shallow clipped PLRNN (identity read-out of the first 3 latent coordinates).
 * Baselines: sparse teacher forcing (interval τ = ln 2/λ₁ of the data) and generalized teacher
 * forcing (α annealed); chaosgrad's addition: the GTF model fine-tuned on long-time statistics of
 * its noisy orbit (moments, smoothed marginal histograms, resonator spectra) by kernel gradients;
 * the control: GTF continued for the same CPU. Judged on the test half by D_stsp, D_H, the 20-step
 * prediction error and λ₁, over several seeds (model initialisation and training streams).
 */

export interface DsrMetrics {
  dstsp: number;
  dh: number;
  /** mean squared error 20 steps ahead (standardised units), from every `stride`-th test row */
  pe20: number;
  /** λ₁ of the deterministic model, per time unit (λ per step / dt) */
  lambda1: number;
  lambda1Stderr: number;
}

export interface DsrMethodRun {
  label: string;
  metrics: DsrMetrics | null;
  /** CPU seconds of the method's training (a fine-tune includes the run it started from) */
  cpuSeconds: number;
  error: string | null;
  /** fine-tune: ‖ĝ‖/‖stderr‖ averaged over iterations, first and last loss */
  gradientSnr?: number;
  statisticsLoss?: { first: number; last: number; floor: number };
}

export interface DsrSeedRun {
  seed: number;
  runs: DsrMethodRun[];
}

export type DsrSummary = Record<keyof DsrMetrics | 'cpuSeconds', Interval>;

export interface DsrLorenzData {
  experiment: 'dsr-lorenz';
  size: string;
  seed: number;
  settings: ReturnType<typeof dsrSettings>;
  data: { lambda1: number; lambda1Stderr: number; interval: number; floor: { dstsp: number; dh: number } };
  seeds: DsrSeedRun[];
  /** per method: mean and 95% interval over seeds of every metric */
  summary: { label: string; finished: number; stats: DsrSummary | null }[];
  /** fine-tuned minus GTF alone, seed by seed: mean and 95% interval */
  paired: { versus: string; dstsp: Interval; dh: Interval; pe20Ratio: Interval }[];
  acceptance: { dstspLower: boolean; dhLower: boolean; pe20Rise: number; held: boolean };
  seconds: number;
}

export const DSR_METHODS = ['sparse TF', 'generalized TF', 'GTF continued', 'GTF + statistics (kernel)'] as const;

export function dsrSettings(size: ExperimentOptions['size']) {
  const s = <T>(smoke: T, demo: T, full: T) => bySize(size, { smoke, demo, full });
  return {
    dt: 0.01,
    rows: s(6000, 40000, 100000),
    observationNoise: 0.05,
    seeds: s(2, 3, 5),
    latent: 3,
    hidden: s(10, 50, 50),
    initA: 0.95,
    initW1Scale: 0.05,
    forcingIterations: s(20, 400, 1000),
    batch: s(4, 16, 16),
    gtf: { alpha: 0.3, alphaEnd: 0.05, segment: s(50, 200, 200), lr: 1e-3 },
    sparse: { segmentIntervals: 2, lr: 2e-3, clip: 10 },
    continuedIterations: s(10, 1500, 4000),
    fineTune: { sigma: 0.05, iterations: s(2, 8, 20), steps: s(2000, 50000, 100000), evaluationSteps: s(1000, 10000, 20000), lr: 3e-4, ema: 0.8, bins: 10, frequencies: 8, frequencyStep: 0.04, decay: 0.97 },
    metrics: { orbitSteps: s(4096, 50000, 100000), bins: 30, spectrumSegment: s(256, 1024, 1024), smoothing: 2, predictionStride: s(50, 20, 10), warmup: 20, lyapunovSteps: s(2000, 10000, 20000) },
  };
}

export type DsrSettings = ReturnType<typeof dsrSettings>;

export async function runDsrLorenz(opts: ExperimentOptions): Promise<DsrLorenzData> {
  const t0 = process.hrtime.bigint();
  const settings = dsrSettings(opts.size);
  const data = noisyLorenz(settings.rows, settings.dt, settings.observationNoise, opts.seed);
  const lorenz = lyapunovSpectrum(createSystem('lorenz63', { dt: settings.dt }), { k: 1, steps: settings.metrics.lyapunovSteps * 2, seed: opts.seed });
  const lambda1 = lorenz.exponents[0];
  const tau = forcingInterval(lambda1 * settings.dt);
  const m = settings.metrics;
  const floor = { dstsp: stateSpaceDivergence(data.test.values, data.train.values, 3, { bins: m.bins }), dh: spectralDistance(data.test.values, data.train.values, 3, { segment: m.spectrumSegment, smoothing: m.smoothing }).mean };
  const progress = new ProgressCounter(settings.seeds, opts.onProgress);
  const seeds: DsrSeedRun[] = [];
  for (let k = 0; k < settings.seeds; k++) {
    const seed = opts.seed * 1000 + k;
    progress.start(`dsr-lorenz: seed ${k + 1}/${settings.seeds}`);
    seeds.push(await unit(opts, `seed-${k}`, () => reconstruct({ settings, data, tau, seed })));
    progress.finish(`dsr-lorenz: seed ${k + 1}/${settings.seeds}`);
  }
  const summary = DSR_METHODS.map((label) => summarise(label, seeds));
  const paired = ['generalized TF', 'GTF continued'].map((versus) => pairedDifference(versus, seeds));
  const vsGtf = paired[0];
  const acceptance = {
    dstspLower: upper(vsGtf.dstsp) < 0,
    dhLower: upper(vsGtf.dh) < 0,
    pe20Rise: vsGtf.pe20Ratio.mean - 1,
    held: upper(vsGtf.dstsp) < 0 && upper(vsGtf.dh) < 0 && vsGtf.pe20Ratio.mean <= 1.2,
  };
  return {
    experiment: 'dsr-lorenz',
    size: opts.size,
    seed: opts.seed,
    settings,
    data: { lambda1, lambda1Stderr: lorenz.stderr[0], interval: tau, floor },
    seeds,
    summary,
    paired,
    acceptance,
    seconds: seconds(t0),
  };
}

function upper(i: Interval): number {
  return i.half === null ? Infinity : i.mean + i.half;
}

function finished(label: string, seeds: DsrSeedRun[]): DsrMethodRun[] {
  return seeds.map((s) => s.runs.find((r) => r.label === label)!).filter((r) => r.metrics !== null);
}

function summarise(label: string, seeds: DsrSeedRun[]): DsrLorenzData['summary'][number] {
  const runs = finished(label, seeds);
  if (runs.length === 0) return { label, finished: 0, stats: null };
  const of = (f: (r: DsrMethodRun) => number) => interval(runs.map(f));
  return {
    label,
    finished: runs.length,
    stats: {
      dstsp: of((r) => r.metrics!.dstsp),
      dh: of((r) => r.metrics!.dh),
      pe20: of((r) => r.metrics!.pe20),
      lambda1: of((r) => r.metrics!.lambda1),
      lambda1Stderr: of((r) => r.metrics!.lambda1Stderr),
      cpuSeconds: of((r) => r.cpuSeconds),
    },
  };
}

/** Fine-tuned minus `versus`, seed by seed (seeds where both finished): D_stsp and D_H differences, PE₂₀ ratio. */
function pairedDifference(versus: string, seeds: DsrSeedRun[]): DsrLorenzData['paired'][number] {
  const pairs = seeds
    .map((s) => [s.runs.find((r) => r.label === DSR_METHODS[3])?.metrics, s.runs.find((r) => r.label === versus)?.metrics] as const)
    .filter((p): p is readonly [DsrMetrics, DsrMetrics] => p[0] != null && p[1] != null);
  return {
    versus,
    dstsp: interval(pairs.map(([a, b]) => a.dstsp - b.dstsp)),
    dh: interval(pairs.map(([a, b]) => a.dh - b.dh)),
    pe20Ratio: interval(pairs.map(([a, b]) => a.pe20 / b.pe20)),
  };
}

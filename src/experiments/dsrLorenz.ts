import { lyapunovSpectrum } from '../lyapunov/index.js';
import { forcingInterval } from '../optim/index.js';
import { createSystem } from '../systems/index.js';
import { spectralDistance, stateSpaceDivergence } from '../stats/index.js';
import { ProgressCounter, seconds, unit, type ExperimentOptions } from './common.js';
import { noisyLorenz } from './dsrData.js';
import { interval95 as interval, type Interval } from './seedStudy.js';
import { reconstruct } from './dsrMethods.js';
import { COMBINED_LABEL, DSR_METHODS, STATISTICS_LABEL, dsrSettings, type DsrMethodRun, type DsrMetrics, type DsrSeedRun } from './dsrSettings.js';

export * from './dsrSettings.js';

/**
 * Experiment `dsr-lorenz`: dynamical-systems reconstruction of Lorenz 63 from a noisy observed
 * series with a shallow clipped PLRNN (identity read-out of the first 3 latent coordinates).
 * Baselines: sparse teacher forcing (interval τ = ln 2/λ₁ of the data) and generalized teacher
 * forcing (α annealed); chaosgrad's addition: the GTF model fine-tuned on long-time statistics of
 * its noisy orbit by kernel gradients, alone (moments, smoothed marginal histograms, resonator
 * spectra) and combined with the forcing loss (plus smoothed joint histograms; dsrCombined.ts);
 * the control: GTF continued for about the combined fine-tune's CPU. Judged on the test half by D_stsp, D_H, the 20-step
 * prediction error and λ₁, over several seeds (model initialisation and training streams).
 */

export type DsrSummary = Record<keyof DsrMetrics | 'cpuSeconds', Interval>;

export interface DsrLorenzData {
  experiment: 'dsr-lorenz';
  size: string;
  seed: number;
  settings: ReturnType<typeof dsrSettings>;
  data: { lambda1: number; lambda1Stderr: number; interval: number; floor: { dstsp: number; dh: number } };
  seeds: DsrSeedRun[];
  /**
   * per method: mean and 95% interval over seeds of every metric, over the finite values (a model
   * whose noisy orbit diverged has D_stsp = ∞; `diverged` counts those runs)
   */
  summary: { label: string; finished: number; diverged: number; stats: DsrSummary | null }[];
  /**
   * each fine-tune minus GTF alone and minus GTF continued, seed by seed: mean and 95% interval
   * (`method` the fine-tune; the acceptance reads the combined fine-tune against GTF alone)
   */
  paired: { method: string; versus: string; dstsp: Interval; dh: Interval; pe20Ratio: Interval }[];
  acceptance: { dstspLower: boolean; dhLower: boolean; pe20Rise: number; held: boolean };
  seconds: number;
}

export async function runDsrLorenz(opts: ExperimentOptions): Promise<DsrLorenzData> {
  const t0 = process.hrtime.bigint();
  const settings = { ...dsrSettings(opts.size), ...(opts.seeds !== undefined && { seeds: opts.seeds }) };
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
  const paired = [COMBINED_LABEL, STATISTICS_LABEL].flatMap((method) => ['generalized TF', 'GTF continued'].map((versus) => pairedDifference(method, versus, seeds)));
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

/** the interval's upper end (Infinity with fewer than two seeds) */
function upper(i: Interval): number {
  return Number.isNaN(i.hi) ? Infinity : i.hi;
}

function finished(label: string, seeds: DsrSeedRun[]): DsrMethodRun[] {
  return seeds.map((s) => s.runs.find((r) => r.label === label)!).filter((r) => r.metrics !== null);
}

/** A method's metrics over seeds; non-finite values (a diverged orbit's D_stsp) are counted, not averaged. */
export function summarise(label: string, seeds: DsrSeedRun[]): DsrLorenzData['summary'][number] {
  const runs = finished(label, seeds);
  if (runs.length === 0) return { label, finished: 0, diverged: 0, stats: null };
  const of = (f: (r: DsrMethodRun) => number) => interval(runs.map(f).filter(Number.isFinite));
  return {
    label,
    finished: runs.length,
    diverged: runs.filter((r) => !Number.isFinite(r.metrics!.dstsp)).length,
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

/**
 * `method` minus `versus`, seed by seed (seeds where both finished): D_stsp and D_H differences, PE₂₀
 * ratio; a seed where either model's orbit diverged (a non-finite difference) is left out of that
 * metric, and each interval's n says how many seeds it holds.
 */
export function pairedDifference(method: string, versus: string, seeds: DsrSeedRun[]): DsrLorenzData['paired'][number] {
  const pairs = seeds
    .map((s) => [s.runs.find((r) => r.label === method)?.metrics, s.runs.find((r) => r.label === versus)?.metrics] as const)
    .filter((p): p is readonly [DsrMetrics, DsrMetrics] => p[0] != null && p[1] != null);
  return {
    method,
    versus,
    dstsp: interval(pairs.map(([a, b]) => a.dstsp - b.dstsp).filter(Number.isFinite)),
    dh: interval(pairs.map(([a, b]) => a.dh - b.dh).filter(Number.isFinite)),
    pe20Ratio: interval(pairs.map(([a, b]) => a.pe20 / b.pe20).filter(Number.isFinite)),
  };
}

import { bySize, type ExperimentOptions } from './common.js';

/** Settings and result shapes of the dsr-lorenz experiment (shared by the run and its per-seed methods). */

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
  statisticsLoss?: { first: number; last: number; floor?: number };
  /** combined fine-tune with combined.check: statistics steps kept of those proposed */
  statisticsSteps?: { kept: number; proposed: number };
}

export interface DsrSeedRun {
  seed: number;
  runs: DsrMethodRun[];
}

export const STATISTICS_LABEL = 'GTF + statistics (kernel)';
export const COMBINED_LABEL = 'GTF + forcing & statistics (kernel)';
export const DSR_METHODS = ['sparse TF', 'generalized TF', 'GTF continued', STATISTICS_LABEL, COMBINED_LABEL] as const;

export function dsrSettings(size: ExperimentOptions['size']) {
  const s = <T>(smoke: T, demo: T, full: T) => bySize(size, { smoke, demo, full });
  return {
    dt: 0.01,
    rows: s(6000, 30000, 100000),
    observationNoise: 0.05,
    seeds: s(2, 2, 10),
    latent: 3,
    hidden: s(10, 50, 50),
    initA: 0.95,
    initW1Scale: 0.05,
    forcingIterations: s(20, 300, 1000),
    batch: s(4, 16, 16),
    gtf: { alpha: 0.3, alphaEnd: 0.05, segment: s(50, 200, 200), lr: 1e-3 },
    sparse: { segmentIntervals: 2, lr: 2e-3, clip: 10 },
    continuedIterations: s(10, 900, 5500),
    fineTune: { sigma: 0.05, iterations: s(2, 5, 20), steps: s(2000, 30000, 100000), evaluationSteps: s(1000, 10000, 20000), lr: 3e-4, ema: 0.8, bins: 10, frequencies: 8, frequencyStep: 0.04, decay: 0.97 },
    /**
     * the combined fine-tune (dsrCombined.ts): GTF steps, every `every`-th plus λ = weight times a
     * statistics kernel gradient; trust = ρ of forcing.statisticsTrust (the statistics step outside
     * Adam, capped at ρ × the GTF update's norm), null: added to Adam's gradient; check =
     * forcing.statisticsCheck (with trust: a capped step is kept only where it lowers L_S, measured
     * with and without it on one seed); backtrack = J of forcing.statisticsBacktrack (0: none); estimator: the statistics gradient's method (defaults otherwise)
     */
    combined: { weight: 0.01, trust: 3 as number | null, check: true, backtrack: 4, estimator: 'kernel' as 'kernel' | 'hybrid', every: s(5, 50, 200), iterations: s(10, 300, 2000), steps: s(2000, 30000, 100000), evaluationSteps: s(1000, 10000, 20000), bins: 10, jointBins: s(4, 8, 8), spectra: true },
    metrics: { orbitSteps: s(4096, 30000, 100000), bins: 30, spectrumSegment: s(256, 1024, 1024), smoothing: 2, predictionStride: s(50, 20, 10), warmup: 20, lyapunovSteps: s(2000, 5000, 20000) },
  };
}

export type DsrSettings = ReturnType<typeof dsrSettings>;


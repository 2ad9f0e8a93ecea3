import { predictionError, type LossTerm } from '../optim/index.js';
import { buildSystem, defaultParams, makeNoise, plrnn, type DynamicalSystem, type Resonators } from '../systems/index.js';
import { spectralDistance, stateSpaceDivergence } from '../stats/index.js';
import { chaosCheck } from './common.js';
import { observedOrbit, type LorenzSeries } from './dsrData.js';
import type { DsrMetrics, DsrSettings } from './dsrSettings.js';

/** What the dsr-lorenz methods share: a seed's context, the initial model, noise on the latent coordinates, the metrics. */

export interface SeedContext {
  settings: DsrSettings;
  data: LorenzSeries;
  /** sparse forcing interval in steps */
  tau: number;
  seed: number;
}

export const OBSERVED = 3;
export const DSR_PARAMS = ['A', 'W1', 'W2', 'h1', 'h2'];

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

export function noisy(sys: DynamicalSystem, sigma: number, noisyDims: number): DynamicalSystem {
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

/** The resonators of the fine-tune's spectral statistics (frequencies 0, Δω, …). */
export function fineTuneResonators(s: DsrSettings): Resonators {
  const f = s.fineTune;
  return { observed: OBSERVED, frequencies: Array.from({ length: f.frequencies }, (_, j) => j * f.frequencyStep), decay: f.decay };
}

/**
 * The terms with each group (observables named with one of the prefixes) weighted by
 * 1/mean(target²) of the group, so that every group counts alike; other terms keep their weight.
 */
export function weighGroups(terms: readonly LossTerm[], prefixes: readonly string[]): LossTerm[] {
  const groupOf = (t: LossTerm) => prefixes.find((p) => t.observable.startsWith(p));
  const scale = new Map(prefixes.map((p) => {
    const group = terms.filter((t) => groupOf(t) === p);
    return [p, group.length === 0 ? 1 : group.length / group.reduce((a, t) => a + t.target ** 2, 0)] as const;
  }));
  return terms.map((t) => {
    const p = groupOf(t);
    return p === undefined ? t : { ...t, weight: scale.get(p)! };
  });
}

import { explodeStudy, type ExplodeResult } from '../gradients/explode.js';
import { createSystem, type SystemOptions } from '../systems/index.js';
import { bySize, ProgressCounter, seconds, type ExperimentOptions, type ExperimentSize } from './common.js';

/**
 * Experiment `explosion`: the BPTT gradient norm of a T-step average against T for lorenz63, ni9
 * and rnn, beside λ₁ — the study of src/gradients/explode.ts run on the three systems.
 */

export interface ExplosionCase {
  label: string;
  system: string;
  options: SystemOptions;
  /** why these settings (e.g. ni9 is chaotic only with noise) */
  note: string;
  maxHorizon: number;
  points: number;
  repeats: number;
  lyapunovSteps: number;
}

export interface ExplosionData {
  experiment: 'explosion';
  size: ExperimentSize;
  seed: number;
  cases: (ExplosionCase & { result: ExplodeResult })[];
  /** wall-clock seconds (not reproducible) */
  seconds: number;
}

export function explosionCases(size: ExperimentSize): ExplosionCase[] {
  const s = <T>(smoke: T, demo: T, full: T) => bySize(size, { smoke, demo, full });
  return [
    {
      label: 'lorenz63',
      system: 'lorenz63',
      options: {},
      note: 'σ = 10, ρ = 28, β = 8/3, RK4 dt = 0.005; d/d(σ, ρ, β) of Σ mean',
      maxHorizon: s(1000, 4000, 8000),
      points: s(6, 10, 12),
      repeats: s(4, 8, 16),
      lyapunovSteps: s(5000, 20000, 100000),
    },
    {
      label: 'ni9 (noise 0.5)',
      system: 'ni9',
      options: { noise: 0.5 },
      // at noise 0 this network settles (λ₁ ≈ −0.07); Ni's setting, noise 0.5, is weakly chaotic
      note: "Ni's setting: noise σ = 0.5 per layer (without noise λ₁ < 0); d/d(γ, c) of Σ mean",
      maxHorizon: s(60, 150, 200),
      points: s(6, 10, 12),
      repeats: s(4, 8, 16),
      lyapunovSteps: s(5000, 20000, 50000),
    },
    {
      label: `rnn (n = ${s(32, 32, 64)})`,
      system: 'rnn',
      options: { dim: s(32, 32, 64) },
      note: 'tanh network, g = 3, W ~ N(0, 1/n) (net seed 1), b = 0; d/dg of Σ mean',
      maxHorizon: s(40, 60, 60),
      points: s(6, 10, 12),
      repeats: s(4, 8, 16),
      lyapunovSteps: s(3000, 10000, 50000),
    },
  ];
}

export async function runExplosion(opts: ExperimentOptions): Promise<ExplosionData> {
  const t0 = process.hrtime.bigint();
  const cases = explosionCases(opts.size);
  const progress = new ProgressCounter(cases.length, opts.onProgress);
  const out: ExplosionData['cases'] = [];
  for (const c of cases) {
    progress.start(`explosion: ${c.label}`);
    const sys = createSystem(c.system, c.options);
    const result = await explodeStudy(sys, {
      maxHorizon: c.maxHorizon,
      points: c.points,
      repeats: c.repeats,
      lyapunovSteps: c.lyapunovSteps,
      seed: opts.seed,
    });
    out.push({ ...c, result });
    progress.finish(`explosion: ${c.label}`);
  }
  return { experiment: 'explosion', size: opts.size, seed: opts.seed, cases: out, seconds: seconds(t0) };
}

import { UsageError } from '../../errors/index.js';
import {
  MAX_HISTORY_DOUBLES, adjointSpectrum, gradientGrowth, covariantVectors, defaultGinelliTransient, finiteTimeExponents, lyapunovSpectrum, naiveBounds, splitIndices, stepsFor, kaplanYorkeIsLowerBound,
  type AdjointResult, type ClvResult, type FiniteTimeResult, type GrowthRow, type NaiveBoundsResult, type SpectrumResult,
} from '../../lyapunov/index.js';
import type { DynamicalSystem } from '../../systems/index.js';
import { flag, list, num, parseNumber, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import { fmt, pm, table, warningBlock } from '../format.js';
import type { Progress } from '../progress.js';
import { seedFrom, systemFrom } from '../systemArgs.js';

/**
 * Window of the --clv/--adjoint passes: as long as the spectrum run, but at most 500 time units
 * (20 000 map steps) and small enough that the stored k×k factors fit in a quarter of the limit.
 */
function defaultWindow(sys: DynamicalSystem, k: number, steps: number): number {
  const byMemory = Math.floor(MAX_HISTORY_DOUBLES / 4 / (k * k)) - defaultGinelliTransient(sys);
  return Math.max(2, Math.min(steps, stepsFor(sys, 500, 20000), byMemory));
}

function kyWarning(k: number): string {
  return `all ${k} computed exponents have a positive partial sum: the Kaplan–Yorke dimension is at least ${k}, not ${k}; compute more exponents (--k)`;
}

function spectrumText(sys: DynamicalSystem, s: SpectrumResult, nb: NaiveBoundsResult, adj: AdjointResult | null, clv: ClvResult | null, fte: FiniteTimeResult | null, growth: GrowthRow[] | null): string {
  const unit = s.perUnitTime ? 'per unit time' : 'per step';
  const header = ['i', 'exponent', 'stderr', ...(adj ? ['adjoint', 'adj. stderr'] : []), ...(clv ? ['CLV growth'] : []), ...(fte ? ['FTLE sd', 'P(>0)'] : [])];
  const rows = Array.from(s.exponents, (v, i) => [
    String(i + 1), fmt(v), fmt(s.stderr[i], 2),
    ...(adj ? [fmt(adj.adjointExponents[i]), fmt(adj.adjointStderr[i], 2)] : []),
    ...(clv ? [fmt(clv.clvExponents[i])] : []),
    ...(fte ? [fmt(fte.stats[i].sd, 3), fmt(fte.stats[i].fractionPositive, 3)] : []),
  ]);
  const shown = rows.length > 20 ? [...rows.slice(0, 10), ['…'], ...rows.slice(-5)] : rows;
  const lines = [
    `${sys.name}: ${s.k} Lyapunov exponents ${unit}, ${s.steps} steps (QR every ${s.qrEvery}) after ${s.transient} + ${s.basisTransient} transient steps`,
    table(header, shown),
    `Kaplan–Yorke dimension ${kaplanYorkeIsLowerBound(s.exponents, sys.dim) ? `≥ ${s.k}` : fmt(s.kaplanYorke, 5)}; ${s.positiveCount} positive, ${s.nearZeroCount} near zero (|λ| ≤ 3·stderr); sum of positive ${fmt(s.sumPositive)}`,
    `naive one-step bounds (${nb.samples} states): ⟨log‖J‖₂⟩ = ${pm(nb.logNormJ, nb.logNormJStderr)}, ⟨log ρ(J)⟩ = ${pm(nb.logSpectralRadius, nb.logSpectralRadiusStderr)} vs λ₁ = ${pm(s.exponents[0], s.stderr[0])}`,
  ];
  if (kaplanYorkeIsLowerBound(s.exponents, sys.dim)) lines.push(warningBlock([kyWarning(s.k)]).trimStart());
  if (adj) lines.push(`adjoint (window ${adj.steps} steps): duality residual ${fmt(adj.dualityResidual, 3)} stderr (max |λ−λ*| = ${fmt(adj.dualityDifference, 3)}), bi-orthogonality residual ${fmt(adj.biorthogonalityResidual, 3)}`);
  if (clv && clv.angleSummary) {
    const a = clv.angleSummary;
    lines.push(`CLV angles between unstable (${clv.unstableDim}) and stable subspaces${clv.neutralDim ? ` (${clv.neutralDim} neutral excluded)` : ''}, radians: min ${fmt(a.min, 3)}, 5% ${fmt(a.p05, 3)}, median ${fmt(a.median, 3)} over ${a.count} steps`);
  } else if (clv) lines.push('CLV angles: undefined (no unstable or no stable direction among the k computed)');
  if (growth) lines.push(`measured gradient growth (1/L)·log‖(∂x_L/∂x₀)ᵀw‖: ${growth.map((g) => `L=${g.horizon}: ${pm(g.rate, g.stderr)}`).join(', ')}`);
  return lines.join('\n');
}

export const lyapunovCommand: Command = {
  name: 'lyapunov',
  summary: 'Lyapunov spectrum with standard errors, Kaplan–Yorke dimension, naive bounds; optional CLV angles and adjoint duality',
  usage: 'lyapunov <system> [--k K] [--steps N] [--transient N] [--basis-transient N] [--qr-every m] [--batches B] [--clv] [--adjoint] [--window N] [--tau N] [--growth L1,L2,…] [system options]',
  options: {
    k: { type: 'string', kind: 'integer', min: 1, value: 'K', default: 'the dimension', description: 'number of leading exponents' },
    steps: { type: 'string', kind: 'integer', min: 1, value: 'N', unit: 'steps', default: 'sized to the system', description: 'steps of the spectrum run' },
    transient: { type: 'string', kind: 'integer', min: 0, value: 'N', unit: 'steps', default: "the system's transient", description: 'steps discarded first' },
    'basis-transient': { type: 'string', kind: 'integer', min: 0, value: 'N', unit: 'steps', description: 'steps for the tangent basis to settle' },
    'qr-every': { type: 'string', kind: 'integer', min: 1, value: 'm', unit: 'steps', description: 're-orthonormalise every m steps' },
    batches: { type: 'string', kind: 'integer', min: 2, value: 'B', description: 'batches of the batch-means standard error' },
    clv: { type: 'boolean', description: 'covariant Lyapunov vectors and the angles between unstable and stable subspaces' },
    adjoint: { type: 'boolean', description: 'adjoint spectrum and its duality with the forward one' },
    window: { type: 'string', kind: 'integer', min: 2, value: 'N', unit: 'steps', default: 'the spectrum run, at most 500 time units', description: 'window of the --clv/--adjoint passes' },
    tau: { type: 'string', kind: 'integer', min: 1, value: 'N', unit: 'steps', description: 'finite-time exponents over windows of N steps' },
    growth: { type: 'string', value: 'L1,L2,…', unit: 'steps', description: 'measured gradient growth at these horizons' },
  },
  system: true,
  maxPositionals: 1,
  async run(positionals: string[], values: OptionValues, progress: Progress) {
    const { system: sys } = await systemFrom(positionals[0], values);
    const seed = seedFrom(values);
    const n = sys.dim;
    const k = num(values, 'k', n, { integer: true, min: 1, max: n });
    const transient = num(values, 'transient', undefined, { integer: true, min: 0 });
    const wantClv = flag(values, 'clv'), wantAdjoint = flag(values, 'adjoint');
    if (values.window !== undefined && !wantClv && !wantAdjoint) throw new UsageError('--window applies with --clv or --adjoint');
    const s = lyapunovSpectrum(sys, {
      k,
      steps: num(values, 'steps', undefined, { integer: true, min: 1 }),
      transient,
      basisTransient: num(values, 'basis-transient', undefined, { integer: true, min: 0 }),
      qrEvery: num(values, 'qr-every', undefined, { integer: true, min: 1 }),
      batches: num(values, 'batches', undefined, { integer: true, min: 2 }),
      seed,
      onProgress: (d, t) => progress.update('spectrum', d, t),
    });
    const nb = naiveBounds(sys, { seed, transient, onProgress: (d, t) => progress.update('naive bounds', d, t) });
    const window = num(values, 'window', defaultWindow(sys, k, s.steps), { integer: true, min: 2 });
    let clv: ClvResult | null = null;
    if (wantClv) {
      // the long spectrum run decides which directions are unstable and neutral
      const split = splitIndices(s.exponents, s.stderr, sys.kind === 'flow');
      clv = covariantVectors(sys, { k, steps: window, transient, seed, unstableDim: split.unstable, neutralDim: split.neutral, onProgress: (d, t) => progress.update('CLVs', d, t) });
    }
    const adj = wantAdjoint ? adjointSpectrum(sys, { k, steps: window, transient, seed, onProgress: (d, t) => progress.update('adjoint', d, t) }) : null;
    const tau = num(values, 'tau', undefined, { integer: true, min: 1 });
    const fte = tau !== undefined ? finiteTimeExponents(sys, { k, tau, transient, seed, onProgress: (d, t) => progress.update('finite-time', d, t) }) : null;
    const horizons = list(values, 'growth')?.map((h) => parseNumber('--growth', h, { integer: true, min: 1 }));
    const growth = horizons ? gradientGrowth(sys, { horizons, transient, seed, onProgress: (d, t) => progress.update('growth', d, t) }) : null;
    progress.done();
    const json: Record<string, unknown> = {
      system: sys.name,
      seed,
      k: s.k,
      steps: s.steps,
      transient: s.transient,
      basisTransient: s.basisTransient,
      qrEvery: s.qrEvery,
      perUnitTime: s.perUnitTime,
      exponents: s.exponents,
      stderr: s.stderr,
      kaplanYorke: s.kaplanYorke,
      kaplanYorkeLowerBound: kaplanYorkeIsLowerBound(s.exponents, sys.dim),
      warnings: kaplanYorkeIsLowerBound(s.exponents, sys.dim) ? [kyWarning(s.k)] : [],
      positiveCount: s.positiveCount,
      nearZeroCount: s.nearZeroCount,
      sumPositive: s.sumPositive,
      trace: s.trace,
      naiveBounds: {
        logNormJ: nb.logNormJ, logNormJStderr: nb.logNormJStderr,
        logSpectralRadius: nb.logSpectralRadius, logSpectralRadiusStderr: nb.logSpectralRadiusStderr,
        logAbsDetJ: nb.logAbsDetJ, samples: nb.samples,
      },
    };
    if (adj) {
      Object.assign(json, {
        adjointExponents: adj.adjointExponents,
        adjointStderr: adj.adjointStderr,
        dualityResidual: adj.dualityResidual,
        biorthogonalityResidual: adj.biorthogonalityResidual,
        adjoint: { window: adj.steps, forwardExponents: adj.exponents, forwardStderr: adj.stderr, dualityDifference: adj.dualityDifference, minPairing: adj.minPairing, checks: adj.checks },
      });
    }
    if (clv) {
      const a = clv.angleSummary;
      Object.assign(json, {
        clvAngles: a ? { units: 'radians', min: a.min, p05: a.p05, median: a.median, mean: a.mean, fractionBelow01: a.fractionBelow01, count: a.count } : null,
        clv: { window: clv.steps, unstableDim: clv.unstableDim, neutralDim: clv.neutralDim, clvExponents: clv.clvExponents },
      });
    }
    if (fte) json.finiteTime = { tau: fte.tau, windows: fte.windows, stats: fte.stats };
    if (growth) json.gradientGrowth = growth;
    return { json, text: spectrumText(sys, s, nb, adj, clv, fte, growth) };
  },
};

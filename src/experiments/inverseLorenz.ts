import { planNilsas, type Objective } from '../gradients/index.js';
import { resolveHybridOptions } from '../gradients/hybrid/index.js';
import { measureStatistics, parseTrainConfig, type IterationRecord } from '../optim/index.js';
import { createSystem } from '../systems/index.js';
import { bySize, ProgressCounter, seconds, trainRecording, unit, type ExperimentOptions, type ExperimentSize } from './common.js';

/**
 * Experiment `inverse-lorenz`: find ρ of Lorenz 63 with ⟨z⟩ = 30, starting from ρ = 28 (the answer
 * is ρ ≈ 34.4), with the training loop and each gradient estimator. With one parameter and one
 * statistic, training is root finding: any gradient with the right sign and a sane size converges,
 * so what separates the methods is whether their gradient has a usable sign and size at all.
 */

export const TARGET_Z = 30;
export const START_RHO = 28;
/** acceptance: the final ρ gives ⟨z⟩ within this of the target */
export const TOLERANCE = 0.3;
/** per-step noise of the runs whose estimators need noise (kernel, hybrid) */
export const NOISE_SIGMA = 0.2;

export interface InverseMethod {
  label: string;
  method: string;
  options: Record<string, unknown>;
  /** noise σ per step of the system trained (0: deterministic) */
  noise: number;
  /** steps of the average each gradient differentiates */
  steps: number;
  note: string;
}

export type InverseStatus = 'converged' | 'not converged' | 'diverged';

export interface InverseRun extends InverseMethod {
  /** per iteration: ρ_t (where the loss and gradient were evaluated), ⟨z⟩ there, the gradient of the loss */
  rho: number[];
  z: number[];
  zStderr: number[];
  gradient: number[];
  gradStderr: (number | null)[];
  /** cumulative wall-clock seconds in the estimator, and CPU seconds of the whole run, after each iteration */
  gradientSeconds: number[];
  cpuSeconds: number[];
  error: string | null;
  /** where the last update sent ρ when the run failed (SGD: ρ − α·g) */
  rhoAfterFailure: number | null;
  final: {
    /** EMA of ρ (the evaluated "shadow" weights) and the last iterate */
    rho: number;
    rhoLast: number;
    /** max − min of ρ over the second half of the iterations (a wandering run has a wide range) */
    rhoSpread: number;
    /** ⟨z⟩ at the EMA ρ from an independent long run of the trained system */
    z: number;
    zStderr: number;
    /** for noisy runs: ⟨z⟩ of the deterministic system at the same ρ */
    zDeterministic: number | null;
    zDeterministicStderr: number | null;
  } | null;
  status: InverseStatus;
  seconds: number;
}

export interface InverseLorenzData {
  experiment: 'inverse-lorenz';
  size: ExperimentSize;
  seed: number;
  settings: {
    target: number;
    tolerance: number;
    start: number;
    iterations: number;
    optimizer: { name: 'sgd'; lr: number; schedule: { kind: 'inverse-time'; tau: number } };
    emaBeta: number;
    evaluationSteps: number;
    transient: number;
    /** steps of the independent run that checks ⟨z⟩ at the final ρ */
    checkSteps: number;
  };
  runs: InverseRun[];
  seconds: number;
}

const TRANSIENT = 2000;

export function inverseLorenzMethods(size: ExperimentSize, seed: number): InverseMethod[] {
  const s = <T>(smoke: T, demo: T, full: T) => bySize(size, { smoke, demo, full });
  const steps = s(2000, 8000, 20000);
  const noisySteps = s(4000, 30000, 100000);
  // fixed once at ρ = 28 (a Lyapunov run per iteration would cost more than the gradient)
  const det = createSystem('lorenz63');
  const zObjective: Objective = { kind: 'average', observable: 'z', steps, transient: TRANSIENT };
  const plan = planNilsas(det, zObjective, {}, seed);
  const noisy = createSystem('lorenz63', { noise: NOISE_SIGMA });
  const hybrid = resolveHybridOptions({ system: noisy, objective: { ...zObjective, steps: noisySteps }, params: ['rho'], seed }, { split: 'shadowing' });
  const methods: InverseMethod[] = [
    {
      label: 'NILSAS',
      method: 'nilsas',
      options: { M: plan.task.M, segmentSteps: plan.task.segmentSteps, spectrumSteps: 0 },
      noise: 0,
      steps,
      note: `M = ${plan.task.M}, ${plan.task.segmentSteps}-step segments (from a Lyapunov run at ρ = 28), 8 orbits`,
    },
    {
      label: 'hybrid (shadowing split)',
      method: 'hybrid',
      options: { split: 'shadowing', u: hybrid.u },
      noise: NOISE_SIGMA,
      steps: noisySteps,
      note: `u = ${hybrid.u} directions to the kernel, window ${hybrid.window} steps, noise σ = ${NOISE_SIGMA} per step`,
    },
    {
      label: 'kernel',
      method: 'kernel',
      options: { window: 200 },
      noise: NOISE_SIGMA,
      steps: noisySteps,
      note: `ergodic kernel, window 200 steps (1 time unit), noise σ = ${NOISE_SIGMA} per step`,
    },
    { label: 'BPTT', method: 'bptt', options: {}, noise: 0, steps, note: `plain BPTT over ${steps} steps (${steps * 0.005} time units), 8 orbits` },
    { label: 'BPTT + clip', method: 'bptt', options: { clip: 1 }, noise: 0, steps, note: 'each orbit’s gradient clipped to norm 1 before averaging' },
    { label: 'BPTT truncated', method: 'bptt', options: { truncate: 200 }, noise: 0, steps, note: 'truncated BPTT: detach every 200 steps (1 time unit)' },
  ];
  if (size === 'full') {
    methods.push({ label: 'finite differences', method: 'fd', options: { batches: 8 }, noise: 0, steps, note: 'central differences, 8 batches (slow, unbiased)' });
  }
  return methods;
}

function lorenz(rho: number, noise: number) {
  return createSystem('lorenz63', { set: { rho }, ...(noise > 0 ? { noise } : {}) });
}

/** ⟨z⟩ at ρ from an independent run (its own seed), with its batch-means error. */
function checkZ(rho: number, noise: number, steps: number, seed: number): { z: number; stderr: number } {
  const m = measureStatistics(lorenz(rho, noise), [{ observable: 'z', power: 1 }], { kind: 'average', steps, transient: TRANSIENT }, seed);
  return { z: m.values[0], stderr: m.stderr[0] };
}

export async function runInverseLorenz(opts: ExperimentOptions): Promise<InverseLorenzData> {
  const t0 = process.hrtime.bigint();
  const { size, seed } = opts;
  const iterations = bySize(size, { smoke: 2, demo: 10, full: 30 });
  const settings: InverseLorenzData['settings'] = {
    target: TARGET_Z,
    tolerance: TOLERANCE,
    start: START_RHO,
    iterations,
    optimizer: { name: 'sgd', lr: 0.4, schedule: { kind: 'inverse-time', tau: 10 } },
    // the EMA starts at ρ = 28: a short run needs a short memory or the start biases it
    emaBeta: bySize(size, { smoke: 0.5, demo: 0.5, full: 0.8 }),
    evaluationSteps: bySize(size, { smoke: 4000, demo: 20000, full: 40000 }),
    transient: TRANSIENT,
    checkSteps: bySize(size, { smoke: 10000, demo: 100000, full: 400000 }),
  };
  const methods = inverseLorenzMethods(size, seed);
  const progress = new ProgressCounter(methods.length, opts.onProgress);
  const runs: InverseRun[] = [];
  for (const m of methods) {
    runs.push(await unit(opts, m.label, () => inverseRun(m, settings, seed, progress)));
    progress.finish(`inverse-lorenz: ${m.label}`);
  }
  return { experiment: 'inverse-lorenz', size, seed, settings, runs, seconds: seconds(t0) };
}

/** One method's training run and its check: a unit of the experiment (saved for --resume). */
async function inverseRun(m: InverseMethod, settings: InverseLorenzData['settings'], seed: number, progress: ProgressCounter): Promise<InverseRun> {
  const { iterations } = settings;
  const t1 = process.hrtime.bigint();
  const config = parseTrainConfig({
    system: { name: 'lorenz63', set: { rho: START_RHO }, ...(m.noise > 0 ? { noise: m.noise } : {}) },
    params: ['rho'],
    loss: [{ observable: 'z', target: TARGET_Z }],
    estimator: { method: m.method, options: m.options, steps: m.steps, transient: TRANSIENT },
    optimizer: settings.optimizer,
    ema: { beta: settings.emaBeta },
    iterations,
    seed,
    evaluation: { steps: settings.evaluationSteps },
  });
  const { records, cpuSeconds, result, error } = await trainRecording(config, {
    onIteration: (rec) => progress.start(`inverse-lorenz: ${m.label} (iteration ${rec.iteration + 1}/${iterations})`),
  });
  return summariseRun(m, records, cpuSeconds, result && { ema: result.emaParams[0], last: result.params[0] }, error, settings, seed, seconds(t1));
}

function summariseRun(
  m: InverseMethod,
  records: IterationRecord[],
  cpuSeconds: number[],
  end: { ema: number; last: number } | null,
  error: string | null,
  settings: InverseLorenzData['settings'],
  seed: number,
  elapsed: number,
): InverseRun {
  const rho = records.map((r) => r.params![0]);
  const last = records[records.length - 1];
  const base = {
    ...m,
    rho,
    z: records.map((r) => r.statistics[0]),
    zStderr: records.map((r) => r.statisticsStderr[0]),
    gradient: records.map((r) => r.gradient![0]),
    gradStderr: records.map((r) => r.gradStderr?.[0] ?? null),
    gradientSeconds: records.map((r) => r.time.cumulativeGradient),
    cpuSeconds,
    error,
    rhoAfterFailure: error !== null && last ? last.params![0] - last.lr * last.gradient![0] : null,
    seconds: elapsed,
  };
  if (end === null) return { ...base, final: null, status: 'diverged' };
  const half = rho.slice(Math.floor(rho.length / 2));
  const check = checkZ(end.ema, m.noise, settings.checkSteps, seed + 7919);
  const detCheck = m.noise > 0 ? checkZ(end.ema, 0, settings.checkSteps, seed + 7919) : null;
  return {
    ...base,
    final: {
      rho: end.ema,
      rhoLast: end.last,
      rhoSpread: Math.max(...half, end.last) - Math.min(...half, end.last),
      z: check.z,
      zStderr: check.stderr,
      zDeterministic: detCheck?.z ?? null,
      zDeterministicStderr: detCheck?.stderr ?? null,
    },
    status: Math.abs(check.z - settings.target) <= settings.tolerance ? 'converged' : 'not converged',
  };
}

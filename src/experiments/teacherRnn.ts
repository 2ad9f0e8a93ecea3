import { planNilsas, selectParams, type GradientRequest } from '../gradients/index.js';
import { resolveHybridOptions } from '../gradients/hybrid/index.js';
import { evaluateLoss, measureStatistics, parseTrainConfig, squaredErrorLoss, type LossTerm, type Statistic } from '../optim/index.js';
import { Rng } from '../random/index.js';
import { createSystem, randomRnnWeights, type DynamicalSystem } from '../systems/index.js';
import { bySize, chaosCheck, ProgressCounter, seconds, trainRecording, unit, type ChaosCheck, type ExperimentOptions, type ExperimentSize } from './common.js';

/**
 * Experiment `teacher-rnn`: a chaotic student rnn (all of W and b trained, gain g fixed) learns the
 * long-time statistics — per-unit mean ⟨xᵢ⟩ and mean square ⟨xᵢ²⟩ — of a chaotic teacher rnn with
 * other weights and nonzero biases (with b = 0 the symmetry x → −x makes every mean 0, and the
 * means would carry no information). Every method trains the same noisy student (σ per step:
 * kernel and hybrid need noise) with the same optimiser, and each method's steps per gradient are
 * chosen so that one gradient costs about the same CPU time.
 */

export interface TeacherMethod {
  label: string;
  method: string;
  /** steps of the average each gradient differentiates (per orbit for BPTT and NILSAS) */
  steps: number;
  options: Record<string, unknown>;
  note: string;
}

export interface TeacherRun extends TeacherMethod {
  loss: number[];
  lossStderr: number[];
  lossNoiseFloor: number[];
  gradNorm: number[];
  gradStderrNorm: (number | null)[];
  /** cumulative wall-clock seconds in the estimator after each iteration (inflated on a loaded machine) */
  gradientSeconds: number[];
  /** cumulative CPU seconds of the whole run (gradients and the loss evaluations every method shares) */
  cpuSeconds: number[];
  error: string | null;
  /** at the final EMA weights, from an independent long evaluation */
  final: {
    loss: number;
    lossStderr: number;
    noiseFloor: number;
    /** root-mean-square error over units of ⟨xᵢ⟩ and of ⟨xᵢ²⟩ */
    rmsMean: number;
    rmsMeanSquare: number;
    /** the student's ⟨xᵢ⟩, ⟨xᵢ²⟩ interleaved as in `unitStatistics` */
    statistics: number[];
    chaos: ChaosCheck;
  } | null;
}

export interface TeacherRnnData {
  experiment: 'teacher-rnn';
  size: ExperimentSize;
  seed: number;
  settings: {
    n: number;
    g: number;
    noise: number;
    teacherNetSeed: number;
    teacherBiasScale: number;
    studentNetSeed: number;
    iterations: number;
    optimizer: { name: 'adam'; lr: number };
    emaBeta: number;
    /** CPU seconds per gradient the methods' steps were chosen for (at the initial student) */
    budget: number;
    evaluationSteps: number;
    finalSteps: number;
    targetSteps: number;
    transient: number;
    lyapunovSteps: number;
  };
  teacher: { chaos: ChaosCheck; means: number[]; meanSquares: number[]; targetStderrMax: number };
  student: { chaos: ChaosCheck; initialLoss: number; initialLossStderr: number; initialNoiseFloor: number; initialStatistics: number[] };
  runs: TeacherRun[];
  seconds: number;
}

const TRANSIENT = 200;
/** teacher biases bᵢ ~ N(0, 0.5²): enough to break x → −x, not enough to saturate every unit */
const BIAS_SCALE = 0.5;

/** The teacher: another random W (its own net seed) and random nonzero biases, g = 3. */
export function teacherSystem(n: number, netSeed: number, biasSeed: number, noise: number): DynamicalSystem {
  const { W } = randomRnnWeights(n, netSeed);
  const rng = new Rng(biasSeed);
  const b = Array.from({ length: n }, () => BIAS_SCALE * rng.normal());
  const rows = Array.from({ length: n }, (_, i) => Array.from(W.subarray(i * n, (i + 1) * n)));
  return createSystem('rnn', { weights: { W: rows, b }, noise });
}

/** ⟨xᵢ⟩ and ⟨xᵢ²⟩ for every unit, interleaved: x0, x0², x1, x1², … */
export function unitStatistics(n: number): Statistic[] {
  return Array.from({ length: n }, (_, i) => [{ observable: `x${i}`, power: 1 }, { observable: `x${i}`, power: 2 }]).flat();
}

function rms(values: ArrayLike<number>, targets: ArrayLike<number>, parity: 0 | 1): number {
  let s = 0, c = 0;
  for (let k = parity; k < values.length; k += 2) {
    s += (values[k] - targets[k]) ** 2;
    c++;
  }
  return Math.sqrt(s / c);
}

/**
 * Steps per gradient at the demo size, chosen so that each method's gradient costs about 0.2 CPU s
 * at the initial student (measured on the development machine by growing the steps until one
 * estimate cost the budget); the other sizes scale them. Fixed numbers rather than a timing run,
 * so that a run is reproducible from its seed; the report shows the CPU time each method used.
 */
const DEMO_STEPS = { bpttClipOrbits: 12, truncated: 2000, kernel: 11000, pathKernel: 4800, shadowing: 3000, nilsas: 400 };
/** BPTT + clip differentiates orbits of this many steps (e^(λ₁·500) ≈ e^105 stays finite; 2000 would overflow) */
const CLIP_HORIZON = 500;

export function teacherMethods(size: ExperimentSize, student: DynamicalSystem, seed: number): TeacherMethod[] {
  const scale = bySize(size, { smoke: 0.1, demo: 1, full: 5 });
  const steps = (demo: number) => Math.max(100, Math.round(demo * scale));
  // the split sizes come from one Lyapunov run of the initial student (fixed during training)
  const probe: GradientRequest = { system: student, objective: { kind: 'average', observable: 'mean', steps: 2000, transient: TRANSIENT }, params: ['b'], seed };
  const hybrid = resolveHybridOptions(probe, { split: 'shadowing' });
  const orbits = Math.max(1, Math.round(DEMO_STEPS.bpttClipOrbits * scale));
  const methods: TeacherMethod[] = [
    { label: 'BPTT + clip', method: 'bptt', steps: CLIP_HORIZON, options: { clip: 1, repeats: orbits }, note: `${orbits} orbits of ${CLIP_HORIZON} steps, each orbit’s gradient clipped to norm 1` },
    { label: 'BPTT truncated', method: 'bptt', steps: steps(DEMO_STEPS.truncated), options: { truncate: 10, repeats: 4 }, note: 'detach every 10 steps, 4 orbits' },
    { label: 'kernel', method: 'kernel', steps: steps(DEMO_STEPS.kernel), options: {}, note: 'ergodic kernel, window planned from the correlation time (a pilot of a tenth of the orbit)' },
    { label: 'hybrid (path-kernel)', method: 'hybrid', steps: steps(DEMO_STEPS.pathKernel), options: { split: 'pathkernel', alpha: 0.5 }, note: 'adjoint path-kernel split, α = 0.5' },
    { label: 'hybrid (shadowing)', method: 'hybrid', steps: steps(DEMO_STEPS.shadowing), options: { split: 'shadowing', u: hybrid.u }, note: `shadowing-kernel split, u = ${hybrid.u} (λᵢ > −λ₁/2 at the start)` },
  ];
  if (size === 'full') {
    const plan = planNilsas(student, probe.objective, {}, seed);
    methods.push({
      label: 'NILSAS',
      method: 'nilsas',
      steps: steps(DEMO_STEPS.nilsas),
      options: { M: plan.task.M, segmentSteps: plan.task.segmentSteps, spectrumSteps: 0 },
      note: `M = ${plan.task.M}, ${plan.task.segmentSteps}-step segments, 8 orbits (treats the noise as a fixed forcing)`,
    });
  }
  return methods;
}

export async function runTeacherRnn(opts: ExperimentOptions): Promise<TeacherRnnData> {
  const t0 = process.hrtime.bigint();
  const { size, seed } = opts;
  const s = <T>(smoke: T, demo: T, full: T) => bySize(size, { smoke, demo, full });
  const settings: TeacherRnnData['settings'] = {
    n: s(8, 32, 32),
    g: 3,
    noise: 0.1,
    teacherNetSeed: 1000 + seed,
    teacherBiasScale: BIAS_SCALE,
    studentNetSeed: 1 + seed,
    iterations: s(2, 16, 120),
    optimizer: { name: 'adam', lr: 0.01 },
    emaBeta: s(0.5, 0.7, 0.9),
    budget: s(0.02, 0.2, 1),
    evaluationSteps: s(500, 3000, 10000),
    finalSteps: s(2000, 20000, 100000),
    targetSteps: s(5000, 50000, 400000),
    transient: TRANSIENT,
    lyapunovSteps: s(1000, 4000, 20000),
  };
  const { n, noise } = settings;
  const rng = new Rng(seed);
  const teacher = teacherSystem(n, settings.teacherNetSeed, rng.split(1).seed, noise);
  const stats = unitStatistics(n);
  const target = measureStatistics(teacher, stats, { kind: 'average', steps: settings.targetSteps, transient: TRANSIENT }, rng.split(2).seed);
  const terms: LossTerm[] = stats.map((st, k) => ({ observable: st.observable, power: st.power, target: target.values[k] }));
  const loss = squaredErrorLoss(terms);
  const student = createSystem('rnn', { dim: n, netSeed: settings.studentNetSeed, noise });
  const finalEval = { kind: 'average' as const, steps: settings.finalSteps, transient: TRANSIENT };
  const initial = evaluateLoss(student, loss, finalEval, rng.split(3).seed);

  const methods = teacherMethods(size, student, seed);
  const progress = new ProgressCounter(methods.length, opts.onProgress);
  const runs: TeacherRun[] = [];
  for (const m of methods) {
    runs.push(await unit(opts, m.label, () => teacherRun(m, { settings, terms, loss, student, target: target.values, finalEval, rng, seed, progress })));
    progress.finish(`teacher-rnn: ${m.label}`);
  }
  return {
    experiment: 'teacher-rnn',
    size,
    seed,
    settings,
    teacher: {
      chaos: chaosCheck(teacher, settings.lyapunovSteps, seed),
      means: Array.from(target.values.filter((_, k) => k % 2 === 0)),
      meanSquares: Array.from(target.values.filter((_, k) => k % 2 === 1)),
      targetStderrMax: Math.max(...target.stderr),
    },
    student: { chaos: chaosCheck(student, settings.lyapunovSteps, seed), initialLoss: initial.loss, initialLossStderr: initial.lossStderr, initialNoiseFloor: initial.lossNoiseFloor, initialStatistics: initial.statistics },
    runs,
    seconds: seconds(t0),
  };
}

interface TeacherContext {
  settings: TeacherRnnData['settings'];
  terms: LossTerm[];
  loss: ReturnType<typeof squaredErrorLoss>;
  student: DynamicalSystem;
  target: Float64Array;
  finalEval: { kind: 'average'; steps: number; transient: number };
  rng: Rng;
  seed: number;
  progress: ProgressCounter;
}

/** One method's training run and the check of its student: a unit of the experiment (saved for --resume). */
async function teacherRun(m: TeacherMethod, c: TeacherContext): Promise<TeacherRun> {
  const { settings, terms, loss, student, target, finalEval, rng, seed, progress } = c;
  const { n, noise } = settings;
  const config = parseTrainConfig({
    system: { name: 'rnn', dim: n, netSeed: settings.studentNetSeed, noise },
    params: ['W', 'b'],
    loss: terms,
    estimator: { method: m.method, options: m.options, steps: m.steps, transient: TRANSIENT },
    optimizer: settings.optimizer,
    ema: { beta: settings.emaBeta },
    iterations: settings.iterations,
    seed,
    evaluation: { steps: settings.evaluationSteps, transient: TRANSIENT },
  });
  const { records, cpuSeconds, result, error } = await trainRecording(config, {
    onIteration: (rec) => progress.start(`teacher-rnn: ${m.label} (iteration ${rec.iteration + 1}/${settings.iterations})`),
  });
  let final: TeacherRun['final'] = null;
  if (result !== null) {
    const full = Float64Array.from(student.p);
    const sel = selectParams(student, ['W', 'b']);
    for (let i = 0; i < sel.indices.length; i++) full[sel.indices[i]] = result.emaParams[i];
    const trained = student.withParams(full);
    const e = evaluateLoss(trained, loss, finalEval, rng.split(5).seed);
    final = {
      loss: e.loss,
      lossStderr: e.lossStderr,
      noiseFloor: e.lossNoiseFloor,
      rmsMean: rms(e.statistics, target, 0),
      rmsMeanSquare: rms(e.statistics, target, 1),
      statistics: e.statistics,
      chaos: chaosCheck(trained, settings.lyapunovSteps, seed),
    };
  }
  return {
    ...m,
    loss: records.map((r) => r.loss),
    lossStderr: records.map((r) => r.lossStderr),
    lossNoiseFloor: records.map((r) => r.lossNoiseFloor),
    gradNorm: records.map((r) => r.gradNorm),
    gradStderrNorm: records.map((r) => r.gradStderrNorm),
    gradientSeconds: records.map((r) => r.time.cumulativeGradient),
    cpuSeconds,
    error,
    final,
  };
}

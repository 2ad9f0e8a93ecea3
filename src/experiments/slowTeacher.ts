import { pilotObjective } from '../gradients/plan/index.js';
import { measureStatistics, type LossTerm, type Statistic } from '../optim/index.js';
import { Rng } from '../random/index.js';
import { bySize, chaosCheck, seconds, type ChaosCheck, type ExperimentOptions, type ExperimentSize } from './common.js';
import { referenceOptimum } from './referenceOptimum.js';
import { seedStudyOutcome, studyMethods, trainingSeeds, type SeedStudyOutcome, type StudyMethod, type StudyTask } from './seedStudy.js';
import { slowNetDefault, slowNetModel, slowNetSystem, type SlowNetShape } from './slowNet.js';

/**
 * Experiment `slow-teacher`: a student network with fast chaotic units and slow leaky units
 * (slowNet.ts) learns its teacher's biases b, c from the long-time statistics ⟨zᵢ⟩, ⟨zᵢ²⟩ of every
 * unit. U, V are the teacher's, W the teacher's up to a mismatch, so that no b, c meets every
 * target (a realisable task has L = 0 at its optimum, where any consistently biased gradient also
 * stops); the statistics respond to b and c through the slow units, over ≈ 1/ε steps.
 */

/** The slow-teacher study; its reference is the optimum over b, c from a long finite-difference Gauss–Newton run. */
export interface SlowTeacherData extends SeedStudyOutcome {
  experiment: 'slow-teacher';
  size: ExperimentSize;
  seed: number;
  settings: SlowNetShape & {
    noise: number;
    netSeed: number;
    biasScale: number;
    /** the teacher's W is the student's plus mismatch·N(0, 1/n) */
    mismatch: number;
    iterations: number;
    optimizer: { name: 'adam'; lr: number };
    emaBeta: number;
    /** CPU seconds per gradient the methods' steps were chosen for (at the initial student) */
    budget: number;
    truncation: number;
    evaluationSteps: number;
    finalSteps: number;
    targetSteps: number;
    transient: number;
    seeds: number[];
  };
  teacher: { chaos: ChaosCheck; statistics: number[]; targetStderrMax: number };
  student: { chaos: ChaosCheck; initialLoss: number; initialLossStderr: number };
  /** correlation time of the slow unit s₀ and of the fast unit x₀ at the initial student (steps) */
  correlation: { slow: { tau: number; tauAbs: number }; fast: { tau: number; tauAbs: number } };
}

/** the teacher's biases ~ N(0, 0.5²): enough to break x → −x, not enough to saturate every unit */
const BIAS_SCALE = 0.5;
const TRUNCATION = 10;
/** the teacher's W is the student's plus MISMATCH·N(0, 1/n): the targets are then not all reachable by b, c */
const MISMATCH = 0.5;
/** BPTT + clip differentiates orbits of this many steps: five slow time scales */
const CLIP_HORIZON = 500;

/** ⟨zᵢ⟩ and ⟨zᵢ²⟩ of every unit (fast, then slow), interleaved. */
function unitStatistics(dim: number): Statistic[] {
  return Array.from({ length: dim }, (_, i) => [{ observable: `x${i}`, power: 1 }, { observable: `x${i}`, power: 2 }]).flat();
}

/**
 * Steps per gradient for one CPU second at the initial student, measured on the development
 * machine (slowNet n = 8, m = 2; CHAOSGRAD_WORKERS has no effect: the system runs in-thread).
 */
const STEPS_PER_CPU_SECOND = { truncated: 250_000, clipOrbits: 430, kernel: 470_000, hybrid: 320_000 };

export function slowTeacherMethods(budget: number): StudyMethod[] {
  return studyMethods(STEPS_PER_CPU_SECOND, budget, { truncations: [TRUNCATION], clipHorizon: CLIP_HORIZON, minSteps: 200 });
}

/** The settings of a run of the given size (the full size is the documented one). */
export function slowTeacherSettings(size: ExperimentSize, seed: number, seeds?: number): SlowTeacherData['settings'] {
  const s = <T>(smoke: T, demo: T, full: T) => bySize(size, { smoke, demo, full });
  return {
    n: 8,
    m: 2,
    g: 4,
    eps: 0.01,
    noise: 0.1,
    netSeed: 1 + seed,
    biasScale: BIAS_SCALE,
    mismatch: MISMATCH,
    iterations: s(3, 8, 30),
    optimizer: { name: 'adam', lr: 0.05 },
    emaBeta: s(0.5, 0.7, 0.8),
    budget: s(0.02, 0.08, 0.4),
    truncation: TRUNCATION,
    evaluationSteps: s(2000, 10_000, 30_000),
    finalSteps: s(5000, 50_000, 300_000),
    targetSteps: s(10_000, 200_000, 1_000_000),
    transient: 1000,
    seeds: trainingSeeds(seed, seeds ?? s(2, 3, 5)),
  };
}

/** Teacher, student, the teacher's statistics as targets, and the task every method trains on. */
export function slowTeacherTask(settings: SlowTeacherData['settings'], seed: number) {
  const { n, m, transient } = settings;
  const rng = new Rng(seed);
  const model = slowNetModel(settings, settings.netSeed);
  const br = rng.split(1);
  // the teacher's fast couplings differ from the student's by MISMATCH·N(0, 1/n): no b, c meets every target
  const W = slowNetDefault(model, 'W').map((w) => w + (settings.mismatch / Math.sqrt(n)) * br.normal());
  const teacher = slowNetSystem(model, { W, b: Array.from({ length: n }, () => BIAS_SCALE * br.normal()), c: Array.from({ length: m }, () => BIAS_SCALE * br.normal()) }, settings.noise);
  const student = slowNetSystem(model, { b: new Float64Array(n), c: new Float64Array(m) }, settings.noise);
  const stats = unitStatistics(model.dim);
  const target = measureStatistics(teacher, stats, { kind: 'average', steps: settings.targetSteps, transient }, rng.split(2).seed);
  const terms: LossTerm[] = stats.map((st, k) => ({ observable: st.observable, power: st.power, target: target.values[k] }));
  const task: StudyTask = {
    student, params: ['b', 'c'], terms, transient, iterations: settings.iterations, optimizer: settings.optimizer, emaBeta: settings.emaBeta,
    evaluationSteps: settings.evaluationSteps, finalSteps: settings.finalSteps,
  };
  return { rng, teacher, student, stats, target, terms, task };
}

export async function runSlowTeacher(opts: ExperimentOptions): Promise<SlowTeacherData> {
  const t0 = process.hrtime.bigint();
  const { size, seed } = opts;
  const s = <T>(smoke: T, demo: T, full: T) => bySize(size, { smoke, demo, full });
  const settings = slowTeacherSettings(size, seed, opts.seeds);
  const { n, m, transient } = settings;
  const { rng, teacher, student, stats, target, terms, task } = slowTeacherTask(settings, seed);
  const initial = measureStatistics(student, stats, { kind: 'average', steps: settings.finalSteps, transient }, rng.split(3).seed);
  const initialLoss = initial.values.reduce((a, v, k) => a + (v - target.values[k]) ** 2, 0);
  const dL = initial.values.map((v, k) => 2 * (v - target.values[k]));
  const pilot = (observable: string) => pilotObjective(student, { kind: 'average', observable, steps: s(20_000, 100_000, 500_000), transient }, seed, s(20_000, 100_000, 500_000)).correlation;
  const slow = pilot(`x${n}`), fast = pilot('x0');
  const reference = referenceOptimum(student, ['b', 'c'], terms, { steps: s(5000, 50_000, 500_000), transient, iterations: s(1, 1, 2), h: new Array(n + m).fill(0.1), seed: rng.split(4).seed });
  const methods = slowTeacherMethods(settings.budget);
  const outcome = await seedStudyOutcome(opts, 'slow-teacher', task, methods, reference, settings.seeds);
  const lyapunovSteps = s(2000, 20_000, 50_000);
  return {
    experiment: 'slow-teacher',
    size,
    seed,
    settings,
    teacher: { chaos: chaosCheck(teacher, lyapunovSteps, seed), statistics: Array.from(target.values), targetStderrMax: Math.max(...target.stderr) },
    student: { chaos: chaosCheck(student, lyapunovSteps, seed), initialLoss, initialLossStderr: initial.stderrOf(Float64Array.from(dL)) },
    correlation: { slow: { tau: slow.tau, tauAbs: slow.tauAbs }, fast: { tau: fast.tau, tauAbs: fast.tauAbs } },
    ...outcome,
    seconds: seconds(t0),
  };
}

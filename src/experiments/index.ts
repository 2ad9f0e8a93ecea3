import type { ExperimentOptions } from './common.js';
import { runEstimators, type EstimatorsData } from './estimators.js';
import { runExplosion, type ExplosionData } from './explosion.js';
import { runInverseLorenz, type InverseLorenzData } from './inverseLorenz.js';
import { runTeacherRnn, type TeacherRnnData } from './teacherRnn.js';
import { runSlowTeacher, type SlowTeacherData } from './slowTeacher.js';
import { runTradeoff, type TradeoffData } from './tradeoff.js';
import { runDsrLorenz, type DsrLorenzData } from './dsrLorenz.js';

export * from './common.js';
export * from './compare.js';
export * from './explosion.js';
export * from './estimators.js';
export * from './inverseLorenz.js';
export * from './teacherRnn.js';
export * from './seedStudy.js';
export * from './referenceOptimum.js';
export * from './slowTeacher.js';
export * from './tradeoff.js';
export * from './dsrLorenz.js';
export * from './dsrData.js';
export * from './units.js';

/** The data object of any experiment (discriminated by `experiment`). */
export type ExperimentData = ExplosionData | EstimatorsData | InverseLorenzData | TeacherRnnData | SlowTeacherData | TradeoffData | DsrLorenzData;
export type ExperimentName = ExperimentData['experiment'];

export interface Experiment {
  readonly name: ExperimentName;
  readonly title: string;
  /** runs its methods over several seeds, whose count ExperimentOptions.seeds may set */
  readonly seeded?: boolean;
  run(opts: ExperimentOptions): Promise<ExperimentData>;
}

/** Every experiment, in report order; a new one is one file and one line here. */
export const EXPERIMENTS: readonly Experiment[] = [
  { name: 'explosion', title: 'Why backpropagation fails: BPTT gradients explode at the rate λ₁', run: runExplosion },
  { name: 'estimators', title: 'Gradient methods at equal compute against independent references', run: runEstimators },
  { name: 'inverse-lorenz', title: 'Inverse problem: find ρ with ⟨z⟩ = 30 in Lorenz 63', run: runInverseLorenz },
  { name: 'teacher-rnn', title: 'A chaotic student RNN learns a chaotic teacher’s statistics', run: runTeacherRnn },
  { name: 'slow-teacher', title: 'A student learns a teacher whose statistics respond through a slow mode', run: runSlowTeacher, seeded: true },
  { name: 'tradeoff', title: 'Trade-off: Lorenz 63 statistics whose targets cannot all be met', run: runTradeoff, seeded: true },
  { name: 'dsr-lorenz', title: 'Dynamical-systems reconstruction of Lorenz 63: teacher forcing, then long-time statistics', run: runDsrLorenz, seeded: true },
];

export const EXPERIMENT_NAMES = EXPERIMENTS.map((e) => e.name);
export * from './advise.js';

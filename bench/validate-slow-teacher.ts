/**
 * `npm run validate -- slow-teacher-steps` and `-- slow-teacher-decay`: what the kernel needs to
 * catch up on experiment 5. The full experiment gives every method ≈ 0.4 CPU s per gradient, where
 * the kernel's gradient is about as large as its standard error and Adam at a constant rate
 * random-walks the weights (final loss ≈ 0.09 against the reference optimum 0.053 and truncated
 * BPTT's 0.056). Same task, seeds and iterations, one change each:
 *  - steps: the kernel at 4× the steps per gradient (≈ 2× lower standard error);
 *  - decay: truncated BPTT, kernel and hybrid at their usual steps with a decaying rate,
 *    α_t = 0.05/(1 + t/10), so that the steps shrink as the noise starts to dominate.
 */
import { runSeedStudy, slowTeacherMethods, slowTeacherSettings, slowTeacherTask, type StudyMethod, type StudyTask } from '../src/experiments/index.js';

const FACTOR = 4;

async function table(task: StudyTask, methods: StudyMethod[], seeds: number[]): Promise<string> {
  const { summaries, runs } = await runSeedStudy({ size: 'full', seed: 0 }, 'slow-teacher', task, methods, seeds);
  const f = (v: number) => v.toPrecision(3);
  return [
    `| method | steps/gradient | final loss (mean [95% CI], ${seeds.length} seeds) | CPU s per run | per seed |`,
    '|---|---|---|---|---|',
    ...summaries.map((s, k) => `| ${s.label} | ${methods[k].steps} | ${f(s.finalLoss.mean)} [${f(s.finalLoss.lo)}, ${f(s.finalLoss.hi)}] | ${f(s.cpuSeconds.mean)} | ${runs.filter((r) => r.label === s.label).map((r) => f(r.final?.loss ?? NaN)).join(', ')} |`),
  ].join('\n');
}

export async function validateSteps(): Promise<string> {
  const settings = slowTeacherSettings('full', 0);
  const { task } = slowTeacherTask(settings, 0);
  const methods = slowTeacherMethods(settings.budget * FACTOR).filter((m) => m.method === 'kernel').map((m) => ({ ...m, label: `kernel, ${FACTOR}× steps` }));
  return table(task, methods, settings.seeds);
}

export async function validateDecay(): Promise<string> {
  const settings = slowTeacherSettings('full', 0);
  const { task } = slowTeacherTask(settings, 0);
  const decaying = { ...task, optimizer: { ...task.optimizer, schedule: { kind: 'inverse-time', tau: 10 } } };
  const methods = slowTeacherMethods(settings.budget).filter((m) => m.options.clip === undefined).map((m) => ({ ...m, label: `${m.label}, decaying rate` }));
  return table(decaying, methods, settings.seeds);
}

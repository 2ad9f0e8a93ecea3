import { checkBpttOptions } from '../gradients/bptt/options.js';
import type { Objective } from '../gradients/index.js';
import { PayloadError, opt, type Rule, type Schema } from './fields.js';

/**
 * The whitelist of unit kinds a worker executes. A job names a kind, never a file: the worker maps
 * the kind to a module of this package and one of its exports, and checks the unit's options against
 * the kind's schema (and the library's own option checks where it has them) before running it.
 * A task whose (module, function) is not listed here cannot be sent to the cluster.
 */
export interface UnitKind {
  /** module path relative to src/ (dist/src/ when built) */
  readonly module: string;
  readonly fn: string;
  readonly options: Schema;
  /** further checks of the library, beyond types and ranges */
  readonly check?: (options: Record<string, unknown>, objective: Objective) => void;
}

/** the predictive baseline's settings (kernel/predict.ts); absent or null: the running mean */
const PREDICT: Rule = { object: { every: 'int>=1', horizon: 'int>=1' } };

const HYBRID_RUN: Schema = {
  split: { enum: ['pathkernel', 'shadowing'] },
  alpha: 'finite>=0',
  u: 'int>=0',
  window: 'int>=1',
  segmentSteps: 'int>=1',
  basisTransient: 'int>=0',
  keepBytes: 'int>=0',
  predict: opt(PREDICT),
  sweep: opt({ enum: ['forward', 'backward'] }),
  windows: opt('int>=1[]'),
};

const ERGODIC_ORBIT: Schema = { windows: 'int>=1[]', baseline: 'bool', orbits: 'int>=1', transient: 'int>=0', batches: 'int>=1', predict: opt(PREDICT) };

function checkErgodicOrbit(o: Record<string, unknown>): void {
  if ((o.batches as number) < 2) throw new PayloadError('options.batches must be at least 2');
  const w = o.windows as number[];
  if (w.length === 0 || w.some((x, i) => i > 0 && x <= w[i - 1])) throw new PayloadError('options.windows must be a non-empty ascending list');
}

/** a unit may keep at most this much of its orbit in memory (a job must not exhaust a worker) */
const MAX_KEEP_BYTES = 2 ** 32;
/** lockstep lanes of a unit (memory O(lanes·(n + nParams))) */
const MAX_LANES = 4096;

const BPTT: Schema = {
  repeats: opt('int>=1'),
  clip: opt('finite>0'),
  clipStep: opt('finite>0'),
  truncate: opt('int>=1'),
  l2: opt('finite>=0'),
  ensemble: opt('int>=1'),
  segmentSteps: opt('int>=1'),
};

function checkHybrid(o: Record<string, unknown>): void {
  if ((o.alpha as number) > 1) throw new PayloadError('options.alpha must be in [0, 1]');
  if ((o.keepBytes as number) > MAX_KEEP_BYTES) throw new PayloadError(`options.keepBytes must be at most ${MAX_KEEP_BYTES}`);
}

export const UNIT_KINDS: Readonly<Record<string, UnitKind>> = {
  'kernel.horizon': {
    module: 'gradients/kernel/horizon.js',
    fn: 'kernelHorizonChunk',
    options: { chunks: 'int>=1', baseline: 'bool', lanes: opt('int>=1') },
    check: (o) => {
      if ((o.lanes as number | undefined) !== undefined && (o.lanes as number) > MAX_LANES) throw new PayloadError(`options.lanes must be at most ${MAX_LANES}`);
    },
  },
  'kernel.ergodic': { module: 'gradients/kernel/ergodic.js', fn: 'kernelErgodicOrbit', options: ERGODIC_ORBIT, check: checkErgodicOrbit },
  'hybrid.forward': {
    module: 'gradients/hybrid/forward.js',
    fn: 'hybridForwardOrbit',
    options: { ...ERGODIC_ORBIT, alpha: 'finite>=0' },
    check: (o) => {
      checkErgodicOrbit(o);
      if ((o.alpha as number) > 1) throw new PayloadError('options.alpha must be in [0, 1]');
    },
  },
  'hybrid.ergodic': { module: 'gradients/hybrid/ergodic.js', fn: 'hybridErgodicRun', options: HYBRID_RUN, check: checkHybrid },
  'hybrid.horizon': {
    module: 'gradients/hybrid/horizon.js',
    fn: 'hybridHorizonChunk',
    options: { ...HYBRID_RUN, first: 'int>=0', count: 'int>=1', baseline: 'finite' },
    check: checkHybrid,
  },
  'bptt.average': { module: 'gradients/bptt/tasks.js', fn: 'bpttAverageTask', options: BPTT, check: (o, obj) => checkBpttOptions(o, obj) },
  'bptt.horizon': { module: 'gradients/bptt/tasks.js', fn: 'bpttHorizonTask', options: BPTT, check: (o, obj) => checkBpttOptions(o, obj) },
  'fd.batch': {
    module: 'gradients/fd.js',
    fn: 'fdBatchTask',
    options: { h: opt('finite>0'), relativeH: opt('finite>0'), richardson: opt('bool'), batches: opt('int>=1'), direction: opt('finite[]'), batchCount: 'int>=1' },
  },
  'nilsas.repeat': { module: 'gradients/nilsas/nilsas.js', fn: 'nilsasRepeatTask', options: { M: 'int>=1', segmentSteps: 'int>=1', neutral: 'bool', condition: 'bool' } },
};

const SRC = new URL('../', import.meta.url);

/** File URL of a kind's module in this installation. */
export function unitModuleUrl(kind: UnitKind): string {
  return new URL(kind.module, SRC).href;
}

/** The kind of a local task (module URL + export), or null when it is not whitelisted. */
export function kindOfTask(module: string, fn: string): string | null {
  for (const [name, k] of Object.entries(UNIT_KINDS)) {
    if (k.fn === fn && unitModuleUrl(k) === module) return name;
  }
  return null;
}

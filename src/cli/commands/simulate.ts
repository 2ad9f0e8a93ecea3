import { simulate } from '../../systems/index.js';
import { list, num, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import { fmt, table } from '../format.js';
import type { Progress } from '../progress.js';
import { seedFrom, systemFrom } from '../systemArgs.js';

const DEFAULT_BATCHES = 32;

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'time averages of observables along one orbit, with batch-means standard errors',
  usage: 'simulate <system> [--steps N] [--transient N] [--observables a,b] [--batches B] [system options]',
  options: {
    steps: { type: 'string', kind: 'integer', min: 1, value: 'N', unit: 'steps', default: '1000 time units (flows), 100000 steps (maps)', description: 'length of the averaged orbit' },
    transient: { type: 'string', kind: 'integer', min: 0, value: 'N', unit: 'steps', default: "the system's transient", description: 'steps discarded before averaging' },
    observables: { type: 'string', value: 'a,b', default: 'all', description: "observables to average (see 'chaosgrad systems <name>')" },
    batches: { type: 'string', kind: 'integer', min: 2, value: 'B', default: DEFAULT_BATCHES, description: 'batches of the batch-means standard error' },
  },
  system: true,
  maxPositionals: 1,
  async run(positionals: string[], values: OptionValues, progress: Progress) {
    const { system } = await systemFrom(positionals[0], values);
    const defaultSteps = system.dt !== null ? Math.round(1000 / system.dt) : 100000;
    const res = simulate(system, {
      steps: num(values, 'steps', defaultSteps, { integer: true, min: 1 }),
      transient: num(values, 'transient', undefined, { integer: true, min: 0 }),
      seed: seedFrom(values),
      observables: list(values, 'observables'),
      batches: num(values, 'batches', DEFAULT_BATCHES, { integer: true, min: 2 }),
      onProgress: (d, t) => progress.update('simulate', d, t),
    });
    progress.done();
    const names = Object.keys(res.averages);
    const shown = names.length > 12 ? names.filter((n) => !/^x\d+$/.test(n)).concat(names.filter((n) => /^x\d+$/.test(n)).slice(0, 4)) : names;
    const text = `${system.name}: ${res.steps} steps after ${res.transient} transient` +
      (system.noise ? `, noise σ = ${system.noise.sigma}` : '') + '\n' +
      table(['observable', 'average', 'stderr'], shown.map((n) => [n, fmt(res.averages[n]), fmt(res.stderr[n], 2)])) +
      (shown.length < names.length ? `\n(${names.length - shown.length} more in --json)` : '');
    return {
      json: { system: system.name, steps: res.steps, transient: res.transient, noise: system.noise?.sigma ?? 0, averages: res.averages, stderr: res.stderr },
      text,
    };
  },
};

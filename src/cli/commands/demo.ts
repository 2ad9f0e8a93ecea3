import { join, resolve } from 'node:path';
import { EXPERIMENTS, EXPERIMENT_SIZES, type ExperimentData } from '../../experiments/index.js';
import { findings, renderReport } from '../../report/html.js';
import { str, writeTextFile, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import type { Progress } from '../progress.js';
import { seedFrom } from '../systemArgs.js';
import { lockOutput, reportMeta, sizeFrom, unitStore, writeExperimentFiles } from './experiment.js';

export const DEFAULT_REPORT_DIR = 'chaosgrad-report';

/**
 * `chaosgrad demo`: the four experiments at their demo size (the report states how long each took), one
 * self-contained HTML page with every figure inline, and each experiment's data and SVGs beside it.
 */
const DEFAULT_OUT = DEFAULT_REPORT_DIR;

export const demoCommand: Command = {
  name: 'demo',
  summary: `small versions of every experiment: one HTML report in ${DEFAULT_REPORT_DIR}/index.html, with the measured time of each`,
  usage: `demo [--out DIR] [--seed S] [--size ${EXPERIMENT_SIZES.join('|')}] [--resume]`,
  options: {
    out: { type: 'string', value: 'DIR', group: 'output', default: DEFAULT_OUT, description: 'directory of the data, figures and HTML report' },
    seed: { type: 'string', kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, default: 0, description: 'seed of every random draw' },
    size: { type: 'string', value: EXPERIMENT_SIZES.join('|'), default: 'demo', description: 'size of the studies' },
    resume: { type: 'boolean', description: 'reuse the finished units an interrupted run with the same settings left in --out' },
  },
  system: false,
  cluster: true,
  maxPositionals: 0,
  async run(_positionals: string[], values: OptionValues, progress: Progress) {
    const out = str(values, 'out') ?? DEFAULT_REPORT_DIR;
    const size = sizeFrom(values, 'demo');
    const seed = seedFrom(values);
    lockOutput(out);
    const units = unitStore(out, { command: 'demo', size, seed }, values.resume === true);
    const t0 = process.hrtime.bigint();
    const sections: { data: ExperimentData; title: string }[] = [];
    const files: string[] = [];
    for (const [i, e] of EXPERIMENTS.entries()) {
      const data = await e.run({ size, seed, units: units.scope(e.name), onProgress: (label, done, total) => progress.update(`[${i + 1}/${EXPERIMENTS.length}] ${label}`, done, total) });
      sections.push({ data, title: e.title });
      files.push(...writeExperimentFiles(join(out, 'data'), data));
    }
    progress.done();
    units.clear();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const page = join(out, 'index.html');
    const command = `chaosgrad demo${size !== 'demo' ? ` --size ${size}` : ''} --seed ${seed}`;
    writeTextFile('report', page, renderReport(reportMeta('chaosgrad demo: training unstable networks', command, seconds), sections));
    const report = resolve(page);
    return {
      json: {
        report,
        out: resolve(out),
        size,
        seed,
        seconds,
        files: [report, ...files.map((f) => resolve(f))],
        experiments: sections.map((s) => ({ name: s.data.experiment, seconds: s.data.seconds, findings: findings(s.data) })),
      },
      text: [
        ...sections.map((s) => `${s.title} (${s.data.seconds.toFixed(1)} s)\n${findings(s.data).map((f) => `  - ${f}`).join('\n')}`),
        '',
        `report: ${report}  (${seconds.toFixed(1)} s; open it in a browser)`,
      ].join('\n'),
    };
  },
};

import { basename, extname, join } from 'node:path';
import { UsageError } from '../../errors/index.js';
import { loadTrainConfig, statisticLabel, train, type TrainResult } from '../../optim/index.js';
import { flag, num, str, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import { fmt, pm, table } from '../format.js';
import type { Progress } from '../progress.js';

function byLabel(labels: readonly string[], values: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  labels.forEach((l, i) => (out[l] = values[i]));
  return out;
}

function summaryText(r: TrainResult, method: string, system: string, terms: { label: string; target: number }[]): string {
  const last = r.records[r.records.length - 1];
  const head = `trained ${r.labels.length} parameter entr${r.labels.length === 1 ? 'y' : 'ies'} of ${system} with ${method} for ${r.iterations} iterations` +
    (r.resumedFrom !== null ? ` (resumed after ${r.resumedFrom})` : '') +
    (last ? `, ${last.time.cumulative.toFixed(1)} s of compute` : '');
  const loss = `final loss ${pm(r.final.loss, r.final.lossStderr)} (noise floor ${fmt(r.final.lossNoiseFloor, 2)}); at the EMA weights ${pm(r.finalEma.loss, r.finalEma.lossStderr)}`;
  const shownTerms = terms.slice(0, 12);
  const stats = table(['statistic', 'target', 'final', 'stderr', 'EMA weights'], shownTerms.map((t, k) => [t.label, fmt(t.target), fmt(r.final.statistics[k]), fmt(r.final.statisticsStderr[k], 2), fmt(r.finalEma.statistics[k])]));
  const shownParams = r.labels.slice(0, 12);
  const params = table(['parameter', 'θ', 'θ_EMA'], shownParams.map((l, i) => [l, fmt(r.params[i]), fmt(r.emaParams[i])]));
  const more = r.labels.length > 12 || terms.length > 12 ? '\n(all entries in --json)' : '';
  const files = r.logPath ? `\nlog: ${r.logPath}\ncheckpoint: ${r.checkpointPath}` : '';
  return `${head}\n${loss}\n\n${stats}\n\n${params}${more}${files}`;
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'minimise a loss of long-time statistics with any gradient method (config file, log, checkpoint/resume)',
  usage: 'train --config FILE [--resume] [--iterations N] [--out DIR] [--overwrite]',
  options: {
    config: { type: 'string', value: 'FILE', description: 'JSON or TOML training configuration (required; see docs/training.md)' },
    resume: { type: 'boolean', description: 'continue the run in --out from its checkpoint' },
    iterations: { type: 'string', kind: 'integer', min: 1, value: 'N', default: 'the config\'s iterations', description: 'optimiser iterations' },
    out: { type: 'string', value: 'DIR', group: 'output', default: 'runs/<config name>', description: 'run directory (log, checkpoint; locked while the run lasts)' },
    overwrite: { type: 'boolean', group: 'output', description: 'replace an existing run in --out' },
  },
  system: false,
  cluster: true,
  maxPositionals: 0,
  async run(_positionals: string[], values: OptionValues, progress: Progress) {
    const file = str(values, 'config');
    if (file === undefined) throw new UsageError('missing --config FILE (a JSON or TOML training configuration, see docs/training.md)');
    if (flag(values, 'resume') && flag(values, 'overwrite')) throw new UsageError('give either --resume or --overwrite, not both');
    const loaded = await loadTrainConfig(file);
    const config = {
      ...loaded,
      iterations: num(values, 'iterations', loaded.iterations, { integer: true, min: 1 }),
      // default output next to the current directory, named after the config
      out: str(values, 'out') ?? loaded.out ?? join('runs', basename(file, extname(file))),
    };
    let lastLoss = '';
    if (flag(values, 'resume')) progress.note(`resuming the run in ${config.out}`);
    const r = await train(config, {
      resume: flag(values, 'resume'),
      overwrite: flag(values, 'overwrite'),
      onNote: (m) => process.stderr.write(`chaosgrad: note: ${m}\n`),
      onIteration: (rec) => (lastLoss = fmt(rec.loss, 3)),
      onProgress: (done, total) => progress.update('train', done, total, `iteration ${Math.min(total, Math.floor(done) + 1)}/${total}${lastLoss ? `, loss ${lastLoss}` : ''}`),
    });
    progress.done();
    const method = r.records[r.records.length - 1]?.method ?? config.estimator.method;
    const terms = config.loss.map((t) => ({ label: statisticLabel({ observable: t.observable, power: t.power ?? 1 }), target: t.target }));
    const last = r.records[r.records.length - 1];
    return {
      json: {
        iterations: r.iterations,
        method,
        system: config.system.name,
        resumedFrom: r.resumedFrom,
        finalLoss: r.final.loss,
        finalLossStderr: r.final.lossStderr,
        finalLossNoiseFloor: r.final.lossNoiseFloor,
        finalEmaLoss: r.finalEma.loss,
        finalEmaLossStderr: r.finalEma.lossStderr,
        statistics: terms.map((t, k) => ({ statistic: t.label, target: t.target, value: r.final.statistics[k], stderr: r.final.statisticsStderr[k], ema: r.finalEma.statistics[k] })),
        params: byLabel(r.labels, r.params),
        emaParams: byLabel(r.labels, r.emaParams),
        computeSeconds: last?.time.cumulative ?? 0,
        log: r.logPath,
        checkpoint: r.checkpointPath,
      },
      text: summaryText(r, method, config.system.name, terms),
    };
  },
};

import { UsageError } from '../../errors/index.js';
import { advise, applicableMethods, type Advice, type AdviceEntry } from '../../experiments/index.js';
import { estimatorNames } from '../../gradients/index.js';
import { list, num, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import { fmt, table } from '../format.js';
import type { Progress } from '../progress.js';
import { SYSTEM_OPTIONS, seedFrom, systemFrom } from '../systemArgs.js';
import { OBJECTIVE_OPTIONS, objectiveFrom, paramsFrom } from './grad.js';

const DEFAULT_BUDGET = 1;
const DEFAULT_TARGET = 60;

/** The system flags as given, so that the recommended command rebuilds the same system. */
function systemFlags(values: OptionValues): string[] {
  const out: string[] = [];
  for (const key of Object.keys(SYSTEM_OPTIONS)) {
    if (key === 'weights-out' || values[key] === undefined) continue;
    const v = values[key];
    for (const item of Array.isArray(v) ? v : [v]) out.push(`--${key}`, String(item));
  }
  return out;
}

/** `chaosgrad grad …` that runs the method at its recommended size. */
function commandLine(system: string, values: OptionValues, a: Advice, e: AdviceEntry): string {
  const o = a.objective;
  const size = o.kind === 'average' ? ['--steps', String(e.recommendedSize)] : ['--horizon', String(o.horizon), '--samples', String(e.recommendedSize)];
  return ['chaosgrad', 'grad', system, ...systemFlags(values), '--method', e.method, '--param', a.params.join(','), '--objective', o.observable, ...size].join(' ');
}

export const adviseCommand: Command = {
  name: 'advise',
  summary: 'short pilots of every applicable gradient method, ranked by the standard error one CPU-second buys, with bias risks and the command to run',
  usage: 'advise <system> --param P --objective O [--steps T | --horizon L --samples N] [--methods a,b] [--budget S] [--target S] [system options]',
  options: {
    ...OBJECTIVE_OPTIONS,
    methods: { type: 'string', value: 'a,b,c', default: 'every method that applies (kernel and hybrid need noise, nilsas an average)', description: 'methods to try' },
    budget: { type: 'string', kind: 'number', above: 0, value: 'S', unit: 'CPU seconds', default: DEFAULT_BUDGET, description: "each method's pilot" },
    target: { type: 'string', kind: 'number', above: 0, value: 'S', unit: 'CPU seconds', default: DEFAULT_TARGET, description: 'budget of the recommended run (its size and predicted stderr)' },
  },
  system: true,
  maxPositionals: 1,
  async run(positionals: string[], values: OptionValues, progress: Progress) {
    const { system } = await systemFrom(positionals[0], values);
    const params = paramsFrom(values, system);
    const objective = objectiveFrom(values, system, system.dt !== null ? Math.round(1000 / system.dt) : 1_000_000);
    const valid = estimatorNames();
    const methods = list(values, 'methods');
    for (const m of methods ?? []) if (!valid.includes(m)) throw new UsageError(`unknown method '${m}' in --methods (valid: ${valid.join(', ')})`);
    const usable = applicableMethods(system, objective);
    for (const m of methods ?? []) {
      if (!usable.includes(m)) throw new UsageError(`--methods: ${m} does not apply here (${m === 'nilsas' ? 'it needs a long-time average (--steps)' : 'it needs --noise σ > 0'})`);
    }
    const a = await advise({
      system, params, objective, seed: seedFrom(values), methods,
      budget: num(values, 'budget', DEFAULT_BUDGET, { above: 0 }), target: num(values, 'target', DEFAULT_TARGET, { above: 0 }),
      onProgress: (label, d, t) => progress.update(`advise: ${label}`, d, t),
    });
    progress.done();
    const name = positionals[0];
    const entries = a.entries.map((e) => ({ ...e, command: e.ok ? commandLine(name, values, a, e) : null }));
    const rows = entries.map((e, i) => e.ok
      ? [String(i + 1), e.method, settingsText(e.settings), `${fmt(e.gradient![0])} ± ${e.stderr ? fmt(e.stderr[0], 2) : '-'}`, e.cpuSeconds!.toFixed(2),
        e.stderrAtOneSecond !== null ? fmt(e.stderrAtOneSecond!, 2) : '-', e.predictedStderr !== null ? fmt(e.predictedStderr!, 2) : '-', e.severe ? 'severe' : e.risks.length > 0 ? 'some' : 'none']
      : [String(i + 1), e.method, '-', `failed: ${e.error}`, '-', '-', '-', 'fails']);
    const head = `${a.system}, d${a.objective.kind === 'average' ? `⟨${a.objective.observable}⟩` : `E[${a.objective.observable}]`}/d(${a.labels.join(', ')}), noise σ = ${a.noise}, ` +
      `λ₁ = ${fmt(a.lambda1, 3)} ${a.lambda1Unit}; pilots of ${a.budget} CPU s each`;
    const notes = entries.map((e, i) => [`${i + 1}. ${e.method}${e.command ? `: ${e.command}` : ''}`, ...e.risks.map((r) => `   risk: ${r}`)].join('\n')).join('\n');
    const text = `${head}\n${table(['rank', 'method', 'settings', 'pilot estimate ± stderr', 'CPU s', 'stderr·√CPU s', `stderr at ${a.target} s`, 'bias risk'], rows)}\n` +
      `top choice: ${a.top ?? 'none (every method has a severe risk or failed)'}\n${notes}`;
    return { json: { ...a, entries }, text };
  },
};

function settingsText(s: Record<string, unknown>): string {
  const parts = Object.entries(s).map(([k, v]) => `${k} ${typeof v === 'number' ? +v.toPrecision(3) : String(v)}`);
  return parts.length > 0 ? parts.join(', ') : 'defaults';
}

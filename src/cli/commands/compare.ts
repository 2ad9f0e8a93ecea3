import { UsageError, withContext } from '../../errors/index.js';
import { compareMethods } from '../../experiments/compare.js';
import { checkMethodOptions, estimatorNames, getEstimator, selectParams } from '../../gradients/index.js';
import { compareFigure } from '../../report/compare.js';
import { list, num, parseNumber, readJsonFile, str, writeTextFile, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import { fmt, table, warningBlock } from '../format.js';
import type { Progress } from '../progress.js';
import { seedFrom, systemFrom } from '../systemArgs.js';
import { OBJECTIVE_OPTIONS, objectiveFrom, paramsFrom } from './grad.js';

const DEFAULT_BUDGET = 5;

export const compareCommand: Command = {
  name: 'compare',
  summary: 'gradient methods side by side at an equal compute budget (CPU seconds): estimate, stderr, error against a reference, cost',
  usage: 'compare <system> --param P --objective O --methods bptt,fd,nilsas,kernel,hybrid [--budget S | --budgets a,b,c] [--reference v,… | --reference-method fd [--reference-budget S]] [--method-options JSON|FILE] [--plot FILE.svg]',
  options: {
    methods: { type: 'string', value: 'a,b,c', default: 'every method but fd', description: 'methods to compare (bptt, fd, nilsas, kernel, hybrid)' },
    ...OBJECTIVE_OPTIONS,
    budget: { type: 'string', kind: 'number', above: 0, value: 'S', unit: 'CPU seconds', default: DEFAULT_BUDGET, description: 'compute budget of each method' },
    budgets: { type: 'string', value: 'a,b,c', unit: 'CPU seconds', description: 'several budgets (convergence with cost)' },
    reference: { type: 'string', value: 'v,…', group: 'method', description: 'known gradient to measure errors against (one value per entry)' },
    'reference-method': { type: 'string', value: 'M', group: 'method', default: 'fd', description: 'method computing the reference when no --reference is given' },
    'reference-budget': { type: 'string', kind: 'number', above: 0, value: 'S', group: 'method', unit: 'CPU seconds', description: 'budget of the reference computation' },
    'method-options': { type: 'string', value: 'JSON|FILE', group: 'method', description: 'options per method, e.g. {"kernel": {"window": 20}}' },
    plot: { type: 'string', value: 'FILE.svg', group: 'output', description: 'write an SVG figure of the comparison' },
  },
  system: true,
  cluster: true,
  maxPositionals: 1,
  async run(positionals: string[], values: OptionValues, progress: Progress) {
    const { system } = await systemFrom(positionals[0], values);
    const valid = estimatorNames();
    const methods = list(values, 'methods') ?? valid.filter((m) => m !== 'fd');
    for (const m of methods) if (!valid.includes(m)) throw new UsageError(`unknown method '${m}' in --methods (valid: ${valid.join(', ')})`);
    if (values.budget !== undefined && values.budgets !== undefined) throw new UsageError('give --budget or --budgets, not both');
    const budgets = values.budgets !== undefined
      ? list(values, 'budgets')!.map((b) => parseNumber('--budgets', b, { above: 0 }))
      : [num(values, 'budget', DEFAULT_BUDGET, { above: 0 })];
    const reference = list(values, 'reference')?.map((v) => parseNumber('--reference', v));
    const refMethod = str(values, 'reference-method');
    if (refMethod !== undefined && !valid.includes(refMethod)) throw new UsageError(`unknown --reference-method '${refMethod}' (valid: ${valid.join(', ')})`);
    const moRaw = str(values, 'method-options');
    let methodOptions: Record<string, Record<string, unknown>> | undefined;
    if (moRaw !== undefined) {
      const parsed = moRaw.trim().startsWith('{') ? (() => { try { return JSON.parse(moRaw); } catch (e) { throw new UsageError(`--method-options is not valid JSON: ${(e as Error).message}`); } })() : readJsonFile('method options file', moRaw);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError('--method-options must be a JSON object keyed by method name');
      for (const k of Object.keys(parsed)) if (!valid.includes(k)) throw new UsageError(`--method-options: unknown method '${k}' (valid: ${valid.join(', ')})`);
      for (const [k, o] of Object.entries(parsed as Record<string, unknown>)) {
        try {
          checkMethodOptions(getEstimator(k), o);
        } catch (e) {
          throw e instanceof UsageError ? withContext('--method-options: ', e) : e;
        }
      }
      methodOptions = parsed as Record<string, Record<string, unknown>>;
    }
    const params = paramsFrom(values, system);
    const entries = selectParams(system, params).labels.length;
    if (reference && refMethod !== undefined) throw new UsageError('give --reference values or --reference-method, not both');
    if (reference && reference.length !== entries) throw new UsageError(`--reference has ${reference.length} values but the gradient has ${entries} entries`);
    const objective = objectiveFrom(values, system, system.dt !== null ? Math.round(100 / system.dt) : 10000);
    let done = 0;
    const total = methods.length * budgets.length + (reference ? 0 : 1);
    const res = await compareMethods({
      system, params, objective, methods, budgets, seed: seedFrom(values), methodOptions, reference,
      referenceMethod: refMethod, referenceBudget: num(values, 'reference-budget', undefined, { above: 0 }),
      onProgress: (label) => progress.update(`compare: ${label}`, done++, total),
    });
    progress.done();
    const plot = str(values, 'plot');
    if (plot !== undefined) writeTextFile('plot', plot, compareFigure(res));
    const rows = res.entries.map((e) => e.ok
      ? [e.method, String(e.budget), String(e.size), `${fmt(e.gradient![0])} ± ${e.stderr ? fmt(e.stderr[0], 2) : '-'}`, fmt(e.absError![0], 3), fmt(e.zScore![0], 2),
        e.cpuSeconds!.toFixed(2), e.stderrAtOneSecond ? fmt(e.stderrAtOneSecond[0], 2) : '-']
      : [e.method, String(e.budget), '-', `failed: ${e.error}`, '-', '-', '-', '-']);
    const ref = `reference (${res.reference.method}): ${res.labels[0] ?? params[0]} = ${fmt(res.reference.gradient[0])}${res.reference.stderr ? ` ± ${fmt(res.reference.stderr[0], 2)}` : ''}`;
    const filled = Object.entries(res.setup.filled).filter(([, v]) => Object.keys(v).length > 0).map(([m, v]) => `${m} ${JSON.stringify(v)}`).join('; ');
    const text = `${system.name}, d${objective.kind === 'average' ? `⟨${objective.observable}⟩` : `E[${objective.observable}]`}/d${res.labels[0] ?? params[0]}, noise σ = ${res.noise}\n${ref}\n` +
      (filled ? `method options: ${filled} (setup ${res.setup.seconds.toFixed(1)} s, outside the budgets)\n` : '') +
      table(['method', 'budget', 'size', 'estimate ± stderr', '|error|', 'error/σ', 'CPU s', 'stderr·√CPU s'], rows) + (plot ? `\nplot: ${plot}` : '') +
      warningBlock(res.entries.flatMap((e) => (e.warnings ?? []).map((w) => `${e.method} (${e.budget} s): ${w}`)));
    return { json: { ...res, methods }, text };
  },
};

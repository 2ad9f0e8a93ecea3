import { checkDerivatives } from '../../systems/index.js';
import { num, type OptionValues } from '../args.js';
import type { Command } from '../command.js';
import { table } from '../format.js';
import { seedFrom, systemFrom } from '../systemArgs.js';

export const checkCommand: Command = {
  name: 'check',
  summary: "check a system's derivatives: tangents and parameter tangents against finite differences, adjoints against transpose identities",
  usage: 'check <system> [--cases N] [--spread s] [system options]',
  options: {
    cases: { type: 'string', kind: 'integer', min: 1, value: 'N', default: 8, description: 'random states, parameters and directions per identity' },
    spread: { type: 'string', kind: 'number', min: 0, value: 's', default: 0.05, description: 'relative perturbation of the parameters in each case (0: the given parameters)' },
  },
  system: true,
  maxPositionals: 1,
  async run(positionals: string[], values: OptionValues) {
    const { system } = await systemFrom(positionals[0], values);
    const r = checkDerivatives(system, {
      seed: seedFrom(values),
      cases: num(values, 'cases', 8, { integer: true, min: 1 }),
      spread: num(values, 'spread', 0.05, { min: 0 }),
    });
    const rows = r.checks.map((c) => [c.name, c.worst.toExponential(2), c.tolerance.toExponential(0), c.passed ? 'ok' : 'FAILED', c.description]);
    const failed = r.checks.filter((c) => !c.passed).map((c) => c.name);
    const text = `${r.system}: dim ${r.dim}, ${r.nParams} parameters, ${r.cases} random cases (seed ${r.seed})\n` +
      table(['identity', 'worst error', 'tolerance', 'result', 'what'], rows) + '\n' +
      (r.passed ? 'all derivative checks passed' : `FAILED: ${failed.join(', ')}`);
    if (!r.passed) process.stderr.write(`chaosgrad: derivative check failed for ${r.system}: ${failed.join(', ')}\n`);
    return { json: r, text, exitCode: r.passed ? 0 : 1 };
  },
};

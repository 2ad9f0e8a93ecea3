#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { RuntimeFailure, UsageError } from '../errors/index.js';
import { cliMessage } from './optionNames.js';
import type { OptionValues } from './args.js';
import type { Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { toJson } from './format.js';
import { Progress } from './progress.js';
import { COMMON_OPTIONS, SYSTEM_OPTIONS } from './systemArgs.js';

function usage(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'chaosgrad — backpropagation in unstable neural networks',
    '',
    'usage: chaosgrad <command> [args] [--json]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'system options: --set name=value (repeatable) --seed N --noise σ --kernel K --noise-dirs ones|FILE',
    '                --dt h (flows) --dim n (sized systems) --weights FILE --weights-out FILE --net-seed N (rnn)',
    "run 'chaosgrad <command> --help' for a command's options",
  ].join('\n');
}

function commandHelp(c: Command): string {
  const own = Object.keys(c.options).map((o) => `--${o}`).join(' ');
  return `usage: chaosgrad ${c.usage}\n\n${c.summary}\n\noptions: ${own || '(none)'}${c.system ? ' + system options' : ''} --json --progress`;
}

/**
 * parseArgs refuses a value that starts with '-' ("--range -1,1" is ambiguous to it); a number-like
 * value after an option that takes one is joined as --opt=value, which it accepts.
 */
function joinNegativeValues(args: string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    const m = /^--([^=]+)$/.exec(a);
    if (m && options[m[1]]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity|inf)/i.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Runs the CLI; returns the exit code (0 ok, 1 runtime failure, 2 usage error). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`unknown command '${name}' (valid: ${COMMANDS.map((c) => c.name).join(', ')})`);
    let parsed: { values: OptionValues; positionals: string[] };
    const options = { ...COMMON_OPTIONS, ...(command.system ? SYSTEM_OPTIONS : {}), ...command.options };
    try {
      parsed = parseArgs({
        args: joinNegativeValues(rest, options),
        options,
        allowPositionals: true,
        strict: true,
      }) as { values: OptionValues; positionals: string[] };
    } catch (e) {
      // parseArgs messages span several sentences; keep the first, which names the option
      throw new UsageError(`${(e as Error).message.split('. ')[0].replace(/\.$/, '')} (see 'chaosgrad ${name} --help')`);
    }
    if (parsed.values.help) {
      process.stdout.write(commandHelp(command) + '\n');
      return 0;
    }
    if (parsed.positionals.length > command.maxPositionals) {
      throw new UsageError(`unexpected argument '${parsed.positionals[command.maxPositionals]}' (usage: chaosgrad ${command.usage})`);
    }
    const progress = new Progress(parsed.values.progress === true || (process.stderr.isTTY === true && !parsed.values.json));
    const out = await command.run(parsed.positionals, parsed.values, progress);
    progress.done();
    process.stdout.write(parsed.values.json ? JSON.stringify(toJson(out.json)) + '\n' : out.text + '\n');
    return 0;
  } catch (e) {
    const msg = cliMessage(e).split('\n')[0];
    if (e instanceof UsageError) {
      process.stderr.write(`chaosgrad: error: ${msg}\n`);
      return 2;
    }
    process.stderr.write(`chaosgrad: error: ${e instanceof RuntimeFailure ? '' : 'internal: '}${msg}\n`);
    return 1;
  }
}

// `chaosgrad … | head` closing the pipe early is the reader's choice, not a failure to report
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

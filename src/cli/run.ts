import { parseArgs } from 'node:util';
import { RuntimeFailure, UsageError } from '../errors/index.js';
import { cliMessage } from './optionNames.js';
import type { OptionValues } from './args.js';
import type { Command } from './command.js';
import { commandHelp, commandOptions, unknownOption, usage } from './help.js';
import { checkValues, parserOptions } from './options.js';
import { checkSizes } from './sizes.js';
import { packageVersion } from './version.js';
import { COMMAND_NAMES, loadCommand, loadCommands } from './commands/index.js';
import { toJson } from './format.js';
import { Progress } from './progress.js';
import { runCommand } from './cluster.js';

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
  if (name === undefined) {
    // no command is a usage error: the usage goes where errors go
    process.stderr.write(usage(await loadCommands()) + '\n');
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage(await loadCommands()) + '\n');
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`chaosgrad ${packageVersion()}\n`);
    return 0;
  }
  try {
    const pending = loadCommand(name);
    if (!pending) throw new UsageError(`unknown command '${name}' (valid: ${COMMAND_NAMES.join(', ')})`);
    const command = await pending;
    let parsed: { values: OptionValues; positionals: string[] };
    const options = commandOptions(command);
    try {
      parsed = parseArgs({
        args: joinNegativeValues(rest, options),
        options: parserOptions(options),
        allowPositionals: true,
        strict: true,
      }) as { values: OptionValues; positionals: string[] };
    } catch (e) {
      // parseArgs messages span several sentences; keep the first, which names the option
      throw new UsageError(unknownOption((e as Error).message, name, options));
    }
    if (parsed.values.help) {
      process.stdout.write(commandHelp(command) + '\n');
      return 0;
    }
    checkValues(parsed.values, options);
    checkSizes(parsed.values, command.system ? parsed.positionals[0] : undefined);
    if (parsed.positionals.length > command.maxPositionals) {
      throw new UsageError(`unexpected argument '${parsed.positionals[command.maxPositionals]}' (usage: chaosgrad ${command.usage})`);
    }
    const progress = new Progress(parsed.values.progress === true || (process.stderr.isTTY === true && !parsed.values.json));
    const out = await runCommand(command, parsed.positionals, parsed.values, progress);
    progress.done();
    process.stdout.write(parsed.values.json ? JSON.stringify(toJson(out.json)) + '\n' : out.text + '\n');
    return out.exitCode ?? 0;
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

// the same for stderr: a closed reader of --progress must not end a run (Progress stops drawing)
process.stderr.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

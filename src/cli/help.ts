import { closest } from '../errors/index.js';
import type { Command } from './command.js';
import { sectionsByGroup, sectionsText, type OptionDecls } from './options.js';
import { COMMON_OPTIONS, SYSTEM_OPTIONS } from './systemArgs.js';
import { CLUSTER_OPTIONS } from './cluster.js';
import { packageVersion } from './version.js';

/** The top-level help: one line per command (all loaded: see commands/index.ts). */
export function usage(commands: readonly Command[]): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    `chaosgrad ${packageVersion()} — backpropagation in unstable neural networks`,
    '',
    'usage: chaosgrad <command> [args] [--json]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    "run 'chaosgrad <command> --help' for a command's options (grouped, with defaults),",
    "'chaosgrad systems <name>' for a system's parameters and observables, 'chaosgrad --version' for the version",
  ].join('\n');
}

/** Every option a command accepts: common, system (when it builds one) and its own. */
export function commandOptions(c: Command): OptionDecls {
  return { ...COMMON_OPTIONS, ...(c.system ? SYSTEM_OPTIONS : {}), ...(c.cluster ? CLUSTER_OPTIONS : {}), ...c.options };
}

/** `chaosgrad <cmd> --help`: the same declarations the parser uses, grouped, with defaults. */
export function commandHelp(c: Command): string {
  const own = c.helpSections ? c.helpSections() : sectionsByGroup(c.options);
  const listed = new Set(own.flatMap((s) => Object.keys(s.options)));
  const shared: OptionDecls = { ...(c.system ? SYSTEM_OPTIONS : {}), ...(c.cluster ? CLUSTER_OPTIONS : {}), ...COMMON_OPTIONS };
  const rest = Object.fromEntries(Object.entries(shared).filter(([n]) => !listed.has(n)));
  return `usage: chaosgrad ${c.usage}\n\n${c.summary}\n\n${sectionsText([...own, ...sectionsByGroup(rest)])}`;
}

/** An unknown option answered with the nearest valid one. */
export function unknownOption(message: string, name: string, options: OptionDecls): string {
  const m = /Unknown option '(-{1,2})([^']+)'/.exec(message);
  const near = m ? closest(m[2], Object.keys(options)) : null;
  const first = message.split('. ')[0].replace(/\.$/, '');
  return `${first}${near ? ` (did you mean '--${near}'?)` : ''} (see 'chaosgrad ${name} --help')`;
}


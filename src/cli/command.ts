import type { parseArgs } from 'node:util';
import type { OptionValues } from './args.js';
import type { HelpSection, OptionDecls } from './options.js';
import type { Progress } from './progress.js';

export type ParseArgsOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

export interface CommandOutput {
  /** the one JSON object printed with --json */
  json: unknown;
  /** the human-readable report */
  text: string;
  /** exit code after printing (default 0); 1 when the result itself is a failure (a derivative check) */
  exitCode?: number;
}

/** A CLI command: parses nothing itself (main does), computes by calling the library, formats. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** one usage line, e.g. 'simulate <system> [--steps N] [--transient N]' */
  readonly usage: string;
  /** command-specific option declarations (common and, when `system` is set, system options are added); see options.ts */
  readonly options: OptionDecls;
  /** help sections of the command's own options when grouping by `group` is not enough (grad: one per method) */
  helpSections?(): HelpSection[];
  /** accepts the system options (--set, --seed, --noise, --dt, --dim, --weights, …) */
  readonly system: boolean;
  readonly maxPositionals: number;
  /** runs ensembles: accepts --cluster URL (or CHAOSGRAD_CLUSTER) to send its units to chaosgrad workers */
  readonly cluster?: boolean;
  run(positionals: string[], values: OptionValues, progress: Progress): Promise<CommandOutput> | CommandOutput;
}

/**
 * One declaration per CLI option. The same object drives parsing and help, so they cannot drift:
 * run.ts hands `parserOptions(...)` (type/multiple/short) to node:util parseArgs, then
 * `checkValues` checks every given value against the declared kind/range/choices, and `helpText`
 * prints the same declarations grouped with description, default, unit and valid values.
 *
 * HOW TO ADD AN OPTION
 *   1. Declare it in your command's `options` (or in a shared group such as SYSTEM_OPTIONS):
 *        'my-opt': { type: 'string', kind: 'integer', min: 1, value: 'N', default: 10, unit: 'steps',
 *                    group: 'method', description: 'what it changes, one line' },
 *      `kind` number|integer makes main reject a malformed value with exit 2 before run();
 *      `choices` lists the valid words; `default` is what help shows (a number or words such as
 *      'the system's default'); booleans are `{ type: 'boolean', description }`.
 *   2. Read it in run() with num()/str()/flag()/list() from args.ts as before (use the declared default).
 *   3. Nothing else: help lists it, and test/cli/help.test.ts fails if it has no description.
 * The old form `{ type: 'string' }` still parses (help then says 'undocumented') while commands
 * are converted; new options must carry a description.
 */
import { UsageError } from '../errors/index.js';
import { parseNumber } from './args.js';

/** Help sections: what the command does (`command`), which system, which method, what is written. */
export type OptionGroup = 'command' | 'system' | 'method' | 'output';

export interface OptionDecl {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** one line for help */
  description?: string;
  group?: OptionGroup;
  /** placeholder of the value in help, e.g. 'N', 'FILE', 'a,b,c' */
  value?: string;
  /** number/integer: checked against min/max/above before the command runs */
  kind?: 'number' | 'integer';
  min?: number;
  max?: number;
  /** strict lower bound */
  above?: number;
  /** valid words (checked, with a 'did you mean') */
  choices?: readonly string[];
  /** shown in help: a number, a word or a sentence ('the system's default transient') */
  default?: string | number | boolean;
  unit?: string;
}

export type OptionDecls = Record<string, OptionDecl>;

/** What parseArgs needs (it must not see `default`, which it would apply as a value). */
export function parserOptions(decls: OptionDecls): Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> {
  const out: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, d] of Object.entries(decls)) {
    out[name] = { type: d.type, ...(d.multiple ? { multiple: true } : {}), ...(d.short ? { short: d.short } : {}) };
  }
  return out;
}

/** Checks each given value against its declaration (kind, range, choices): UsageError naming the option. */
export function checkValues(values: Record<string, unknown>, decls: OptionDecls): void {
  for (const [name, d] of Object.entries(decls)) {
    const raw = values[name];
    if (raw === undefined || d.type !== 'string') continue;
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (typeof v !== 'string') continue;
      if (d.kind) parseNumber(`--${name}`, v, { integer: d.kind === 'integer', min: d.min, max: d.max, above: d.above });
      if (d.choices && !d.choices.includes(v)) throw new UsageError(`unknown --${name} '${v}' (valid: ${d.choices.join(', ')})`);
    }
  }
}

const GROUP_TITLES: Record<OptionGroup, string> = {
  command: 'options',
  method: 'method options',
  system: 'system options',
  output: 'output options',
};

function rangeText(d: OptionDecl): string {
  const parts: string[] = [];
  if (d.above !== undefined) parts.push(`> ${d.above}`);
  if (d.min !== undefined) parts.push(`>= ${d.min}`);
  if (d.max !== undefined) parts.push(`<= ${d.max}`);
  return parts.join(', ');
}

/** The help lines of one option: '  --name VALUE   description (unit; default …; valid …)'. */
export function optionLine(name: string, d: OptionDecl, width: number): string {
  const head = `${d.short ? `-${d.short}, ` : ''}--${name}${d.type === 'string' ? ` ${d.value ?? (d.choices ? d.choices.join('|') : d.kind ? (d.kind === 'integer' ? 'N' : 'X') : 'VALUE')}` : ''}`;
  const notes: string[] = [];
  if (d.kind) notes.push(`${d.kind}${rangeText(d) ? ` ${rangeText(d)}` : ''}`);
  if (d.unit) notes.push(d.unit);
  if (d.choices) notes.push(`one of ${d.choices.join(', ')}`);
  if (d.multiple) notes.push('repeatable');
  if (d.default !== undefined) notes.push(`default ${d.default}`);
  const text = `${d.description ?? 'undocumented'}${notes.length ? ` [${notes.join('; ')}]` : ''}`;
  return `  ${head.padEnd(width)}  ${text}`;
}

export interface HelpSection {
  title: string;
  options: OptionDecls;
}

/** Declarations split into sections by group (command, method, system, output), empty ones left out. */
export function sectionsByGroup(decls: OptionDecls): HelpSection[] {
  const order: OptionGroup[] = ['command', 'method', 'system', 'output'];
  return order
    .map((g) => ({ title: GROUP_TITLES[g], options: Object.fromEntries(Object.entries(decls).filter(([, d]) => (d.group ?? 'command') === g)) }))
    .filter((s) => Object.keys(s.options).length > 0);
}

/** Sections rendered with one column width; sections with the same title are merged. */
export function sectionsText(all: HelpSection[]): string {
  const sections: HelpSection[] = [];
  for (const s of all) {
    const same = sections.find((t) => t.title === s.title);
    if (same) same.options = { ...same.options, ...s.options };
    else sections.push({ title: s.title, options: { ...s.options } });
  }
  const heads = sections.flatMap((s) => Object.entries(s.options).map(([n, d]) => n.length + (d.value?.length ?? 5) + 8));
  const width = Math.min(30, Math.max(12, ...heads));
  return sections.map((s) => `${s.title}:\n${Object.entries(s.options).map(([n, d]) => optionLine(n, d, width)).join('\n')}`).join('\n\n');
}

/** The option names a help text lists (for the test comparing help with the parser). */
export function optionsInHelp(help: string): string[] {
  return [...new Set([...help.matchAll(/^ {2}(?:-\w, )?--([A-Za-z][\w-]*)/gm)].map((m) => m[1]))];
}

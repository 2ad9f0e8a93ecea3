import { messageParts, OptionName } from '../errors/index.js';

/**
 * The library names its options as its API does (`qrEvery`, `noiseDirections`); the CLI renders
 * them as flags. Most flags are the kebab-case of the library name; the rest are listed here.
 * An entry `name=setting` renders an option at a particular value (`neutral: false` → `--no-neutral`).
 */
const FLAGS: Record<string, string> = {
  noiseDirections: '--noise-dirs',
  params: '--param',
  'neutral=false': '--no-neutral',
  module: '--system-module',
};

/** The CLI flag of a library option. */
export function flagOf(option: OptionName): string {
  if (option.setting !== undefined) {
    const whole = FLAGS[`${option.name}=${option.setting}`];
    if (whole) return whole;
    if (option.setting === 'true') return flagOf(new OptionName(option.name));
    return `${flagOf(new OptionName(option.name))} ${option.setting}`;
  }
  return FLAGS[option.name] ?? `--${option.name.replace(/(?<=[a-z0-9])[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** An error's message with its library option names rendered as flags. */
export function cliMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return messageParts(e).map((p) => (typeof p === 'string' ? p : flagOf(p))).join('');
}

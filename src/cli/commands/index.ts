import type { Command } from '../command.js';

/**
 * Every CLI command by name, in the order help lists them; a new command is one file here and one
 * line in this table. A command's module is imported only when it runs (or when help lists them
 * all), so start-up parses and links one command's code, not every command's.
 */
const LOADERS: Record<string, () => Promise<Command>> = {
  'systems': async () => (await import('./systems.js')).systemsCommand,
  'simulate': async () => (await import('./simulate.js')).simulateCommand,
  'grad': async () => (await import('./grad.js')).gradCommand,
  'sigma-study': async () => (await import('./sigma-study.js')).sigmaStudyCommand,
  'train': async () => (await import('./train.js')).trainCommand,
  'compare': async () => (await import('./compare.js')).compareCommand,
  'explode': async () => (await import('./explode.js')).explodeCommand,
  'lyapunov': async () => (await import('./lyapunov.js')).lyapunovCommand,
  'ftle': async () => (await import('./ftle.js')).ftleCommand,
  'experiment': async () => (await import('./experiment.js')).experimentCommand,
  'demo': async () => (await import('./demo.js')).demoCommand,
  'worker': async () => (await import('./worker.js')).workerCommand,
  'check': async () => (await import('./check.js')).checkCommand,
  'advise': async () => (await import('./advise.js')).adviseCommand,
};

export const COMMAND_NAMES: readonly string[] = Object.keys(LOADERS);

/** The command called `name`, loaded; undefined for an unknown name. */
export function loadCommand(name: string): Promise<Command> | undefined {
  return Object.hasOwn(LOADERS, name) ? LOADERS[name]() : undefined;
}

/** Every command, loaded, in help order. */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMAND_NAMES.map((name) => LOADERS[name]()));
}

import type { Command } from '../command.js';
import { gradCommand } from './grad.js';
import { simulateCommand } from './simulate.js';
import { systemsCommand } from './systems.js';

/** Every CLI command; a new command is one file here and one line in this list. */
export const COMMANDS: readonly Command[] = [systemsCommand, simulateCommand, gradCommand];

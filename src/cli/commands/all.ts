import type { Command } from '../command.js';
import { loadCommands } from './index.js';

/** Every command loaded, for code that lists or checks them all at once (tests, docs); the CLI itself loads only the one it runs. */
export const COMMANDS: readonly Command[] = await loadCommands();

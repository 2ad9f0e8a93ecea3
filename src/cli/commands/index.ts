import type { Command } from '../command.js';
import { compareCommand } from './compare.js';
import { ftleCommand } from './ftle.js';
import { gradCommand } from './grad.js';
import { lyapunovCommand } from './lyapunov.js';
import { sigmaStudyCommand } from './sigma-study.js';
import { simulateCommand } from './simulate.js';
import { systemsCommand } from './systems.js';
import { trainCommand } from './train.js';
import { explodeCommand } from './explode.js';
import { experimentCommand } from './experiment.js';
import { demoCommand } from './demo.js';
import { adviseCommand } from './advise.js';
import { checkCommand } from './check.js';
import { workerCommand } from './worker.js';

/** Every CLI command; a new command is one file here and one line in this list. */
export const COMMANDS: readonly Command[] = [systemsCommand, simulateCommand, gradCommand, sigmaStudyCommand, trainCommand, compareCommand, explodeCommand, lyapunovCommand, ftleCommand, experimentCommand, demoCommand, workerCommand, checkCommand, adviseCommand];

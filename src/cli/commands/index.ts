/** The registered commands. Each command lives in its own file; add it here. */
import type { CommandModule } from 'yargs';
import { simulateCommand } from './simulate.js';
import { checkCommand } from './check.js';
import { reportCommand } from './report.js';
import { sweepCommand } from './sweep.js';
import { planCommand } from './plan.js';
import { calibrateCommand } from './calibrate.js';
import { modelCommand } from './model.js';
import { analyzeCommand } from './analyze.js';
import { measureCommand } from './measure.js';
import { validateCommand } from './validate.js';
import { selftestCommand } from './selftest.js';
import { schemaCommand } from './schema.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: CommandModule<any, any>[] = [
  simulateCommand,
  checkCommand,
  reportCommand,
  sweepCommand,
  planCommand,
  calibrateCommand,
  modelCommand,
  analyzeCommand,
  measureCommand,
  validateCommand,
  selftestCommand,
  schemaCommand,
];

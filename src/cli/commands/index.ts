/** The registered commands. Each command lives in its own file; add it here. */
import type { Argv, CommandModule } from 'yargs';
import { EXAMPLES } from '../examples.js';
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
import { newCommand } from './new.js';
import { adviseCommand } from './advise.js';
import { compareCommand } from './compare.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const REGISTERED: CommandModule<any, any>[] = [
  newCommand,
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
  adviseCommand,
  compareCommand,
];

/** The name a command is registered under (`simulate <scenario>` → `simulate`). */
export function commandName(c: CommandModule<object, object>): string {
  return String(c.command).split(' ')[0];
}

/** Each command with its runnable examples (../examples.ts) added to its `--help`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: CommandModule<any, any>[] = REGISTERED.map((c) => {
  const examples = EXAMPLES[commandName(c as CommandModule<object, object>)] ?? [];
  const builder = c.builder;
  return {
    ...c,
    builder: (y: Argv) => {
      const built = (typeof builder === 'function' ? builder(y) : y.options(builder ?? {})) as Argv;
      for (const e of examples) built.example(`$0 ${e.line}`, e.describe);
      return built;
    },
  };
});

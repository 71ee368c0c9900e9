/**
 * The registered commands. Each command lives in its own file; add it to COMMAND_LOADERS.
 *
 * A command's module is imported only when it runs (`loadCommand`): `simulate` need not load the
 * calibration, the report's vega bundles or the probe driver, which were most of the CLI's own
 * start-up (bench/scenario-times.ts). `loadCommands` imports them all, for `--help` and anything
 * that is not one known command name.
 */
import type { Argv, CommandModule } from 'yargs';
import { EXAMPLES } from '../examples.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;

/** Each command's name (the first word of its `command`) and how to import it, in `--help` order. */
export const COMMAND_LOADERS: Record<string, () => Promise<AnyCommand>> = {
  new: async () => (await import('./new.js')).newCommand,
  simulate: async () => (await import('./simulate.js')).simulateCommand,
  check: async () => (await import('./check.js')).checkCommand,
  report: async () => (await import('./report.js')).reportCommand,
  sweep: async () => (await import('./sweep.js')).sweepCommand,
  plan: async () => (await import('./plan.js')).planCommand,
  calibrate: async () => (await import('./calibrate.js')).calibrateCommand,
  model: async () => (await import('./model.js')).modelCommand,
  analyze: async () => (await import('./analyze.js')).analyzeCommand,
  measure: async () => (await import('./measure.js')).measureCommand,
  validate: async () => (await import('./validate.js')).validateCommand,
  selftest: async () => (await import('./selftest.js')).selftestCommand,
  schema: async () => (await import('./schema.js')).schemaCommand,
  advise: async () => (await import('./advise.js')).adviseCommand,
  compare: async () => (await import('./compare.js')).compareCommand,
  'trace-stats': async () => (await import('./trace-stats.js')).traceStatsCommand,
};

/** The name a command is registered under (`simulate <scenario>` → `simulate`). */
export function commandName(c: CommandModule<object, object>): string {
  return String(c.command).split(' ')[0];
}

/** The command with its runnable examples (../examples.ts) added to its `--help`. */
function withExamples(c: AnyCommand): AnyCommand {
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
}

/** The command registered as `name` (a key of COMMAND_LOADERS), with its examples. */
export async function loadCommand(name: string): Promise<AnyCommand> {
  return withExamples(await COMMAND_LOADERS[name]());
}

/** Every command, in COMMAND_LOADERS' order, with its examples. */
export async function loadCommands(): Promise<AnyCommand[]> {
  return Promise.all(Object.keys(COMMAND_LOADERS).map(loadCommand));
}

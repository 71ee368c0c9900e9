/**
 * dispatchsim command line.
 *
 *   scenario.json ─ajv─► Scenario ─normalize─► Plan ─┬─ simulate  (src/runtime)
 *   model.json ─ajv─► CostModel ───────────────────┤─ analyze   (src/analytic)
 *                                                   └─ measure   (probe execute)
 *                          Result ─► validate · sweep · plan · report
 *
 * Phase: cli. Commands live one per file in ./commands and are registered in ./commands/index.ts.
 */
import yargs from 'yargs';
import { COMMANDS } from './commands/index.js';
import { exitCode, setExitCode } from './common.js';
import { EXIT } from '../schema/diagnostics.js';

const EPILOG = `Exit codes: 0 ok, 1 internal error, 2 usage error, 3 invalid input (located diagnostics on stderr),
4 not applicable (the analytic model refuses the scenario), 5 I/O error, 6 validation failed (prediction outside tolerance).`;

/** A usage error already reported on stderr (exit 2). */
class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  setExitCode(EXIT.ok);
  const cli = yargs(argv)
    .scriptName('dispatchsim')
    .usage('$0 <command> [options]')
    .strict()
    .demandCommand(1, 'name a command')
    .epilog(EPILOG)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      // Handlers run inside runCommand, so whatever reaches here is a usage error: yargs' own
      // messages, or an option check that threw (an Error) or returned a string. Throwing stops
      // yargs from running the handler anyway.
      if (err instanceof UsageError) throw err; // already reported (yargs re-enters fail)
      const text = msg || (err instanceof Error ? err.message : String(err));
      process.stderr.write(`dispatchsim: ${text}\nRun 'dispatchsim --help' for usage.\n`);
      throw new UsageError(text);
    })
    .help()
    .version()
    // --help and --version print and return (exit 0) instead of exiting the process, so the CLI
    // runs in-process in tests and as a library call alike.
    .exitProcess(false);
  for (const c of COMMANDS) cli.command(c);
  try {
    await cli.parseAsync();
  } catch (e) {
    if (e instanceof UsageError) return EXIT.usage;
    throw e;
  }
  return exitCode;
}

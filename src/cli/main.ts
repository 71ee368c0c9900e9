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

export async function main(argv: string[]): Promise<number> {
  setExitCode(EXIT.ok);
  let usageError = false;
  const cli = yargs(argv)
    .scriptName('dispatchsim')
    .usage('$0 <command> [options]')
    .strict()
    .demandCommand(1, 'name a command')
    .epilog(EPILOG)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      if (err) throw err;
      usageError = true;
      process.stderr.write(`dispatchsim: ${msg}\nRun 'dispatchsim --help' for usage.\n`);
    })
    .help()
    .version();
  for (const c of COMMANDS) cli.command(c);
  await cli.parseAsync();
  return usageError ? EXIT.usage : exitCode;
}

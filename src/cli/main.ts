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
import { COMMAND_LOADERS, loadCommand, loadCommands } from './commands/index.js';
import { exitCode, setExitCode, watchStdout } from './common.js';
import { EXIT } from '../schema/diagnostics.js';
import { forgetInputs } from '../io/files.js';
import { checkOptions, joinNegativeValues, rawProblem, type DeclaredOptions } from './options.js';

const EPILOG = `Exit codes: 0 ok, 1 internal error, 2 usage error, 3 invalid input (located diagnostics on stderr),
4 not applicable (the analytic model refuses the scenario), 5 I/O error, 6 validation failed (prediction outside tolerance).`;

/** A usage error already reported on stderr (exit 2). */
class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  setExitCode(EXIT.ok);
  watchStdout();
  forgetInputs();
  const raw = joinNegativeValues(argv);
  const early = rawProblem(raw);
  if (early) {
    process.stderr.write(`dispatchsim: ${early}\nRun 'dispatchsim --help' for usage.\n`);
    return EXIT.usage;
  }
  const checkEveryOption = (args: Record<string, unknown>, y: { getOptions(): unknown }) => {
    const problem = checkOptions(args, y.getOptions() as DeclaredOptions, raw);
    if (problem) {
      process.stderr.write(`dispatchsim: ${problem}\nRun 'dispatchsim --help' for usage.\n`);
      throw new UsageError(problem);
    }
  };
  const cli = yargs(raw)
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
    // Every command's options are checked here, by their declared types (options.ts): one place,
    // so an option a command adds later is checked too.
    // (yargs passes its instance as the second argument; its types leave it out.)
    .middleware(checkEveryOption as unknown as (args: object) => void, true)
    .help()
    .version()
    // --help and --version print and return (exit 0) instead of exiting the process, so the CLI
    // runs in-process in tests and as a library call alike.
    .exitProcess(false);
  // A known command name first (`dispatchsim simulate …`, how every command is run): only that
  // command is imported and registered, and yargs parses it as before. Anything else (no command,
  // --help, --version, a misspelt name) registers them all, for the command list and its errors.
  const only = Object.hasOwn(COMMAND_LOADERS, raw[0] ?? '') ? raw[0] : undefined;
  for (const c of only ? [await loadCommand(only)] : await loadCommands()) cli.command(c);
  skipHelpCache(cli);
  try {
    await cli.parseAsync();
  } catch (e) {
    if (e instanceof UsageError) return EXIT.usage;
    throw e;
  }
  return exitCode;
}

/** The part of yargs' internals skipHelpCache reaches (yargs 17–18: YargsInstance#getInternalMethods). */
interface HelpCacheInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } | undefined };
}

/**
 * PERF (issue 20): yargs formats the running command's whole help text as soon as it has started
 * the command's handler (lib/command.js, `cacheHelpMessage`), so that a `showHelp()` from inside
 * the handler would show the command's help; no command here calls it (usage errors print their
 * own line, `--help` is parsed before any handler and formats its text then). The text is thrown
 * away: about 50 ms of CPU per run on the 2-vCPU VM (string-width over every option's line), a
 * tenth of a small scenario's `simulate`. Replaced by a no-op when yargs has it; harmless when not.
 */
export function skipHelpCache(cli: unknown): void {
  const usage = (cli as HelpCacheInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

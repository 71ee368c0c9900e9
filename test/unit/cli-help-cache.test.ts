/**
 * Issue 20 (start-up): yargs formats a command's whole help text after starting its handler
 * (`cacheHelpMessage`, for a `showHelp()` from inside the handler, which no command calls).
 * main.ts's skipHelpCache turns that into a no-op; `--help` still formats and prints the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import yargs from 'yargs';
import { skipHelpCache } from '../../src/cli/main.js';
import { runMain } from '../helpers.js';

interface UsageInternals {
  help(): string;
}
type WithInternals = { getInternalMethods(): { getUsageInstance(): UsageInternals } };

/** How many times yargs formats the help text while it parses `argv` and runs its async handler. */
async function helpFormats(argv: string[], skip: boolean): Promise<{ formats: number; ran: boolean }> {
  let ran = false;
  const cli = yargs(argv)
    .command(
      'go <file>',
      'a command with options',
      (y) => y.positional('file', { type: 'string' }).option('runs', { type: 'number', describe: 'how many' }),
      async () => {
        ran = true;
      },
    )
    .help()
    .exitProcess(false);
  const usage = (cli as unknown as WithInternals).getInternalMethods().getUsageInstance();
  let formats = 0;
  const help = usage.help.bind(usage);
  usage.help = () => {
    formats++;
    return help();
  };
  if (skip) skipHelpCache(cli);
  await cli.parseAsync();
  return { formats, ran };
}

test('yargs formats the help text after starting a handler; skipHelpCache stops it, and the handler still runs', async () => {
  // Without it: the cost this avoids is there (a yargs that no longer does it would make the skip moot).
  assert.deepEqual(await helpFormats(['go', 'x.json', '--runs', '2'], false), { formats: 1, ran: true });
  assert.deepEqual(await helpFormats(['go', 'x.json', '--runs', '2'], true), { formats: 0, ran: true });
});

test('--help of a command run through main still prints its help text', async () => {
  const help = await runMain(['simulate', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /--runs/);
  assert.match(help.out, /--fast-forward/);
});

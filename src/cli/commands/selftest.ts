/**
 * `dispatchsim selftest`: check the simulator against exact results (queueing formulas, a
 * hand-computed pipeline, the timer grid, the yield round) and print a pass/fail table.
 *
 * Phase: cli. Exit 0 when every figure passes, 6 (validation failed) otherwise. Progress goes to
 * stderr, the table (or the report with --json / --markdown) to stdout.
 */
import type { Argv, CommandModule } from 'yargs';
import { runCommand } from '../common.js';
import { stableJson } from '../../io/files.js';
import { EXIT } from '../../schema/diagnostics.js';
import { runSelftest, SELFTEST_DEFAULTS } from '../../selftest/run-selftest.js';
import { formatSelftestMarkdown, formatSelftestTable } from '../../selftest/table.js';

interface Args {
  json?: boolean;
  markdown?: boolean;
  customers: number;
  replications: number;
  confidence: number;
  seed: number;
  only?: string[];
  quiet?: boolean;
}

export const selftestCommand: CommandModule<object, Args> = {
  command: 'selftest',
  describe:
    'check the simulator against exact results (M/M/1, M/M/c, M/D/1, M/G/1, a hand-computed pipeline, the timer grid, yield rounds)',
  builder: (y: Argv) =>
    y
      .option('json', { type: 'boolean', describe: 'print the report as JSON' })
      .option('markdown', { type: 'boolean', describe: 'print the table as Markdown' })
      .option('customers', {
        type: 'number',
        default: SELFTEST_DEFAULTS.customers,
        describe: 'customers per replication of each queueing check',
      })
      .option('runs', {
        alias: 'replications',
        type: 'number',
        default: SELFTEST_DEFAULTS.replications,
        describe: 'replications per check (distinct seeds), at least 2',
      })
      .option('confidence', {
        type: 'number',
        default: SELFTEST_DEFAULTS.confidence,
        describe: 'two-sided confidence level of the intervals',
      })
      .option('seed', { type: 'number', default: SELFTEST_DEFAULTS.seed, describe: 'base seed of the replication seeds' })
      .option('only', {
        type: 'string',
        array: true,
        describe:
          'run only these checks (ids: mm1 md1 mg1 mmc pipeline timer-idle-100 timer-idle-1500 timer-busy-100 yield-k1 yield-k4 yield-k16)',
      })
      .option('quiet', { type: 'boolean', describe: 'no progress on stderr' })
      .check((a) => {
        if (!Number.isInteger(a.customers) || a.customers < 100 || a.customers > 10_000_000)
          return '--customers must be an integer in 100..10000000';
        if (!Number.isInteger(a.replications as number) || (a.replications as number) < 2 || (a.replications as number) > 1000)
          return '--runs (--replications) must be an integer in 2..1000';
        if (!(a.confidence > 0 && a.confidence < 1)) return '--confidence must be in (0, 1)';
        if (!Number.isInteger(a.seed) || a.seed < 0 || a.seed > 4294967295) return '--seed must be an integer in 0..4294967295';
        return true;
      }) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(() => {
      const report = runSelftest({
        customers: argv.customers,
        replications: argv.replications,
        confidence: argv.confidence,
        seed: argv.seed,
        ...(argv.only ? { only: argv.only } : {}),
        onProgress: argv.quiet
          ? undefined
          : (done, total, label) => {
              if (done % argv.replications === 0) process.stderr.write(`selftest: ${label} done (${done}/${total} runs)\n`);
            },
      });
      if (argv.json) process.stdout.write(stableJson(report));
      else if (argv.markdown) process.stdout.write(formatSelftestMarkdown(report));
      else process.stdout.write(formatSelftestTable(report));
      return report.passed ? EXIT.ok : EXIT.validationFailed;
    }),
};

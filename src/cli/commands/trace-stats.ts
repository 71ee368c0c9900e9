/**
 * `dispatchsim trace-stats <trace>...`: per-batch figures of poll traces (src/report/trace-stats.ts)
 * — a real run's (`measure --trace`) and a simulated one's (`simulate --trace`) read the same way,
 * so where the simulator's polls, placement and hand-offs differ from tokio's shows side by side.
 *
 * Phase: cli.
 */
import type { Argv, CommandModule } from 'yargs';
import { runCommand } from '../common.js';
import { readText, stableJson } from '../../io/files.js';
import { parseJsonText } from '../../schema/validate.js';
import { classifyDocument } from '../../report/inputs.js';
import { diag, InputError } from '../../schema/diagnostics.js';
import { formatTraceStats, traceStats } from '../../report/trace-stats.js';
import { displayPath } from '../load.js';

interface Args {
  traces: string[];
  json?: boolean;
}

export const traceStatsCommand: CommandModule<object, Args> = {
  command: 'trace-stats <traces..>',
  describe:
    "per batch of a poll trace (measure --trace or simulate --trace): the first poll after each send, every task's poll durations, thread and CPU",
  builder: (y: Argv) =>
    y.positional('traces', { type: 'string', array: true, describe: 'Chrome trace JSON files' }).option('json', {
      type: 'boolean',
      describe: 'print the figures as JSON (one object per file, by name)',
    }) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(() => {
      const out: Record<string, ReturnType<typeof traceStats>> = {};
      let text = '';
      for (const file of argv.traces) {
        const { value, map } = parseJsonText(readText(file), file);
        const name = displayPath(file);
        const input = classifyDocument(value, name, map);
        if (input.kind !== 'trace')
          throw new InputError([
            diag('DS1701', name, '', { detail: `expected a Chrome trace (traceEvents), got a ${input.kind}` }),
          ]);
        const st = traceStats(input.doc);
        out[name] = st;
        text += formatTraceStats(name, st);
      }
      process.stdout.write(argv.json ? stableJson(out) : text);
      return 0;
    }),
};

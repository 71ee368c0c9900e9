/**
 * `dispatchsim simulate <scenario>`: run the discrete-event simulator and print a summary (or the
 * Result document with --json / --out).
 *
 * Phase: cli.
 */
import type { Argv, CommandModule } from 'yargs';
import { loadScenario } from '../load.js';
import { availableParallelism } from 'node:os';
import { advise, formatFindings } from '../../plan/advise.js';
import { cpuModel } from '../../calibrate/machine.js';
import { simulateWithTrace } from '../../runtime/simulate.js';
import { simulateRuns } from '../../sweep/simulate-runs.js';
import { planOfRun, runVariants } from '../../plan/run-set.js';
import { runCommand, printDiagnostics } from '../common.js';
import { stableJson, writeFileAtomic } from '../../io/files.js';
import { formatSummary } from '../summary.js';
import { parseRuns, runSetOptions, scenarioResultOptions, type RunSetArgs, type ScenarioResultArgs } from '../options.js';
import { toChromeTrace, traceRowNames } from '../../schema/trace-events.js';
import type { TraceOtherData } from '../../schema/chrome-trace.js';
import { DEFAULT_LIMITS } from '../../plan/normalize.js';

interface Args extends ScenarioResultArgs, RunSetArgs {
  trace?: string;
  traceEvents?: number;
  maxEvents?: number;
  maxSimulatedMs?: number;
  maxWallMs?: number;
  fastForward?: boolean;
}

export const simulateCommand: CommandModule<object, Args> = {
  command: 'simulate <scenario>',
  describe: 'simulate a scenario on the tokio scheduler model',
  builder: (y: Argv) =>
    runSetOptions(
      scenarioResultOptions(y, {
        seed: "PRNG seed of run 0, from which every run's seed derives (default: the scenario's `seed`, else 1)",
      }),
    )
      .option('trace', { type: 'string', describe: 'write a Chrome trace-event file of run 0 (open in Perfetto)' })
      .option('trace-events', {
        type: 'number',
        default: 20000,
        describe: 'events recorded in the trace: polls, batch sends (instants), 2 per wake arrow',
      })
      .option('max-events', {
        type: 'number',
        describe: `stop after this many events (default ${DEFAULT_LIMITS.maxEvents}); the Result is marked truncated`,
      })
      .option('max-simulated-ms', {
        type: 'number',
        describe: `stop at this simulated time (default ${DEFAULT_LIMITS.maxSimulatedMs} ms)`,
      })
      .option('max-wall-ms', {
        type: 'number',
        describe: `stop after this much wall time (default ${DEFAULT_LIMITS.maxWallMs} ms)`,
      })
      .option('fast-forward', {
        type: 'boolean',
        default: true,
        describe: 'skip exact cycles of idle spinning in one step (same result); --no-fast-forward steps every poll',
      }) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(async () => {
      const { scenario, plan, model, warnings } = loadScenario(argv.scenario, argv.model, argv.seed, argv.noise, argv.tokio);
      if (warnings.length) printDiagnostics(warnings);
      const sim = {
        ...(argv.maxEvents !== undefined ? { maxEvents: argv.maxEvents } : {}),
        ...(argv.maxSimulatedMs !== undefined ? { maxSimulatedNs: argv.maxSimulatedMs * 1e6 } : {}),
        ...(argv.maxWallMs !== undefined ? { maxWallMs: argv.maxWallMs } : {}),
        fastForward: argv.fastForward !== false,
      };
      const result = await simulateRuns(plan, model, {
        runs: parseRuns(argv.runs),
        jobs: argv.jobs ?? availableParallelism(),
        threads: argv.jobs !== undefined ? 'always' : 'auto',
        sim,
      });
      if (argv.out) writeFileAtomic(argv.out, stableJson(result));
      if (argv.trace) {
        // Run 0 again with its poll trace on, so the Result's figures never depend on tracing.
        const v0 = runVariants(plan, 1)[0];
        const limit = argv.traceEvents ?? 20000;
        const {
          result: r0,
          spans,
          truncated,
        } = simulateWithTrace(planOfRun(plan, v0), model, {
          ...sim,
          seed: v0.seed,
          traceSpans: limit,
        });
        // A loop, not Math.max(...spans): a spread of more than ~120k spans overflows the stack.
        let lastEndNs = 0;
        for (const s of spans) if (s.endNs > lastEndNs) lastEndNs = s.endNs;
        const coveredUs = lastEndNs / 1000;
        const trace = toChromeTrace(spans, traceRowNames(r0, plan));
        // otherData (the format's free-form block): what the report must say about this trace.
        const otherData: TraceOtherData = {
          source: 'simulated',
          scenario: r0.scenario.name,
          model: `${r0.model.name} (${r0.model.profile}, ${r0.model.provenance})`,
          runUs: r0.simulatedUs,
          ...(truncated ? { truncated: { spans: limit, coveredUs } } : {}),
        };
        writeFileAtomic(argv.trace, stableJson({ ...trace, otherData }));
      }
      if (argv.json) process.stdout.write(stableJson(result));
      else {
        const findings = advise({ scenario, model, result, hostCpu: cpuModel() });
        const advice = findings.length
          ? ['  advice (dispatchsim advise; docs/errors.md):', ...formatFindings(findings, '    ')].join('\n') + '\n'
          : '';
        process.stdout.write(formatSummary(result, plan) + advice);
      }
      return 0;
    }),
};

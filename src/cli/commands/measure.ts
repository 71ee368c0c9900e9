/**
 * `dispatchsim measure <scenario>`: run the scenario's Plan on real tokio with the probe's
 * `execute` (build, pin, repeat, progress) and print a summary, or the measured Result with
 * --json / --out.
 *
 *   scenario ─► Plan (scenario's model, or --model) ─► probe build ─► probe execute × repeat
 *            ─► median Result (source: measured; spread in outputs.spread.*)
 *            ─► --trace: the median run's task polls per OS thread as a Chrome trace
 *
 * Phase: cli. Progress and the probe's own messages go to stderr; stdout carries only the
 * summary or the JSON document.
 */
import type { Argv, CommandModule } from 'yargs';
import { loadScenario } from '../load.js';
import { printDiagnostics, Progress, runCommand } from '../common.js';
import { stableJson, writeFileAtomic } from '../../io/files.js';
import { formatSummary } from '../summary.js';
import { scenarioResultOptions, type ScenarioResultArgs } from '../options.js';
import { checkTaskset } from '../../probe/run.js';
import { ProbeBuilds, traceRecords, variantFor } from '../../probe/execute.js';
import { measurePlan, type Measurement, type MeasureOptions } from '../../validate/measure.js';
import { toChromeTrace } from '../../schema/trace-events.js';
import type { TraceOtherData } from '../../schema/chrome-trace.js';
import type { Plan } from '../../plan/types.js';
import { fmt } from '../../validate/table.js';

export interface ProbeArgs {
  profile: 'release' | 'debug';
  cores?: string;
  place: 'apart' | 'os';
  repeat: number;
  warmup: number;
  'timeout-s': number;
}

type Args = ProbeArgs & ScenarioResultArgs & { trace?: string; 'trace-events': number };

export const log = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * The probe options shared by `measure` and `validate`. The measured repetitions are `--runs`
 * (alias `--repeat`) in `measure`; in `validate`, `--runs` is the prediction's run set, so the
 * measured repetitions keep the name `--repeat` there (`repeatsAreRuns: false`).
 */
export function probeOptions<T>(y: Argv<T>, repeatsAreRuns = true): Argv<T> {
  const repeats = {
    type: 'number',
    default: 5,
    describe: 'measured runs per scenario (the median is reported, with min–max)',
  } as const;
  const withRepeats = (
    repeatsAreRuns ? y.option('runs', { alias: 'repeat', ...repeats }) : y.option('repeat', repeats)
  ) as Argv<T>;
  return withRepeats
    .option('profile', {
      choices: ['release', 'debug'] as const,
      default: 'release' as const,
      describe: 'cargo profile of the probe build (match the model)',
    })
    .option('cores', { type: 'string', describe: 'pin the probe with taskset -c, e.g. 0,1 (default: not pinned)' })
    .option('place', {
      choices: ['apart', 'os'] as const,
      default: 'apart' as const,
      describe:
        "apart: the source thread on a CPU of its own, the runtime's threads on the others (when there are more CPUs than runtime threads), as the model's wake_latency was calibrated; os: wherever the OS puts them",
    })
    .option('warmup', { type: 'number', default: 1, describe: 'discarded runs before the measured ones' })
    .option('timeout-s', { type: 'number', default: 120, describe: 'give up on a run after this many seconds (exit 5)' })
    .check((a) => {
      const r = (a as unknown as ProbeArgs).repeat;
      if (!Number.isInteger(r) || r < 1 || r > 1000)
        throw new Error(`${repeatsAreRuns ? '--runs (--repeat)' : '--repeat'} must be an integer in 1..1000`);
      const w = (a as unknown as ProbeArgs).warmup;
      if (!Number.isInteger(w) || w < 0 || w > 100) throw new Error('--warmup must be an integer in 0..100');
      return true;
    }) as unknown as Argv<T>;
}

/** Builds the probe variant the plan needs and measures it, with a progress bar. */
export async function measureWithProbe(
  plan: Plan,
  a: ProbeArgs,
  builds: ProbeBuilds,
  label: string,
  traceSpans = 0,
): Promise<Measurement> {
  const binary = await builds.binary(variantFor(plan, a.profile));
  const bar = new Progress(label, a.warmup + a.repeat);
  const opts: MeasureOptions = {
    repeat: a.repeat,
    warmup: a.warmup,
    timeoutS: a['timeout-s'],
    place: a.place,
    onProgress: (done) => bar.update(a.warmup + done),
    onLog: log,
    ...(a.cores ? { cores: a.cores } : {}),
    ...(traceSpans > 0 ? { traceSpans } : {}),
  };
  const m = await measurePlan(plan, binary, opts);
  bar.done();
  return m;
}

/** The lines `measure` adds under the summary: spread over the repeats and the probe build. */
export function formatSpread(m: Measurement): string {
  const o = m.result.outputs;
  const rows = Object.keys(o)
    .filter((k) => k.startsWith('spread.') && k.endsWith('.min'))
    .map((k) => k.slice('spread.'.length, -'.min'.length))
    .map((name) => `    ${name.padEnd(24)} ${fmt(o[`spread.${name}.min`])} – ${fmt(o[`spread.${name}.max`])}`);
  const h = m.header;
  return (
    [
      `  measured: ${m.runs.length} run(s), median shown; min – max over the runs:`,
      ...rows,
      ...(m.runQueueWaitPct !== undefined
        ? [`  machine load: the probe's threads waited for a CPU ${m.runQueueWaitPct}% of their runnable time (median over runs)`]
        : []),
      ...(o['measure.timerPhaseUs'] !== undefined
        ? [
            `  timer grid: t = 0 at ${fmt(o['measure.timerPhaseUs'])} µs into tokio's 1 ms tick (median over runs; the runtime's build, inside which its time driver started, took ${fmt(o['measure.timerStartUncertaintyUs'] ?? NaN)} µs)`,
          ]
        : []),
      `  probe: tokio ${String(h.tokio)} [${(h.features as string[] | undefined)?.join(',') ?? ''}]${h.tokioUnstable ? ' + tokio_unstable' : ''}, ${String(h.profile)} build, ${String(h.cpus)} CPUs`,
    ].join('\n') + '\n'
  );
}

export const measureCommand: CommandModule<object, Args> = {
  command: 'measure <scenario>',
  describe: 'run a scenario on real tokio with the Rust probe (its Plan, not a re-interpretation) and print what was measured',
  builder: (y: Argv) =>
    probeOptions(
      scenarioResultOptions(y, {
        model: "cost model that resolves named costs in the scenario (default: the scenario's `model`)",
        seed: "seed of random arrivals and costs (default: the scenario's `seed`)",
        json: 'print the measured Result document instead of the summary',
        out: 'write the measured Result to this file (atomically); validate --measured reads it',
      })
        .option('trace', {
          type: 'string',
          describe:
            "write the real run's task polls per OS thread as a Chrome trace (Perfetto), the run with the median throughput, each poll with the CPU it began on (args.cpu); compare with simulate --trace",
        })
        .option('trace-events', {
          type: 'number',
          default: 20000,
          describe: 'polls recorded in the trace (each costs two clock reads, a CPU read and a lock)',
        })
        .check((a) => {
          const n = (a as unknown as Args)['trace-events'];
          if (!Number.isInteger(n) || n < 1 || n > 10_000_000)
            throw new Error('--trace-events must be an integer in 1..10000000');
          return true;
        }),
    ) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(async () => {
      const { plan, warnings } = loadScenario(argv.scenario, argv.model, argv.seed, undefined, argv.tokio);
      if (warnings.length) printDiagnostics(warnings);
      if (argv.cores) checkTaskset();
      log(
        `measure: ${plan.scenario.name}: ${argv.warmup} warm-up + ${argv.repeat} run(s) on tokio (${plan.runtime.flavor}${plan.runtime.flavor === 'multi_thread' ? `, ${plan.runtime.workers} workers` : ''})`,
      );
      const m = await measureWithProbe(plan, argv, new ProbeBuilds(log), 'measure', argv.trace ? argv['trace-events'] : 0);
      if (argv.out) writeFileAtomic(argv.out, stableJson(m.result));
      if (argv.trace) {
        if (!m.trace) throw new Error('internal: the probe returned no trace');
        const { records, names } = traceRecords(m.trace, plan);
        const otherData: TraceOtherData = {
          source: 'measured',
          scenario: plan.scenario.name,
          model: 'real tokio (the probe)',
          runUs: m.result.simulatedUs,
          ...(m.trace.dropped
            ? { truncated: { spans: records.length, coveredUs: Math.max(0, ...records.map((r) => r.endNs)) / 1000 } }
            : {}),
        };
        writeFileAtomic(argv.trace, JSON.stringify({ ...toChromeTrace(records, names), otherData }));
        log(
          `measure: wrote ${argv.trace} (${records.length} events: polls and batch sends, on ${names.length} thread(s)${m.trace.dropped ? `, ${m.trace.dropped} more not recorded: raise --trace-events` : ''}; open in https://ui.perfetto.dev)`,
        );
      }
      if (argv.json) process.stdout.write(stableJson(m.result));
      else {
        // The spread has its own lines below; the summary lists the scenario's outputs only.
        const outputs = Object.fromEntries(
          Object.entries(m.result.outputs).filter(([k]) => !k.startsWith('spread.') && !k.startsWith('measure.')),
        );
        process.stdout.write(formatSummary({ ...m.result, outputs }, plan) + formatSpread(m));
      }
      return 0;
    }),
};

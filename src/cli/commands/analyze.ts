/**
 * `dispatchsim analyze <scenario>`: the analytic model's closed-form prediction, printed as a
 * summary (or the Result document with --json / --out); `--compare-sim` also runs the simulator
 * and prints both side by side with the signed difference per metric.
 *
 * Phase: cli. A plan the model refuses exits 4 with the reason (DS4002–DS4004).
 */
import type { Argv, CommandModule } from 'yargs';
import { loadScenario } from '../load.js';
import { analyze } from '../../analytic/analyze.js';
import { simulate } from '../../runtime/simulate.js';
import { runCommand, printDiagnostics } from '../common.js';
import { stableJson, writeFileAtomic } from '../../io/files.js';
import { formatSummary } from '../summary.js';
import { scenarioResultOptions, type ScenarioResultArgs } from '../options.js';
import type { Result } from '../../schema/result.js';

interface Args extends ScenarioResultArgs {
  compareSim?: boolean;
}

export const analyzeCommand: CommandModule<object, Args> = {
  command: 'analyze <scenario>',
  describe: 'predict a scenario in closed form (analytic model); --compare-sim runs the simulator too',
  builder: (y: Argv) =>
    scenarioResultOptions(y, {
      seed: 'seed recorded in the Result (the analytic model draws nothing; the simulator uses it with --compare-sim)',
    }).option('compare-sim', {
      type: 'boolean',
      describe: 'also simulate, and print both with the signed difference per metric',
    }) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(() => {
      const { plan, model, warnings } = loadScenario(argv.scenario, argv.model, argv.seed, undefined, argv.tokio);
      if (warnings.length) printDiagnostics(warnings);
      const result = analyze(plan, model);
      if (argv.out) writeFileAtomic(argv.out, stableJson(result));
      if (argv.json && !argv.compareSim) {
        process.stdout.write(stableJson(result));
        return 0;
      }
      if (!argv.compareSim) {
        const text = formatSummary(result, plan)
          .replace(`[${result.source}]`, `[analytic (${result.approximation})]  bottleneck: ${result.bottleneck}`)
          .replace('\n  simulated ', '\n  predicted ')
          .replace(/\n {2}engine: .*\n$/, '\n');
        process.stdout.write(text);
        return 0;
      }
      const sim = simulate(plan, model, argv.seed !== undefined ? { seed: argv.seed } : {});
      if (argv.json) process.stdout.write(stableJson({ analytic: result, simulated: sim }));
      else process.stdout.write(formatComparison(result, sim));
      return 0;
    }),
};

const fmt = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(3) : x.toPrecision(3));

/** Signed relative difference of a (analytic) from s (simulated), e.g. `+1.2%`. */
export function signedPct(a: number, s: number): string {
  if (s === 0) return a === 0 ? '0.0%' : 'n/a';
  const d = ((a - s) / Math.abs(s)) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
}

/** The side-by-side table `--compare-sim` prints. */
export function formatComparison(a: Result, s: Result): string {
  const L: string[] = [];
  L.push(`${a.scenario.name}`);
  L.push(
    `  model ${a.model.name} (${a.model.profile} build, ${a.model.provenance}) · runtime ${a.runtime.flavor}${a.runtime.flavor === 'multi_thread' ? ` ${a.runtime.workers} workers` : ''} · ${a.runtime.cores} core(s) · driver ${a.runtime.driver}`,
  );
  L.push(`  analytic (${a.approximation}) · bottleneck: ${a.bottleneck} · simulator seed ${s.seed}`);
  L.push(`  ${'metric'.padEnd(26)} ${'analytic'.padStart(14)} ${'simulated'.padStart(14)} ${'diff'.padStart(9)}`);
  const row = (name: string, x: number, y: number) =>
    L.push(`  ${name.padEnd(26)} ${fmt(x).padStart(14)} ${fmt(y).padStart(14)} ${signedPct(x, y).padStart(9)}`);
  row('throughput records/s', a.throughput.recordsPerSec, s.throughput.recordsPerSec);
  row('records', a.records, s.records);
  row('simulated time µs', a.simulatedUs, s.simulatedUs);
  if (a.latencyUs.count > 0 || s.latencyUs.count > 0) {
    row('latency mean µs', a.latencyUs.mean, s.latencyUs.mean);
    row('latency p50 µs', a.latencyUs.p50, s.latencyUs.p50);
    row('latency p90 µs', a.latencyUs.p90, s.latencyUs.p90);
    row('latency p99 µs', a.latencyUs.p99, s.latencyUs.p99);
  }
  row('yields/record', a.yieldsPerRecord, s.yieldsPerRecord);
  row('CPU total µs', a.cpuUs.total, s.cpuUs.total);
  row('cores busy', a.coresBusy?.busy ?? 0, s.coresBusy?.busy ?? 0);
  row('  useful', a.coresBusy?.useful ?? 0, s.coresBusy?.useful ?? 0);
  row('  waiting (yield/spin)', a.coresBusy?.waiting ?? 0, s.coresBusy?.waiting ?? 0);
  row('  scheduler', a.coresBusy?.scheduler ?? 0, s.coresBusy?.scheduler ?? 0);
  if (a.coresBusy) L.push(`  analytic cores busy: ${a.coresBusy.basis}`);
  for (const [name, t] of Object.entries(s.tasks).slice(0, 12))
    row(`elapsed ${name}`.slice(0, 26), a.tasks[name]?.elapsedUs ?? 0, t.elapsedUs);
  if (Object.keys(s.tasks).length > 12) L.push(`  … ${Object.keys(s.tasks).length - 12} more tasks`);
  for (const w of a.warnings) L.push(`  warning: ${w.message} [${w.code}]`);
  return L.join('\n') + '\n';
}

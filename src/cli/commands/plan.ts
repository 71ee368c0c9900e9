/**
 * `dispatchsim plan <scenario> --slo 'p99<=250us' --rate 200k/s [--vary ...] [--weights ...]`:
 * the cheapest configuration meeting the targets at that arrival rate, and the runner-up.
 *
 * Phase: cli. Prints the answer with per-SLO margins and where each number came from. Exit 6
 * when no configuration in the search space meets the targets (like a failed validation: the
 * question had an answer, and it is "no").
 */
import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { EXIT } from '../../schema/diagnostics.js';
import { parseJsonText } from '../../schema/validate.js';
import { readText } from '../../io/files.js';
import { parseVary, type AxisValue } from '../../sweep/grid.js';
import { searchPlan, type Candidate, type PlanAnswer } from '../../sweep/plan-search.js';
import { parseRate, parseSlo, parseWeights } from '../../sweep/slo.js';
import { displayPath, loadScenario } from '../load.js';
import { runCommand } from '../common.js';

interface Args {
  scenario: string;
  slo: string[];
  rate: string;
  vary?: string[];
  weights?: string;
  replications: number;
  jobs: number;
  model?: string;
}

/** Default search space: workers 1..cores on multi_thread, partitions 1..32 (log2) on pipelines. */
function defaultVaries(scenario: { runtime: { flavor: string; workers?: number }; template?: { kind: string } }): { pointer: string; values: AxisValue[] }[] {
  const out: { pointer: string; values: AxisValue[] }[] = [];
  if (scenario.template?.kind === 'pipeline') out.push(parseVary('/template/partitions=1..32:log2'));
  if (scenario.runtime.flavor === 'multi_thread' && scenario.runtime.workers !== undefined) out.push(parseVary(`/runtime/workers=1..${availableParallelism()}`));
  return out;
}

function describe(c: Candidate, a: PlanAnswer): string {
  const config = a.axes.map((ax, i) => `${ax.label}=${String(c.values[i])}`).join(' ');
  const checks = c.checks.map((k) => `${k.slo}: ${k.value.toPrecision(4)} (margin ${(k.margin * 100).toFixed(1)}%)`).join('; ');
  return `${config} · cost ${c.cost.toPrecision(4)} · ${c.cores} core(s)\n    ${checks}\n    from: ${c.source}, ${c.replications} replication(s), model ${a.model.name} (${a.model.profile}, ${a.model.provenance})`;
}

export const planCommand: CommandModule<object, Args> = {
  command: 'plan <scenario>',
  describe: 'SLO search: the cheapest configuration meeting latency/throughput targets at a given rate',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', demandOption: true })
      .option('slo', { type: 'string', array: true, demandOption: true, describe: "target, e.g. 'p99<=250us', 'mean<=1ms', 'throughput>=200k/s' (repeatable)" })
      .option('rate', { type: 'string', demandOption: true, describe: 'arrival rate in records/s, e.g. 200k/s' })
      .option('vary', { type: 'string', array: true, describe: 'search space as for sweep (default: partitions 1..32:log2, workers 1..cores)' })
      .option('weights', { type: 'string', describe: 'cost weights by axis label (and cores), e.g. cores=1,workers=0.5,partitions=0.1; default 1 per axis' })
      .option('replications', { type: 'number', default: 3 })
      .option('jobs', { type: 'number', default: availableParallelism() })
      .option('model', { type: 'string' }) as never,
  handler: (argv) =>
    runCommand(async () => {
      const slos = argv.slo.map(parseSlo);
      const ratePerSec = parseRate(argv.rate);
      const weights = argv.weights ? parseWeights(argv.weights) : {};
      const loaded = loadScenario(argv.scenario, argv.model);
      const { map } = parseJsonText(readText(argv.scenario), argv.scenario);
      const varies = argv.vary ? argv.vary.map(parseVary) : defaultVaries(loaded.scenario);
      const a = await searchPlan({
        scenario: loaded.scenario,
        file: displayPath(argv.scenario),
        map,
        model: loaded.model,
        modelFile: displayPath(loaded.modelFile),
        varies,
        slos,
        ratePerSec,
        weights,
        replications: argv.replications,
        jobs: argv.jobs,
      });
      const lines = [
        `rate ${ratePerSec} records/s (set at ${a.ratePointers.join(', ')}) · targets ${slos.map((s) => s.text).join(', ')}`,
        `searched ${a.considered} configurations over ${a.axes.map((x) => x.pointer).join(' × ')}: ${a.invalid} invalid, ${a.pruned} pruned by the analytic model${a.analyticAvailable ? '' : ' (not available in this build)'}, ${a.simulated} simulated`,
        a.answer ? `answer:    ${describe(a.answer, a)}` : 'answer:    none — no configuration in the search space meets the targets',
        a.runnerUp ? `runner-up: ${describe(a.runnerUp, a)}` : 'runner-up: none',
      ];
      process.stdout.write(lines.join('\n') + '\n');
      return a.answer ? EXIT.ok : EXIT.validationFailed;
    }),
};

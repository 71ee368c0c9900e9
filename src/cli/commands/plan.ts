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
import { bandFor } from '../../analytic/bands.js';
import type { Scenario } from '../../schema/scenario.js';
import { EXIT } from '../../schema/diagnostics.js';
import { parseJsonText } from '../../schema/validate.js';
import { readText } from '../../io/files.js';
import { axisPointers, parseVary, type Vary } from '../../sweep/grid.js';
import { searchPlan, type Candidate, type PlanAnswer } from '../../sweep/plan-search.js';
import { bandOfMetric, type AnalyticVerdict } from '../../sweep/prune.js';
import { parseRate, parseSlo, parseWeights, type Slo } from '../../sweep/slo.js';
import { displayPath, loadScenario } from '../load.js';
import { Progress, runCommand } from '../common.js';
import { stableJson, writeFileAtomic } from '../../io/files.js';
import { LABELS, formatValue, labelOf } from '../../schema/labels.js';
import { formatMessage } from '../../schema/diagnostics.js';
import type { PlanDoc } from '../../schema/plan-doc.js';
import { modelErrorBand } from '../../sweep/accuracy.js';

interface Args {
  scenario: string;
  slo: string[];
  rate: string;
  vary?: string[];
  weights?: string;
  replications: number;
  noise?: boolean;
  jobs: number;
  model?: string;
  json?: boolean;
  out?: string;
}

/** Largest core/worker count the default search space tries (the host running `plan` does not matter). */
const DEFAULT_MAX_CORES = 16;

/**
 * Default search space, fixed so the answer never depends on the machine that runs `plan`: cores
 * 1..16 where the scenario states `machine.cores` — tied to the workers (one per core, as production
 * runs) when the scenario has as many workers as cores, else each on its own axis — and partitions
 * 1..32 (log2) on pipelines.
 */
function defaultVaries(scenario: Scenario): Vary[] {
  const out: Vary[] = [];
  const cores = scenario.machine?.cores;
  const workers = scenario.runtime.flavor === 'multi_thread' ? scenario.runtime.workers : undefined;
  const range = `1..${DEFAULT_MAX_CORES}`;
  if (cores !== undefined && workers === cores) out.push(parseVary(`/machine/cores+/runtime/workers=${range}`));
  else {
    if (cores !== undefined) out.push(parseVary(`/machine/cores=${range}`));
    if (workers !== undefined) out.push(parseVary(`/runtime/workers=${range}`));
  }
  if (scenario.template?.kind === 'pipeline') out.push(parseVary('/template/partitions=1..32:log2'));
  return out;
}

/** A metric in words with its value and unit: `p99 latency 85.25 µs`, `throughput 130k records/s`. */
function formatMetric(metric: string, v: number): string {
  return `${LABELS[metric]?.words ?? metric} ${formatValue(metric, v)}`;
}

/** DS1707: the answer's margins that lie inside the simulator's error band against real tokio. */
function marginWarnings(c: Candidate | undefined, slos: readonly Slo[]): Array<{ code: string; message: string }> {
  if (!c) return [];
  return c.checks.flatMap((k) => {
    const slo = slos.find((s) => s.text === k.slo);
    const band = slo && modelErrorBand(c.flavor, slo.metric);
    if (band === undefined || k.margin >= band) return [];
    const params = {
      slo: k.slo,
      margin: `${(k.margin * 100).toFixed(1)}%`,
      flavor: c.flavor,
      band: `${(band * 100).toFixed(1)}%`,
    };
    return [{ code: 'DS1707', message: formatMessage('DS1707', params) }];
  });
}

function describeAnalytic(v: AnalyticVerdict | undefined, slos: readonly Slo[], available: boolean): string {
  if (!v) return available ? 'not run' : 'not part of this build';
  if (v.kind === 'refused') return `refused [${v.code}] ${v.message}`;
  const band = bandFor(v.approximation);
  const metrics = [...new Set(slos.map((s) => s.metric))];
  const shown = metrics.map((m) => {
    const b = band && bandOfMetric(band, m);
    return `${formatMetric(m, v.metrics[m])}${b === undefined ? ' (no stated band)' : ` (±${(b * 100).toFixed(0)}%)`}`;
  });
  return `predicted ${shown.join(', ')} · ${v.approximation}`;
}

function describe(c: Candidate, a: PlanAnswer, slos: readonly Slo[]): string {
  const config = a.axes.map((ax, i) => `${LABELS[ax.label]?.words ?? ax.label} ${String(c.values[i])}`).join(' · ');
  const checks = c.checks.map(
    (k) =>
      `${k.slo}: ${formatMetric(slos.find((s) => s.text === k.slo)!.metric, k.value)} (margin ${(k.margin * 100).toFixed(1)}%)`,
  );
  const rate = formatMetric('recordsPerSec', c.metrics.recordsPerSec);
  return [
    `${config} · ${c.cores} core(s), ${c.flavor} with ${c.workers} worker(s) · cost ${c.cost.toPrecision(4)}`,
    `    ${checks.join('; ')} · ${rate}`,
    `    cores busy ${c.metrics.coresBusy.toFixed(2)} of ${c.cores} (useful ${c.metrics.coresUseful.toFixed(2)} · waiting ${c.metrics.coresWaiting.toFixed(2)} · scheduler ${c.metrics.coresScheduler.toFixed(2)})`,
    `    from: ${c.source} (mean of ${c.replications} run(s)), model ${a.model.name} (${a.model.profile} build, ${a.model.provenance}), flavor ${c.flavor}`,
    `    analytic: ${describeAnalytic(c.analytic, slos, a.analyticAvailable)}`,
  ].join('\n');
}

export const planCommand: CommandModule<object, Args> = {
  command: 'plan <scenario>',
  describe: 'SLO search: the cheapest configuration meeting latency/throughput targets at a given rate',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', demandOption: true })
      .option('slo', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: "target, e.g. 'p99<=250us', 'mean<=1ms', 'throughput>=200k/s' (repeatable)",
      })
      .option('rate', { type: 'string', demandOption: true, describe: 'arrival rate in records/s, e.g. 200k/s' })
      .option('vary', {
        type: 'string',
        array: true,
        describe:
          'search space as for sweep (default: /machine/cores+/runtime/workers=1..16 (tied when equal in the scenario), /template/partitions=1..32:log2, where the scenario states them)',
      })
      .option('weights', {
        type: 'string',
        describe:
          'cost weights by axis label and cores, e.g. cores=1,workers=0.5,partitions=0.1; default cores=1, 0.01 for other axes',
      })
      .option('runs', {
        alias: 'replications',
        type: 'number',
        default: 3,
        describe: 'simulator runs per configuration (distinct seeds; the mean is compared with the targets)',
      })
      .option('noise', {
        type: 'boolean',
        describe:
          "platform noise from the model (default: the scenario's machine.noise, else on when the model has it); --no-noise: the idealised machine",
      })
      .option('jobs', { type: 'number', default: availableParallelism() })
      .option('model', { type: 'string' })
      .option('json', { type: 'boolean', describe: 'print the plan document (for report and compare) instead of the summary' })
      .option('out', {
        type: 'string',
        describe: 'write the plan document here (atomically); `dispatchsim report` reads it',
      }) as never,
  handler: (argv) =>
    runCommand(async () => {
      let bar: Progress | undefined;
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
        ...(argv.noise !== undefined ? { noise: argv.noise } : {}),
        jobs: argv.jobs,
        onProgress: (done, total) => (bar ??= new Progress('plan: simulating configurations', total)).update(done),
      });
      bar?.done();
      const warnings = marginWarnings(a.answer, slos);
      const doc: PlanDoc = {
        kind: 'dispatchsim-plan',
        version: 1,
        scenario: { name: loaded.scenario.name, file: displayPath(argv.scenario) },
        model: { name: a.model.name, profile: a.model.profile, provenance: a.model.provenance },
        ratePerSec,
        ratePointers: a.ratePointers,
        slos: slos.map((s) => ({ ...s })),
        axes: a.axes,
        ...(a.answer ? { answer: a.answer } : {}),
        ...(a.runnerUp ? { runnerUp: a.runnerUp } : {}),
        tried: a.tried,
        considered: a.considered,
        invalid: a.invalid,
        pruned: a.pruned,
        prunedOverloaded: a.prunedOverloaded,
        simulated: a.simulated,
        analyticAvailable: a.analyticAvailable,
        warnings,
      };
      if (argv.out) writeFileAtomic(argv.out, stableJson(doc));
      if (argv.json) {
        process.stdout.write(stableJson(doc));
        return a.answer ? EXIT.ok : EXIT.validationFailed;
      }
      const axes = a.axes.map(
        (x) =>
          `${labelOf(x.label)} (${axisPointers(x).join('+')}) ${x.values.length > 6 ? `${String(x.values[0])}..${String(x.values.at(-1))}` : x.values.join(',')}`,
      );
      const pruned = `${a.pruned} pruned by the analytic model (${a.prunedOverloaded} overloaded)${a.analyticAvailable ? '' : ' (not available in this build)'}`;
      const lines = [
        `offered load ${formatValue('recordsPerSec', ratePerSec)} (set at ${a.ratePointers.join(', ')}) · targets ${slos.map((s) => s.text).join(', ')}`,
        `searched ${a.considered} configurations over ${axes.join(' × ')}: ${a.invalid} invalid, ${pruned}, ${a.simulated} simulated`,
        a.answer
          ? `answer:    ${describe(a.answer, a, slos)}`
          : 'answer:    none — no configuration in the search space meets the targets',
        a.runnerUp ? `runner-up: ${describe(a.runnerUp, a, slos)}` : 'runner-up: none',
        ...warnings.map((w) => `warning: ${w.message} [${w.code}]`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
      return a.answer ? EXIT.ok : EXIT.validationFailed;
    }),
};

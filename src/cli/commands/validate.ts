/**
 * `dispatchsim validate <files or dirs…>`: predicted vs measured, with a pass/fail verdict.
 *
 *   for each scenario:
 *     1. predict: Plan with --model ─► simulate ─► figures
 *     2. measure: Plan with the scenario's own model ─► probe execute × repeat ─► median figures
 *        (or --measured <file>: a Result or CSV; or --measured <dir>: <name>.measured.json)
 *     3. compare: signed % error per metric, tolerance per metric kind
 *   print the table and the per-flavor summary; write the validation document (--out);
 *   exit 6 when any compared figure is outside its tolerance.
 *
 * The measured Plan is normalized with the scenario's own model, not --model, so that a wrong
 * model changes the prediction only, never what runs on tokio.
 *
 * Phase: cli.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { displayPath, loadScenario } from '../load.js';
import { printDiagnostics, runCommand } from '../common.js';
import { stableJson, writeFileAtomic } from '../../io/files.js';
import { diag, EXIT, InputError } from '../../schema/diagnostics.js';
import { availableParallelism } from 'node:os';
import { simulateRuns } from '../../sweep/simulate-runs.js';
import { parseRuns, runSetOptions, tokioOptionSpec, type RunSetArgs } from '../options.js';
import { modelledVersionOf, modelVersionWarning, type TokioVersion } from '../../plan/tokio-versions.js';
import { checkTaskset } from '../../probe/run.js';
import type { ValidationRow } from '../../schema/validation-doc.js';
import { ProbeBuilds, probeThreads } from '../../probe/execute.js';
import { measuredPhaseNs, phaseNote, timerPhaseNote } from '../../validate/measure.js';
import {
  addCoverage,
  compareDistributions,
  compareFigures,
  type CompareContext,
  configParams,
  figuresOf,
  isMetricKey,
  kindOf,
  METRIC_KINDS,
  parseTolerance,
  RUNS_FOR_90PCT,
  type MetricKind,
} from '../../validate/compare.js';
import { measuredFromResult, readMeasured, type MeasuredInput } from '../../validate/measured-input.js';
import { formatSummary, formatValidationTable } from '../../validate/table.js';
import { log, measureWithProbe, probeOptions, type ProbeArgs } from './measure.js';

interface Args extends ProbeArgs, RunSetArgs {
  paths: string[];
  model?: string;
  tolerance: string[];
  metrics?: string;
  measured?: string;
  'save-measured'?: string;
  out?: string;
  json?: boolean;
  seed?: number;
  tokio?: TokioVersion;
}

/** Scenario files: each file as given, each directory's *.json recursively, in sorted order. */
export function expandScenarioPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.json') && !e.endsWith('.measured.json')) out.push(p);
    }
  };
  for (const p of paths) {
    if (existsSync(p) && statSync(p).isDirectory()) {
      const before = out.length;
      walk(p);
      if (out.length === before) throw new InputError([diag('DS1806', p, '', { name: p })], EXIT.io);
    } else out.push(p);
  }
  return out;
}

/** `--metrics throughput,p50` → kinds; every kind when absent. */
function parseMetrics(spec: string | undefined): MetricKind[] {
  if (!spec) return [...METRIC_KINDS];
  const kinds: MetricKind[] = [];
  for (const name of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!isMetricKey(name))
      throw new InputError([diag('DS1808', '--metrics', '', { spec, name, known: METRIC_KINDS.join(', ') })], EXIT.usage);
    kinds.push((METRIC_KINDS as readonly string[]).includes(name) ? (name as MetricKind) : (kindOf(name) as MetricKind));
  }
  return kinds;
}

const measuredFileFor = (dir: string, scenarioFile: string) => join(dir, `${basename(scenarioFile, '.json')}.measured.json`);

async function measuredFigures(
  file: string,
  a: Args,
  builds: ProbeBuilds,
  index: string,
): Promise<MeasuredInput & { repeats?: number }> {
  if (a.measured) {
    const isDir = existsSync(a.measured) && statSync(a.measured).isDirectory();
    const src = isDir ? measuredFileFor(a.measured, file) : a.measured;
    if (isDir && !existsSync(src))
      throw new InputError([diag('DS1805', displayPath(file), '', { name: displayPath(file), file: src })], EXIT.io);
    const m = readMeasured(src);
    log(`validate: ${index} ${displayPath(file)}: measured figures from ${displayPath(src)}`);
    return m;
  }
  const { plan } = loadScenario(file, undefined, a.seed, undefined, a.tokio);
  log(`validate: ${index} ${displayPath(file)}: measuring on tokio (${a.warmup} warm-up + ${a.repeat} runs)`);
  const m = await measureWithProbe(plan, a, builds, `  ${plan.scenario.name}`);
  if (a['save-measured']) writeFileAtomic(measuredFileFor(a['save-measured'], file), stableJson(m.result));
  if (m.runQueueWaitPct !== undefined && m.runQueueWaitPct >= 5) {
    const cpus = typeof m.header.cpus === 'number' ? m.header.cpus : undefined;
    const own =
      cpus !== undefined && probeThreads(plan) > cpus
        ? `its own ${probeThreads(plan)} threads share ${cpus} CPU(s)`
        : 'other processes';
    log(
      `validate: ${index} ${plan.scenario.name}: ${m.runQueueWaitPct}% of the probe's runnable time was spent waiting for a CPU (${own})`,
    );
  }
  return { ...measuredFromResult(m.result), repeats: m.runs.length };
}

/**
 * Says how many measurements had their source thread placed by the OS (the table's `source`
 * column says which): `wake_latency` is calibrated across CPUs, and the OS may put a source
 * beside an idle runtime thread, where it wakes it several times faster.
 */
export function placementNote(apart: number, os: number): string | undefined {
  if (os === 0) return undefined;
  return `the source thread had no CPU of its own in ${os} of ${apart + os} measured scenarios with a source (column source = os: --place os, or no CPU to spare): wake_latency is calibrated across CPUs, and where the OS put the source beside an idle runtime thread outside wake-ups were faster than that`;
}

/**
 * Says which scenarios were predicted with a cost model of another build profile than the
 * measurement's (a measured Result's model.profile is the probe's build): per-op costs of a debug
 * build are 4–18× a release build's (docs/calibration.md), so such a comparison measures the
 * profile, not the model.
 */
export function profileNote(mismatched: readonly string[]): string | undefined {
  if (!mismatched.length) return undefined;
  const shown = mismatched.slice(0, 3).join(', ') + (mismatched.length > 3 ? `, … (${mismatched.length} scenarios in all)` : '');
  return `predicted with a cost model of another build profile than the measurement: ${shown}; a debug build's per-op costs are 4–18× a release build's, so those errors compare the profiles, not the model (predict with a model of the measured profile: --model, calibrate --profile)`;
}

/**
 * Says which scenarios were predicted with one tokio version's semantics and compared with a
 * measurement of another (a measured Result's runtime.tokio is the release the probe ran, e.g.
 * `--tokio 1.53` with `--measured` of a 1.24 campaign).
 */
export function versionNote(mismatched: readonly string[]): string | undefined {
  if (!mismatched.length) return undefined;
  const shown = mismatched.slice(0, 3).join(', ') + (mismatched.length > 3 ? `, … (${mismatched.length} scenarios in all)` : '');
  return `predicted for another tokio version than the measurement ran: ${shown}; those errors mix two schedulers (give --tokio the measured version, or measure the predicted one)`;
}

export async function validate(a: Args): Promise<{ rows: ValidationRow[]; failed: number; notes: string[] }> {
  const { tolerance, bad } = parseTolerance(a.tolerance);
  if (bad.length)
    throw new InputError(
      bad.map((spec) => diag('DS1801', '<command line>', '', { spec, metrics: METRIC_KINDS.join(', ') })),
      EXIT.usage,
    );
  const kinds = parseMetrics(a.metrics);
  const files = expandScenarioPaths(a.paths);
  if (a.measured && files.length > 1 && !(existsSync(a.measured) && statSync(a.measured).isDirectory()))
    throw new InputError([diag('DS1804', a.measured, '', { name: a.measured, count: files.length })], EXIT.usage);
  if (a.cores && !a.measured) checkTaskset();
  const builds = new ProbeBuilds(log);
  const rows: ValidationRow[] = [];
  const notes: string[] = [];
  const shown = new Set<string>(); // a model's warnings once, not once per scenario
  const placed = [0, 0]; // scenarios with a source thread: [on a CPU of its own, placed by the OS]
  const profiles: string[] = []; // scenarios predicted with a model of another build profile than their measurement
  const versions: string[] = []; // scenarios predicted for another tokio version than the one measured
  let phased = 0; // scenarios predicted at the measured runs' timer phase instead of a uniform one
  for (const [i, file] of files.entries()) {
    const index = `[${i + 1}/${files.length}]`;
    const { scenario, plan, model, warnings } = loadScenario(resolve(file), a.model, a.seed, a.noise, a.tokio);
    const fresh = warnings.filter((w) => !shown.has(JSON.stringify(w)));
    fresh.forEach((w) => shown.add(JSON.stringify(w)));
    if (fresh.length) printDiagnostics(fresh);
    // DS1228 (the model calibrated on another tokio than the version predicted, e.g. --tokio 1.47
    // with the scenarios' own 1.24 model): once per model and version, as simulate says it.
    const mv = modelVersionWarning(plan);
    if (mv && !shown.has(mv.message)) {
      shown.add(mv.message);
      log(`validate: warning: ${mv.message} [${mv.code}]`);
      notes.push(`${mv.message} [${mv.code}]`);
    }
    const measured = await measuredFigures(file, a, builds, index);
    // The probe places a run's t = 0 on tokio's timer grid at the plan's phase (0 when the
    // scenario pins none), where simulate draws it uniformly as a real program meets it: the
    // prediction compared with a measurement is made at the phase the measured runs had.
    const phase = measuredPhaseNs(plan, measured.result);
    if (phase !== undefined) phased++;
    const predicted = await simulateRuns(
      phase === undefined ? plan : { ...plan, runtime: { ...plan.runtime, timerPhaseNs: phase } },
      model,
      {
        runs: parseRuns(a.runs),
        jobs: a.jobs ?? availableParallelism(),
        threads: a.jobs !== undefined ? 'always' : 'auto',
      },
    );
    const ctx: CompareContext = {
      scenario: plan.scenario.name,
      flavor: plan.runtime.flavor,
      model: model.name,
      tolerance,
      kinds,
      params: configParams(scenario),
      ...(measured.repeats !== undefined ? { repeats: measured.repeats } : {}),
      ...(measured.runQueueWaitPct !== undefined ? { runQueueWaitPct: measured.runQueueWaitPct } : {}),
      ...(measured.sourceApart !== undefined ? { sourceApart: measured.sourceApart } : {}),
    };
    const { rows: mine, missing } = compareFigures(figuresOf(predicted), measured.figures, ctx);
    // The distributions, when the measurement has them (a Result; not a CSV of figures).
    const dist = measured.result
      ? compareDistributions(predicted.latencyBuckets, measured.result.latencyBuckets, ctx)
      : undefined;
    if (dist) mine.push(dist);
    addCoverage(mine, predicted, measured.result);
    const note = measured.result ? timerPhaseNote(plan, measured.result) : undefined;
    if (note) notes.push(note);
    if (missing.length && a.measured)
      log(`validate: ${index} ${plan.scenario.name}: not in the measurement, not compared: ${missing.join(', ')}`);
    const failed = mine.filter((r) => r.pass === false);
    log(`validate: ${index} ${plan.scenario.name}: ${mine.length} figures, ${failed.length} outside tolerance`);
    rows.push(...mine);
    if (measured.sourceApart !== undefined) placed[measured.sourceApart ? 0 : 1]++;
    const built = measured.result?.model.profile;
    if (built !== undefined && built !== model.profile)
      profiles.push(`${plan.scenario.name} (model '${model.name}' ${model.profile}, measured ${built})`);
    const ran = measured.result?.runtime.tokio;
    if (ran !== undefined && modelledVersionOf(ran) !== plan.runtime.tokio)
      versions.push(`${plan.scenario.name} (predicted for ${plan.runtime.tokio}, measured on ${ran})`);
  }
  const note = placementNote(placed[0], placed[1]);
  if (note) notes.push(note);
  if (phased > 0) notes.push(phaseNote(phased, files.length));
  const pnote = profileNote(profiles);
  if (pnote) notes.push(pnote);
  const vnote = versionNote(versions);
  if (vnote) notes.push(vnote);
  return { rows, failed: rows.filter((r) => r.pass === false).length, notes };
}

export const validateCommand: CommandModule<object, Args> = {
  command: 'validate <paths..>',
  describe:
    'simulate and measure scenarios (or compare with --measured), print predicted vs measured, exit 6 when outside tolerance',
  builder: (y: Argv) =>
    runSetOptions(
      probeOptions(
        y
          .positional('paths', {
            type: 'string',
            array: true,
            demandOption: true,
            describe: 'scenario files or directories (searched recursively for *.json)',
          })
          .option('model', { type: 'string', describe: "cost model of the prediction (default: each scenario's `model`)" })
          .option('tolerance', {
            type: 'string',
            array: true,
            default: ['10%'],
            describe:
              'allowed |error|: 10% for every metric, or per metric kind (throughput, p50, p99, yields, elapsed): p99=50%',
          })
          .option('metrics', {
            type: 'string',
            describe: `compare only these metric kinds, comma-separated (default: ${METRIC_KINDS.join(',')})`,
          })
          .option('measured', {
            type: 'string',
            describe:
              'compare with this measurement instead of running the probe: a Result JSON or a metric,value CSV; or a directory of <scenario>.measured.json',
          })
          .option('save-measured', {
            type: 'string',
            describe: 'directory to save each measured Result as <scenario>.measured.json (re-use with --measured)',
          })
          .option('out', {
            type: 'string',
            describe: 'write the validation document (rows of predicted vs measured) here; `report` draws it',
          })
          .option('json', { type: 'boolean', describe: 'print the validation document instead of the table' })
          .option('seed', {
            type: 'number',
            describe: "seed for both prediction and measurement (default: each scenario's `seed`)",
          })
          .option(
            'tokio',
            tokioOptionSpec(
              "tokio version of both sides, overriding each scenario's runtime.tokio: the simulator models its scheduler and the probe is built against its release (offline from Debian + ../shared/vendor where there is one, else crates.io)",
            ),
          ),
        false,
      ),
      String(RUNS_FOR_90PCT),
    ) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(async () => {
      const { rows, failed, notes } = await validate(argv);
      if (argv.out) writeFileAtomic(argv.out, stableJson(rows));
      if (argv.json) process.stdout.write(stableJson(rows));
      else
        process.stdout.write(
          `${formatValidationTable(rows)}\n${formatSummary(rows)}${notes.length ? `\n${notes.map((n) => `note: ${n}`).join('\n')}\n` : ''}`,
        );
      if (argv.json) for (const n of notes) log(`validate: note: ${n}`);
      if (failed > 0) {
        printDiagnostics([diag('DS1809', argv.out ?? 'validate', '', { failed, total: rows.length })]);
        return EXIT.validationFailed;
      }
      return EXIT.ok;
    }),
};

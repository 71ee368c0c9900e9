/**
 * `dispatchsim calibrate`: runs the probe's microbenchmarks on this machine (or re-fits saved
 * probe output) and writes a cost model.
 *
 *   probe build ─► probe suite × runs (taskset) ─► JSON lines ─┐
 *   --from-samples *.jsonl ─────────────────────────────┤─► fit (slopes, quantiles, bootstrap)
 *   --import-criterion dir + --mapping ──────────────────┘     ─► derive parameters ─► check ─► write
 *
 * Phase: cli. Every problem is a located diagnostic; the model is written atomically and only
 * when it is schema-valid and has every runtime parameter (nothing is written otherwise).
 */
import type { CommandModule } from 'yargs';
import { EXIT, InputError, type Diagnostic } from '../../schema/diagnostics.js';
import type { CostModel } from '../../schema/model.js';
import { readDocument, readText, stableJson, writeFileAtomic } from '../../io/files.js';
import { checkWindows, windowSelf, type WindowCalibration } from '../../calibrate/window.js';
import { printDiagnostics, Progress, runCommand } from '../common.js';
import { buildProbe } from '../../probe/build.js';
import { checkTaskset, runProbe } from '../../probe/run.js';
import { emptyProbeOutput, parseProbeOutput, type ProbeOutput } from '../../calibrate/probe-output.js';
import { Fitter } from '../../calibrate/fit.js';
import { Deriver, type Derived } from '../../calibrate/derive.js';
import { assembleModel, checkCalibratedModel, type ModelMeta } from '../../calibrate/write-model.js';
import { importCriterion, readMapping } from '../../calibrate/criterion.js';
import { gitRevision, machineInfo } from '../../calibrate/machine.js';
import { formatModelTable } from '../../calibrate/table.js';
import { RUNTIME_PARAMETER_NAMES } from '../../model/parameters.js';
import { TOKIO_RELEASE, type TokioVersion } from '../../plan/tokio-versions.js';
import { tokioOptionSpec } from '../options.js';

interface Args {
  profile: 'release' | 'debug';
  cores?: string;
  out?: string;
  'dry-run': boolean;
  'worker-packing'?: boolean;
  quick: boolean;
  features: string[];
  unstable: boolean;
  tokio?: TokioVersion;
  note?: string;
  name?: string;
  'import-criterion'?: string;
  mapping?: string;
  'from-samples'?: string[];
  'save-samples'?: string;
  runs: number;
  seed: number;
  windows?: string[];
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Builds the probe and runs its suite `a.runs` times; returns the raw stdout of all runs (JSON
 * lines, each run with its own header). Several runs are pooled by the fit: on a shared machine a
 * single run's OS latencies can come from a few bad minutes (docs/calibration.md).
 */
async function runSuite(a: Args): Promise<string> {
  if (a.cores) checkTaskset();
  const binary = await buildProbe({
    profile: a.profile,
    features: a.features,
    unstable: a.unstable,
    ...(a.tokio ? { tokio: TOKIO_RELEASE[a.tokio] } : {}),
    onLog: (l) => (l.startsWith('probe:') ? log(l) : undefined),
  });
  const texts: string[] = [];
  for (let run = 1; run <= a.runs; run++) {
    const which = a.runs > 1 ? ` (run ${run} of ${a.runs})` : '';
    log(`probe: running ${binary} suite${a.quick ? ' quick=1' : ''}${a.cores ? ` pinned to cores ${a.cores}` : ''}${which}`);
    let bar: Progress | undefined;
    const started = Date.now();
    const text = await runProbe({
      binary,
      quick: a.quick,
      cores: a.cores,
      onProgress: (p) => {
        bar ??= new Progress(a.runs > 1 ? `calibrate ${run}/${a.runs}` : 'calibrate', p.total);
        bar.update(p.done, p.bench);
      },
      onLog: log,
    });
    bar?.done();
    log(`probe: suite finished in ${((Date.now() - started) / 1000).toFixed(1)} s${which}`);
    texts.push(text.endsWith('\n') ? text : `${text}\n`);
  }
  return texts.join('');
}

/** Probe output from saved files or a fresh run (saved with --save-samples). */
async function collectOutput(a: Args): Promise<{ output: ProbeOutput; source: string }> {
  const output = emptyProbeOutput();
  if (a['from-samples']?.length) {
    for (const f of a['from-samples']) parseProbeOutput(readText(f), f, output);
    return { output, source: `dispatchsim calibrate --from-samples ${a['from-samples'].join(' ')}` };
  }
  const text = await runSuite(a);
  if (a['save-samples']) writeFileAtomic(a['save-samples'], text);
  parseProbeOutput(text, a['save-samples'] ?? 'probe stdout', output);
  const runs = a.runs > 1 ? ` × ${a.runs} runs, pooled` : '';
  return { output, source: `dispatchsim calibrate: probe suite${a.quick ? ' quick=1' : ''}${runs}` };
}

function metaFor(a: Args, output: ProbeOutput, source: string): ModelMeta {
  const h = output.headers[0];
  const profile = h?.profile ?? a.profile;
  const features = [...new Set(output.headers.flatMap((x) => x.features))];
  const unstable = output.headers.some((x) => x.tokioUnstable);
  const m = machineInfo();
  const tokio = h?.tokio ?? 'unknown';
  // Where the probe ran, from its own output, so that a re-fit of saved samples still says it.
  const probeCpus = [...new Set(output.headers.flatMap((x) => (x.allowedCpus ? [x.allowedCpus] : [])))].join(' | ');
  return {
    name: a.name ?? `host-${profile}`,
    description:
      `Calibrated on ${m.cpu} (${m.cores} cores${a.cores ? `, pinned to ${a.cores}` : ''}), tokio ${tokio} [${features.join(',')}]${unstable ? ' + tokio_unstable' : ''}, ${profile} build. ` +
      'Flavors: current_thread configurations are the reference for per-operation costs; multi_thread (1 and 2 workers) for unpark_worker. See docs/calibration.md.' +
      (a.note ? ` ${a.note}` : ''),
    profile,
    tokio,
    provenance: {
      kind: 'calibrated',
      source,
      machine: {
        cpu: m.cpu,
        cores: m.cores,
        kernel: m.kernel,
        hostname: m.hostname,
        ...(a.cores ? { pinnedCores: a.cores } : {}),
        ...(probeCpus ? { probeCpus } : {}),
      },
      features: unstable ? [...features, 'tokio_unstable'] : features,
      date: new Date().toISOString(),
      probeRevision: gitRevision(),
      ...(h?.rustc ? { rustc: h.rustc } : {}),
    },
  };
}

/** Criterion estimates: runtime parameters override the probe's, others are added. */
function criterionParams(a: Args): { overrides: Map<string, Derived>; extra: Map<string, Derived> } {
  const overrides = new Map<string, Derived>();
  const extra = new Map<string, Derived>();
  if (!a['import-criterion']) return { overrides, extra };
  const imported = importCriterion(a['import-criterion'], readMapping(a.mapping as string));
  const runtime = new Set<string>(RUNTIME_PARAMETER_NAMES);
  for (const [name, d] of imported) (runtime.has(name) ? overrides : extra).set(name, d);
  return { overrides, extra };
}

export async function calibrate(a: Args): Promise<{ model: CostModel; warnings: Diagnostic[] }> {
  const file = a.out ?? '(dry run)';
  const { overrides, extra } = criterionParams(a);
  const windows: WindowCalibration[] = (a.windows ?? []).map((f) => ({
    file: f,
    model: readDocument<CostModel>('model', f).doc,
  }));
  const { output, source } = await collectOutput(a);
  const meta = metaFor(a, output, source);
  const bad = checkWindows(windows, windowSelf(meta));
  if (bad.length) throw new InputError(bad);
  const fitter = new Fitter(output, {
    seed: a.seed,
    resamples: 1000,
    workerPacking: a['worker-packing'] === true,
    ...(windows.length ? { windows } : {}),
  });
  const { model, diags } = assembleModel(new Deriver(fitter, overrides), meta, output.headers, file, extra);
  const all = [...diags, ...(diags.some((d) => d.severity === 'error') ? [] : checkCalibratedModel(model, file))];
  if (all.some((d) => d.severity === 'error')) throw new InputError(all);
  return { model, warnings: all };
}

export const calibrateCommand: CommandModule<object, Args> = {
  command: 'calibrate',
  describe: "measure this machine's tokio costs with the Rust probe (or re-fit saved probe output) and write a cost model",
  builder: (y) =>
    y
      .option('profile', {
        choices: ['release', 'debug'] as const,
        default: 'release' as const,
        describe: 'cargo profile of the probe build',
      })
      .option('cores', { type: 'string', describe: 'pin the probe with taskset -c, e.g. 0,1' })
      .option('out', {
        type: 'string',
        describe: 'model file to write, e.g. models/host-release.json (required unless --dry-run)',
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'fit and print, write nothing' })
      .option('worker-packing', {
        type: 'boolean',
        default: false,
        describe:
          "also write worker_wake_preempt(_latency, _hold) from steal_wake and steal_hold (a worker woken on its waker's busy vCPU, and how long the waker is held off it); off by default until a quiet calibration checks the measured hold",
      })
      .option('quick', {
        type: 'boolean',
        default: false,
        describe: 'probe suite quick=1 (fewer iterations; a rough model in about a minute)',
      })
      .option('features', {
        type: 'string',
        array: true,
        default: ['io'],
        describe: "probe cargo features; 'io' (tokio/net) is needed for driver_poll_io and driver_unpark_io",
      })
      .option('unstable', {
        type: 'boolean',
        default: false,
        describe: 'build with --cfg tokio_unstable (metrics: wake-ups per yield for unpark_worker)',
      })
      .option(
        'tokio',
        tokioOptionSpec(
          "build the probe against this tokio (its release: 1.24.2, 1.47.5, 1.53.1; offline from Debian + the vendor folder where there is one, else crates.io); default the probe manifest's, Debian's 1.24.2 here",
        ),
      )
      .option('note', {
        type: 'string',
        describe: "a sentence appended to the model's description (e.g. the conditions it was measured in)",
      })
      .option('name', { type: 'string', describe: 'model name (default host-<profile>)' })
      .option('import-criterion', {
        type: 'string',
        describe: 'criterion output directory (target/criterion) to import estimates from',
      })
      .option('mapping', { type: 'string', describe: 'JSON file {benchmarkId: parameterName} for --import-criterion' })
      .option('from-samples', {
        type: 'string',
        array: true,
        describe: 'fit saved probe output (JSON lines) instead of running the probe',
      })
      .option('save-samples', {
        type: 'string',
        describe: 'also save the raw probe output here (re-fit later with --from-samples)',
      })
      .option('runs', {
        type: 'number',
        default: 1,
        describe:
          'run the probe suite this many times and fit the pooled samples (a shared machine has bad minutes: 3–5 runs for a model to decide with)',
      })
      .option('seed', { type: 'number', default: 1, describe: 'bootstrap PRNG seed' })
      .option('windows', {
        type: 'string',
        array: true,
        describe:
          "earlier calibrations of this machine (model files, same tokio and profile), taken hours apart: with this one (3 or more distinct in all) they give window_speed_sd, how much the machine's speed moves from one window to another",
      })
      .check((a) => {
        if (!Number.isInteger(a.runs) || a.runs < 1 || a.runs > 20) throw new Error('--runs must be an integer in 1..20');
        if (a.runs > 1 && a['from-samples']?.length)
          throw new Error('--runs runs the probe; --from-samples fits saved output: give one');
        if (!a.out && !a['dry-run']) throw new Error('give --out <file> or --dry-run');
        if (a['import-criterion'] && !a.mapping) throw new Error('--import-criterion needs --mapping <file>');
        return true;
      }) as never,
  handler: (argv) =>
    runCommand(async () => {
      const features = argv.features.flatMap((f) => f.split(',')).filter((f) => f !== '');
      const { model, warnings } = await calibrate({ ...argv, features });
      printDiagnostics(warnings);
      if (argv.out && !argv['dry-run']) {
        writeFileAtomic(argv.out, stableJson(model));
        log(`wrote ${argv.out} (${Object.keys(model.parameters).length} parameters)`);
      }
      process.stdout.write(formatModelTable(model, false));
      return EXIT.ok;
    }),
};

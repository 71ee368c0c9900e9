/**
 * The runnable examples every `--help` shows (yargs `.example`), one table for all commands.
 *
 * Phase: cli. test/unit/cli-examples.test.ts runs them in this order in one temporary folder (so
 * `simulate … --out r.json` comes before `report r.json`), with the bundled `scenarios/`, `models/`
 * and `test/fixtures/` paths resolved inside the package; examples marked `probe` build and run
 * the Rust probe, so the test checks that they parse instead of running them.
 */
export interface CliExample {
  /** The command line after `dispatchsim` (single quotes group words, as in a shell). */
  line: string;
  describe: string;
  probe?: boolean;
}

export const EXAMPLES: Record<string, CliExample[]> = {
  new: [
    {
      line: 'new pipeline --partitions 4 --wait yield --cores 4 --rate 200k/s --work 5us --out my.json',
      describe: 'V2: 4 partitions that yield_now() while idle, 4 cores, 200k records/s of 5 µs each',
    },
    {
      line: 'new pipeline --wait await --channel bounded --capacity 1000 --rate 50k/s',
      describe: 'partitions awaiting a bounded mpsc (printed)',
    },
    {
      line: 'new sequential --cores 2 --rate 100k/s --work 1.4us --out v1.json',
      describe: 'V1: one task processing every record',
    },
  ],
  simulate: [
    {
      line: 'simulate scenarios/architectures/v2-await-2p-2c.json',
      describe: 'the summary: latency, cores busy, where the CPU went',
    },
    {
      line: 'simulate my.json --out r.json --trace t.json',
      describe: 'write the Result and a Chrome trace (Perfetto, or report)',
    },
  ],
  check: [
    {
      line: 'check my.json models/tokio-1.24-2vcpu-release.json',
      describe: 'validate a scenario and a cost model without running them',
    },
  ],
  sweep: [
    {
      line: 'sweep my.json --vary /template/partitions=1,2,4 --runs 1 --out s.json --csv s.csv',
      describe: 'p99, throughput and cores busy for 1, 2 and 4 partitions',
    },
  ],
  plan: [
    {
      line: "plan my.json --slo 'p99<=500us' --rate 200k/s --vary /template/partitions=2,4 --runs 1 --out plan.json",
      describe: 'the cheapest configuration with p99 ≤ 500 µs at 200k records/s',
    },
  ],
  report: [
    { line: 'report r.json --out result.html', describe: 'an offline HTML page with charts of one Result' },
    { line: 'report t.json --out trace.html', describe: 'a trace summary of a simulate/measure --trace file' },
    {
      line: 'report plan.json s.json --out capacity.html',
      describe: 'a plan and a sweep: each configuration against the target, cores busy',
    },
  ],
  calibrate: [
    {
      line: 'calibrate --from-samples test/fixtures/calibrate/small-release.jsonl --dry-run',
      describe: 'fit a cost model from saved probe samples and print it',
    },
    {
      line: 'calibrate --profile release --cores 0,1 --quick --out models/my-host.json',
      describe: 'measure this machine (builds the probe)',
      probe: true,
    },
  ],
  model: [
    { line: 'model show models/tokio-1.24-2vcpu-release.json', describe: 'a cost model as a table' },
    {
      line: 'model diff models/tokio-1.24-2vcpu-release.json models/host-release.json',
      describe: 'per-parameter ratios of two models',
    },
  ],
  analyze: [
    {
      line: 'analyze scenarios/validation/ct-await-1p.json --compare-sim',
      describe: 'the closed-form answer beside the simulator',
    },
  ],
  measure: [
    {
      line: 'measure scenarios/validation/mt-await-2p.json --runs 3',
      describe: 'run the scenario on real tokio (builds the probe)',
      probe: true,
    },
  ],
  validate: [
    {
      line: 'validate scenarios/validation/ct-sleep-2p.json --measured test/fixtures/validate/ct-sleep-2p.measured.json --tolerance 50%',
      describe: 'predicted vs a saved measurement, per metric',
    },
  ],
  selftest: [{ line: 'selftest --only mm1 --quiet', describe: 'the engine against the exact M/M/1 results' }],
  advise: [
    {
      line: 'advise scenarios/velostream/passthrough-baseline.json',
      describe: "the study's pitfalls: debug model, #[tokio::test] runtime, harness sleeps",
    },
    { line: 'advise r.json', describe: 'advice on a saved Result' },
  ],
  compare: [
    { line: 'compare plan.json#0 plan.json#1', describe: 'two configurations a plan tried (#answer, #runnerUp work too)' },
    { line: 'compare s.json#0 s.json#2', describe: 'two points of a sweep (intervals when --runs > 1)' },
  ],
  'trace-stats': [
    {
      line: 'trace-stats test/fixtures/traces/mt-w0-await-2p-measured.json t.json',
      describe:
        "a real run's trace (measure --trace) beside a simulated one's: each batch's first poll, poll durations, threads, CPUs",
    },
  ],
  schema: [{ line: 'schema scenario', describe: 'the JSON Schema of scenarios (docs/scenarios.md explains it)' }],
};

/** Splits an example line into argv words (single quotes group, as in a shell). */
export function exampleArgv(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2]);
  return out;
}

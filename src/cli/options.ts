/**
 * Command-line options that several commands define alike, written once so that their names,
 * types and help text cannot drift apart between commands.
 *
 * Phase: cli. Each helper adds its options to a yargs builder in the order `--help` lists them;
 * where a command words an option its own way, the helper takes that text as a parameter.
 */
import type { Argv } from 'yargs';
import { MAX_RUNS } from '../sweep/run-set.js';
import { AUTO_MAX_RUNS, AUTO_MIN_RUNS } from '../sweep/simulate-runs.js';

/** The arguments of a command that loads one scenario and prints, or writes, a Result document. */
export interface ScenarioResultArgs {
  scenario: string;
  model?: string;
  seed?: number;
  json?: boolean;
  out?: string;
}

/** Help text of the options of `scenarioResultOptions` that commands word their own way. */
export interface ScenarioResultHelp {
  seed: string;
  /** Default: the cost model JSON, with the fallback `loadScenario` uses. */
  model?: string;
  /** Default: prints the Result document instead of the summary. */
  json?: string;
  /** Default: writes the Result document atomically. */
  out?: string;
}

/**
 * Adds the `<scenario>` positional and --model, --seed, --json and --out, in that order, for a
 * command that loads one scenario (`loadScenario(scenario, model, seed)`) and prints or writes a
 * Result document: simulate, analyze, measure. `help` describes --seed, and any of the others
 * the command words its own way.
 */
export function scenarioResultOptions<T>(y: Argv<T>, help: ScenarioResultHelp): Argv<T & ScenarioResultArgs> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario JSON file' })
    .option('model', {
      type: 'string',
      describe: help.model ?? "cost model JSON (default: the scenario's `model`, else models/tokio-1.24-2vcpu-release.json)",
    })
    .option('seed', { type: 'number', describe: help.seed })
    .option('json', { type: 'boolean', describe: help.json ?? 'print the Result document instead of the summary' })
    .option('out', {
      type: 'string',
      describe: help.out ?? 'write the Result document to this file (atomically)',
    }) as unknown as Argv<T & ScenarioResultArgs>;
}

/** The arguments of a command that simulates run sets (docs/semantics.md, "Run sets"). */
export interface RunSetArgs {
  runs: string;
  jobs?: number;
  noise?: boolean;
}

/** `--runs n|auto` as a number or 'auto'; throws a usage message otherwise. */
export function parseRuns(spec: string | number): number | 'auto' {
  if (spec === 'auto') return 'auto';
  const n = Number(spec);
  if (!Number.isInteger(n) || n < 1 || n > MAX_RUNS)
    throw new Error(`--runs must be 'auto' or an integer in 1..${MAX_RUNS} (got ${spec})`);
  return n;
}

/**
 * Adds --runs, --jobs and --noise/--no-noise: how many runs a prediction is (each varies the PRNG
 * streams, the timer phase unless pinned, and the noise draws), on how many worker threads (the
 * Result is the same for any), and whether the machine has the model's platform noise.
 */
export function runSetOptions<T>(y: Argv<T>, defaultRuns = 'auto'): Argv<T & RunSetArgs> {
  return y
    .option('runs', {
      type: 'string',
      default: defaultRuns,
      describe: `independent runs (seeds, timer phase, noise draws vary); 'auto': ${AUTO_MIN_RUNS}–${AUTO_MAX_RUNS} as an event budget allows`,
    })
    .option('jobs', {
      type: 'number',
      describe: 'worker threads for the runs (default: the available cores; the output is identical for any value)',
    })
    .option('noise', {
      type: 'boolean',
      describe:
        "platform noise (OS/hypervisor pauses) from the model's noise_rate/noise_pause; default: the scenario's machine.noise, else on when the model has it; --no-noise: the idealised machine",
    })
    .check((a) => {
      parseRuns((a as { runs: string }).runs);
      const jobs = (a as { jobs?: number }).jobs;
      if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new Error('--jobs must be a positive integer');
      return true;
    }) as unknown as Argv<T & RunSetArgs>;
}

/**
 * Command-line options that several commands define alike, written once so that their names,
 * types and help text cannot drift apart between commands.
 *
 * Phase: cli. Each helper adds its options to a yargs builder in the order `--help` lists them;
 * where a command words an option its own way, the helper takes that text as a parameter.
 */
import type { Argv } from 'yargs';
import { MAX_RUNS } from '../plan/run-set.js';
import { AUTO_MAX_RUNS, AUTO_MIN_RUNS } from '../sweep/simulate-runs.js';
import { TOKIO_VERSIONS, type TokioVersion } from '../plan/tokio-versions.js';

/** The arguments of a command that loads one scenario and prints, or writes, a Result document. */
export interface ScenarioResultArgs {
  scenario: string;
  model?: string;
  seed?: number;
  json?: boolean;
  out?: string;
  tokio?: TokioVersion;
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
  /** Default: which tokio's scheduler semantics to model. */
  tokio?: string;
}

/** The --tokio option: one of the modelled versions (a usage error otherwise). */
export function tokioOptionSpec(describe?: string) {
  return {
    type: 'string' as const,
    choices: [...TOKIO_VERSIONS],
    describe:
      describe ??
      "tokio version whose scheduler semantics to model, overriding the scenario's runtime.tokio (default the newest modelled; docs/semantics.md)",
  };
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
    .option('tokio', tokioOptionSpec(help.tokio))
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
      describe:
        'worker threads for the runs after run 0, exactly (default: up to the available cores, and only when this machine runs busy threads side by side fast enough to pay for starting them, measured once); the output is identical for any value',
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

/** What a numeric option accepts beyond "one finite number". */
export interface NumberRule {
  integer?: boolean;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  /** The lower bound is exclusive (a duration that must be positive). */
  above?: number;
}

/**
 * Range rules of numeric options by name, for every command (the same name means the same thing
 * everywhere). An option not listed here still has to be one finite number given once; a
 * command may check a tighter range itself (`.check`).
 */
export const NUMBER_RULES: Record<string, NumberRule> = {
  seed: { integer: true, min: 0, max: 0xffffffff },
  'max-events': { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER },
  'max-simulated-ms': { above: 0, max: 1e12 },
  'max-wall-ms': { above: 0, max: 1e12 },
  // Each recorded poll is a few hundred bytes of trace JSON: 10^6 stays well inside one string.
  'trace-events': { integer: true, min: 0, max: 1_000_000 },
  replications: { integer: true, min: 1, max: 10_000 },
  runs: { integer: true, min: 1, max: 10_000 },
  repeat: { integer: true, min: 1, max: 10_000 },
  repetitions: { integer: true, min: 1, max: 10_000 },
  jobs: { integer: true, min: 1, max: 1024 },
  warmup: { integer: true, min: 0, max: 10_000 },
  'timeout-s': { above: 0, max: 1e9 },
  customers: { integer: true, min: 1, max: 1e9 },
  confidence: { above: 0, max: 0.999999 },
};

/** The declared options of the command being parsed, as yargs reports them (`getOptions()`). */
export interface DeclaredOptions {
  number: string[];
  string: string[];
  array: string[];
  boolean: string[];
}

function describeRule(r: NumberRule): string {
  const kind = r.integer ? 'an integer' : 'a number';
  if (r.above !== undefined) return `${kind} > ${r.above}${r.max !== undefined ? ` and ≤ ${r.max}` : ''}`;
  if (r.min !== undefined && r.max !== undefined) return `${kind} in ${r.min}..${r.max}`;
  if (r.min !== undefined) return `${kind} ≥ ${r.min}`;
  return `a finite ${r.integer ? 'integer' : 'number'}`;
}

/** The text the user typed for `--name` (`--name=v` or `--name v`), to quote it in a message. */
export function rawOptionText(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i].startsWith(`--${name}=`)) return raw[i].slice(name.length + 3);
    if (raw[i] === `--${name}`) return raw[i + 1];
  }
  return undefined;
}

/**
 * Checks every option the command declares, whatever command it is: a number option must be one
 * finite number within its rule (NUMBER_RULES), given once; a string option must have a value
 * (`--out` followed by nothing or by another option is an error, not "not given"); no option that
 * is not an array may be given twice. Returns the first problem, naming the option, or undefined.
 * `raw` is the command line as typed (to quote the value and to see which options were given).
 */
export function checkOptions(
  argv: Record<string, unknown>,
  declared: DeclaredOptions,
  raw: readonly string[],
): string | undefined {
  const given = (name: string) => raw.some((t) => t === `--${name}` || t.startsWith(`--${name}=`));
  const arrays = new Set(declared.array);
  for (const name of [...declared.number, ...declared.string]) {
    if (name === '_' || name === '$0') continue;
    const v = argv[name];
    if (v === undefined && !given(name)) continue;
    if (Array.isArray(v) && !arrays.has(name)) return `--${name} was given ${v.length} times; give it once`;
    const values: unknown[] = Array.isArray(v) ? v : [v];
    for (const x of values) {
      if (declared.number.includes(name)) {
        const text = rawOptionText(raw, name);
        if (x === undefined || (given(name) && text === undefined))
          return `--${name} needs a value (${describeRule(NUMBER_RULES[name] ?? {})})`;
        const r = NUMBER_RULES[name] ?? {};
        const ok =
          typeof x === 'number' &&
          Number.isFinite(x) &&
          (!r.integer || Number.isSafeInteger(x)) &&
          (r.min === undefined || x >= r.min) &&
          (r.max === undefined || x <= r.max) &&
          (r.above === undefined || x > r.above);
        if (!ok) return `--${name} must be ${describeRule(r)} (got '${text ?? String(x)}')`;
      } else if (x === '' || x === undefined) {
        return given(name) ? `--${name} needs a value` : `<${name}> is empty: name a file`;
      }
    }
  }
  return undefined;
}

/**
 * A problem with the command line that yargs would hide: `-` (standard input, which no command
 * reads) is dropped by yargs, so `check -` checked nothing and exited 0.
 */
export function rawProblem(raw: readonly string[]): string | undefined {
  if (raw.includes('-')) return "'-' (standard input) is not read by any command: name a file";
  return undefined;
}

/**
 * The command line as yargs should read it: a negative number or percentage given as an option's
 * value (`--tolerance -5%`, `--seed -1`) is joined to its option (`--tolerance=-5%`), so that
 * yargs does not take it for short flags ("Unknown arguments: 5, %") and the option's own check
 * reports it.
 */
export function joinNegativeValues(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    const next = raw[i + 1];
    if (t.startsWith('--') && !t.includes('=') && t.length > 2 && next !== undefined && /^-[0-9.]/.test(next)) {
      out.push(`${t}=${next}`);
      i++;
    } else out.push(t);
  }
  return out;
}

/**
 * Command-line options that several commands define alike, written once so that their names,
 * types and help text cannot drift apart between commands.
 *
 * Phase: cli. Each helper adds its options to a yargs builder in the order `--help` lists them;
 * where a command words an option its own way, the helper takes that text as a parameter.
 */
import type { Argv } from 'yargs';
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

/**
 * `dispatchsim advise <scenario|result|plan>`: the pitfalls that make the answer another question's
 * (src/plan/advise.ts, codes DS21xx in docs/errors.md), each with why and what to do.
 *
 * Phase: cli. A scenario is simulated (its model, or --model) so that findings that need figures
 * (yields per record, cores busy, harness sleeps) can be judged; a Result is read as it is, with its
 * scenario when the file it names can be read; a plan document relays its margin warnings. Exit 0
 * whatever is found: advice is not a failure.
 */
import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { runCommand } from '../common.js';
import { readDocument, readText, stableJson } from '../../io/files.js';
import { parseJsonText } from '../../schema/validate.js';
import { advise, formatFindings, type AdviseInput } from '../../plan/advise.js';
import { simulate } from '../../runtime/simulate.js';
import { cpuModel } from '../../calibrate/machine.js';
import type { Result } from '../../schema/result.js';
import type { PlanDoc } from '../../schema/plan-doc.js';
import type { Scenario } from '../../schema/scenario.js';
import { displayPath, loadModel, loadScenario } from '../load.js';

interface Args {
  file: string;
  model?: string;
  seed?: number;
  json?: boolean;
}

/** The scenario a Result or plan names, when that file can still be read (else undefined). */
function scenarioNamed(file: string | undefined): Scenario | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    return readDocument<Scenario>('scenario', file).doc;
  } catch {
    return undefined;
  }
}

export function adviseFile(file: string, modelOverride?: string, seed?: number): AdviseInput {
  const hostCpu = cpuModel();
  const { value: doc } = parseJsonText(readText(file), file);
  const d = doc as Record<string, unknown> | null;
  if (d && d.kind === 'dispatchsim-plan') {
    const plan = d as unknown as PlanDoc;
    return { scenario: scenarioNamed(plan.scenario.file), planWarnings: plan.warnings, hostCpu };
  }
  if (d && typeof d === 'object' && 'source' in d && 'latencyUs' in d) {
    const result = d as unknown as Result;
    const model = modelOverride ? loadModel(modelOverride).model : undefined;
    return { scenario: scenarioNamed(result.scenario.file), result, ...(model ? { model } : {}), hostCpu };
  }
  const { scenario, plan, model } = loadScenario(file, modelOverride, seed);
  return { scenario, model, result: simulate(plan, model), hostCpu };
}

export const adviseCommand: CommandModule<object, Args> = {
  command: 'advise <file>',
  describe:
    'pitfalls that make the answer another question’s (debug model, test runtime, sub-tick sleeps, yield/spin waits …), with what to do',
  builder: (y: Argv) =>
    y
      .positional('file', {
        type: 'string',
        demandOption: true,
        describe: 'a scenario, a Result (simulate --out) or a plan document (plan --out)',
      })
      .option('model', {
        type: 'string',
        describe: "cost model (default: the scenario's `model`, else the bundled release model)",
      })
      .option('seed', { type: 'number', describe: "PRNG seed of the simulation behind a scenario's advice" })
      .option('json', { type: 'boolean', describe: 'print the findings as JSON' }) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(() => {
      const findings = advise(adviseFile(argv.file, argv.model, argv.seed));
      if (argv.json) process.stdout.write(stableJson(findings));
      else if (findings.length === 0) process.stdout.write(`${displayPath(argv.file)}: no pitfalls found\n`);
      else process.stdout.write([`${displayPath(argv.file)}:`, ...formatFindings(findings, '  ')].join('\n') + '\n');
      return 0;
    }),
};

/**
 * `dispatchsim check <files…>`: validate scenarios and cost models without running them.
 * A file is a model when its top level has `parameters`, else a scenario.
 *
 * Phase: cli.
 */
import type { Argv, CommandModule } from 'yargs';
import { runCommand, printDiagnostics } from '../common.js';
import { loadModel, loadScenario, displayPath } from '../load.js';
import { InputError, EXIT, type Diagnostic } from '../../schema/diagnostics.js';
import { readText } from '../../io/files.js';

interface Args {
  files: string[];
  model?: string;
}

/** A model has `parameters`, `profile` or `tokio` at top level; anything else is a scenario. */
function looksLikeModel(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && ['parameters', 'profile', 'tokio'].some((k) => k in (v as object));
  } catch {
    return false; // the scenario path reports the syntax error with its location
  }
}

export const checkCommand: CommandModule<object, Args> = {
  command: 'check <files..>',
  describe: 'validate scenario and cost-model files (exit 3 with located diagnostics when invalid)',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true })
      .option('model', { type: 'string', describe: 'model to check scenarios against' }) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(() => {
      const all: Diagnostic[] = [];
      let worst: number = EXIT.ok;
      for (const f of argv.files) {
        try {
          const isModel = looksLikeModel(readText(f));
          if (isModel) all.push(...loadModel(f).warnings);
          else all.push(...loadScenario(f, argv.model).warnings);
          process.stdout.write(`${displayPath(f)}: ok (${isModel ? 'cost model' : 'scenario'})\n`);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          all.push(...e.diagnostics);
          worst = Math.max(worst, e.exitCode);
        }
      }
      if (all.length) printDiagnostics(all);
      return worst;
    }),
};

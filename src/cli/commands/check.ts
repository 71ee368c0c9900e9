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
import { readText, stableJson } from '../../io/files.js';
import type { CheckOutput } from '../../schema/cli-docs.js';

interface Args {
  files: string[];
  model?: string;
  json?: boolean;
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
      .option('model', { type: 'string', describe: 'model to check scenarios against' })
      .option('json', {
        type: 'boolean',
        describe:
          'print one JSON document (per file: kind, ok, diagnostics; the exit code) instead of lines; docs/json-output.md',
      }) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(() => {
      const all: Diagnostic[] = [];
      const files: CheckOutput['files'] = [];
      let worst: number = EXIT.ok;
      for (const f of argv.files) {
        let isModel = false;
        try {
          isModel = looksLikeModel(readText(f));
          const warnings = isModel ? loadModel(f).warnings : loadScenario(f, argv.model).warnings;
          all.push(...warnings);
          files.push({ file: displayPath(f), kind: isModel ? 'model' : 'scenario', ok: true, diagnostics: warnings });
          if (!argv.json) process.stdout.write(`${displayPath(f)}: ok (${isModel ? 'cost model' : 'scenario'})\n`);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          all.push(...e.diagnostics);
          files.push({ file: displayPath(f), kind: isModel ? 'model' : 'scenario', ok: false, diagnostics: e.diagnostics });
          worst = Math.max(worst, e.exitCode);
        }
      }
      if (argv.json) {
        const doc: CheckOutput = { files, exitCode: worst };
        process.stdout.write(stableJson(doc));
      } else if (all.length) printDiagnostics(all);
      return worst;
    }),
};

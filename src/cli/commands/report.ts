/**
 * `dispatchsim report <docs...> --out reports/x.html`: one self-contained HTML report from
 * Result, sweep, validation and Chrome-trace documents.
 *
 * Phase: cli. Reads and classifies every input first (all problems reported together, exit 3),
 * then renders and writes atomically.
 */
import type { CommandModule } from 'yargs';
import { InputError, type Diagnostic } from '../../schema/diagnostics.js';
import { parseJsonText } from '../../schema/validate.js';
import { readText, writeFileAtomic } from '../../io/files.js';
import { chartLibraries } from '../../report/assets.js';
import { classifyDocument, type ReportInput } from '../../report/inputs.js';
import { renderReport } from '../../report/render.js';
import { runCommand } from '../common.js';

interface Args {
  inputs: string[];
  out: string;
  title?: string;
}

export function readReportInputs(files: readonly string[]): ReportInput[] {
  const inputs: ReportInput[] = [];
  const diags: Diagnostic[] = [];
  let exitCode: number | undefined;
  for (const file of files) {
    try {
      const { value, map } = parseJsonText(readText(file), file);
      inputs.push(classifyDocument(value, file, map));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      diags.push(...e.diagnostics);
      exitCode = Math.max(exitCode ?? 0, e.exitCode);
    }
  }
  if (diags.length) throw new InputError(diags, exitCode);
  return inputs;
}

export const reportCommand: CommandModule<object, Args> = {
  command: 'report <inputs..>',
  describe: 'write one self-contained HTML report (Vega-Lite, works offline) from result, sweep, validation and trace JSON',
  builder: (y) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Result, sweep, validation or Chrome-trace JSON files',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'HTML file to write, e.g. reports/x.html' })
      .option('title', { type: 'string', describe: 'page title (default: dispatchsim report)' }) as never,
  handler: (argv) =>
    runCommand(() => {
      const inputs = readReportInputs(argv.inputs);
      const html = renderReport(inputs, chartLibraries(), { title: argv.title });
      writeFileAtomic(argv.out, html);
      process.stderr.write(`wrote ${argv.out} (${Buffer.byteLength(html)} bytes, ${inputs.length} inputs)\n`);
    }),
};

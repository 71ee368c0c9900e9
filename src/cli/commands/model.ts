/**
 * `dispatchsim model show <file>` and `dispatchsim model diff <a> <b>`: read cost models and
 * print them as tables (per-parameter value, spread, provenance, source; or ratios b/a).
 *
 * Phase: cli. Models are schema-validated on read (located diagnostics, exit 3).
 */
import type { CommandModule } from 'yargs';
import { basename } from 'node:path';
import type { CostModel } from '../../schema/model.js';
import { readDocument, stableJson, writeFileAtomic } from '../../io/files.js';
import { diag, InputError } from '../../schema/diagnostics.js';
import { checkWindows, windowSelf, withWindowSpeed, type WindowCalibration } from '../../calibrate/window.js';
import type { ModelDiffOutput, ModelShowOutput } from '../../schema/cli-docs.js';
import { checkModel } from '../../model/load.js';
import { printDiagnostics, runCommand } from '../common.js';
import { diffModels, formatDiffTable, formatModelTable } from '../../calibrate/table.js';

interface ShowArgs {
  file: string;
  json?: boolean;
}
interface DiffArgs {
  a: string;
  b: string;
  json?: boolean;
}

const JSON_OPTION = {
  type: 'boolean',
  describe: 'print the result as one JSON document instead of a table (docs/json-output.md)',
} as const;

function readModel(file: string): CostModel {
  const { doc } = readDocument<CostModel>('model', file);
  return doc;
}

const showCommand: CommandModule<object, ShowArgs> = {
  command: 'show <file>',
  describe: 'print a cost model as a table (value, spread, samples, provenance, source)',
  builder: (y) => y.positional('file', { type: 'string', demandOption: true }).option('json', JSON_OPTION) as never,
  handler: (argv) =>
    runCommand(() => {
      const m = readModel(argv.file);
      const warnings = checkModel(m, argv.file);
      if (argv.json) {
        const doc: ModelShowOutput = {
          file: argv.file,
          name: m.name,
          profile: m.profile,
          tokio: m.tokio,
          provenance: m.provenance,
          parameters: Object.entries(m.parameters).map(([name, p]) => ({ name, ...p })),
          warnings,
        };
        process.stdout.write(stableJson(doc));
        return;
      }
      printDiagnostics(warnings);
      const prov = m.provenance;
      process.stdout.write(
        `${m.name}: ${m.profile}, tokio ${m.tokio}, ${prov.kind}${prov.machine?.cpu ? ` on ${prov.machine.cpu}` : ''}${prov.date ? `, ${prov.date}` : ''}\n`,
      );
      process.stdout.write(formatModelTable(m));
    }),
};

const diffCommand: CommandModule<object, DiffArgs> = {
  command: 'diff <a> <b>',
  describe: 'per-parameter ratio b/a of two cost models (e.g. debug vs release), largest first',
  builder: (y) =>
    y
      .positional('a', { type: 'string', demandOption: true })
      .positional('b', { type: 'string', demandOption: true })
      .option('json', JSON_OPTION) as never,
  handler: (argv) =>
    runCommand(() => {
      const a = readModel(argv.a);
      const b = readModel(argv.b);
      if (argv.json) {
        const side = (p: (typeof rows)[number]['a']) => (p ? { value: p.value, unit: p.unit } : null);
        const rows = diffModels(a, b);
        const doc: ModelDiffOutput = {
          a: { file: argv.a, name: a.name },
          b: { file: argv.b, name: b.name },
          rows: rows.map((r) => ({ name: r.name, a: side(r.a), b: side(r.b), ratio: r.ratio ?? null })),
        };
        process.stdout.write(stableJson(doc));
        return;
      }
      process.stdout.write(formatDiffTable(diffModels(a, b), basename(argv.a, '.json'), basename(argv.b, '.json')));
    }),
};

interface WindowArgs {
  file: string;
  windows: string[];
  out?: string;
  center?: boolean;
}

const windowCommand: CommandModule<object, WindowArgs> = {
  command: 'window <file>',
  describe:
    "add window_speed_sd to a calibrated model: how much this machine's speed moves between calibration windows, from earlier calibrations of it (same tokio and profile)",
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the calibrated model' })
      .option('windows', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'earlier calibrations of this machine (model files), 2 or more distinct ones',
      })
      .option('out', { type: 'string', describe: 'model file to write (default: print the parameter only)' })
      .option('center', {
        type: 'boolean',
        default: false,
        describe:
          "also scale every per-op cost to the windows' mean level: the model then predicts a run at an unknown time, not one in this calibration's window",
      }) as never,
  handler: (argv) =>
    runCommand(() => {
      const m = readModel(argv.file);
      const earlier: WindowCalibration[] = argv.windows.map((f) => ({ file: f, model: readModel(f) }));
      const bad = checkWindows(earlier, windowSelf(m));
      if (m.provenance.kind !== 'calibrated')
        bad.unshift(
          diag('DS1309', argv.file, '', {
            name: argv.file,
            detail: `the model itself is not a calibration (provenance ${m.provenance.kind})`,
          }),
        );
      if (bad.length) throw new InputError(bad);
      const out = withWindowSpeed(m, earlier, argv.center === true);
      if (typeof out === 'string')
        throw new InputError([
          diag('DS1309', argv.file, '', { name: argv.windows.join(' '), detail: `window_speed_sd needs ${out}` }),
        ]);
      const p = out.parameters.window_speed_sd;
      if (argv.out) {
        writeFileAtomic(argv.out, stableJson(out));
        process.stderr.write(`wrote ${argv.out}\n`);
      }
      process.stdout.write(`window_speed_sd ${p.value} (${p.samples} calibrations): ${p.note}\n`);
    }),
};

export const modelCommand: CommandModule<object, object> = {
  command: 'model <command>',
  describe: 'inspect cost models (show, diff) and add what one calibration cannot measure (window)',
  builder: (y) => y.command(showCommand).command(diffCommand).command(windowCommand).demandCommand(1) as never,
  handler: () => undefined,
};

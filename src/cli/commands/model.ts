/**
 * `dispatchsim model show <file>` and `dispatchsim model diff <a> <b>`: read cost models and
 * print them as tables (per-parameter value, spread, provenance, source; or ratios b/a).
 *
 * Phase: cli. Models are schema-validated on read (located diagnostics, exit 3).
 */
import type { CommandModule } from 'yargs';
import { basename } from 'node:path';
import type { CostModel } from '../../schema/model.js';
import { readDocument, stableJson } from '../../io/files.js';
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

export const modelCommand: CommandModule<object, object> = {
  command: 'model <command>',
  describe: 'inspect cost models (show, diff)',
  builder: (y) => y.command(showCommand).command(diffCommand).demandCommand(1) as never,
  handler: () => undefined,
};

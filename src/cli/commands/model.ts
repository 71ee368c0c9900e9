/**
 * `dispatchsim model show <file>` and `dispatchsim model diff <a> <b>`: read cost models and
 * print them as tables (per-parameter value, spread, provenance, source; or ratios b/a).
 *
 * Phase: cli. Models are schema-validated on read (located diagnostics, exit 3).
 */
import type { CommandModule } from 'yargs';
import { basename } from 'node:path';
import type { CostModel } from '../../schema/model.js';
import { readDocument } from '../../io/files.js';
import { checkModel } from '../../model/load.js';
import { printDiagnostics, runCommand } from '../common.js';
import { diffModels, formatDiffTable, formatModelTable } from '../../calibrate/table.js';

interface ShowArgs {
  file: string;
}
interface DiffArgs {
  a: string;
  b: string;
}

function readModel(file: string): CostModel {
  const { doc } = readDocument<CostModel>('model', file);
  return doc;
}

const showCommand: CommandModule<object, ShowArgs> = {
  command: 'show <file>',
  describe: 'print a cost model as a table (value, spread, samples, provenance, source)',
  builder: (y) => y.positional('file', { type: 'string', demandOption: true }) as never,
  handler: (argv) =>
    runCommand(() => {
      const m = readModel(argv.file);
      printDiagnostics(checkModel(m, argv.file));
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
    y.positional('a', { type: 'string', demandOption: true }).positional('b', { type: 'string', demandOption: true }) as never,
  handler: (argv) =>
    runCommand(() => {
      const a = readModel(argv.a);
      const b = readModel(argv.b);
      process.stdout.write(formatDiffTable(diffModels(a, b), basename(argv.a, '.json'), basename(argv.b, '.json')));
    }),
};

export const modelCommand: CommandModule<object, object> = {
  command: 'model <command>',
  describe: 'inspect cost models (show, diff)',
  builder: (y) => y.command(showCommand).command(diffCommand).demandCommand(1) as never,
  handler: () => undefined,
};

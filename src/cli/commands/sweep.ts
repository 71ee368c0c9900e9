/**
 * `dispatchsim sweep <scenario> --vary /pointer=values ... --out reports/sweep.json` and
 * `dispatchsim sweep merge a.json b.json --out all.json`.
 *
 * Phase: cli. Loads the scenario and model, parses `--vary`/`--shard`, runs the sweep on a
 * worker pool with a progress bar on stderr, and writes the document (and `--csv`) atomically,
 * checkpointing about 20 times so an interrupted run can `--resume`.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { readText, stableJson, writeFileAtomic } from '../../io/files.js';
import { parseJsonText } from '../../schema/validate.js';
import { classifyDocument } from '../../report/inputs.js';
import { sweepToCsv } from '../../sweep/csv.js';
import { parseVary } from '../../sweep/grid.js';
import { mergeSweeps } from '../../sweep/merge.js';
import { parseShard } from '../../sweep/shard.js';
import type { SweepDoc } from '../../schema/sweep-doc.js';
import { runSweep } from '../../sweep/sweep.js';
import { displayPath, loadScenario } from '../load.js';
import { Progress, runCommand } from '../common.js';
import { diag, InputError } from '../../schema/diagnostics.js';

interface SweepArgs {
  scenario: string;
  vary: string[];
  engine: 'sim' | 'analytic' | 'both';
  replications: number;
  jobs: number;
  out: string;
  csv?: string;
  resume: boolean;
  shard?: string;
  model?: string;
}

interface MergeArgs {
  inputs: string[];
  out: string;
  csv?: string;
}

export function readSweep(file: string): SweepDoc {
  const { value, map } = parseJsonText(readText(file), file);
  const input = classifyDocument(value, file, map);
  if (input.kind !== 'sweep')
    throw new InputError([diag('DS1606', file, '', { name: file, detail: `it is a ${input.kind} document, not a sweep` })]);
  return input.doc;
}

const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <inputs..>',
  describe: 'merge sweep shards (--shard i/n outputs) into one document',
  builder: (y) =>
    y
      .positional('inputs', { type: 'string', array: true, demandOption: true })
      .option('out', { type: 'string', demandOption: true })
      .option('csv', { type: 'string', describe: 'also write a CSV summary here' }) as never,
  handler: (argv) =>
    runCommand(() => {
      const merged = mergeSweeps(argv.inputs.map((file) => ({ file, doc: readSweep(file) })));
      writeFileAtomic(argv.out, stableJson(merged));
      if (argv.csv) writeFileAtomic(argv.csv, sweepToCsv(merged));
      process.stderr.write(`wrote ${argv.out} (${merged.points.length}/${merged.totalPoints} points)\n`);
    }),
};

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep <scenario>',
  describe: 'what-if sweep: vary scenario values by JSON pointer, simulate (and/or analyze) every point',
  builder: (y: Argv) =>
    y
      .command(mergeCommand)
      .positional('scenario', { type: 'string', demandOption: true })
      .option('vary', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'POINTER=VALUES; values: a,b,c | lo..hi | lo..hi:log2 (repeatable; first is outermost)',
      })
      .option('engine', { choices: ['sim', 'analytic', 'both'] as const, default: 'sim' as const })
      .option('runs', {
        alias: 'replications',
        type: 'number',
        default: 1,
        describe: 'replications per point (distinct seeds, the same at every point)',
      })
      .option('jobs', {
        type: 'number',
        default: availableParallelism(),
        describe: 'worker threads (output is identical for any value)',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'sweep JSON to write' })
      .option('csv', { type: 'string', describe: 'also write a CSV summary here' })
      .option('resume', { type: 'boolean', default: false, describe: 'keep points already in --out and run only the rest' })
      .option('shard', { type: 'string', describe: 'i/n: run only points with index ≡ i−1 (mod n)' })
      .option('model', { type: 'string', describe: "cost model file (default: the scenario's)" })
      .check((a) => {
        if (!Number.isInteger(a.replications as number) || (a.replications as number) < 1 || (a.replications as number) > 10000)
          throw new Error('--runs (--replications) must be an integer in 1..10000');
        if (!Number.isInteger(a.jobs) || a.jobs < 1) throw new Error('--jobs must be a positive integer');
        return true;
      }) as never,
  handler: (argv) =>
    runCommand(async () => {
      const varies = argv.vary.map(parseVary);
      const shard = argv.shard === undefined ? undefined : parseShard(argv.shard);
      const loaded = loadScenario(argv.scenario, argv.model);
      const { map } = parseJsonText(readText(argv.scenario), argv.scenario);
      const resume = argv.resume && existsSync(argv.out) ? readSweep(argv.out) : undefined;
      let bar: Progress | undefined;
      const doc = await runSweep({
        scenario: loaded.scenario,
        file: displayPath(argv.scenario),
        map,
        model: loaded.model,
        modelFile: displayPath(loaded.modelFile),
        varies,
        engine: argv.engine,
        replications: argv.replications,
        shard,
        resume,
        jobs: argv.jobs,
        onPoint: (_p, done, total) => (bar ??= new Progress('sweep', total)).update(done),
        onCheckpoint: (partial) => writeFileAtomic(argv.out, stableJson(partial)),
      });
      bar?.done();
      writeFileAtomic(argv.out, stableJson(doc));
      if (argv.csv) writeFileAtomic(argv.csv, sweepToCsv(doc));
      process.stderr.write(
        `wrote ${argv.out} (${doc.points.length}/${doc.totalPoints} points, ${argv.replications} replication(s), engine ${argv.engine})\n`,
      );
    }),
};

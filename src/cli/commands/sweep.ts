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
import { assertOutputAllowed, lockOutput, readText, stableJson, writeFileAtomic } from '../../io/files.js';
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
  _: Array<string | number>;
  scenario?: string;
  vary?: string[];
  engine: 'sim' | 'analytic' | 'both';
  replications: number;
  noise?: boolean;
  jobs: number;
  out?: string;
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

export function readSweep(file: string, opts: { output?: boolean } = {}): SweepDoc {
  const { value, map } = parseJsonText(readText(file, opts), file);
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
      const release = lockOutput(argv.out);
      try {
        writeFileAtomic(argv.out, stableJson(merged));
        if (argv.csv) writeFileAtomic(argv.csv, sweepToCsv(merged));
      } finally {
        release();
      }
      process.stderr.write(`wrote ${argv.out} (${merged.points.length}/${merged.totalPoints} points)\n`);
    }),
};

export const sweepCommand: CommandModule<object, SweepArgs> = {
  // `[scenario]`, checked below: a demanded positional would be demanded of `sweep merge` too.
  command: 'sweep [scenario]',
  describe: 'what-if sweep: vary scenario values by JSON pointer, simulate (and/or analyze) every point',
  builder: (y: Argv) =>
    y
      .command(mergeCommand)
      .positional('scenario', { type: 'string', describe: 'scenario JSON file' })
      .option('vary', {
        type: 'string',
        array: true,
        global: false,
        describe: 'POINTER=VALUES; values: a,b,c | lo..hi | lo..hi:log2 (repeatable; first is outermost)',
      })
      .option('engine', { choices: ['sim', 'analytic', 'both'] as const, default: 'sim' as const })
      .option('runs', {
        alias: 'replications',
        type: 'number',
        default: 1,
        describe:
          'runs per point (replication k = run k of `simulate --runs`: its seed, its timer phase unless pinned; the same at every point)',
      })
      .option('noise', {
        type: 'boolean',
        describe:
          "platform noise from the model (default: the scenario's machine.noise, else on when the model has it); --no-noise: the idealised machine",
      })
      .option('jobs', {
        type: 'number',
        default: availableParallelism(),
        describe: 'worker threads (output is identical for any value)',
      })
      .option('out', { type: 'string', global: false, describe: 'sweep JSON to write' })
      .option('csv', { type: 'string', describe: 'also write a CSV summary here' })
      .option('resume', { type: 'boolean', default: false, describe: 'keep points already in --out and run only the rest' })
      .option('shard', { type: 'string', describe: 'i/n: run only points with index ≡ i−1 (mod n)' })
      .option('model', { type: 'string', describe: "cost model file (default: the scenario's)" })
      .check((a) => {
        if (a._[1] === 'merge') return true;
        if (!a.scenario) throw new Error('name a scenario file (or: sweep merge <shards..> --out file)');
        if (!a.vary?.length) throw new Error('Missing required argument: vary');
        if (!a.out) throw new Error('Missing required argument: out');
        const runs = a.runs as number;
        if (!Number.isInteger(runs) || runs < 1 || runs > 10000)
          throw new Error('--runs (--replications) must be an integer in 1..10000');
        if (!Number.isInteger(a.jobs) || a.jobs < 1) throw new Error('--jobs must be a positive integer');
        return true;
      }) as never,
  handler: (args) =>
    runCommand(async () => {
      // The check above made these present (they are optional only for `sweep merge`).
      const argv = { ...args, scenario: args.scenario ?? '', vary: args.vary ?? [], out: args.out ?? '' };
      const varies = argv.vary.map(parseVary);
      const shard = argv.shard === undefined ? undefined : parseShard(argv.shard);
      const loaded = loadScenario(argv.scenario, argv.model);
      const { map } = parseJsonText(readText(argv.scenario), argv.scenario);
      const release = lockOutput(argv.out);
      assertOutputAllowed(argv.out);
      if (argv.csv) assertOutputAllowed(argv.csv);
      const resume = argv.resume && existsSync(argv.out) ? readSweep(argv.out, { output: true }) : undefined;
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
        ...(argv.noise !== undefined ? { noise: argv.noise } : {}),
        shard,
        resume,
        jobs: argv.jobs,
        onPoint: (_p, done, total) => (bar ??= new Progress('sweep', total)).update(done),
        onCheckpoint: (partial) => writeFileAtomic(argv.out, stableJson(partial)),
      });
      bar?.done();
      writeFileAtomic(argv.out, stableJson(doc));
      if (argv.csv) writeFileAtomic(argv.csv, sweepToCsv(doc));
      release();
      process.stderr.write(
        `wrote ${argv.out} (${doc.points.length}/${doc.totalPoints} points, ${argv.replications} replication(s), engine ${argv.engine})\n`,
      );
    }),
};

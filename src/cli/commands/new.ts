/**
 * `dispatchsim new pipeline|sequential [options]`: write a scenario from the facts a user knows
 * (partitions, wait strategy, cores, rate, per-record work, batch size) instead of from the schema.
 *
 * Phase: cli. The scenario comes from plan/scaffold.ts; it is checked like any file (schema and
 * semantic checks, against the model it names) before it is written, so `new` never writes a
 * scenario that `simulate` would reject.
 */
import { basename, dirname, relative, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { runCommand } from '../common.js';
import { stableJson, writeFileAtomic } from '../../io/files.js';
import { packagePath } from '../../io/package-root.js';
import { validateDocument } from '../../schema/validate.js';
import { InputError } from '../../schema/diagnostics.js';
import { normalizeScenario } from '../../plan/normalize.js';
import {
  CHANNEL_KINDS,
  WAIT_STRATEGIES,
  scaffoldPipeline,
  scaffoldSequential,
  type ChannelKind,
  type ScaffoldOptions,
  type WaitStrategy,
} from '../../plan/scaffold.js';
import { parseDurationUs, parseRate } from '../../sweep/slo.js';
import { loadModel, modelPathFor } from '../load.js';

interface Args {
  kind: 'pipeline' | 'sequential';
  partitions: number;
  wait: WaitStrategy;
  channel?: ChannelKind;
  capacity?: number;
  sleep: string;
  flavor: 'multi_thread' | 'current_thread';
  cores: number;
  workers?: number;
  rate: string;
  work: string;
  batch: number;
  durationMs: number;
  arrival: 'poisson' | 'periodic';
  model?: string;
  name?: string;
  seed: number;
  out?: string;
}

const posInt = (name: string, v: unknown): void => {
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 1))
    throw new Error(`--${name} must be an integer >= 1 (got ${String(v)})`);
};

export const newCommand: CommandModule<object, Args> = {
  command: 'new <kind>',
  describe: 'write a scenario from a few facts about your system (pipeline: coordinator + partitions; sequential: one task)',
  builder: (y: Argv) =>
    y
      .positional('kind', { choices: ['pipeline', 'sequential'] as const, demandOption: true, describe: 'architecture' })
      .option('partitions', { type: 'number', default: 4, describe: 'pipeline: partition tasks' })
      .option('wait', {
        choices: WAIT_STRATEGIES,
        default: 'await' as WaitStrategy,
        describe:
          'pipeline: how an idle partition waits — yield: yield_now() loop · await: recv().await · sleep: sleep(--sleep) · backoff: spin, yield, sleep · spin: busy spin',
      })
      .option('channel', {
        choices: CHANNEL_KINDS,
        describe: 'pipeline: partition channels (default: unbounded mpsc for await, a lock-free SegQueue otherwise)',
      })
      .option('capacity', { type: 'number', describe: 'pipeline: capacity of a bounded channel (default 1000)' })
      .option('sleep', { type: 'string', default: '1ms', describe: 'pipeline --wait sleep: the sleep, e.g. 1ms, 100us' })
      .option('flavor', { choices: ['multi_thread', 'current_thread'] as const, default: 'multi_thread' as const })
      .option('cores', { type: 'number', default: 4, describe: 'CPU cores of the machine (multi_thread: one worker per core)' })
      .option('workers', { type: 'number', describe: 'multi_thread workers (default: --cores)' })
      .option('rate', { type: 'string', default: '100k/s', describe: 'offered load, records/s, e.g. 200k/s' })
      .option('work', { type: 'string', default: '5us', describe: "one record's CPU work, e.g. 5us, 1.4µs" })
      .option('batch', { type: 'number', default: 100, describe: 'records per batch the source delivers' })
      .option('duration-ms', { type: 'number', default: 100, describe: 'how long the source delivers (simulated ms)' })
      .option('arrival', {
        choices: ['poisson', 'periodic'] as const,
        default: 'poisson' as const,
        describe: 'poisson: random batch arrivals at the mean rate; periodic: evenly spaced',
      })
      .option('model', { type: 'string', describe: 'cost model the scenario names (default: the bundled release model)' })
      .option('name', { type: 'string', describe: "scenario name (default: --out's file name, else the kind)" })
      .option('seed', { type: 'number', default: 1 })
      .option('out', { type: 'string', describe: 'write the scenario here (atomically); default: print it' })
      .check((a) => {
        for (const k of ['partitions', 'capacity', 'cores', 'workers', 'batch'] as const) posInt(k, a[k]);
        if (!(Number(a.durationMs) > 0)) throw new Error(`--duration-ms must be > 0 (got ${String(a.durationMs)})`);
        if (a.flavor === 'current_thread' && a.workers !== undefined)
          throw new Error('--workers applies only to --flavor multi_thread');
        if (a.capacity !== undefined && a.channel !== 'bounded') throw new Error('--capacity needs --channel bounded');
        if (a.wait === 'await' && a.channel === 'lockfree')
          throw new Error(
            '--wait await needs a channel with a waker: --channel unbounded or bounded (a lock-free queue has none)',
          );
        return true;
      }) as unknown as Argv<Args>,
  handler: (argv) =>
    runCommand(() => {
      const outAbs = argv.out ? resolve(argv.out) : undefined;
      const base = outAbs ? dirname(outAbs) : process.cwd();
      const rel = (p: string) => relative(base, p).split('\\').join('/') || '.';
      const o: ScaffoldOptions = {
        name: argv.name ?? (outAbs ? basename(outAbs).replace(/\.json$/i, '') : argv.kind),
        flavor: argv.flavor,
        cores: argv.cores,
        ...(argv.workers !== undefined ? { workers: argv.workers } : {}),
        ratePerSec: parseRate(argv.rate),
        workUs: parseDurationUs(argv.work, '--work'),
        batchRecords: argv.batch,
        durationMs: argv.durationMs,
        arrival: argv.arrival,
        ...(argv.model !== undefined ? { model: rel(resolve(argv.model)) } : {}),
        ...(outAbs ? { schema: rel(packagePath('schema', 'scenario.schema.json')) } : {}),
        seed: argv.seed,
      };
      const scenario =
        argv.kind === 'pipeline'
          ? scaffoldPipeline({
              ...o,
              partitions: argv.partitions,
              wait: argv.wait,
              ...(argv.channel !== undefined ? { channel: argv.channel } : {}),
              ...(argv.capacity !== undefined ? { capacity: argv.capacity } : {}),
              sleepUs: parseDurationUs(argv.sleep, '--sleep'),
            })
          : scaffoldSequential(o);
      // Valid by construction; checked anyway, against the model it will run with.
      const shown = argv.out ?? '<new scenario>';
      const diags = validateDocument('scenario', scenario, shown);
      if (diags.length) throw new InputError(diags);
      const { model } = loadModel(modelPathFor(outAbs ?? resolve('new.json'), scenario, argv.model));
      normalizeScenario(scenario, { file: shown, model });
      const text = stableJson(scenario);
      if (argv.out) {
        writeFileAtomic(argv.out, text);
        process.stderr.write(`wrote ${argv.out}: ${scenario.description}\nnext: dispatchsim simulate ${argv.out}\n`);
      } else process.stdout.write(text);
      return 0;
    }),
};

/**
 * Scenario scaffolds: a complete, valid scenario from the few facts a user knows about their
 * system (`dispatchsim new pipeline --partitions 4 --wait yield --cores 4 --rate 200k/s …`).
 *
 * Phase: validate (input authoring). The functions build the same document a user could write by
 * hand (docs/scenarios.md), with a `description` that says, in words, what every choice means, so
 * the file explains itself when opened later. Valid by construction: every combination of options
 * gives a scenario that passes the schema and the semantic checks (test/unit/plan/scaffold.test.ts).
 */
import type { Scenario, WaitStep } from '../schema/scenario.js';

/** Partition wait strategies, named as a tokio engineer says them. */
export const WAIT_STRATEGIES = ['yield', 'await', 'sleep', 'backoff', 'spin'] as const;
export type WaitStrategy = (typeof WAIT_STRATEGIES)[number];

export const CHANNEL_KINDS = ['unbounded', 'bounded', 'lockfree'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface ScaffoldOptions {
  name: string;
  /** multi_thread (default) or current_thread. */
  flavor: 'multi_thread' | 'current_thread';
  /** CPU cores of the machine; multi_thread gets one worker per core unless `workers` says otherwise. */
  cores: number;
  workers?: number;
  /** Offered load in records per second. */
  ratePerSec: number;
  /** CPU time of one record's own work, µs. */
  workUs: number;
  /** Records per batch the source delivers. */
  batchRecords: number;
  /** How long the source delivers, ms. */
  durationMs: number;
  /** `poisson` (default: random arrivals at the mean rate) or `periodic` (evenly spaced batches). */
  arrival: 'poisson' | 'periodic';
  /** The cost model file, as the scenario should name it (relative to the scenario file). */
  model?: string;
  /** The `$schema` reference for editors (relative to the scenario file), if any. */
  schema?: string;
  seed: number;
}

export interface PipelineOptions extends ScaffoldOptions {
  partitions: number;
  wait: WaitStrategy;
  /** The partition channels; default: `unbounded` for `await`, `lockfree` (a SegQueue) otherwise. */
  channel?: ChannelKind;
  /** Capacity of a bounded channel (default 1000). */
  capacity?: number;
  /** The sleep of the `sleep` strategy, µs (default 1000: tokio's timer tick). */
  sleepUs: number;
}

/** The wait list of each strategy, and its description in words. */
export function waitSteps(wait: WaitStrategy, sleepUs: number): { steps: WaitStep[]; words: string } {
  switch (wait) {
    case 'yield':
      return {
        steps: [{ kind: 'yield_spin' }],
        words: 'call yield_now() in a loop while their queue is empty (try_recv, then yield)',
      };
    case 'await':
      return { steps: [{ kind: 'await_recv' }], words: 'await recv() on their channel (parked until a send wakes them)' };
    case 'sleep':
      return {
        steps: [{ kind: 'sleep', us: sleepUs }],
        words: `sleep(${sleepUs} µs) when their queue is empty (tokio's timer has 1 ms ticks)`,
      };
    case 'backoff':
      return {
        steps: [
          { kind: 'spin', us: 100 },
          { kind: 'yield_spin', times: 1 },
          { kind: 'sleep', us: 10 },
        ],
        words: 'back off when their queue is empty: spin 100 µs, then one yield_now(), then sleep(10 µs)',
      };
    case 'spin':
      return {
        steps: [{ kind: 'spin', us: 50 }],
        words: 'busy-spin (spin_loop, never yielding) in 50 µs slices while their queue is empty',
      };
  }
}

function runtimeOf(o: ScaffoldOptions): Scenario['runtime'] {
  return o.flavor === 'multi_thread'
    ? { flavor: 'multi_thread', workers: o.workers ?? o.cores, driver: 'timer_io' }
    : { flavor: 'current_thread', driver: 'timer_io' };
}

function sourceOf(o: ScaffoldOptions) {
  const batchesPerSec = o.ratePerSec / o.batchRecords;
  return {
    arrival:
      o.arrival === 'poisson'
        ? { kind: 'poisson' as const, ratePerSec: batchesPerSec }
        : { kind: 'periodic' as const, intervalUs: 1e6 / batchesPerSec },
    batchRecords: o.batchRecords,
    durationMs: o.durationMs,
  };
}

function header(o: ScaffoldOptions): string {
  const rt =
    o.flavor === 'multi_thread'
      ? `A multi_thread runtime with ${o.workers ?? o.cores} worker(s) on ${o.cores} core(s)`
      : `A current_thread runtime on ${o.cores} core(s)`;
  const arr = o.arrival === 'poisson' ? 'Poisson (random) arrivals' : 'evenly spaced batches';
  return (
    `${rt}; a source thread offers ${o.ratePerSec} records/s as ${o.batchRecords}-record batches (${arr}) for ${o.durationMs} ms; ` +
    `each record costs ${o.workUs} µs of CPU`
  );
}

function common(
  o: ScaffoldOptions,
  description: string,
): Pick<Scenario, '$schema' | 'name' | 'description' | 'seed' | 'runtime' | 'machine'> & { model?: string } {
  return {
    ...(o.schema !== undefined ? { $schema: o.schema } : {}),
    name: o.name,
    description,
    ...(o.model !== undefined ? { model: o.model } : {}),
    seed: o.seed,
    runtime: runtimeOf(o),
    machine: { cores: o.cores },
  };
}

/** A coordinator that routes each batch round-robin over `partitions` partition tasks (the V2 architecture). */
export function scaffoldPipeline(o: PipelineOptions): Scenario {
  const { steps, words } = waitSteps(o.wait, o.sleepUs);
  const kind: ChannelKind = o.channel ?? (o.wait === 'await' ? 'unbounded' : 'lockfree');
  const channel = kind === 'bounded' ? { kind, capacity: o.capacity ?? 1000 } : { kind };
  const chWords =
    kind === 'lockfree'
      ? 'a lock-free queue (SegQueue, no waker)'
      : kind === 'bounded'
        ? `a bounded mpsc(${channel.capacity})`
        : 'an unbounded mpsc';
  const description =
    `Written by 'dispatchsim new pipeline'. ${header(o)}. A coordinator task receives each batch and routes its records ` +
    `round-robin to ${o.partitions} partition task(s) over ${chWords} each; partitions ${words}. Edit any value; ` +
    'docs/scenarios.md lists every field.';
  return {
    ...common(o, description),
    template: {
      kind: 'pipeline',
      partitions: o.partitions,
      source: sourceOf(o),
      coordinator: { routing: 'round_robin' },
      channel,
      partition: { wait: steps, recordCost: o.workUs },
    },
  } as Scenario;
}

/** One task that receives each batch and processes its records in order (the V1 architecture). */
export function scaffoldSequential(o: ScaffoldOptions): Scenario {
  const description =
    `Written by 'dispatchsim new sequential'. ${header(o)}. One task receives each batch from an unbounded mpsc and ` +
    'processes its records one after another. Edit any value; docs/scenarios.md lists every field.';
  return {
    ...common(o, description),
    template: { kind: 'sequential', source: sourceOf(o), recordCost: o.workUs },
  } as Scenario;
}

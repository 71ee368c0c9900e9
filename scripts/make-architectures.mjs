#!/usr/bin/env node
/**
 * Writes scenarios/architectures/: the reference study's V1 (sequential processor) and V2
 * (coordinator + partitions) with every partition wait strategy and a shared-engine variant, for
 * 1, 2, 4 and 8 partitions on 2 and 8 cores (velostream-architecture.md §1, §2, §7).
 *
 * Common to all: release build costs (models/tokio-1.24-2vcpu-release.json), multi_thread with
 * one worker per core (production: W = cores), timer+I/O driver (Kafka), 100-record batches every
 * 1 ms (100k records/s offered), per record a clone + the SQL cost `record_sql`, per batch a
 * 5 µs write+flush under the global writer mutex. Run `node scripts/make-architectures.mjs`;
 * `node scripts/architectures-table.mjs` prints the README table from them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'scenarios/architectures');
mkdirSync(out, { recursive: true });

const MODEL = '../../models/tokio-1.24-2vcpu-release.json';
const BATCHES = 200;
const source = { arrival: { kind: 'periodic', intervalUs: 1000 }, batchRecords: 100, batches: BATCHES };
const runtimeFor = (cores) => ({ flavor: 'multi_thread', workers: cores, driver: 'timer_io' });

const WAITS = {
  yield: {
    wait: [{ kind: 'yield_spin' }],
    channel: { kind: 'lockfree' },
    text: 'pure yield_now loop on an empty SegQueue (a9bea1c6, as the study measured it)',
  },
  await: {
    wait: [{ kind: 'await_recv' }],
    channel: { kind: 'bounded', capacity: 1000 },
    text: 'bounded mpsc(1000) recv().await, an event-driven wake (pre-6.8)',
  },
  sleep: {
    wait: [{ kind: 'sleep', us: 1000 }],
    channel: { kind: 'lockfree' },
    text: 'sleep(1 ms) when the SegQueue is empty, on the 1 ms timer (HEAD)',
  },
  backoff: {
    wait: [{ kind: 'spin', us: 100 }, { kind: 'yield_spin', times: 1 }, { kind: 'sleep', us: 10 }],
    channel: { kind: 'lockfree' },
    text: 'spin 100 µs, then one yield, then sleep(10 µs) (de590f26)',
  },
  spin: {
    wait: [{ kind: 'spin', us: 50 }],
    channel: { kind: 'lockfree' },
    text: 'busy spin in 50 µs slices that never yields: each partition holds a worker',
  },
};

function write(name, doc) {
  const file = join(out, `${name}.json`);
  writeFileSync(file, JSON.stringify({ $schema: '../../schema/scenario.schema.json', ...doc }, null, 2) + '\n');
}

const outputs = { recordsPerSecK: 'throughput.recordsPerSec / 1000', waitingCpuShare: 'cpuUs.waiting / cpuUs.total' };

for (const cores of [2, 8]) {
  write(`v1-sequential-${cores}c`, {
    name: `architectures/v1-sequential-${cores}c`,
    description: `V1 SimpleJobProcessor on ${cores} cores: one task reads a batch, runs each record (clone + SQL), then writes and flushes; no queues, no partitions.`,
    model: MODEL,
    seed: 1,
    runtime: runtimeFor(cores),
    machine: { cores },
    channels: { input: { kind: 'unbounded' } },
    sources: { reader: { channel: 'input', arrival: source.arrival, records: source.batchRecords, batches: BATCHES } },
    tasks: {
      processor: {
        start: 'spawn',
        program: [
          {
            op: 'while_open',
            channel: 'input',
            body: [
              { op: 'for_each_record', body: [{ op: 'clone' }, { op: 'compute', cost: 'record_sql' }, { op: 'record_end' }] },
              { op: 'compute', cost: 5, label: 'writer' },
            ],
          },
        ],
      },
    },
    outputs,
  });
  // One V2 scenario: the coordinator routing round-robin to p partitions over `channel`.
  const v2 = (id, description, channel, partition, extra = {}) =>
    write(id, {
      name: `architectures/${id}`,
      description,
      model: MODEL,
      seed: 1,
      runtime: runtimeFor(cores),
      machine: { cores },
      template: {
        kind: 'pipeline',
        partitions: partition.p,
        source,
        coordinator: { routing: 'round_robin', routeCost: 0.05 },
        channel,
        partition: partition.spec,
      },
      outputs,
      ...extra,
    });
  for (const p of [1, 2, 4, 8]) {
    for (const [kind, w] of Object.entries(WAITS)) {
      v2(
        `v2-${kind}-${p}p-${cores}c`,
        `V2 coordinator + ${p} partition(s) on ${cores} cores; partitions wait with ${w.text}.`,
        w.channel,
        { p, spec: { wait: w.wait, recordCost: 'record_sql', clonePerRecord: true, lockPerRecord: true, writer: { holdCost: 5 } } },
        // Spinners that never yield can starve the coordinator for good: stop at 2× the stream.
        kind === 'spin' ? { limits: { maxSimulatedMs: 2 * BATCHES } } : {},
      );
    }
    v2(
      `v2-shared-engine-${p}p-${cores}c`,
      `V2 with ${p} partition(s) on ${cores} cores sharing one engine: every record takes the same engine lock (tokio, FIFO), as V1's per-record engine.write() does at HEAD; partitions await_recv.`,
      { kind: 'bounded', capacity: 1000 },
      { p, spec: { wait: [{ kind: 'await_recv' }], recordCost: 'record_sql', clonePerRecord: true, sharedEngine: true, writer: { holdCost: 5 } } },
    );
  }
}

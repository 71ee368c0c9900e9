/**
 * The sources' thread sends late by its own wake-up (docs/semantics.md, *Sources*): the probe's
 * source thread sleeps to each planned instant (sources.rs `deliver`, 1 ns timer slack), so every
 * delivery after a sleep goes out when the OS has woken that thread's halted vCPU — warm inside its
 * adaptive halt-poll window, else `wake_latency`, as any parked thread. The planned instants are
 * absolute: lateness does not accumulate. A source without a CPU of its own (multi_thread whose
 * threads fill the cores) still sends on time. Measured: DS1810 in every measured Result (a median
 * 20–52 µs on the quiet 2026-12-07 runs, the longer intervals the later).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import { constantWakeModel, run } from '../../helpers.js';

// Cold 50 µs, warm 10 µs inside a fixed 200 µs halt-poll window (the adaptive rule off).
const m = constantWakeModel();

function source(flavor: 'current_thread' | 'multi_thread', intervalUs: number, batches: number): Scenario {
  return {
    name: `source-lateness-${flavor}-${intervalUs}`,
    runtime: flavor === 'multi_thread' ? { flavor, workers: 2 } : { flavor },
    machine: { cores: 2, noise: false },
    template: {
      kind: 'pipeline',
      partitions: 1,
      source: { arrival: { kind: 'periodic', intervalUs }, batchRecords: 1, batches },
      partition: { wait: [{ kind: 'await_recv' }], recordCost: 1 },
    },
  };
}

/** The batch-send instants of run 0, µs. */
function sendsUs(s: Scenario): number[] {
  const { spans } = run(s, m, { traceSpans: 100000 });
  return spans.filter((x) => x.kind === 'send').map((x) => x.startNs / 1000);
}

test('a source sleeping longer than the halt-poll window sends wake_latency after each planned instant, not later and later', () => {
  const sends = sendsUs(source('current_thread', 5000, 4));
  // The first goes out at once (the thread had nothing to sleep for: warm); then 5 ms sleeps, cold.
  assert.deepEqual(sends, [10, 5050, 10050, 15050]);
});

test('a source sleeping inside its halt-poll window is woken warm', () => {
  const sends = sendsUs(source('current_thread', 100, 4));
  assert.deepEqual(sends, [10, 110, 210, 310]);
});

test('a source without a CPU of its own (2 workers on 2 cores) sends at the planned instants', () => {
  const sends = sendsUs(source('multi_thread', 5000, 3));
  assert.deepEqual(sends, [0, 5000, 10000]);
});

/**
 * Stalls (issue 18, item 2): a run where every task left waits on something nothing will ever do
 * is reported as DS3001 at the instant its last event ran, naming the tasks and what they wait
 * on. It used to run on to the simulated-time limit (the limit's own event kept the queue
 * non-empty) and be reported as a 1-hour truncated run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import { run } from '../../helpers.js';

const recvForever: Scenario = {
  name: 'stall-recv',
  runtime: { flavor: 'current_thread' },
  channels: { c: { kind: 'unbounded' } },
  tasks: {
    main: {
      start: 'block_on',
      program: [
        { op: 'compute', cost: 1000 },
        { op: 'recv', channel: 'c' },
      ],
    },
  },
} as unknown as Scenario;

const fullChannel: Scenario = {
  name: 'stall-send',
  runtime: { flavor: 'multi_thread', workers: 2 },
  channels: { c: { kind: 'bounded', capacity: 1 } },
  tasks: {
    main: {
      start: 'block_on',
      program: [
        { op: 'spawn', task: 'w' },
        { op: 'join', task: 'w' },
      ],
    },
    w: { start: 'child', program: [{ op: 'send', channel: 'c', items: 3 }] },
  },
} as unknown as Scenario;

for (const [s, expect] of [
  [recvForever, /'main' waits to receive on channel 'c'/],
  [fullChannel, /'main' waits to join task 'w'; 'w' waits to send on channel 'c' \(full\)/],
] as const) {
  test(`${s.name}: DS3001 naming the blocked tasks, not a truncated hour`, () => {
    const r = run(s).result;
    assert.equal(r.truncated, undefined, JSON.stringify(r.truncated));
    const w = r.warnings.find((x) => x.code === 'DS3001');
    assert.ok(w, JSON.stringify(r.warnings));
    assert.match(w.message, expect);
    assert.ok(r.simulatedUs < 10_000, `ended when the last event ran (${r.simulatedUs} µs)`);
  });
}

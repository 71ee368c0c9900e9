/**
 * A worker's notify of a worker whose vCPU has halted costs the notifier unpark_halted, drawn per
 * notify (docs/semantics.md, Notify): steal_wake's notifying send less its plain one. Before it,
 * the worker paid unpark_remote, the block_on thread's unpark measured with spawns from outside
 * the runtime. A spawned coordinator on a 1 ms interval sends a batch to each of two partitions
 * parked in recv: the second wake displaces the first from its worker's LIFO slot, which notifies
 * the other worker, parked the whole millisecond (its vCPU halted: a 200 µs halt-poll window).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import { assumedNs, constantWakeModel, run } from '../../helpers.js';

function scenario(): Scenario {
  const partition = (i: number) => ({
    start: 'child' as const,
    program: [
      {
        op: 'while_open' as const,
        channel: `part[${i}]`,
        wait: [{ kind: 'await_recv' as const }],
        body: [{ op: 'for_each_record' as const, body: [{ op: 'record_end' as const }] }],
      },
    ],
  });
  return {
    name: 'unpark-halted',
    seed: 3,
    runtime: { flavor: 'multi_thread', workers: 2, tokio: '1.24', driver: 'timer', timerPhaseUs: 0 },
    machine: { cores: 2, noise: false },
    channels: { 'part[0]': { kind: 'unbounded' }, 'part[1]': { kind: 'unbounded' } },
    tasks: {
      main: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 'coordinator' },
          { op: 'join', task: 'coordinator' },
        ],
      },
      coordinator: {
        start: 'child',
        program: [
          { op: 'spawn', task: 'p0' },
          { op: 'spawn', task: 'p1' },
          {
            op: 'repeat',
            n: 40,
            body: [
              { op: 'interval', periodUs: 1000 },
              { op: 'record_start' },
              { op: 'send', channel: 'part[0]', records: 32 },
              { op: 'send', channel: 'part[1]', records: 32 },
            ],
          },
          { op: 'close', channel: 'part[0]' },
          { op: 'close', channel: 'part[1]' },
          { op: 'join', task: 'p0' },
          { op: 'join', task: 'p1' },
        ],
      },
      p0: partition(0),
      p1: partition(1),
    },
  };
}

/** The coordinator's polls that sent a batch, longest first (ns). */
function batchPolls(spans: { kind: string; task: string; startNs: number; endNs: number }[]): number[] {
  return spans
    .filter((s) => s.kind === 'poll' && s.task === 'coordinator' && s.startNs > 1_500_000)
    .map((s) => s.endNs - s.startNs)
    .filter((d) => d > 300)
    .sort((a, b) => b - a);
}

const base = { unpark_remote: 12_000 };

test('a worker notifying a halted worker pays unpark_halted, not unpark_remote', () => {
  const { result, spans } = run(scenario(), constantWakeModel({ ...base, unpark_halted: 2_000 }), { traceSpans: 100000 });
  const polls = batchPolls(spans);
  assert.ok(polls.length >= 30, `${polls.length} batch polls`);
  // Each batch's second wake notifies the halted worker: 2 µs, never the 12 µs of unpark_remote.
  assert.ok(polls[0] < 6_000, `longest batch poll ${polls[0]} ns`);
  assert.ok(polls[polls.length >> 1] > 2_000, `median batch poll ${polls[polls.length >> 1]} ns`);
  assert.ok(!result.warnings.some((w) => w.message.includes('unpark_halted')));
});

test('without unpark_halted the notify is charged unpark_remote, and the Result says so (DS3030)', () => {
  const { result, spans } = run(scenario(), constantWakeModel(base), { traceSpans: 100000 });
  const polls = batchPolls(spans);
  assert.ok(polls[polls.length >> 1] > 12_000, `median batch poll ${polls[polls.length >> 1]} ns`);
  assert.ok(
    result.warnings.some((w) => w.code === 'DS3030' && w.message.includes('unpark_halted')),
    JSON.stringify(result.warnings),
  );
});

test('drawn per notify: a distribution gives batch polls that differ, the same bytes on a repeat', () => {
  const m = constantWakeModel(base);
  m.parameters.unpark_halted = {
    ...assumedNs(3_000),
    distribution: { p: [0, 0.5, 1], ns: [1_000, 3_000, 9_000] },
  } as (typeof m.parameters)['unpark_halted'];
  const a = run(scenario(), m, { traceSpans: 100000 });
  const polls = batchPolls(a.spans);
  assert.ok(polls[0] - polls[polls.length - 1] > 2_000, `batch polls ${polls[polls.length - 1]}–${polls[0]} ns`);
  assert.deepEqual(run(scenario(), m).result.latencyUs, a.result.latencyUs);
});

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

/**
 * One draw for the notify and the wake-up (docs/semantics.md): steal_wake times both sides of each
 * wake-up — the waker's notifying send and the woken worker's latency — and they are one event.
 * When the woken worker preempts its waker on the waker's vCPU, the waker's call is long (it is off
 * its vCPU) and the woken worker runs within a few µs; when it does not, the call is short and the
 * woken worker waits. Two-point distributions make the pairing visible: a long notify (30 µs) must
 * come with the fast wake (3 µs), so the woken worker steals the displaced partition while the
 * coordinator's poll still runs; a short one (2 µs) with the slow wake, so the coordinator's own
 * worker polls it after its poll. Drawn independently, a long notify met a slow wake in about a
 * quarter of the batches: the displaced partition then waited for the end of the held poll.
 */
test('unpark_halted and the woken worker’s worker_wake_latency are drawn as one steal_wake wake-up', () => {
  const m = constantWakeModel(base);
  m.parameters.unpark_halted = {
    ...assumedNs(2_000),
    distribution: { p: [0, 0.5, 0.5, 1], ns: [2_000, 2_000, 30_000, 30_000] },
  } as (typeof m.parameters)['unpark_halted'];
  m.parameters.worker_wake_latency = {
    ...assumedNs(3_000),
    distribution: { p: [0, 0.5, 0.5, 1], ns: [3_000, 3_000, 300_000, 300_000] },
  } as (typeof m.parameters)['worker_wake_latency'];
  const { spans } = run(scenario(), m, { traceSpans: 100000 });
  const polls = spans.filter((s) => s.kind === 'poll');
  let long = 0;
  let short = 0;
  for (const c of polls) {
    if (c.task !== 'coordinator' || c.startNs < 1_500_000 || c.endNs - c.startNs < 300) continue;
    // The displaced partition's first poll after this batch's send.
    const p0 = polls.find((s) => s.task === 'p0' && s.startNs >= c.startNs);
    if (!p0) continue;
    if (c.endNs - c.startNs > 20_000) {
      long++;
      assert.ok(
        p0.startNs < c.endNs && p0.thread !== c.thread,
        `batch at ${c.startNs} ns: held ${c.endNs - c.startNs} ns, p0 polled at ${p0.startNs} on thread ${p0.thread} (coordinator on ${c.thread})`,
      );
    } else {
      short++;
      assert.ok(
        p0.thread === c.thread && p0.startNs >= c.endNs,
        `batch at ${c.startNs} ns: short notify, p0 polled at ${p0.startNs} on thread ${p0.thread}`,
      );
    }
  }
  assert.ok(long >= 8 && short >= 8, `${long} long and ${short} short notifies`);
});

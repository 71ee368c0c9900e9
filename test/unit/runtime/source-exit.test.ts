/**
 * The source thread's exit (docs/semantics.md, "Sources sharing the runtime's vCPUs"). The probe
 * runs every source's deliveries on one std::thread (`sources::deliver`), which returns after the
 * last one and exits. Without a CPU of its own, the thread it woke with that delivery was placed on
 * its vCPU and runs once the exit has left it: quiet 1.24.2 and 1.53.1 traces of
 * validation/mt-w0-await-2p (session 10) show the last batch's coordinator poll 150 and 169 µs after
 * the send where the others' median is 20 and 23 µs; the same scenario with a second source that
 * keeps the thread alive past the last batch (loaded machine) took 10.5 µs for it, against 135.5 µs
 * without. The probe bench exit_wake (a fresh sender per message that exits after its send,
 * pin=together) measures it: source_exit_latency.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import type { Result } from '../../../src/schema/result.js';
import { constantWakeModel, run } from '../../helpers.js';

/** A source sends one record every 1 ms to a spawned task awaiting recv (xwake's shape). */
function scenario(cores: number): Scenario {
  return {
    name: 'source-exit',
    seed: 3,
    runtime: { flavor: 'multi_thread', workers: 2, tokio: '1.24', driver: 'timer', timerPhaseUs: 0 },
    machine: { cores, noise: false },
    channels: { in: { kind: 'unbounded' } },
    // First batch at 200 µs: after the start-up wake-up of the receiver (the workers start parked).
    sources: { s: { channel: 'in', arrival: { kind: 'periodic', intervalUs: 1000, phaseUs: 200 }, records: 1, batches: 40 } },
    tasks: {
      r: {
        start: 'spawn',
        program: [{ op: 'while_open', channel: 'in', wait: [{ kind: 'await_recv' }], body: [{ op: 'record_end' }] }],
      },
    },
  };
}

/** A second source into its own channel and receiver, delivering `batches` of 2 records every 1 ms from 0.5 ms. */
function withSecondSource(s: Scenario, batches: number): Scenario {
  return {
    ...s,
    channels: { ...s.channels, in2: { kind: 'unbounded' } },
    sources: {
      ...s.sources,
      s2: { channel: 'in2', arrival: { kind: 'periodic', intervalUs: 1000, phaseUs: 500 }, records: 2, batches },
    },
    tasks: {
      ...s.tasks,
      r2: {
        start: 'spawn',
        program: [
          {
            op: 'while_open',
            channel: 'in2',
            wait: [{ kind: 'await_recv' }],
            body: [{ op: 'for_each_record', body: [{ op: 'record_end' }] }],
          },
        ],
      },
    },
  };
}

/**
 * Constant wake-ups (constantWakeModel): on the source's vCPU 5 µs, after its exit 80 µs (`exit`;
 * without, the model has no source_exit_latency).
 */
const costs = (exit: boolean): CostModel =>
  constantWakeModel({ wake_latency_packed: 5_000, ...(exit ? { source_exit_latency: 80_000 } : {}) }, ['source_exit_latency']);

/** Records whose latency is at least `us` (the streaming histogram's buckets). */
function slower(r: Result, us: number): number {
  return r.latencyBuckets.filter(([low]) => low >= us * 1000).reduce((n, [, c]) => n + c, 0);
}

test('the source thread exits after its last batch on the woken worker’s vCPU: that batch alone takes source_exit_latency', () => {
  const r = run(scenario(2), costs(true)).result;
  assert.equal(r.records, 40);
  // 80 µs after the exit + the woken searcher's notify of the halted other worker (12 µs); the
  // others 5 + 12 µs.
  assert.equal(slower(r, 50), 1, JSON.stringify(r.latencyBuckets));
  assert.ok(r.latencyUs.max > 90 && r.latencyUs.max < 95, `max ${r.latencyUs.max} µs`);
  assert.ok(r.latencyUs.p90 > 16 && r.latencyUs.p90 < 19, `p90 ${r.latencyUs.p90} µs`);
  assert.ok(!r.warnings.some((w) => w.message.includes('source_exit_latency')), JSON.stringify(r.warnings));
});

test('a model without source_exit_latency wakes the last batch as the others and says so (DS3030)', () => {
  const r = run(scenario(2), costs(false)).result;
  assert.equal(slower(r, 50), 0, JSON.stringify(r.latencyBuckets));
  assert.ok(r.latencyUs.max < 19, `max ${r.latencyUs.max} µs`);
  assert.ok(
    r.warnings.some((w) => w.code === 'DS3030' && w.message.includes('source_exit_latency')),
    JSON.stringify(r.warnings),
  );
});

test('with a core to spare the source exits on its own CPU: no batch waits for it', () => {
  const r = run(scenario(3), costs(true)).result;
  // Every wake-up across CPUs (50 µs + 12 µs notify), the last one too.
  assert.ok(r.latencyUs.max < 64, `max ${r.latencyUs.max} µs`);
  assert.ok(!r.warnings.some((w) => w.message.includes('source_exit_latency')), JSON.stringify(r.warnings));
});

test('sources share one thread: it exits after the last delivery of all of them, not after each source’s last', () => {
  // s ends at 39 ms, s2 (2 records a batch) at 41.5 ms: only s2's last batch waits for the exit.
  const later = run(withSecondSource(scenario(2), 42), costs(true)).result;
  assert.equal(later.records, 40 + 84);
  assert.equal(slower(later, 50), 2, JSON.stringify(later.latencyBuckets));
  // s2 ends first (at 2.5 ms): s's last batch (1 record) is still the thread's last delivery.
  const earlier = run(withSecondSource(scenario(2), 3), costs(true)).result;
  assert.equal(earlier.records, 40 + 6);
  assert.equal(slower(earlier, 50), 1, JSON.stringify(earlier.latencyBuckets));
});

test('the same bytes with the fast-forward on and off', () => {
  for (const cores of [2, 3]) {
    const on = run(scenario(cores), costs(true)).result;
    const off = run(scenario(cores), costs(true), { fastForward: false }).result;
    assert.deepEqual({ ...on, engine: undefined }, { ...off, engine: undefined });
  }
});

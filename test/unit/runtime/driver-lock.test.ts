/**
 * A worker unparked out of the driver keeps the driver until it runs again (docs/semantics.md,
 * multi_thread, "Park"). tokio's `Parker::park` takes the driver with `try_lock` and holds the
 * guard across `driver.park`, which fires the expired timers before it returns (1.24.2
 * `multi_thread/park.rs` 106–125, 168–196; 1.53.1 132–149, 228–275): so between the notify and the
 * woken worker's first instruction the driver stays locked. Another worker that parks meanwhile
 * parks on its condvar (not in the driver, with no timeout), and the woken worker fires the due
 * timers when it gets there, into its own LIFO slot and local queue, before it looks at the inject
 * queue.
 *
 * `validation/mt-tick-sleep-2p` (a source sends every 1 ms to a spawned coordinator that forwards to
 * 2 partitions sleeping 1 ms; quiet trace of session 10, 1.24.2, /work/wt/samples/s10): at odd ticks
 * the source wakes the condvar-parked worker, whose first poll notifies the driver-parked one; that
 * one wakes, finds nothing, parks last and takes the driver again with a 1 ms timeout from the
 * floored tick. At even ticks the source's notify therefore finds the driver-parked worker; it fires
 * the partitions' timers and polls a partition first, and the coordinator runs on the other worker
 * ~100 µs after the send (27 µs at odd ticks), after that partition's poll began: one partition
 * misses the even batch and its records wait 2 ms (p99 2.29 ms, p50 1.05 ms). The simulator handed
 * the driver back at the notify: the worker that polled the coordinator took it when it parked, so
 * the source woke the other one, the coordinator sent first at every even tick and no batch waited
 * 2 ms (p50 0.43 ms, p99 1.32 ms).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import { model, run } from '../../helpers.js';

function scenario(tokio: '1.24' | '1.53'): Scenario {
  return {
    name: 'driver-lock',
    seed: 1,
    runtime: { flavor: 'multi_thread', workers: 2, tokio, driver: 'timer', timerPhaseUs: 0 },
    machine: { cores: 2, noise: false },
    template: {
      kind: 'pipeline',
      partitions: 2,
      source: { arrival: { kind: 'periodic', intervalUs: 1000 }, batchRecords: 64, batches: 40 },
      partition: { wait: [{ kind: 'sleep', us: 1000 }], recordCost: 2 },
    },
  };
}

const ns = (value: number) => ({ value, unit: 'ns' as const, provenance: 'assumed' as const, source: 'test' });

/** The version's bundled model with constant wake-ups (20 µs) and park overshoot (50 µs), no packing, no episodes. */
function costs(tokio: '1.24' | '1.53'): CostModel {
  const m = model(`tokio-${tokio}-2vcpu-release`);
  const p = { ...m.parameters };
  for (const k of [
    'wake_latency_packed',
    'wake_latency_warm',
    'wake_latency_nopoll',
    'halt_poll_max',
    'halt_poll_window',
    'episode_rate',
    'block_on_wake_preempt',
    'block_on_wake_latency',
    'worker_wake_preempt',
    'worker_wake_preempt_latency',
    'worker_wake_preempt_hold',
  ])
    delete p[k];
  return {
    ...m,
    parameters: { ...p, wake_latency: ns(20000), worker_wake_latency: ns(20000), park_overshoot: ns(50000) },
  };
}

/** Per tick from the 3rd: the tasks in the order their polls began. */
function ticks(spans: { kind: string; task: string; startNs: number }[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const s of spans.filter((x) => x.kind === 'poll').sort((a, b) => a.startNs - b.startNs)) {
    const k = Math.floor(s.startNs / 1e6);
    if (k < 2) continue;
    const l = out.get(k) ?? [];
    l.push(s.task);
    out.set(k, l);
  }
  return out;
}

for (const v of ['1.24', '1.53'] as const) {
  test(`${v}: the source's notify at a timer tick finds the worker parked in the driver: the partitions' timers fire first`, () => {
    const { result: r, spans } = run(scenario(v), costs(v), { traceSpans: 100000 });
    assert.equal(r.records, 40 * 64);
    const t = ticks(spans);
    // The ticks at which the partitions' timers fire: the partition's poll comes before the
    // coordinator's (the driver owner fires the timers into its LIFO slot before it looks at the
    // inject queue), as in the real trace. Handing the driver back at the notify put the
    // coordinator first at 19 of 20 such ticks.
    const timerTicks = [...t.values()].filter((l) => l.some((n) => n.startsWith('partition')));
    assert.ok(timerTicks.length >= 15, `${timerTicks.length} ticks with a partition poll`);
    const partitionFirst = timerTicks.filter((l) => l[0].startsWith('partition')).length;
    assert.ok(
      partitionFirst >= timerTicks.length - 1,
      `${partitionFirst} of ${timerTicks.length} partition-first: ${JSON.stringify([...t.entries()].slice(0, 8))}`,
    );
    // The ticks between: the coordinator alone, woken on the condvar-parked worker.
    const between = [...t.values()].filter((l) => !l.some((n) => n.startsWith('partition')));
    assert.ok(between.length >= 15 && between.every((l) => l.join() === 'coordinator'), JSON.stringify(between));
  });
}

/**
 * task-mt-yield-1p-w0-i1000us-spawn's shape: a spawned coordinator on a 1 ms interval sends 32
 * records to a partition that yield-spins on an empty channel. The idle worker goes round the yield
 * cycle (woken by the spinner, finds nothing, parks); each park's `try_lock` of the driver meets the
 * spinner's `park_timeout(0)`, which holds it through the driver poll of every round. Session 10's
 * quiet traces (1.24.2): the spinner's own worker fired the tick and polled the coordinator in 30 of
 * 42 coordinator polls, the other worker (parked in the driver) in 12.
 */
function yieldSpin(tokio: '1.24' | '1.53'): Scenario {
  return {
    name: 'driver-lock-yield',
    seed: 2,
    runtime: { flavor: 'multi_thread', workers: 2, tokio, driver: 'timer', timerPhaseUs: 0 },
    machine: { cores: 2, noise: false },
    channels: { p: { kind: 'unbounded' } },
    tasks: {
      coordinator: {
        start: 'spawn',
        program: [
          { op: 'spawn', task: 'partition' },
          {
            op: 'repeat',
            n: 20,
            body: [{ op: 'interval', periodUs: 1000 }, { op: 'record_start' }, { op: 'send', channel: 'p', records: 32 }],
          },
          { op: 'close', channel: 'p' },
          { op: 'join', task: 'partition' },
        ],
      },
      partition: {
        start: 'child',
        program: [
          {
            op: 'while_open',
            channel: 'p',
            wait: [{ kind: 'yield_spin' }],
            body: [{ op: 'for_each_record', body: [{ op: 'record_end' }] }],
          },
        ],
      },
    },
  };
}

for (const v of ['1.24', '1.53'] as const) {
  test(`${v}: a worker parking beside a yield spinner finds the driver held by the spinner's park_timeout(0): the spinner's worker fires the ticks`, () => {
    const { result: r, spans } = run(yieldSpin(v), model(`tokio-${v}-2vcpu-release`), { traceSpans: 200000 });
    assert.equal(r.records, 20 * 32);
    const polls = spans.filter((x) => x.kind === 'poll');
    const spinner = polls.filter((x) => x.task === 'partition');
    const coord = polls.filter((x) => x.task === 'coordinator' && x.startNs > 1.5e6);
    assert.ok(coord.length >= 15, `${coord.length} coordinator polls`);
    // The thread the spinner was on at each coordinator poll (the last partition poll before it).
    let onSpinner = 0;
    for (const c of coord) {
      let last = -1;
      for (const p of spinner) if (p.startNs <= c.startNs) last = p.thread;
      if (last === c.thread) onSpinner++;
    }
    // With the driver taken by the parking worker, that worker fired every tick and the coordinator
    // ran there (0 of 17 on the spinner's worker on 1.24, 1 of 20 on 1.53).
    assert.ok(onSpinner >= 0.8 * coord.length, `${onSpinner} of ${coord.length} coordinator polls on the spinner's worker`);
  });
}

test('the same bytes with the fast-forward on and off', () => {
  for (const v of ['1.24', '1.53'] as const) {
    const on = run(scenario(v), costs(v)).result;
    const off = run(scenario(v), costs(v), { fastForward: false }).result;
    assert.deepEqual({ ...on, engine: undefined }, { ...off, engine: undefined });
    const m = model(`tokio-${v}-2vcpu-release`);
    const yOn = run(yieldSpin(v), m).result;
    const yOff = run(yieldSpin(v), m, { fastForward: false }).result;
    assert.deepEqual({ ...yOn, engine: undefined }, { ...yOff, engine: undefined });
  }
});

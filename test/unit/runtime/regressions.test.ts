/**
 * Regressions: each test is a bug the property tests, the fuzzer or a colleague found, kept as
 * the smallest timeline that showed it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import { run } from '../../helpers.js';

test('multi_thread, 1 worker: a short sleep is woken by the parked driver owner (was DS3001, 0 records)', () => {
  const s: Scenario = {
    name: 'mt-short-sleep',
    runtime: { flavor: 'multi_thread', workers: 1 },
    tasks: { main: { start: 'spawn', program: [{ op: 'sleep', us: 1 }, { op: 'record_end' }] } },
  };
  const { result: r } = run(s);
  assert.deepEqual(
    r.warnings.filter((w) => w.code !== 'DS1228'),
    [],
  ); // DS1228: the default 1.53 scenario with the 1.24 test model
  assert.equal(r.records, 1);
  // Registered just after t=0 on the 1 ms wheel: it fires at the 1 ms tick plus the OS overshoot.
  assert.ok(r.simulatedUs >= 1000 && r.simulatedUs < 1500, `${r.simulatedUs} µs`);
});

test('multi_thread: a worker that wakes from its timer with nothing to do parks again (was an endless loop)', () => {
  const s: Scenario = {
    name: 'mt-timer-repark',
    runtime: { flavor: 'multi_thread', workers: 3 },
    channels: { c: { kind: 'unbounded' } },
    tasks: {
      main: {
        start: 'spawn',
        program: [
          { op: 'spawn', task: 'consumer' },
          {
            op: 'repeat',
            n: 6,
            body: [{ op: 'yield' }, { op: 'sleep', us: 299 }, { op: 'send', channel: 'c', items: 2, records: 3 }],
          },
          { op: 'close', channel: 'c' },
          { op: 'join', task: 'consumer' },
        ],
      },
      consumer: {
        start: 'child',
        program: [{ op: 'while_open', channel: 'c', body: [{ op: 'for_each_record', body: [{ op: 'record_end' }] }] }],
      },
    },
  };
  const { result: r } = run(s, undefined, { maxWallMs: 5000 });
  assert.equal(r.truncated, undefined);
  // DS1228: the default 1.53 scenario with the 1.24 test model. DS3030: the test model lacks
  // worker_wake_preempt, and main's spawn wakes a parked worker from a busy one (the workers start parked).
  assert.deepEqual(
    r.warnings.filter((w) => w.code !== 'DS1228' && w.code !== 'DS3030'),
    [],
  );
  assert.equal(r.records, 36);
  for (const w of r.workers) assert.ok(w.descheduledUs >= 0, `${w.name} descheduled ${w.descheduledUs}`);
});

test('a lock-free queue with several spinning consumers wakes every spinner on a push', () => {
  const consumer = (name: string) => ({
    [name]: {
      start: 'child' as const,
      program: [
        {
          op: 'while_open' as const,
          channel: 'q',
          wait: [{ kind: 'spin' as const, us: 5 }],
          body: [{ op: 'for_each_record' as const, body: [{ op: 'record_end' as const }] }],
        },
      ],
    },
  });
  const s: Scenario = {
    name: 'lockfree-two-spinners',
    runtime: { flavor: 'multi_thread', workers: 3 },
    channels: { q: { kind: 'lockfree' } },
    tasks: {
      main: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 'a' },
          { op: 'spawn', task: 'b' },
          {
            op: 'repeat',
            n: 10,
            body: [
              { op: 'compute', cost: 20 },
              { op: 'send', channel: 'q', items: 1, records: 1 },
            ],
          },
          { op: 'close', channel: 'q' },
          { op: 'join', task: 'a' },
          { op: 'join', task: 'b' },
        ],
      },
      ...consumer('a'),
      ...consumer('b'),
    },
  };
  const { result: r } = run(s);
  assert.deepEqual(
    r.warnings.filter((w) => w.code !== 'DS1228' && w.code !== 'DS3030'),
    [],
  ); // DS1228: the default 1.53 scenario with the 1.24 test model; DS3030: it has no spawn_remote/handoff_*
  assert.equal(r.records, 10);
  assert.ok(r.tasks.a.completed && r.tasks.b.completed);
});

test('recv on a closed channel holds no message: for_each_record after it counts no phantom records', () => {
  const s: Scenario = {
    name: 'recv-closed',
    runtime: { flavor: 'current_thread' },
    channels: { c: { kind: 'unbounded' } },
    tasks: {
      main: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 'w' },
          { op: 'send', channel: 'c', items: 1, records: 2 },
          { op: 'close', channel: 'c' },
          { op: 'join', task: 'w' },
        ],
      },
      w: {
        start: 'child',
        program: [
          {
            op: 'repeat',
            n: 3,
            body: [
              { op: 'recv', channel: 'c' },
              { op: 'for_each_record', body: [{ op: 'record_end' }] },
            ],
          },
        ],
      },
    },
  };
  assert.equal(run(s).result.records, 2);
});

test('current_thread: a block_on future that self-wakes unparks the driver and is polled again (was a silent stall)', () => {
  const s: Scenario = {
    name: 'ct-blockon-self-wake',
    runtime: { flavor: 'current_thread' },
    tasks: {
      main: {
        start: 'block_on',
        program: [{ op: 'repeat', n: 3, body: [{ op: 'yield', kind: 'self_wake' }, { op: 'record_end' }] }],
      },
    },
  };
  const { result: r } = run(s);
  assert.equal(r.records, 3);
  assert.equal(r.tasks.main.polls, 4);
});

test('run limits hold while one thread runs alone for ever (a yield loop with no end)', () => {
  const s: Scenario = {
    name: 'endless',
    runtime: { flavor: 'current_thread' },
    template: { kind: 'yield_loop', yields: 1_000_000_000 },
  };
  const { result: r } = run(s, undefined, { maxEvents: 200_000 });
  assert.match(r.truncated?.reason ?? '', /event limit/);
  assert.ok(r.engine.events < 200_000 + (1 << 17), `${r.engine.events} events`);
});

test('run limits hold inside one long poll: a million-record message on a queue that stays empty behind it (fuzz: seed 8080 case 98 ran past --max-wall-ms)', () => {
  const s: Scenario = {
    name: 'one-huge-message',
    runtime: { flavor: 'current_thread', driver: 'timer' },
    template: {
      kind: 'pipeline',
      partitions: 1,
      source: { arrival: { kind: 'periodic', intervalUs: 100 }, batchRecords: 1_000_000, batches: 2 },
      partition: { wait: [{ kind: 'await_recv' }], recordCost: 2 },
    },
  };
  const { result: r } = run(s, undefined, { maxEvents: 200_000 });
  assert.match(r.truncated?.reason ?? '', /event limit/);
  // The poll of the first message alone is ~3 M events; the limit is now checked within it.
  assert.ok(r.engine.events <= 200_001, `${r.engine.events} events`);
  assert.ok(r.records > 0 && r.records < 1_000_000, `${r.records} records`);
});

test('simulated clocks are integer nanoseconds even with fractional per-op costs', () => {
  const s: Scenario = { name: 'ints', runtime: { flavor: 'current_thread' }, template: { kind: 'yield_loop', yields: 1001 } };
  const { result: r } = run(s);
  assert.ok(Number.isInteger(Math.round(r.simulatedUs * 1000 * 1000) / 1000), `${r.simulatedUs} µs`);
  assert.equal(r.simulatedUs * 1000, Math.round(r.simulatedUs * 1000));
});

test("runtime.timerPhaseUs moves tokio's 1 ms grid against t = 0 (busy runtime: timers fire at the first driver poll after the tick)", () => {
  const sleeper = (timerPhaseUs?: number): Scenario => ({
    name: 'phase',
    runtime: { flavor: 'current_thread', ...(timerPhaseUs !== undefined ? { timerPhaseUs } : {}) },
    tasks: {
      busy: { start: 'spawn', program: [{ op: 'repeat', n: 1500, body: [{ op: 'compute', cost: 1 }, { op: 'yield' }] }] },
      sleeper: { start: 'spawn', program: [{ op: 'sleep', us: 50 }, { op: 'record_end' }] },
    },
  });
  // Aligned: the 50 µs deadline rounds up to the tick at 1 ms. With t = 0 900 µs into a tick,
  // the next tick is at 100 µs: the sleep ends there instead.
  const aligned = run(sleeper()).result.tasks.sleeper.elapsedUs;
  const shifted = run(sleeper(900)).result.tasks.sleeper.elapsedUs;
  assert.ok(aligned >= 1000 && aligned < 1010, `aligned ${aligned}`);
  assert.ok(shifted >= 100 && shifted < 110, `shifted ${shifted}`);
});

test('route is a user op: a hand-written coordinator splits each batch over its partitions', () => {
  const s: Scenario = {
    name: 'route',
    runtime: { flavor: 'current_thread' },
    channels: {
      in: { kind: 'unbounded' },
      'p[0]': { kind: 'unbounded' },
      'p[1]': { kind: 'unbounded' },
      'p[2]': { kind: 'unbounded' },
    },
    sources: { src: { channel: 'in', arrival: { kind: 'periodic', intervalUs: 100 }, records: 7, batches: 10 } },
    tasks: {
      coordinator: {
        start: 'spawn',
        program: [
          { op: 'spawn', task: 'w0' },
          { op: 'spawn', task: 'w1' },
          { op: 'spawn', task: 'w2' },
          { op: 'while_open', channel: 'in', body: [{ op: 'route', to: 'p', partitions: 3, cost: 0.05 }] },
          { op: 'close', channel: 'p[0]' },
          { op: 'close', channel: 'p[1]' },
          { op: 'close', channel: 'p[2]' },
        ],
      },
      ...Object.fromEntries(
        [0, 1, 2].map((i) => [
          `w${i}`,
          {
            start: 'child' as const,
            program: [
              {
                op: 'while_open' as const,
                channel: `p[${i}]`,
                body: [{ op: 'for_each_record' as const, body: [{ op: 'record_end' as const }] }],
              },
            ],
          },
        ]),
      ),
    },
  };
  const { result: r } = run(s);
  assert.equal(r.records, 70);
  assert.deepEqual(
    r.warnings.filter((w) => w.code !== 'DS1228'),
    [],
  ); // DS1228: the default 1.53 scenario with the 1.24 test model
  // Round-robin over 3 partitions: 70 records split 24 / 23 / 23 (the start rotates per batch).
  assert.ok(r.breakdownUs.route > 0, 'route cost is accounted under `route`');
});

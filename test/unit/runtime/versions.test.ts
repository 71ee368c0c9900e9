/**
 * What each modelled tokio version does differently (docs/semantics.md, "tokio versions"), as
 * timelines: each test gives the version's own order or figure, and fails with another version's
 * semantics (the newer versions are run with their flags, 1.24 with none of them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Op, Scenario, TaskDef } from '../../../src/schema/scenario.js';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { analyze } from '../../../src/analytic/analyze.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { paramNs } from '../../../src/model/load.js';
import { tokioSemantics, TOKIO_VERSIONS, type TokioVersion } from '../../../src/plan/tokio-versions.js';
import { model, pollOrder, ROOT, run } from '../../helpers.js';
import { yielders } from './yielders.js';

const NEWER: TokioVersion[] = ['1.47', '1.53'];
const isT = (n: string) => /^t\d$/.test(n);
const digits = (o: string[]) => o.map((n) => n.slice(1)).join(' ');
const withTokio = (s: Scenario, tokio: TokioVersion): Scenario => ({ ...s, runtime: { ...s.runtime, tokio } });

test('semantics are resolved per version; a scenario that sets globalQueueInterval turns the tuning off', () => {
  assert.equal(tokioSemantics('1.24', false).lifoPollsPerTick, 0);
  assert.equal(tokioSemantics('1.53', false).lifoPollsPerTick, 3);
  assert.equal(tokioSemantics('1.53', false).gqiTuned, true);
  assert.equal(tokioSemantics('1.53', true).gqiTuned, false);
  assert.equal(tokioSemantics('1.47', false).blockOnWakeNoSelfUnpark, false);
  assert.equal(tokioSemantics('1.53', false).blockOnWakeNoSelfUnpark, true);
  assert.deepEqual([...TOKIO_VERSIONS], ['1.24', '1.47', '1.53']);
});

// ---- LIFO cap (MAX_LIFO_POLLS_PER_TICK, 1.29) ---------------------------------------------------

const pingpong = (tokio: TokioVersion) =>
  loadScenario(join(ROOT, 'scenarios/versions/lifo-pingpong.json'), undefined, undefined, undefined, tokio);

test('LIFO ping-pong on 1.24: one coop budget of chained polls (128) before the third task runs', () => {
  const { scenario, model: m } = pingpong('1.24');
  const order = pollOrder(withTokio(scenario, '1.24'), m);
  const c = order.indexOf('c');
  // main, a, then b's run_task: b and 127 chained polls on one budget, the last sent to the queue.
  assert.equal(c, 2 + 128);
  assert.deepEqual(order.slice(0, 6), ['main', 'a', 'b', 'a', 'b', 'a']);
});

for (const v of NEWER)
  test(`LIFO ping-pong on ${v}: the slot is disabled after 3 chained polls and the third task runs next`, () => {
    const { scenario, model: m } = pingpong(v);
    assert.deepEqual(pollOrder(withTokio(scenario, v), m).slice(0, 7), ['main', 'a', 'b', 'a', 'b', 'a', 'c']);
  });

test('LIFO ping-pong: the starved task waits ~128 hops of 2 µs on 1.24, ~4 on 1.53 (tasks.c.elapsedUs)', () => {
  const old = pingpong('1.24');
  const now = pingpong('1.53');
  const w24 = simulate(old.plan, old.model).outputs.cWaitUs;
  const w53 = simulate(now.plan, now.model).outputs.cWaitUs;
  assert.ok(w24 > 250 && w24 < 300, `1.24: ${w24} µs`);
  assert.ok(w53 > 5 && w53 < 15, `1.53: ${w53} µs`);
});

// ---- defer list order (1.29: woken last-in first-out) ---------------------------------------------

test('defer order, current_thread: FIFO rounds on 1.24, alternating on 1.29+', () => {
  assert.equal(
    digits(pollOrder(yielders(4, 4, 'yield_now', 'current_thread', '1.24'), undefined, isT)),
    '0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3',
  );
  for (const v of NEWER)
    assert.equal(
      digits(pollOrder(yielders(4, 4, 'yield_now', 'current_thread', v), undefined, isT)),
      '0 1 2 3 3 2 1 0 0 1 2 3 3 2 1 0',
      v,
    );
});

test('defer order, multi_thread 1 worker: each deferred wake displaces the LIFO slot; LIFO wake order on 1.29+', () => {
  assert.equal(
    digits(pollOrder(yielders(4, 4, 'yield_now', 'multi_thread', '1.24'), undefined, isT)),
    '0 1 2 3 3 0 1 2 2 3 0 1 1 2 3 0',
  );
  for (const v of NEWER)
    assert.equal(
      digits(pollOrder(yielders(4, 4, 'yield_now', 'multi_thread', v), undefined, isT)),
      '0 1 2 3 0 3 2 1 0 1 2 3 0 3 2 1',
      v,
    );
});

test('defer order: the bundled defer-order scenario alternates on 1.53 and not on 1.24', () => {
  for (const [v, round2] of [
    ['1.24', '0 1 2 3'],
    ['1.53', '3 2 1 0'],
  ] as const) {
    const { scenario, model: m } = loadScenario(
      join(ROOT, 'scenarios/versions/defer-order.json'),
      undefined,
      undefined,
      undefined,
      v,
    );
    assert.equal(digits(pollOrder(withTokio(scenario, v), m, isT).slice(4, 8)), round2, v);
  }
});

// ---- inject batch (1.29/1.30: an idle worker takes min(inject/workers + 1, 128)) ----------------

test('inject path, 1 worker: tasks spawned from block_on run one by one on 1.24, interleaved from a batch on 1.29+', () => {
  assert.equal(
    digits(pollOrder(yielders(4, 4, 'self_wake', 'multi_thread', '1.24'), undefined, isT)),
    '0 0 0 0 1 1 1 1 2 2 2 2 3 3 3 3',
  );
  for (const v of NEWER)
    assert.equal(
      digits(pollOrder(yielders(4, 4, 'self_wake', 'multi_thread', v), undefined, isT)),
      '0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3',
      v,
    );
});

test('inject batch: the first task spawned ends after its own 20 polls on 1.24, with the last one on 1.53', () => {
  const at = (v: TokioVersion) => {
    const { plan, model: m } = loadScenario(
      join(ROOT, 'scenarios/versions/inject-batch.json'),
      undefined,
      undefined,
      undefined,
      v,
    );
    return simulate(plan, m).outputs;
  };
  const o24 = at('1.24');
  const o53 = at('1.53');
  assert.ok(o24.t0ElapsedUs < 0.2 * o24.t7ElapsedUs, JSON.stringify(o24));
  assert.ok(o53.t0ElapsedUs > 0.95 * o53.t7ElapsedUs, JSON.stringify(o53));
});

// ---- global queue interval tuned from the poll-time EWMA (1.29) ---------------------------------

/** One worker busy with 4 self-waking tasks of 20 µs polls; a receiver woken from outside (inject) every 500 µs. */
function busyWorkerWithInject(tokio: TokioVersion, gqi?: number): Scenario {
  const tasks: Record<string, TaskDef> = {};
  const main: Op[] = [];
  for (let i = 0; i < 4; i++) {
    tasks[`w${i}`] = {
      start: 'child',
      program: [
        {
          op: 'repeat',
          n: 400,
          body: [
            { op: 'compute', cost: 20 },
            { op: 'yield', kind: 'self_wake' },
          ],
        },
      ],
    };
    main.push({ op: 'spawn', task: `w${i}` });
  }
  main.push({ op: 'spawn', task: 'r' });
  tasks.main = { start: 'spawn', program: main };
  tasks.r = {
    start: 'child',
    program: [{ op: 'while_open', channel: 'in', wait: [{ kind: 'await_recv' }], body: [{ op: 'record_end' }] }],
  };
  return {
    name: 'gqi',
    runtime: { flavor: 'multi_thread', tokio, workers: 1, ...(gqi ? { globalQueueInterval: gqi } : {}) },
    machine: { cores: 2 },
    channels: { in: { kind: 'unbounded' } },
    sources: { s: { channel: 'in', arrival: { kind: 'periodic', intervalUs: 500 }, records: 1, batches: 60 } },
    tasks,
  };
}

test('global queue interval: fixed 61 on 1.24, tuned to 200 µs / poll time on 1.29+ (an inject wake waits less behind 20 µs polls)', () => {
  const p50 = (s: Scenario) => run(s, model()).result.latencyUs.p50;
  const old = p50(busyWorkerWithInject('1.24'));
  // 61 ticks × ~20 µs between looks at the inject queue: a wake waits half of that on average.
  assert.ok(old > 400 && old < 800, `1.24 p50 ${old} µs`);
  for (const v of NEWER) {
    const now = p50(busyWorkerWithInject(v));
    // 200 µs / 20 µs → an interval of 9: the inject queue is looked at every ~180 µs.
    assert.ok(now < 150, `${v} p50 ${now} µs`);
    // Setting the interval in the builder turns the tuning off (tokio: config.global_queue_interval).
    const fixed = p50(busyWorkerWithInject(v, 61));
    assert.ok(fixed > 400, `${v} with globalQueueInterval 61: p50 ${fixed} µs`);
  }
});

// ---- the analytic model honours the current_thread deltas ----------------------------------------

test('current_thread block_on yield loop with the I/O driver: 1.53 drops the eventfd write, 1.47 keeps it; analytic = simulated', () => {
  const m = model();
  const mean = (tokio: TokioVersion, how: 'simulate' | 'analyze') => {
    const s: Scenario = {
      name: 'blockon-yield-io',
      runtime: { flavor: 'current_thread', tokio, driver: 'timer_io' },
      // The analytic model is the idealised machine's: no platform noise (whether a pause fell in
      // this short run was luck of the draws, and more so since scheduler time draws them too).
      machine: { cores: 1, noise: false },
      template: { kind: 'yield_loop', yields: 2000, yieldsPerRecord: 10, in: 'block_on' },
    };
    const plan = normalizeScenario(s, { model: m });
    return (how === 'simulate' ? simulate(plan, m) : analyze(plan, m)).latencyUs.mean;
  };
  const unparkUs = Math.round(paramNs(m, 'driver_unpark_io')) / 1000;
  for (const v of TOKIO_VERSIONS) assert.ok(Math.abs(mean(v, 'simulate') - mean(v, 'analyze')) < 0.01, v);
  // 10 yields per record, each one block_on wake on the runtime thread.
  assert.ok(Math.abs(mean('1.47', 'simulate') - mean('1.53', 'simulate') - 10 * unparkUs) < 0.05);
  // 1.24 → 1.47: the empty remote-queue look per round is free from 1.29.
  const remoteUs = Math.round(paramNs(m, 'remote_check')) / 1000;
  assert.ok(Math.abs(mean('1.24', 'simulate') - mean('1.47', 'simulate') - 10 * remoteUs) < 0.05);
});

// ---- the block_on future's own waker when its coop budget is spent (1.50: no self-unpark) ---------

test('a block_on future that spends its coop budget wakes itself: an eventfd write on 1.24 and 1.47 (driver_unpark_io), none on 1.53', () => {
  const m = model();
  const unparkNs = Math.round(paramNs(m, 'driver_unpark_io'));
  assert.ok(unparkNs > 100, `the test model's driver_unpark_io (${unparkNs} ns) is an eventfd write`);
  const run = (tokio: TokioVersion) => {
    // 1,280 lock/unlock pairs take 10 polls of 128 budget units: 9 self-wakes of the block_on future.
    const s: Scenario = {
      name: 'blockon-budget',
      runtime: { flavor: 'current_thread', tokio, driver: 'timer_io' },
      mutexes: ['m'],
      tasks: {
        main: {
          start: 'block_on',
          program: [
            {
              op: 'repeat',
              n: 1280,
              body: [
                { op: 'lock', mutex: 'm' },
                { op: 'unlock', mutex: 'm' },
              ],
            },
          ],
        },
      },
    };
    const r = simulate(normalizeScenario(s, { model: m, noise: false }), m);
    return { polls: r.tasks.main.polls, unparkNs: Math.round(r.breakdownUs.unpark * 1000), endUs: r.tasks.main.elapsedUs };
  };
  const by = Object.fromEntries(TOKIO_VERSIONS.map((v) => [v, run(v)]));
  for (const v of TOKIO_VERSIONS) assert.equal(by[v].polls, 10, v);
  // tokio 1.24.2 current_thread.rs 512–515 / 1.47.5 current_thread/mod.rs 711–714: wake_by_ref
  // always calls driver.unpark(); 1.53.1 current_thread/mod.rs 787–801: not on the runtime thread.
  assert.equal(by['1.24'].unparkNs, 9 * unparkNs);
  assert.equal(by['1.47'].unparkNs, 9 * unparkNs);
  assert.equal(by['1.53'].unparkNs, 0);
  assert.ok(by['1.24'].endUs - by['1.53'].endUs > (8 * unparkNs) / 1000, JSON.stringify(by));
});

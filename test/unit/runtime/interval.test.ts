/**
 * The `interval` op: tokio::time::interval(period) with its default MissedTickBehavior::Burst, as
 * tokio 1.24.2 does it (time/interval.rs `poll_tick`, runtime/time/entry.rs `reset`): tick k is due
 * at creation + k·period, rounded up to the 1 ms wheel; a deadline whose wheel tick was already
 * processed completes at once, so after a late tick the missed ones complete back to back.
 * The probe-backed counterpart is test/unit/validate/interval-probe.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { analyze } from '../../../src/analytic/analyze.js';
import { model, readJson, run } from '../../helpers.js';

/** Start times (µs) of the polls of task `name`, with a busy neighbour so timers fire on time. */
function pollStartsUs(s: Scenario, name: string): number[] {
  const { spans } = run(s, model(), { traceSpans: 1_000_000 });
  return spans.filter((x) => x.kind === 'poll' && x.task === name).map((x) => x.startNs / 1000);
}

/** A task that keeps the runtime busy (yields every 5 µs), so driver polls happen every few µs. */
const busy = {
  start: 'spawn' as const,
  program: [{ op: 'repeat' as const, n: 2000, body: [{ op: 'compute' as const, cost: 5 }, { op: 'yield' as const }] }],
};

test('ticks are due at creation + k·period on the 1 ms wheel: a 1 ms interval on a busy runtime ticks just after each ms', () => {
  const s: Scenario = {
    name: 'iv-grid',
    runtime: { flavor: 'current_thread' },
    tasks: {
      ticker: { start: 'spawn', program: [{ op: 'repeat', n: 5, body: [{ op: 'interval', periodUs: 1000 }] }] },
      busy,
    },
  };
  const starts = pollStartsUs(s, 'ticker');
  // Poll 1 creates the interval a little after t = 0: tick 0 is due then, so it waits for the
  // wheel's 1 ms tick; tick k is due just after k ms, so it completes at the first driver poll
  // after (k + 1) ms.
  assert.equal(starts.length, 6, `polls at ${starts.join(', ')}`);
  starts.slice(1).forEach((t, k) => assert.ok(t >= (k + 1) * 1000 && t < (k + 1) * 1000 + 10, `tick ${k} at ${t} µs`));
});

test('MissedTickBehavior::Burst: ticks missed during 3.5 ms of work complete back to back in one poll', () => {
  const s = readJson<Scenario>('test/fixtures/interval/burst.json');
  const { result, spans } = run(s, model(), { traceSpans: 1000 });
  const polls = spans.filter((x) => x.kind === 'poll' && x.task === 'ticker');
  // Creation (tick 0 pending); tick 0 and the 3.5 ms of work (tick 1 then pending: the wheel
  // has not turned since); ticks 1, 2 and 3 at once (all due by the wheel's 4 ms tick); tick 4;
  // tick 5. A Delay or Skip behaviour would take a poll per tick after the late one.
  assert.equal(result.tasks.ticker.polls, 5);
  assert.ok(polls[2].startNs > 4_000_000 && polls[2].startNs < 5_000_000, `burst poll at ${polls[2].startNs} ns`);
  assert.ok(polls[3].startNs > 5_000_000 && polls[4].startNs > 6_000_000, 'then back on the original schedule');
});

test('a tick takes a coop budget unit when it completes: 200 ticks already due take 2 polls of their own (128 + 72)', () => {
  const s: Scenario = {
    name: 'iv-budget',
    runtime: { flavor: 'current_thread' },
    tasks: {
      ticker: {
        start: 'spawn',
        program: [
          { op: 'interval', periodUs: 1, name: 'i' },
          { op: 'compute', cost: 2000 },
          // 1 µs ticks: by now ~2,000 are due, all behind the wheel's processed tick.
          { op: 'sleep', us: 1000 },
          { op: 'repeat', n: 200, body: [{ op: 'interval', periodUs: 1, name: 'i' }] },
        ],
      },
    },
  };
  const { result } = run(s);
  // Poll 1: creation (pending); poll 2: tick 0, the work, the sleep; poll 3: 128 ticks; poll 4: 72.
  assert.equal(result.tasks.ticker.polls, 4);
});

test('interval without the timer driver is rejected (DS1225); analyze refuses it (DS4002)', () => {
  const s: Scenario = {
    name: 'iv-nodriver',
    runtime: { flavor: 'current_thread', driver: 'none' },
    tasks: { t: { start: 'spawn', program: [{ op: 'interval', periodUs: 1000 }] } },
  };
  assert.throws(
    () => normalizeScenario(s, { model: model() }),
    (e: Error & { diagnostics?: Array<{ code: string }> }) =>
      JSON.stringify(e).includes('DS1225') || e.message.includes('DS1225'),
  );
  const ok = readJson<Scenario>('test/fixtures/interval/ticks.json');
  const plan = normalizeScenario(ok, { model: model() });
  assert.throws(
    () => analyze(plan, model()),
    (e: Error) => JSON.stringify(e).includes('DS4002') && /interval/.test(JSON.stringify(e) + e.message),
  );
});

// (current_thread polls the driver before it parks, so the tick has fired by then: the same test
// passes there before and after.)
for (const flavor of ['multi_thread'] as const)
  test(`${flavor}: a tick due but not yet fired when a worker parks is taken by a zero-timeout driver poll, not after an OS sleep's overshoot`, () => {
    // 1.5 ms of work per tick of a 1 ms interval, alone on the runtime: when a tick completes, the
    // next deadline has passed but the wheel has not processed its tick (no driver poll during the
    // work), so the task blocks and the runtime parks with that timer due. tokio's park_internal
    // computes a 0 ms duration and polls with a zero timeout (runtime/time/mod.rs 175–218): the
    // tick fires at once. Before, the simulator slept the calibrated park overshoot (~90 µs) first.
    const s: Scenario = {
      name: `iv-due-${flavor}`,
      runtime: { flavor, ...(flavor === 'multi_thread' ? { workers: 1 } : {}), driver: 'timer', timerPhaseUs: 0 },
      machine: { cores: 2, noise: false },
      tasks: {
        t: {
          start: 'spawn',
          program: [
            {
              op: 'repeat',
              n: 10,
              body: [
                { op: 'interval', periodUs: 1000 },
                { op: 'compute', cost: 1500 },
              ],
            },
          ],
        },
      },
    };
    const { spans } = run(s, model(), { traceSpans: 1_000_000 });
    const polls = spans.filter((x) => x.kind === 'poll' && x.task === 't');
    // From a poll's end (the task blocked on a due tick) to the next poll: a few µs of scheduler
    // work and a driver poll, not an OS sleep. (The first poll, creation, waits for tick 1 ms.)
    const idle: number[] = [];
    for (let i = 2; i < polls.length; i++) idle.push((polls[i].startNs - polls[i - 1].endNs) / 1000);
    assert.ok(idle.length >= 3, `${polls.length} polls`);
    assert.ok(
      idle.every((g) => g < 10),
      `µs from a poll's end to the next: ${idle.map((g) => g.toFixed(1)).join(', ')}`,
    );
  });

/**
 * tokio 1.24's coop budget (128 units per task poll) on every resource op that charges it:
 * Mutex::lock and bounded send (batch_semaphore Acquire), recv (chan::Rx::recv, a message or the
 * close), join (JoinHandle::poll) and sleep. Each op checks the budget before it looks at the
 * resource, so a task that only uses ready resources still ends its poll every 128 ops (a
 * self-wake), as real tokio does. The probe-backed counterpart (the same count on real tokio) is
 * test/unit/validate/coop-probe.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Op, Scenario } from '../../../src/schema/scenario.js';
import { readJson, run } from '../../helpers.js';

// tokio 1.24: the figures below were measured on it (the budget is the same 128 in 1.47 and 1.53).
const flavors = [
  { flavor: 'current_thread' as const, tokio: '1.24' as const },
  { flavor: 'multi_thread' as const, tokio: '1.24' as const, workers: 2 },
];

function pollsOf(s: Scenario, task: string): number {
  const { result } = run(s);
  // DS3030 names a parameter the bundled model lacks (multi_thread: worker_wake_preempt), not the run.
  assert.deepEqual(
    result.warnings.filter((w) => w.code !== 'DS3030'),
    [],
  );
  return result.tasks[task].polls;
}

test('1,000 uncontended Mutex lock/unlock pairs take 8 polls (7 × 128 + 104), as on real tokio 1.24', () => {
  for (const file of ['test/fixtures/coop/lock-1000.json', 'test/fixtures/coop/lock-1000-mt.json']) {
    const s = readJson<Scenario>(file);
    assert.equal(pollsOf(s, 'locker'), 8, file);
  }
});

test('128 locks fit one poll; the 129th needs a second', () => {
  for (const runtime of flavors)
    for (const [n, polls] of [
      [128, 1],
      [129, 2],
      [256, 2],
      [257, 3],
    ]) {
      const s: Scenario = {
        name: 'locks',
        runtime,
        mutexes: ['m'],
        tasks: {
          t: {
            start: 'spawn',
            program: [
              {
                op: 'repeat',
                n,
                body: [
                  { op: 'lock', mutex: 'm' },
                  { op: 'unlock', mutex: 'm' },
                ],
              },
            ],
          },
        },
      };
      assert.equal(pollsOf(s, 't'), polls, `${runtime.flavor} ${n} locks`);
    }
});

test('recv of 255 queued messages and the close: 2 polls; 256 and the close: 3 (the close takes a unit too)', () => {
  for (const runtime of flavors) {
    const s: Scenario = {
      name: 'recvs',
      runtime,
      channels: { c: { kind: 'unbounded' } },
      tasks: {
        main: {
          start: 'spawn',
          program: [
            { op: 'send', channel: 'c', items: 255, records: 1 },
            { op: 'close', channel: 'c' },
            { op: 'spawn', task: 'rx' },
          ],
        },
        rx: {
          start: 'child',
          // 255 messages + the close = 256 units: exactly two polls' budgets, and a third poll for the
          // close would mean the close took none.
          program: [{ op: 'while_open', channel: 'c', body: [{ op: 'for_each_record', body: [{ op: 'record_end' }] }] }],
        },
      },
    };
    assert.equal(pollsOf(s, 'rx'), 2, `${runtime.flavor}: 255 messages + close in 2 polls`);
    (s.tasks!.main.program[0] as Extract<Op, { op: 'send' }>).items = 256;
    assert.equal(pollsOf(s, 'rx'), 3, `${runtime.flavor}: 256 messages + close need a third poll for the close`);
  }
});

test('bounded send and join check the budget before the resource', () => {
  for (const runtime of flavors) {
    // 200 sends into a channel with room for all: 2 polls of the sender.
    const sends: Scenario = {
      name: 'sends',
      runtime,
      channels: { c: { kind: 'bounded', capacity: 1000 } },
      tasks: { tx: { start: 'spawn', program: [{ op: 'send', channel: 'c', items: 200, records: 1 }] } },
    };
    assert.equal(pollsOf(sends, 'tx'), 2, `${runtime.flavor} sends`);
    // 130 children that end at once, joined in order by a task that spawned them and yielded
    // (so all are done): 128 joins in one poll, then a self-wake.
    const joins: Scenario = {
      name: 'joins',
      runtime,
      tasks: {
        parent: {
          start: 'spawn',
          program: [
            { op: 'repeat', n: 130, body: [{ op: 'spawn', task: 'kid' }] },
            { op: 'sleep', us: 2000 },
            { op: 'repeat', n: 130, body: [{ op: 'join', task: 'kid' }] },
          ],
        },
        kid: { start: 'child', program: [{ op: 'compute', cost: 0 }] },
      },
    };
    // poll 1: spawns, sleep blocks; poll 2: 128 joins; poll 3: 2 joins.
    assert.equal(pollsOf(joins, 'parent'), 3, `${runtime.flavor} joins`);
    // The 129th join is of a task still sleeping: the spent budget ends the poll before the
    // JoinHandle looks at the task (poll 3 then registers, poll 4 reads the output). Checking
    // the task first would block at once and take one poll less.
    const late: Scenario = {
      name: 'late-join',
      runtime,
      tasks: {
        parent: {
          start: 'spawn',
          program: [
            { op: 'repeat', n: 128, body: [{ op: 'spawn', task: 'kid' }] },
            { op: 'spawn', task: 'slow' },
            { op: 'sleep', us: 2000 },
            { op: 'repeat', n: 128, body: [{ op: 'join', task: 'kid' }] },
            { op: 'join', task: 'slow' },
          ],
        },
        kid: { start: 'child', program: [{ op: 'compute', cost: 0 }] },
        slow: { start: 'child', program: [{ op: 'sleep', us: 5000 }] },
      },
    };
    assert.equal(pollsOf(late, 'parent'), 4, `${runtime.flavor} late join`);
  }
});

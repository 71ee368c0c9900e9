/**
 * A coordinator written as a task (no source: it sleeps or yields, then sends, in a loop) has no
 * closed form here; the analytic model refuses it with that reason (DS4002), not with "matches
 * none of …".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/analytic/analyze.js';
import { planScenario } from '../../../src/cli/load.js';
import { InputError } from '../../../src/schema/diagnostics.js';
import { validateDocument } from '../../../src/schema/validate.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { model } from '../../helpers.js';

function coordinatorAsTask(pace: object): Scenario {
  return {
    name: 'coordinator-as-task',
    runtime: { flavor: 'current_thread', driver: 'timer' },
    channels: { p0: { kind: 'unbounded' } },
    tasks: {
      coordinator: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 'partition' },
          { op: 'repeat', n: 100, body: [pace, { op: 'send', channel: 'p0', records: 10 }] },
          { op: 'close', channel: 'p0' },
          { op: 'join', task: 'partition' },
        ],
      },
      partition: {
        start: 'child',
        program: [
          {
            op: 'while_open',
            channel: 'p0',
            body: [{ op: 'for_each_record', body: [{ op: 'record_start' }, { op: 'compute', cost: 1 }, { op: 'record_end' }] }],
          },
        ],
      },
    },
  } as unknown as Scenario;
}

for (const [pace, how] of [
  [{ op: 'sleep', us: 1000 }, 'sleeps'],
  [{ op: 'yield' }, 'yields'],
] as const) {
  test(`a coordinator task that ${how} then sends is refused with the reason`, () => {
    const s = coordinatorAsTask(pace);
    assert.deepEqual(validateDocument('scenario', s, 'x'), []);
    const m = model();
    assert.throws(
      () => analyze(planScenario(s, m), m),
      (e: unknown) =>
        e instanceof InputError &&
        e.diagnostics[0].code === 'DS4002' &&
        e.diagnostics[0].message.includes(
          `task 'coordinator' ${how} then sends in a loop (a coordinator as a task, with no source)`,
        ),
    );
  });
}

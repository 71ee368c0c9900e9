/**
 * A coordinator written as a task (no source: it sleeps or yields and sends, in a loop). The
 * producer/consumer closed forms answer one block_on sender feeding one consumer that awaits an
 * unbounded channel (agreement with the simulator: agreement.test.ts, "coordinator as a task");
 * every other such program is refused with the part that has no closed form, not with "matches
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

interface Variant {
  pace?: object;
  flavor?: 'current_thread' | 'multi_thread';
  channel?: object;
  wait?: readonly object[];
  start?: string;
  twoConsumers?: boolean;
  consumerYields?: number;
}

function coordinatorAsTask(v: Variant): Scenario {
  const pace = v.pace ?? { op: 'sleep', us: 1000 };
  const out = v.twoConsumers
    ? [
        { op: 'send', channel: 'p[0]', records: 10 },
        { op: 'send', channel: 'p[1]', records: 10 },
      ]
    : [{ op: 'send', channel: 'p0', records: 10 }];
  const partition = (ch: string) => ({
    start: 'child',
    program: [
      {
        op: 'while_open',
        channel: ch,
        ...(v.wait ? { wait: v.wait } : {}),
        body: [
          { op: 'for_each_record', body: [{ op: 'record_start' }, { op: 'compute', cost: 1 }, { op: 'record_end' }] },
          ...(v.consumerYields ? [{ op: 'repeat', n: v.consumerYields, body: [{ op: 'yield' }] }] : []),
        ],
      },
    ],
  });
  const channels = v.twoConsumers
    ? { 'p[0]': v.channel ?? { kind: 'unbounded' }, 'p[1]': v.channel ?? { kind: 'unbounded' } }
    : { p0: v.channel ?? { kind: 'unbounded' } };
  const parts = v.twoConsumers
    ? { 'partition[0]': partition('p[0]'), 'partition[1]': partition('p[1]') }
    : { partition: partition('p0') };
  const names = Object.keys(parts);
  return {
    name: 'coordinator-as-task',
    runtime:
      v.flavor === 'multi_thread'
        ? { flavor: 'multi_thread', workers: 2, driver: 'timer' }
        : { flavor: 'current_thread', driver: 'timer' },
    channels,
    tasks: {
      coordinator: {
        start: v.start ?? 'block_on',
        program: [
          ...names.map((task) => ({ op: 'spawn', task })),
          { op: 'repeat', n: 100, body: [pace, ...out] },
          ...Object.keys(channels).map((channel) => ({ op: 'close', channel })),
          ...names.map((task) => ({ op: 'join', task })),
        ],
      },
      ...parts,
    },
  } as unknown as Scenario;
}

function refusal(v: Variant): { code: string; message: string } {
  const s = coordinatorAsTask(v);
  assert.deepEqual(validateDocument('scenario', s, 'x'), []);
  const m = model();
  try {
    analyze(planScenario(s, m), m);
  } catch (e) {
    assert.ok(e instanceof InputError);
    return { code: e.diagnostics[0].code, message: e.diagnostics[0].message };
  }
  return { code: 'answered', message: '' };
}

test('a block_on coordinator task that sleeps or yields, then sends to one awaiting consumer, is answered', () => {
  for (const pace of [{ op: 'sleep', us: 1000 }, { op: 'yield' }]) assert.equal(refusal({ pace }).code, 'answered');
});

for (const [v, code, reason] of [
  [{ twoConsumers: true }, 'DS4002', 'it runs beside 2 other tasks: the closed forms have one consumer'],
  [
    {
      channel: { kind: 'lockfree' },
      wait: [
        { kind: 'spin', us: 100 },
        { kind: 'sleep', us: 10 },
      ],
    },
    'DS4002',
    'it sends on a lockfree channel that its consumer waits on with spin → sleep',
  ],
  [{ wait: [{ kind: 'yield_spin' }] }, 'DS4002', 'its consumer waits with yield_spin'],
  [{ flavor: 'multi_thread' }, 'DS4003', 'spawned tasks spread over workers'],
  [{ pace: { op: 'yield' }, consumerYields: 1 }, 'DS4003', 'the producer and the consumer both yield'],
] as const) {
  test(`a coordinator task refused with the reason: ${reason}`, () => {
    const r = refusal(v);
    assert.equal(r.code, code, r.message);
    assert.ok(r.message.includes(reason), r.message);
  });
}

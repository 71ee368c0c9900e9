/**
 * current_thread's tight loop for yield loops (current-thread.ts, yieldRun; issue 20) is a
 * shortcut of the generic path, not a model: every Result must be the generic path's, byte for
 * byte. A trace turns the shortcut off (it records every poll), and a trace changes nothing else in
 * the Result, so each scenario here is run without and with a trace and the Results compared
 * (the engine block's wall time aside): yielders alone (1 to 70 tasks, more than the event
 * interval's 61), with records' costs constant (inside the shortcut) and drawn (outside), tokio
 * 1.24 (FIFO defer list, the remote lock on every due tick) and 1.53 (LIFO, lock-free), noise on
 * and off, a block_on yielder, a yield-spin pipeline fed by a source with timers, and runs cut
 * by the event limit at many points.
 */
import { test } from 'node:test';
import type { Scenario } from '../../../src/schema/scenario.js';
import { same, spinPipeline } from './fast-vs-generic.js';

const spinners = (tasks: number, ypr: number, recordCost?: unknown): Scenario =>
  ({
    name: `yielders-${tasks}x${ypr}`,
    runtime: { flavor: 'current_thread' },
    template: { kind: 'multi_yield', tasks, records: 40, yieldsPerRecord: ypr, ...(recordCost ? { recordCost } : {}) },
  }) as Scenario;

test('yield spinners: the tight loop gives the generic path’s Result (1–70 tasks, costs, versions, noise)', () => {
  for (const tokio of ['1.24', '1.53'])
    for (const tasks of [1, 2, 8, 70])
      for (const ypr of [1, 3, 20])
        for (const cost of [undefined, 0.3, { dist: 'uniform', minUs: 0.1, maxUs: 0.5 }])
          for (const noise of [false, true]) {
            const s = spinners(tasks, ypr, cost);
            s.runtime = { flavor: 'current_thread', tokio: tokio as '1.24' | '1.53' };
            same(s, noise, { fastForward: false }, tokio);
            same(s, noise, {}, tokio);
          }
});

test('runs cut by the event limit end at the same point with and without the tight loop', () => {
  const s = spinners(8, 20);
  for (let maxEvents = 1; maxEvents < 5000; maxEvents += 97) same(s, false, { fastForward: false, maxEvents });
  for (const maxEvents of [65_535, 65_536, 65_537, 70_001]) {
    const big: Scenario = { ...s, template: { kind: 'multi_yield', tasks: 8, records: 1000, yieldsPerRecord: 20 } };
    same(big, false, { fastForward: false, maxEvents });
    same(big, true, { maxEvents });
  }
});

test('a block_on yielder and a yield-spin pipeline with a source and timers: the same Result', () => {
  for (const inWhere of ['block_on', 'task'] as const)
    for (const noise of [false, true])
      same(
        {
          name: `yield-loop-${inWhere}`,
          runtime: { flavor: 'current_thread' },
          template: { kind: 'yield_loop', yields: 3000, in: inWhere, yieldsPerRecord: 4 },
        },
        noise,
        { fastForward: false },
      );
  for (const tokio of ['1.24', '1.53'])
    for (const noise of [false, true])
      for (const fastForward of [false, true])
        same(
          {
            name: 'yield-spin-pipeline',
            runtime: { flavor: 'current_thread', driver: 'timer_io', tokio: tokio as '1.24' | '1.53' },
            template: {
              kind: 'pipeline',
              partitions: 3,
              source: { arrival: { kind: 'periodic', intervalUs: 300 }, batchRecords: 20, durationMs: 15 },
              coordinator: { routing: 'round_robin', routeCost: 0.05 },
              channel: { kind: 'lockfree' },
              partition: {
                wait: [
                  { kind: 'yield_spin', times: 40 },
                  { kind: 'sleep', us: 50 },
                ],
                recordCost: 0.5,
                writer: { holdCost: 1 },
              },
            },
          },
          noise,
          { fastForward },
          tokio,
        );
});

test('yield-spinning partitions (try_recv, then yield) on every channel kind: the same Result', () => {
  for (const channel of [{ kind: 'lockfree' }, { kind: 'unbounded' }, { kind: 'bounded', capacity: 4 }] as const)
    for (const noise of [false, true])
      for (const tokio of ['1.24', '1.53']) {
        const s = spinPipeline(
          `ct-spin-${channel.kind}`,
          { flavor: 'current_thread', driver: 'timer_io', tokio } as Scenario['runtime'],
          channel,
        );
        same(s, noise, { fastForward: false }, tokio);
        for (const maxEvents of [997, 4099, 20_011]) same(s, noise, { fastForward: false, maxEvents }, tokio);
      }
});

/**
 * multi_thread's yield step (multi-thread.ts, yieldStep; issue 20) runs a yield loop's common poll
 * without the op interpreter: a shortcut of the generic path, not a model, so every Result must be
 * the generic path's, byte for byte. A trace turns the shortcut off (it records every poll) and
 * changes nothing else in the Result, so each scenario runs without and with a trace and the two
 * Results are compared (the engine block's wall time aside): yielders on 2, 3 and 8 workers (steals,
 * the inject queue, LIFO slots), records' costs constant and drawn, tokio 1.24 and 1.53, noise on
 * and off, a block_on yielder, a yield-spin pipeline with a source and timers, runs cut by the
 * event limit at many points, and a thread preempted by slices (fewer cores than threads).
 */
import { test } from 'node:test';
import type { Scenario } from '../../../src/schema/scenario.js';
import { same, spinPipeline } from './fast-vs-generic.js';

const spinners = (workers: number, tasks: number, ypr: number, tokio: string, recordCost?: unknown, cores = 2): Scenario =>
  ({
    name: `mt-yielders-${workers}w-${tasks}x${ypr}`,
    runtime: { flavor: 'multi_thread', workers, tokio },
    machine: { cores },
    template: { kind: 'multi_yield', tasks, records: 30, yieldsPerRecord: ypr, ...(recordCost ? { recordCost } : {}) },
  }) as Scenario;

test('multi_thread yield spinners: the yield step gives the generic path’s Result (workers, costs, versions, noise)', () => {
  for (const tokio of ['1.24', '1.53'])
    for (const [workers, cores] of [
      [2, 2],
      [3, 2],
      [8, 8],
    ])
      for (const tasks of [1, 8, 70])
        for (const ypr of [1, 20])
          for (const cost of [undefined, { dist: 'uniform', minUs: 0.1, maxUs: 0.5 }])
            for (const noise of [false, true]) {
              const s = spinners(workers, tasks, ypr, tokio, cost, cores);
              same(s, noise, { fastForward: false }, tokio);
              same(s, noise, {}, tokio);
            }
});

test('multi_thread runs cut by the event limit end at the same point with and without the yield step', () => {
  const s = spinners(2, 8, 20, '1.24');
  for (let maxEvents = 1; maxEvents < 5000; maxEvents += 89) same(s, false, { fastForward: false, maxEvents });
  for (const maxEvents of [65_535, 65_536, 65_537, 70_001]) {
    const big: Scenario = { ...s, template: { kind: 'multi_yield', tasks: 8, records: 500, yieldsPerRecord: 20 } };
    same(big, false, { fastForward: false, maxEvents });
    same(big, true, { maxEvents });
  }
});

test('multi_thread: a block_on yielder and a yield-spin pipeline with a source and timers give the same Result', () => {
  for (const inWhere of ['block_on', 'task'] as const)
    for (const noise of [false, true])
      same(
        {
          name: `mt-yield-loop-${inWhere}`,
          runtime: { flavor: 'multi_thread', workers: 2 },
          template: { kind: 'yield_loop', yields: 3000, in: inWhere, yieldsPerRecord: 4 },
        },
        noise,
        { fastForward: false },
      );
  for (const tokio of ['1.24', '1.53'] as const)
    for (const noise of [false, true])
      for (const fastForward of [false, true])
        same(
          {
            name: 'mt-yield-spin-pipeline',
            runtime: { flavor: 'multi_thread', workers: 4, driver: 'timer_io', tokio },
            machine: { cores: 2 },
            template: {
              kind: 'pipeline',
              partitions: 3,
              source: { arrival: { kind: 'periodic', intervalUs: 300 }, batchRecords: 20, durationMs: 10 },
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

test('multi_thread: yield-spinning partitions (try_recv, then yield) give the generic path’s Result on every channel kind', () => {
  for (const channel of [{ kind: 'lockfree' }, { kind: 'unbounded' }, { kind: 'bounded', capacity: 4 }] as const)
    for (const [workers, cores] of [
      [2, 2],
      [8, 8],
    ])
      for (const noise of [false, true])
        for (const tokio of ['1.24', '1.53']) {
          const s = spinPipeline(
            `mt-spin-${channel.kind}-${workers}w`,
            { flavor: 'multi_thread', workers, driver: 'timer_io', tokio } as Scenario['runtime'],
            channel,
            cores,
          );
          // Stepped (a trace turns the fast-forward off; fast-forward = stepping is the property suite's).
          same(s, noise, { fastForward: false }, tokio);
          for (const maxEvents of [997, 4099, 20_011]) same(s, noise, { fastForward: false, maxEvents }, tokio);
          // With the concurrent-ends costs (conc_*: charged by which task receives from the channel,
          // which the yield step notes as the generic try_recv does).
          const conc = { conc_send_unbounded: 40, conc_recv_unbounded: 30, conc_send_bounded: 50, conc_recv_bounded: 35 };
          same(s, noise, { fastForward: false }, tokio, conc);
        }
});

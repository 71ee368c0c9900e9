/**
 * The 1 ms timer grid (tokio-mechanics.md §3) on the ideal cost model, current_thread with the
 * timer driver.
 *
 * Phase: selftest. A deadline is rounded up to the next 1 ms tick of the runtime's grid.
 * - Idle runtime: the thread parks for whole ms to the next tick (overshoot zero here), so a
 *   loop of sleep(d) takes ceil(d / 1 ms) ms per iteration when it starts on the grid.
 * - Busy runtime: a timer fires only at a driver poll whose floored time has reached its tick.
 *   Beside a task that computes C µs then yields (one driver poll per round, every C µs), the
 *   k-th wake of a sleep(100 µs) loop happens at the first multiple of C at or after k ms
 *   (C + 100 µs ≤ 1 ms keeps every deadline inside the next tick), so N sleeps end at
 *   ceil(N·1000 / C)·C µs.
 */
import type { Scenario } from '../schema/scenario.js';
import { idealModel } from './ideal-model.js';
import type { Check } from './check.js';

const TICK_US = 1000;

function sleeper(n: number, sleepUs: number) {
  return {
    start: 'spawn' as const,
    program: [
      {
        op: 'repeat' as const,
        n,
        body: [{ op: 'record_start' as const }, { op: 'sleep' as const, us: sleepUs }, { op: 'record_end' as const }],
      },
    ],
  };
}

function idleScenario(sleepUs: number, n: number): Scenario {
  return {
    name: `selftest/timer-idle-${sleepUs}us`,
    runtime: { flavor: 'current_thread', tokio: '1.24', driver: 'timer' },
    tasks: { sleeper: sleeper(n, sleepUs) },
  };
}

function busyScenario(sleepUs: number, n: number, spinUs: number, rounds: number): Scenario {
  return {
    name: `selftest/timer-busy-${sleepUs}us`,
    runtime: { flavor: 'current_thread', tokio: '1.24', driver: 'timer' },
    tasks: {
      sleeper: sleeper(n, sleepUs),
      spinner: {
        start: 'spawn',
        program: [{ op: 'repeat', n: rounds, body: [{ op: 'compute', cost: spinUs, label: 'spin_work' }, { op: 'yield' }] }],
      },
    },
  };
}

export function timerChecks(): Check[] {
  const idle = (sleepUs: number): Check => {
    const n = 20;
    return {
      id: `timer-idle-${sleepUs}`,
      kind: 'deterministic',
      scenario: idleScenario(sleepUs, n),
      model: idealModel(),
      records: n,
      toleranceAbs: 0.0011,
      basis: 'deadline rounded up to the 1 ms grid; idle park sleeps whole ms',
      metrics: [
        {
          name: `timer grid, idle: sleep(${sleepUs} µs)`,
          unit: 'µs',
          expected: Math.ceil(sleepUs / TICK_US) * TICK_US,
          measure: (r) => r.latencyUs.mean,
        },
      ],
    };
  };
  const n = 10;
  const spinUs = 300;
  const rounds = Math.ceil(((n + 2) * TICK_US) / spinUs);
  const busy: Check = {
    id: 'timer-busy-100',
    kind: 'deterministic',
    scenario: busyScenario(100, n, spinUs, rounds),
    model: idealModel(),
    records: n,
    toleranceAbs: 0.0011,
    basis: `timers fire at the first driver poll at or after the tick; driver polled every ${spinUs} µs by a yielding task`,
    metrics: [
      {
        name: `timer grid, busy: ${n} × sleep(100 µs) beside a ${spinUs} µs yielder`,
        unit: 'µs',
        expected: Math.ceil((n * TICK_US) / spinUs) * spinUs,
        measure: (r) => r.tasks.sleeper.elapsedUs,
      },
    ],
  };
  return [idle(100), idle(1500), busy];
}

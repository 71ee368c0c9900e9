/**
 * The current_thread yield round (tokio-mechanics.md §1.5, §10.2): K tasks looping on
 * `yield_now` run in rounds of K polls, then the queue drains and the deferred wakers are woken
 * after one non-blocking driver poll.
 *
 * Phase: selftest. Costs are the release figures of §10 (poll 45 ns, yield extra 27 ns, timer
 * driver poll 106 ns, remote-queue check 14 ns); everything else is zero. Each of R rounds costs
 * K·(poll + yield_extra) + remote_check (the failing pick that ends the round) + driver_poll;
 * the final round is K polls that end the tasks. Every `global_queue_interval`-th tick (tick 0
 * included) a successful pick also checks the remote queue first. So, in ns,
 *
 *   total = R·(driver + remote) + K·(R + 1)·poll + K·R·yield_extra + remote·#{successful ticks ≡ 0 mod 31}
 *
 * where round j (0-based) has successful ticks j(K+1) … j(K+1)+K−1 and its failing tick
 * j(K+1)+K. Valid for K < event_interval (61), when no round is cut by the inner-loop limit.
 */
import type { Scenario, TaskDef } from '../schema/scenario.js';
import { idealModel } from './ideal-model.js';
import type { Check } from './check.js';

const COSTS_NS = { poll_self: 45, yield_extra: 27, driver_poll_timer: 106, remote_check: 14 };
const GLOBAL_QUEUE_INTERVAL = 31;

function spinners(k: number, rounds: number): Scenario {
  const tasks: Record<string, TaskDef> = {};
  for (let i = 0; i < k; i++)
    tasks[`spinner${i}`] = { start: 'spawn', program: [{ op: 'repeat', n: rounds, body: [{ op: 'yield' }] }] };
  return { name: `selftest/yield-rounds-k${k}`, runtime: { flavor: 'current_thread', tokio: '1.24', driver: 'timer' }, tasks };
}

/** The round formula above, in ns. */
export function yieldRoundsNs(k: number, rounds: number): number {
  let remoteFirst = 0;
  for (let j = 0; j <= rounds; j++) {
    for (let i = 0; i < k; i++) if ((j * (k + 1) + i) % GLOBAL_QUEUE_INTERVAL === 0) remoteFirst++;
  }
  const c = COSTS_NS;
  return (
    rounds * (c.driver_poll_timer + c.remote_check) +
    k * (rounds + 1) * c.poll_self +
    k * rounds * c.yield_extra +
    c.remote_check * remoteFirst
  );
}

export function yieldChecks(): Check[] {
  const rounds = 1000;
  return [1, 4, 16].map((k) => ({
    id: `yield-k${k}`,
    kind: 'deterministic' as const,
    scenario: spinners(k, rounds),
    model: idealModel('yield-release-figures', COSTS_NS),
    records: 0,
    toleranceAbs: 0.0011,
    basis: 'round = driver poll + K·(poll + yield extra) + remote check (tokio-mechanics.md §1.5)',
    metrics: [
      {
        name: `yield rounds: ${k} spinner${k > 1 ? 's' : ''} × ${rounds}, elapsed`,
        unit: 'µs',
        expected: yieldRoundsNs(k, rounds) / 1000,
        measure: (r) => r.simulatedUs,
      },
      {
        name: `yield rounds: ${k} spinner${k > 1 ? 's' : ''} × ${rounds}, driver polls`,
        unit: '',
        expected: rounds,
        measure: (r) => r.workers[0].driverPolls,
      },
    ],
  }));
}

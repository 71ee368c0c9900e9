/**
 * Wake-up preemption (docs/semantics.md, multi_thread "Cores"): a thread woken from a park while
 * every core is busy takes a core at once from the thread that has run longest, as Linux's
 * CFS/EEVDF do for a sleeper, instead of waiting for a running thread's time slice (3 ms) to end.
 * Measured on the 2-vCPU VM (session 6, validation/task-mt-yield-2p-w5-i1000us-blockon): a block_on
 * coordinator ticking every 1 ms beside two yield-spinning workers sent its 100 batches on time
 * (p50 87 µs); with slice-only preemption the simulator polled it 68 times in 100 ms (p50 131 µs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import { run } from '../../helpers.js';

/** block_on coordinator: 20 ticks of a 1 ms interval, 32 records stamped and sent to each spinner per tick; 2 spinners (5 µs a record) on 2 workers, 2 cores. */
function scenario(): Scenario {
  const spinner = (ch: string) => ({
    start: 'child' as const,
    program: [
      {
        op: 'while_open' as const,
        channel: ch,
        wait: [{ kind: 'yield_spin' as const }],
        body: [{ op: 'for_each_record' as const, body: [{ op: 'compute' as const, cost: 5 }, { op: 'record_end' as const }] }],
      },
    ],
  });
  return {
    name: 'wakeup-preemption',
    runtime: { flavor: 'multi_thread', workers: 2, tokio: '1.24' },
    machine: { cores: 2, noise: false },
    channels: { a: { kind: 'unbounded' }, b: { kind: 'unbounded' } },
    tasks: {
      main: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 'pa' },
          { op: 'spawn', task: 'pb' },
          {
            op: 'repeat',
            n: 20,
            body: [
              { op: 'interval', periodUs: 1000 },
              { op: 'record_start' },
              { op: 'send', channel: 'a', records: 32 },
              { op: 'send', channel: 'b', records: 32 },
            ],
          },
          { op: 'close', channel: 'a' },
          { op: 'close', channel: 'b' },
          { op: 'join', task: 'pa' },
          { op: 'join', task: 'pb' },
        ],
      },
      pa: spinner('a'),
      pb: spinner('b'),
    },
  };
}

test('a block_on thread woken beside two spinning workers on 2 cores gets a core at once, not after a 3 ms slice', () => {
  const { result: r } = run(scenario());
  assert.equal(r.records, 1280);
  const bo = r.workers.find((w) => w.name === 'block_on');
  assert.ok(bo, r.workers.map((w) => w.name).join(', '));
  // Every tick polls the coordinator (20 ticks + start + end): before, it waited for a slice to end
  // (8.2 ms of 21 descheduled) and late ticks completed in bursts (15 polls).
  assert.ok(bo.polls >= 21, `block_on polled ${bo.polls} times for 20 ticks`);
  assert.ok(bo.descheduledUs < 500, `block_on descheduled ${bo.descheduledUs} µs`);
  // Each spinner's batch: 32 × 5 µs in parallel on its own worker (p99 ≈ 160 µs); bursts of two
  // batches made it 450 µs.
  assert.ok(r.latencyUs.p99 < 250, `p99 ${r.latencyUs.p99} µs`);
  // The preempted workers paid for it: the block_on thread's running time came off their cores.
  const workersDesched = r.workers.filter((w) => w.name.startsWith('worker')).reduce((s, w) => s + w.descheduledUs, 0);
  assert.ok(workersDesched > 0, 'a worker gave its core to the woken block_on thread');
});

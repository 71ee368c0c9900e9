/**
 * vCPU packing of a worker woken by another worker (docs/semantics.md, multi_thread "vCPU
 * packing"; parameters worker_wake_preempt, worker_wake_preempt_latency). The probe's steal_wake
 * benchmark — task A on one worker sends to parked tasks B1 then B2 (B1 is displaced from A's LIFO
 * slot into its queue, which notifies the parked worker), then busy-spins 300 µs — measured two
 * modes on the 2-vCPU VM (session 8's quiet calibration, 1.24.2): 465 of 900 wake-ups ran B1 about
 * 4 µs after the send, while A still spun (the woken worker preempted its waker on the waker's
 * vCPU), the rest only after the spin (it waited on that vCPU; the other vCPU stayed idle). The
 * simulator drew both modes as one latency (worker_wake_latency) on a free core; now the woken
 * worker takes its waker's core or waits for it. This scenario is steal_wake's shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { ROOT, model, run, assertWorkerBooks, workersDescheduledUs } from '../../helpers.js';
import { packingModel, stealWakeScenario } from './steal-wake-shape.js';

/** steal_wake's shape: B1 and B2 only end their records. */
const scenario = (): Scenario => stealWakeScenario('worker-packing', 0);

/** The bundled 1.24 model with the two packing parameters (a 4 µs switch, constant). */
const packing = (preempt: number): CostModel => packingModel(preempt);

test('a worker woken by a busy worker that preempts it runs the displaced task at once, on the waker’s core', () => {
  const r = run(scenario(), packing(1)).result;
  assert.equal(r.records, 160);
  // B1's 3 records of 4 come a switch (4 µs) after the send: stolen while A is off its core.
  assert.ok(r.latencyUs.p50 < 20, `p50 ${r.latencyUs.p50} µs`);
  // A's worker waited for its core while the woken worker ran (one vCPU, the other idle).
  assert.ok(workersDescheduledUs(r) > 40 * 3, `workers descheduled ${workersDescheduledUs(r)} µs`);
  assert.ok(!r.warnings.some((w) => w.code === 'DS3030' && w.message.includes('worker_wake_preempt')));
  assertWorkerBooks(r);
});

test('one that does not preempt waits for the waker’s core: the waker runs the displaced task itself after its spin', () => {
  const r = run(scenario(), packing(0)).result;
  assert.equal(r.records, 160);
  assert.ok(r.latencyUs.p50 > 290, `p50 ${r.latencyUs.p50} µs`);
  // Nobody stole B1: the woken worker got a core only when A's worker parked.
  assert.equal(
    r.workers.reduce((s, w) => s + w.steals, 0),
    0,
  );
  assert.ok(workersDescheduledUs(r) > 40 * 250, `workers descheduled ${workersDescheduledUs(r)} µs`);
  assertWorkerBooks(r);
});

test('a share between 0 and 1 is drawn per wake-up, deterministically', () => {
  const a = run(scenario(), packing(0.5)).result;
  const b = run(scenario(), packing(0.5)).result;
  assert.deepEqual(a.latencyUs, b.latencyUs);
  const steals = a.workers.reduce((s, w) => s + w.steals, 0);
  // 40 rounds, each a coin: both outcomes happen.
  assert.ok(steals > 5 && steals < 35, `steals ${steals} of 40`);
  assertWorkerBooks(a);
});

test('a model without the parameters wakes the worker on a free core as before, and says so (DS3030)', () => {
  const r = run(scenario(), model()).result;
  assert.ok(
    r.warnings.some((w) => w.code === 'DS3030' && w.message.includes('worker_wake_preempt')),
    JSON.stringify(r.warnings),
  );
  // Nobody waited for a core: the woken worker took the idle one.
  assert.equal(workersDescheduledUs(r), 0);
});

test('the same bytes with the fast-forward on and off', () => {
  for (const share of [1, 0.5]) {
    const on = run(scenario(), packing(share)).result;
    const off = run(scenario(), packing(share), { fastForward: false }).result;
    assert.deepEqual({ ...on, engine: undefined }, { ...off, engine: undefined });
  }
});

test('a yield-spinning worker’s wake-ups are not packed (mt_yield_cycle measured them): its re-wake cycle runs as without the parameters', () => {
  // validation/mt-yield-1p's shape: a source's batches to a coordinator and one partition that
  // yield-spins on an empty channel; with worker_rewake_latency (as calibrated), so that the
  // spinner's wake of a worker parked longer than a re-wake is an ordinary worker wake-up.
  const { scenario } = loadScenario(join(ROOT, 'scenarios/validation/mt-yield-1p.json'), undefined, undefined, false);
  const rewake = (m: CostModel): CostModel => ({
    ...m,
    parameters: {
      ...m.parameters,
      worker_rewake_latency: { value: 2400, unit: 'ns', provenance: 'assumed', source: 'test' },
    },
  });
  const sim = (m: CostModel) => simulate(normalizeScenario(scenario, { model: m, noise: false }), m);
  const plain = sim(rewake(model()));
  for (const share of [0, 1]) {
    const r = sim(rewake(packing(share)));
    assert.ok(
      Math.abs(r.yieldsPerRecord - plain.yieldsPerRecord) < 0.1 * plain.yieldsPerRecord,
      `share ${share}: ${r.yieldsPerRecord} yields/record against ${plain.yieldsPerRecord}`,
    );
  }
});

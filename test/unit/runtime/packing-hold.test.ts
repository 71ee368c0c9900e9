/**
 * How long a worker preempted on its vCPU by the worker it woke stays off it
 * (worker_wake_preempt_hold; docs/semantics.md, multi_thread "vCPU packing"). The probe's
 * steal_hold — steal_wake whose woken task busy-spins 2 ms after each receive, the waker timing
 * the largest gap in its own busy-spin — found the waker back within tens of µs in most wake-ups
 * that preempted it (the guest moves one of the two to the idle vCPU), not after the woken
 * worker's 2 ms: the simulator's hold until the woken worker parks was the assumption that
 * session 9 found doubling multi_thread p50 errors. This scenario is steal_hold's shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import { run, assertWorkerBooks, workersDescheduledUs } from '../../helpers.js';
import { packingModel, stealWakeScenario } from './steal-wake-shape.js';

/** steal_hold's shape: B1 computes 200 µs a record. */
const scenario = (): Scenario => stealWakeScenario('packing-hold', 200);

/** The bundled 1.24 model, every worker wake-up by a busy worker packed (a 4 µs switch), with a constant hold if given. */
const packing = (holdNs?: number): CostModel => packingModel(1, holdNs);

type R = ReturnType<typeof run>['result'];
const elapsed = (r: R, t: string) => r.tasks[t]!.elapsedUs;

test('a preempted waker is back after the hold, on the idle core, while the worker it woke still runs', () => {
  const held = run(scenario(), packing(20_000)).result;
  const until = run(scenario(), packing()).result;
  assert.equal(held.records, 160);
  assert.equal(until.records, 160);
  // Without a hold the waker waits for the woken worker's 600 µs of records (it parks after them);
  // with a 20 µs hold it waits 20 µs per packed wake-up (at most one a round, 40 rounds).
  assert.ok(
    workersDescheduledUs(until) > 40 * 300,
    `until the woken worker parks: descheduled ${workersDescheduledUs(until)} µs`,
  );
  assert.ok(
    workersDescheduledUs(held) > 20 && workersDescheduledUs(held) < 40 * 30,
    `20 µs hold: descheduled ${workersDescheduledUs(held)} µs`,
  );
  assertWorkerBooks(held);
  assertWorkerBooks(until);
});

test('a hold longer than the woken worker runs changes nothing: the waker got its core back when that worker parked', () => {
  const long = run(scenario(), packing(5_000_000)).result;
  const until = run(scenario(), packing()).result;
  assert.deepEqual({ ...long, engine: undefined, model: undefined }, { ...until, engine: undefined, model: undefined });
});

test('held wakers: the same bytes with the fast-forward on and off, and run to run', () => {
  const on = run(scenario(), packing(20_000)).result;
  const again = run(scenario(), packing(20_000)).result;
  const off = run(scenario(), packing(20_000), { fastForward: false }).result;
  assert.deepEqual({ ...on, engine: undefined }, { ...off, engine: undefined });
  assert.deepEqual(on, { ...again, engine: on.engine });
  assert.ok(elapsed(on, 'sender') > 39_000);
});

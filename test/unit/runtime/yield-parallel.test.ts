/**
 * Two yield loops at once on two multi_thread workers (yield_round_parallel, docs/semantics.md
 * "Two yield loops at once"): every round's park_timeout(0) polls the one shared driver, so a
 * worker's round costs yield_round_parallel more while the other worker yield-spins too; a lone
 * yield loop's round does not. A model without the parameter charges nothing, with DS3030.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import { assumedNs, model, run } from '../../helpers.js';

const withParallel = (ns: number): CostModel => {
  const m = model();
  return { ...m, parameters: { ...m.parameters, yield_round_parallel: assumedNs(ns) } };
};

const spinners = (tasks: number): Scenario => ({
  name: `yield-parallel-${tasks}`,
  runtime: { flavor: 'multi_thread', workers: 2 },
  machine: { cores: 2, noise: false },
  template: { kind: 'multi_yield', tasks, records: 400, yieldsPerRecord: 50 },
});

const workers = (r: ReturnType<typeof run>['result']) => r.workers.filter((w) => w.name.startsWith('worker'));
const driverPolls = (r: ReturnType<typeof run>['result']) => workers(r).reduce((a, w) => a + w.driverPolls, 0);
const has3030 = (r: ReturnType<typeof run>['result']) =>
  r.warnings.some((w) => w.code === 'DS3030' && w.message.includes('yield_round_parallel'));

test('two yield loops on two workers: each driver poll while the other spins costs yield_round_parallel more', () => {
  const base = run(spinners(2)).result;
  const par = run(spinners(2), withParallel(200)).result;
  // Both workers spin: the driver polls (one per round) carry the extra, and the run is longer.
  assert.ok(
    workers(base).every((w) => w.polls > 5000),
    `polls ${workers(base).map((w) => w.polls)}`,
  );
  const extraUs = par.breakdownUs.driver - (base.breakdownUs.driver * driverPolls(par)) / driverPolls(base);
  const polls = driverPolls(par);
  assert.ok(
    extraUs > 0.9 * polls * 0.2 && extraUs <= polls * 0.2 + 1e-6,
    `driver extra ${extraUs} µs over ${polls} driver polls`,
  );
  // A round is ~0.2 µs alone: +0.2 µs is about twice as long, so the same yields take about twice the time.
  const ratio = par.simulatedUs / base.simulatedUs;
  assert.ok(ratio > 1.6 && ratio < 2.4, `simulated ${par.simulatedUs} vs ${base.simulatedUs} µs`);
  assert.ok(has3030(base), 'the model without the parameter says so');
  assert.ok(!has3030(par));
});

test('a lone yield loop pays no yield_round_parallel, and draws no warning', () => {
  const base = run(spinners(1)).result;
  const par = run(spinners(1), withParallel(200)).result;
  // The spinner's rounds cost what they did: the run ends at the same time. Only the idle worker's
  // own few driver polls beside it (its maintenance) meet the shared driver busy.
  assert.equal(par.simulatedUs, base.simulatedUs);
  const idle = workers(par).find((w) => w.polls === 0);
  assert.ok(idle, 'one worker never polls a task');
  const extra = par.breakdownUs.driver - base.breakdownUs.driver;
  assert.ok(extra >= 0 && extra <= idle.driverPolls * 0.2 + 1e-6, `driver extra ${extra} µs`);
  assert.deepEqual({ ...par.breakdownUs, driver: 0 }, { ...base.breakdownUs, driver: 0 });
  assert.ok(!has3030(par));
});

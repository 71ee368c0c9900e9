/**
 * Every bundled scenario: loads, simulates, gives a schema-valid Result, leaves its input
 * unmutated, and gives byte-identical output for the same seed (apart from the engine block).
 * The velostream scenarios are compared with the reference study's published figures: `fit`
 * figures were used to set a model parameter, `prediction` figures were not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { evaluate } from 'mathjs';
import { loadScenario } from '../../src/cli/load.js';
import { simulate } from '../../src/runtime/simulate.js';
import { normalizeScenario } from '../../src/plan/normalize.js';
import { validateDocument } from '../../src/schema/validate.js';
import type { Scenario } from '../../src/schema/scenario.js';
import { ROOT, listJson, readJson } from '../helpers.js';

const files = listJson('scenarios');

for (const rel of files) {
  test(`scenario ${rel}`, () => {
    const file = join(ROOT, rel);
    const before = JSON.stringify(readJson<Scenario>(rel));
    const { plan, model, scenario } = loadScenario(file);
    const a = simulate(plan, model);
    const b = simulate(plan, model);
    assert.equal(JSON.stringify(scenario), before, 'normalize must not mutate the scenario');
    assert.deepEqual(validateDocument('result', a, rel), []);
    const strip = (r: typeof a) => JSON.stringify({ ...r, engine: null });
    assert.equal(strip(a), strip(b), 'same seed must give the same bytes');
    // A run may end early or stall only when the result says why: a worker monopolised by a
    // spinner (DS3005, e.g. scenarios/architectures/v2-spin-8p-2c) starves the coordinator for real.
    const monopolised = a.warnings.some((w) => w.code === 'DS3005');
    assert.ok(!a.truncated || monopolised, `truncated: ${a.truncated?.reason}`);
    const stalled = a.warnings.find((w) => w.code === 'DS3001');
    assert.ok(!stalled || monopolised, `stalled: ${stalled?.message}`);
    for (const [name, fig] of Object.entries(scenario.reference?.figures ?? {})) {
      if (!fig.metric || fig.kind === 'known_mismatch') continue;
      const got = evaluate(fig.metric, a) as number;
      const tol = fig.tolerance ?? 0.15;
      const err = Math.abs(got - fig.value) / Math.abs(fig.value);
      assert.ok(
        err <= tol,
        `${name} (${fig.kind ?? 'prediction'}): simulated ${got}, published ${fig.value}, error ${(err * 100).toFixed(1)}% > ${tol * 100}%`,
      );
    }
  });
}

test('the harness-sleep pipelines are timer-bound, not yield-bound (the right reason)', () => {
  for (const name of ['partition-simulation', 'passthrough-baseline', 'pr-latency-benchmark']) {
    const { plan, model } = loadScenario(join(ROOT, `scenarios/velostream/${name}.json`));
    const r = simulate(plan, model);
    assert.ok(r.outputs.sleepShare > 0.9, `${name}: sleep share ${r.outputs.sleepShare}`);
    const yieldUs = r.breakdownUs.yield ?? 0;
    assert.ok(yieldUs < 0.5 * r.simulatedUs, `${name}: yields ${yieldUs} µs of ${r.simulatedUs} µs`);
  }
});

test('spinning partitions on multi_thread monopolise workers, and the result says so', () => {
  // 8 partitions that never yield on 2 workers: two of them take both workers for good, the
  // coordinator is never polled again, and the run ends at its time limit with DS3005 for each.
  const eight = loadScenario(join(ROOT, 'scenarios/architectures/v2-spin-8p-2c.json'));
  const starved = simulate(eight.plan, eight.model);
  assert.ok(starved.truncated, 'the starved pipeline cannot finish');
  assert.equal(starved.warnings.filter((w) => w.code === 'DS3005').length, 2);
  assert.ok(starved.records < 100, `records ${starved.records}`);
  // One spinner on 2 workers: it holds one worker, the coordinator runs on the other.
  const one = loadScenario(join(ROOT, 'scenarios/architectures/v2-spin-1p-2c.json'));
  const r = simulate(one.plan, one.model);
  assert.ok(!r.truncated);
  assert.equal(r.records, 20000);
  assert.ok(
    // busy + descheduled: with the model's platform noise (on by default) the OS takes the core
    // from the spinner now and then (descheduled); it holds its worker all the same.
    r.workers.some((w) => w.busyUs + w.descheduledUs > 0.99 * r.simulatedUs && w.spinUs > 0.5 * w.busyUs),
    'one worker is busy all the time, mostly spinning',
  );
});

test("the study's linear-scaling claim: 8 yield-spin partitions on 2 cores reach far less than 8× one partition", () => {
  // Offer 1 M records/s (a 100-record batch every 100 µs) to V2 with yield-spinning partitions.
  const capacity = (file: string) => {
    const { scenario, model } = loadScenario(join(ROOT, file));
    const over = structuredClone(scenario);
    if (over.template?.kind !== 'pipeline') throw new Error(`${file}: not a pipeline`);
    over.template.source = { ...over.template.source, arrival: { kind: 'periodic', intervalUs: 100 }, batches: 100 };
    const r = simulate(normalizeScenario(over, { model }), model);
    return { rate: r.records / (r.simulatedUs / 1e6), r };
  };
  const one = capacity('scenarios/architectures/v2-yield-1p-2c.json');
  const eight = capacity('scenarios/architectures/v2-yield-8p-2c.json');
  assert.ok(eight.rate < 2 * one.rate, `8 partitions ${eight.rate.toFixed(0)}/s vs 1 partition ${one.rate.toFixed(0)}/s`);
  // Where the time went: a partition whose lock-free queue never empties never yields (the queue
  // is not tokio's, so no coop budget), so it holds its worker; the spinners that yielded before
  // wait in that worker's defer list, which nobody can steal. One worker does nearly everything.
  const r = eight.r;
  // Busy + descheduled (noise pauses, on by default): the time each worker held its thread.
  const busy = r.workers.map((w) => w.busyUs + w.descheduledUs);
  assert.ok(Math.max(...busy) > 0.95 * r.simulatedUs, `busiest worker ${Math.max(...busy)} of ${r.simulatedUs} µs`);
  assert.ok(Math.min(...busy) < 0.2 * r.simulatedUs, `idlest worker ${Math.min(...busy)} of ${r.simulatedUs} µs`);
  assert.ok(r.breakdownUs.compute > 0.5 * Math.max(...busy), 'the busy worker does records, not just yields');
});

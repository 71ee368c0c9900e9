/**
 * The analytic model charges a timer registration's driver unpark as the simulator does:
 * `timer_unpark_io` with the I/O driver when the model has it (the same on every tokio version),
 * else the model's `driver_unpark_io` (docs/semantics.md, current_thread, "Timer registration
 * unparks the driver").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/analytic/analyze.js';
import { planScenario } from '../../../src/cli/load.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import { model } from '../../helpers.js';

const pc = (tokio: '1.24' | '1.53'): Scenario => ({
  name: `timer-unpark-pc-${tokio}`,
  runtime: { flavor: 'current_thread', tokio, driver: 'timer_io', timerPhaseUs: 0 },
  machine: { cores: 1, noise: false },
  template: { kind: 'producer_consumer', batches: 20, batchRecords: 1, producerSleepUs: 100 },
});

const p50 = (s: Scenario, m: CostModel) => analyze(planScenario(s, m), m).latencyUs.p50;

test("a sleeping producer's records wait for the registration's eventfd write: timer_unpark_io when the model has it, on 1.53 too", () => {
  const base = structuredClone(model());
  base.parameters.driver_unpark_io = { value: 4, unit: 'ns', provenance: 'assumed' } as never;
  delete base.parameters.timer_unpark_io;
  const withParam = structuredClone(base);
  withParam.parameters.timer_unpark_io = { value: 704, unit: 'ns', provenance: 'assumed' } as never;
  for (const tokio of ['1.24', '1.53'] as const) {
    const d = p50(pc(tokio), withParam) - p50(pc(tokio), base);
    assert.ok(Math.abs(d - 0.7) < 0.002, `${tokio}: p50 +${d} µs, want +0.7`);
  }
});

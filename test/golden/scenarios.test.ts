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
    assert.ok(!a.truncated, `truncated: ${a.truncated?.reason}`);
    for (const [name, fig] of Object.entries(scenario.reference?.figures ?? {})) {
      if (!fig.metric || fig.kind === 'known_mismatch') continue;
      const got = evaluate(fig.metric, a) as number;
      const tol = fig.tolerance ?? 0.15;
      const err = Math.abs(got - fig.value) / Math.abs(fig.value);
      assert.ok(err <= tol, `${name} (${fig.kind ?? 'prediction'}): simulated ${got}, published ${fig.value}, error ${(err * 100).toFixed(1)}% > ${tol * 100}%`);
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

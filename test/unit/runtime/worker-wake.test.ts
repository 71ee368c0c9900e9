/**
 * worker_wake_latency (optional model parameter): a multi_thread worker woken by another worker
 * (a task displaced from the LIFO slot, the last searcher leaving) waits for it; wakes from
 * outside the runtime (a source) keep wake_latency. Absent, the model behaves as before.
 *
 * Platform noise is pinned off (`noise: false`) so the effect measured is the wake-up's alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import { ROOT, model } from '../../helpers.js';

const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null });
const constNs = (ns: number): Parameter => ({ value: ns, unit: 'ns', provenance: 'assumed', source: 'test' });

function withParams(m: CostModel, params: Record<string, Parameter>): CostModel {
  return { ...m, parameters: { ...m.parameters, ...params } };
}

test('absent, worker wake-ups take wake_latency: the same bytes as a model stating it twice', () => {
  const { scenario } = loadScenario(join(ROOT, 'scenarios/validation/mt-await-2p.json'), undefined, undefined, false);
  const m = model();
  assert.equal(m.parameters.worker_wake_latency, undefined);
  const twice = withParams(m, { worker_wake_latency: m.parameters.wake_latency });
  const a = simulate(normalizeScenario(scenario, { model: m, noise: false }), m);
  const b = simulate(normalizeScenario(scenario, { model: twice, noise: false }), twice);
  assert.equal(strip(a), strip(b));
});

test('a slow worker-to-worker wake-up serialises the partitions; a slow outside wake-up only delays each batch', () => {
  const { scenario } = loadScenario(join(ROOT, 'scenarios/validation/mt-await-2p.json'), undefined, undefined, false);
  const base = withParams(model(), { wake_latency: constNs(5_000), worker_wake_latency: constNs(5_000) });
  const slowWorker = withParams(base, { worker_wake_latency: constNs(400_000) });
  const slowOutside = withParams(base, { wake_latency: constNs(400_000) });
  const run = (m: CostModel) => simulate(normalizeScenario(scenario, { model: m, noise: false }), m);
  const r0 = run(base);
  const rw = run(slowWorker);
  const ro = run(slowOutside);
  // 64 records of 3 µs over 2 partitions: in parallel the last record ends ~96 µs after the
  // batch is routed, one worker alone needs ~192 µs.
  assert.ok(r0.latencyUs.max < 150, `parallel: max ${r0.latencyUs.max} µs`);
  assert.ok(rw.latencyUs.max > 180 && rw.latencyUs.max < 260, `serial: max ${rw.latencyUs.max} µs`);
  const steals = (r: ReturnType<typeof simulate>) => r.workers.reduce((s, w) => s + w.steals, 0);
  assert.ok(steals(r0) >= 300, `steals ${steals(r0)}`);
  assert.equal(steals(rw), 0, 'the helper never arrives in time to steal');
  // A slow outside wake-up delays the coordinator (when the workers were parked), not the helper.
  assert.ok(ro.latencyUs.p50 > r0.latencyUs.p50 + 100, `outside: p50 ${ro.latencyUs.p50} vs ${r0.latencyUs.p50}`);
  assert.ok(steals(ro) >= 150, `outside: steals ${steals(ro)}`);
});

/**
 * halt_poll_window and wake_latency_warm (optional model parameters): a thread unparked less
 * than halt_poll_window after it parked (its vCPU still polling) is woken in wake_latency_warm;
 * one parked longer takes wake_latency (worker_wake_latency for worker-to-worker wake-ups).
 * Absent, the model behaves as before. Noise off: the wake-up's effect alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { ROOT, model } from '../../helpers.js';

const constNs = (ns: number): Parameter => ({ value: ns, unit: 'ns', provenance: 'assumed', source: 'test' });
const withParams = (m: CostModel, params: Record<string, Parameter>): CostModel => ({
  ...m,
  parameters: { ...m.parameters, ...params },
});
const load = (name: string): Scenario =>
  loadScenario(join(ROOT, `scenarios/validation/${name}.json`), undefined, undefined, false).scenario;
const run = (s: Scenario, m: CostModel) => simulate(normalizeScenario(s, { model: m, noise: false }), m);
/** The same scenario with batches every `us` µs. */
function every(s: Scenario, us: number): Scenario {
  const t = structuredClone(s) as Scenario & { template: { source: { arrival: { intervalUs: number } } } };
  t.template.source.arrival.intervalUs = us;
  return t;
}

const COLD = withParams(model(), { wake_latency: constNs(40_000), worker_wake_latency: constNs(40_000) });
const WARM = withParams(COLD, { wake_latency_warm: constNs(5_000), halt_poll_window: constNs(150_000) });

test('absent (or only one of the two), the same bytes as before', () => {
  const s = load('ct-await-1p');
  const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null, model: null });
  const base = run(s, COLD);
  assert.equal(strip(run(s, withParams(COLD, { wake_latency_warm: constNs(5_000) }))), strip(base));
  assert.equal(strip(run(s, withParams(COLD, { halt_poll_window: constNs(150_000) }))), strip(base));
  assert.notEqual(strip(run(s, WARM)), strip(base));
});

test('current_thread: a runtime thread idle less than the window wakes warm, one idle longer cold', () => {
  // 64 records × 2 µs every 200 µs: ~130 µs busy, parked ~70 µs before each batch (< 150 µs).
  const short = load('ct-await-1p');
  const cold = run(short, COLD);
  const warm = run(short, WARM);
  const d = cold.latencyUs.p50 - warm.latencyUs.p50;
  assert.ok(d > 30 && d < 40, `idle ~70 µs: p50 ${cold.latencyUs.p50} → ${warm.latencyUs.p50} µs (35 µs faster wake expected)`);
  // Every 1 ms: parked ~870 µs, past the window: every wake-up stays cold.
  const long = every(short, 1000);
  assert.equal(run(long, WARM).latencyUs.p50, run(long, COLD).latencyUs.p50);
});

test('multi_thread: outside and worker-to-worker wake-ups of a briefly parked worker are warm', () => {
  // mt1-await-2p: 1 worker, batches every 250 µs; mt-await-2p (2 workers: worker wake-ups too)
  // with batches every 150 µs instead of 500 (parked ~400 µs, past the window: cold).
  for (const [name, us] of [
    ['mt1-await-2p', 250],
    ['mt-await-2p', 150],
  ] as const) {
    const s = every(load(name), us);
    const cold = run(s, COLD);
    const warm = run(s, WARM);
    assert.ok(warm.latencyUs.p50 < cold.latencyUs.p50 - 10, `${name}: p50 ${cold.latencyUs.p50} → ${warm.latencyUs.p50} µs`);
    const long = every(s, 2000);
    assert.equal(run(long, WARM).latencyUs.p50, run(long, COLD).latencyUs.p50, `${name} every 2 ms`);
  }
});

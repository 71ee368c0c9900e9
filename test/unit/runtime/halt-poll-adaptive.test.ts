/**
 * halt_poll_max (optional model parameter, with wake_latency_warm): a VM host's adaptive
 * halt-polling window (KVM's kvm_vcpu_halt). Each runtime thread's window starts at 0, doubles
 * from 10 µs after a halt shorter than halt_poll_max that outlasted it, halves after a longer
 * one; a wake-up inside the window is warm. So a runtime that parks for steady short times
 * between periodic batches (the window grows past the park) wakes warm, and one that parks longer
 * than halt_poll_max stays cold — where the fixed halt_poll_window (calibrated from random idles,
 * which keep resetting the adaptive window) says nearly every wake-up is cold.
 * Noise off: the wake-up's effect alone.
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
function every(s: Scenario, us: number): Scenario {
  const t = structuredClone(s) as Scenario & { template: { source: { arrival: { intervalUs: number } } } };
  t.template.source.arrival.intervalUs = us;
  return t;
}

const COLD = withParams(model(), { wake_latency: constNs(40_000), worker_wake_latency: constNs(40_000) });
/** As calibrated from random idles: a 7 µs fixed window. */
const FIXED = withParams(COLD, { wake_latency_warm: constNs(5_000), halt_poll_window: constNs(7_000) });
const ADAPTIVE = withParams(FIXED, { halt_poll_max: constNs(200_000) });

test('current_thread: steady parks shorter than halt_poll_max wake warm once the window has grown', () => {
  // ct-await-1p: 64 records × 2 µs every 200 µs: parked ~30 µs after a cold wake-up, ~65 µs after
  // a warm one. The window grows 10 → 20 → 40 → 80 µs over the first parks (each park + its 40 µs
  // cold wake-up < 200 µs), then covers the park: every later wake-up is warm (35 µs faster).
  const s = load('ct-await-1p');
  const fixed = run(s, FIXED);
  const adaptive = run(s, ADAPTIVE);
  assert.equal(fixed.latencyUs.p50, run(s, COLD).latencyUs.p50, 'a 7 µs fixed window: every wake-up cold');
  const d = fixed.latencyUs.p50 - adaptive.latencyUs.p50;
  assert.ok(d > 30 && d < 40, `p50 ${fixed.latencyUs.p50} → ${adaptive.latencyUs.p50} µs (35 µs faster expected)`);
  // ct-bounded-2p: every 100 µs, parked ~50 µs.
  const b = load('ct-bounded-2p');
  assert.ok(run(b, ADAPTIVE).latencyUs.p50 < run(b, FIXED).latencyUs.p50 - 30, 'ct-bounded-2p warm');
});

test('current_thread: parks longer than halt_poll_max, or short ones that with their cold wake-up outlast it, stay cold', () => {
  const s = load('ct-await-1p');
  // Every 400 µs: parked ~230 µs > 200 µs.
  const long = every(s, 400);
  assert.equal(run(long, ADAPTIVE).latencyUs.p50, run(long, COLD).latencyUs.p50);
  // Every 360 µs: parked ~187 µs < 200 µs, but the halt KVM sees (park + 40 µs cold wake-up)
  // exceeds 200 µs, so the window never grows from 0.
  const edge = every(s, 360);
  assert.equal(run(edge, ADAPTIVE).latencyUs.p50, run(edge, COLD).latencyUs.p50);
  // A smaller maximum: 50 µs. Parked ~30 µs + 40 µs > 50 µs: cold too.
  const small = withParams(FIXED, { halt_poll_max: constNs(50_000) });
  assert.equal(run(s, small).latencyUs.p50, run(s, COLD).latencyUs.p50);
});

test('multi_thread: a worker parked for steady short times wakes warm', () => {
  // mt1-await-2p: 1 worker, batches every 250 µs (32 × 3 µs): parked ~150 µs.
  const s = load('mt1-await-2p');
  const fixed = run(s, FIXED);
  const adaptive = run(s, ADAPTIVE);
  assert.ok(
    adaptive.latencyUs.p50 < fixed.latencyUs.p50 - 30,
    `p50 ${fixed.latencyUs.p50} → ${adaptive.latencyUs.p50} µs (35 µs faster expected)`,
  );
  const long = every(s, 1000);
  assert.equal(run(long, ADAPTIVE).latencyUs.p50, run(long, COLD).latencyUs.p50, 'every 1 ms: cold');
});

test('a model with the fixed window but no halt_poll_max says so (DS3030); one with it does not', () => {
  const s = load('ct-await-1p');
  const has = (r: ReturnType<typeof simulate>) =>
    r.warnings.some((w) => w.code === 'DS3030' && w.message.includes('halt_poll_max'));
  assert.ok(has(run(s, FIXED)), 'DS3030 names halt_poll_max');
  assert.ok(!has(run(s, ADAPTIVE)));
  assert.ok(!has(run(s, COLD)), 'no warm wake-ups modelled at all: nothing to say');
});

test('deterministic, and the fast-forward engine agrees with stepping', () => {
  const s = every(load('ct-sleep-2p'), 300);
  const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null });
  const pl = normalizeScenario(s, { model: ADAPTIVE, noise: false });
  const a = simulate(pl, ADAPTIVE);
  assert.equal(strip(a), strip(simulate(pl, ADAPTIVE)));
  assert.equal(strip(a), strip(simulate(pl, ADAPTIVE, { fastForward: false })));
});

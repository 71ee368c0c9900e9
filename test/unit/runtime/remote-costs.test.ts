/**
 * spawn_remote, unpark_remote, handoff_unbounded, handoff_bounded (optional model parameters):
 * multi_thread spawns and unparks on the block_on thread (not a worker), and channel items
 * received on another thread than the one that sent them. Absent, the model is charged what it
 * was before (spawn, unpark_worker, nothing) and the Result says which parameter it lacked (DS3030).
 *
 * Platform noise is pinned off (`noise: false`) so the effect measured is the parameter's alone.
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
const run = (s: Scenario, m: CostModel) => simulate(normalizeScenario(s, { model: m, noise: false }), m);
const fromFile = (rel: string) => loadScenario(join(ROOT, rel), undefined, undefined, false).scenario;
const fallbacks = (r: ReturnType<typeof simulate>) =>
  r.warnings
    .filter((w) => w.code === 'DS3030')
    .map((w) => /has no (\w+)/.exec(w.message)?.[1])
    // The worker-to-worker placement (worker-packing.test.ts) is not a remote cost.
    .filter((n) => n !== 'worker_wake_preempt')
    .sort();

/** block_on spawns t0…t3 (1 µs of work each) on 2 workers, then joins them. */
function spawner(): Scenario {
  const names = ['t0', 't1', 't2', 't3'];
  const tasks: Record<string, unknown> = {
    main: {
      start: 'block_on',
      program: [...names.map((t) => ({ op: 'spawn', task: t })), ...names.map((t) => ({ op: 'join', task: t }))],
    },
  };
  for (const t of names) tasks[t] = { start: 'spawned', program: [{ op: 'compute', cost: 1 }] };
  return {
    name: 'remote-spawn',
    seed: 1,
    runtime: { flavor: 'multi_thread', workers: 2, driver: 'timer' },
    machine: { cores: 4 },
    tasks,
  } as unknown as Scenario;
}

test('a spawn on the block_on thread pays spawn_remote, and its unparks unpark_remote', () => {
  const m = model();
  const spawnNs = m.parameters.spawn.value;
  const base = run(spawner(), m);
  assert.deepEqual(fallbacks(base), ['spawn_remote', 'unpark_remote']);
  assert.equal(base.breakdownUs.spawn, (Math.round(spawnNs) * 4) / 1000);
  const r = run(spawner(), withParams(m, { spawn_remote: constNs(5_000), unpark_remote: constNs(20_000) }));
  assert.deepEqual(fallbacks(r), []);
  assert.equal(r.breakdownUs.spawn, 20, 'four spawns × 5 µs');
  const unparks = r.breakdownUs.unpark / 20;
  assert.ok(unparks >= 1, `unpark ${r.breakdownUs.unpark} µs: at least one unpark_remote`);
  // The block_on thread's poll carries them: four remote spawns and at least one remote unpark.
  const busier = r.tasks.main.busyUs - base.tasks.main.busyUs;
  assert.ok(busier > 35, `main busy +${busier} µs`);
});

test('a spawn from a worker keeps spawn; current_thread never pays the remote costs', () => {
  const s = fromFile('scenarios/validation/mt-yield-1p-spawned.json');
  const m = model();
  const big = withParams(m, { spawn_remote: constNs(1_000_000) });
  const a = run(s, m);
  const b = run(s, big);
  // mt-yield-1p-spawned spawns from a task on a worker: identical figures with or without it.
  assert.equal(a.breakdownUs.spawn, b.breakdownUs.spawn);
  const ct = fromFile('scenarios/validation/ct-await-2p-blockon.json');
  const all = withParams(m, {
    spawn_remote: constNs(1_000_000),
    unpark_remote: constNs(1_000_000),
    handoff_unbounded: constNs(1_000_000),
    handoff_bounded: constNs(1_000_000),
  });
  const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null, model: null });
  assert.equal(strip(run(ct, m)), strip(run(ct, all)));
});

test('an item received on another worker than its sender pays handoff_unbounded; the same worker does not', () => {
  const s = fromFile('scenarios/validation/mt-await-2p.json');
  const m = model();
  const base = run(s, m);
  assert.ok(fallbacks(base).includes('handoff_unbounded'), JSON.stringify(base.warnings));
  const r = run(s, withParams(m, { handoff_unbounded: constNs(10_000), handoff_bounded: constNs(0) }));
  assert.ok(!fallbacks(r).includes('handoff_unbounded'));
  const extraUs = r.breakdownUs.recv - base.breakdownUs.recv;
  const crossItems = extraUs / 10;
  // 400 batches × 2 partition messages (+ the source's items, sent from outside: no hand-off):
  // some are taken by the other worker (steals), not all.
  assert.ok(crossItems > 50 && crossItems < 800, `cross items ${crossItems}`);
  assert.ok(Math.abs(crossItems - Math.round(crossItems)) < 1e-6, `whole hand-offs: ${crossItems}`);
  assert.ok(r.latencyUs.max > base.latencyUs.max, 'a hand-off delays its records');
});

test('absent, the figures are those of a model stating the fallbacks (spawn, unpark_worker, 0, wake_latency)', () => {
  const m = model();
  const stating = withParams(m, {
    // This model has no halt-poll window: a source's wake-up across CPUs is one wake_latency draw.
    wake_latency_packed: m.parameters.wake_latency,
    // The source thread's exit falls back on wake_latency_packed (stated above).
    source_exit_latency: m.parameters.wake_latency,
    spawn_remote: m.parameters.spawn,
    unpark_remote: m.parameters.unpark_worker,
    handoff_unbounded: constNs(0),
    handoff_bounded: constNs(0),
    conc_send_unbounded: constNs(0),
    conc_recv_unbounded: constNs(0),
    conc_send_bounded: constNs(0),
    conc_recv_bounded: constNs(0),
    // A source's wake-up on a busy vCPU: nothing (source-hold.test.ts).
    source_hold: constNs(0),
  });
  for (const s of [spawner(), fromFile('scenarios/validation/mt-bounded-4p-poisson.json')]) {
    const a = run(s, m);
    const b = run(s, stating);
    assert.ok(fallbacks(a).length > 0);
    assert.deepEqual(fallbacks(b), []);
    const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null, warnings: null });
    assert.equal(strip(a), strip(b));
  }
});

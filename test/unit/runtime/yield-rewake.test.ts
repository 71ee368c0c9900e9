/**
 * The yield cycle on multi_thread (docs/semantics.md, "The yield cycle"): a task yield-spinning on
 * one worker wakes the idle second worker every time it parks (its round leaves the searching
 * state as the last searcher: tokio 1.24 worker.rs 451–456, 843–850; 1.53 640–649, 1500–1508), and
 * that worker comes back `worker_rewake_latency` later (probe: mt_yield_cycle), not after a
 * `worker_wake_latency` (steal_wake, with its 300 µs mode). A model without it keeps the old
 * behaviour and says so (DS3030).
 *
 * Platform noise is off (`noise: false`) and the latencies are constants, so the cycle's length is
 * the model's alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../../src/runtime/simulate.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { model } from '../../helpers.js';

const constNs = (ns: number): Parameter => ({ value: ns, unit: 'ns', provenance: 'assumed', source: 'test' });

function withParams(m: CostModel, params: Record<string, Parameter | undefined>): CostModel {
  const p: Record<string, Parameter> = { ...m.parameters } as Record<string, Parameter>;
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) delete p[k];
    else p[k] = v;
  }
  return { ...m, parameters: p as CostModel['parameters'] };
}

/** A block_on body spawning one task that yields `n` times, on 2 workers. */
function loneYielder(n: number, tokio: '1.24' | '1.53'): Scenario {
  return {
    name: 'lone-yielder',
    runtime: { flavor: 'multi_thread', tokio, driver: 'timer', workers: 2 },
    tasks: {
      t0: { start: 'child', program: [{ op: 'repeat', n, body: [{ op: 'yield' }] }] },
      main: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 't0' },
          { op: 'join', task: 't0' },
        ],
      },
    },
  };
}

const run = (s: Scenario, m: CostModel) => simulate(normalizeScenario(s, { model: m, noise: false }), m);
/** The worker that did not poll the yielder: its parks and unparks. */
function idle(r: ReturnType<typeof run>) {
  const ws = r.workers.filter((w) => w.name.startsWith('worker-'));
  return ws.reduce((a, b) => (a.polls <= b.polls ? a : b));
}

const SLOW = 300_000; // steal_wake's slow mode
const REWAKE = 5_000;

for (const tokio of ['1.24', '1.53'] as const) {
  test(`${tokio}: the idle worker is re-woken every worker_rewake_latency (plus a round), not every worker_wake_latency`, () => {
    const m = withParams(model(), {
      wake_latency: constNs(SLOW),
      worker_wake_latency: constNs(SLOW),
      worker_rewake_latency: constNs(REWAKE),
    });
    const r = run(loneYielder(100_000, tokio), m);
    const w = idle(r);
    // One cycle: the yielder's next round notifies (< 1 µs: its notify cost is charged to it, not
    // to the wake-up), the idle worker wakes REWAKE later, searches (tens of ns), parks again.
    const cycleUs = r.simulatedUs / w.parks;
    assert.ok(w.parks > 1000, `${w.parks} parks in ${r.simulatedUs} µs`);
    assert.ok(cycleUs > REWAKE / 1000 && cycleUs < REWAKE / 1000 + 1.5, `cycle ${cycleUs} µs`);
    assert.ok(!r.warnings.some((x) => /worker_rewake_latency/.test(x.message)), 'no fallback warning');
    // Every re-wake costs the yielder unpark_worker: against a run whose idle worker is woken
    // once and never again, the loop is longer by about that per extra park.
    const alone = run(loneYielder(100_000, tokio), withParams(m, { worker_rewake_latency: constNs(100_000_000_000) }));
    assert.ok(idle(alone).parks <= 2, `alone: ${idle(alone).parks} parks`);
    const expectUs = ((w.parks - idle(alone).parks) * m.parameters.unpark_worker.value) / 1000;
    const extraUs = r.simulatedUs - alone.simulatedUs;
    assert.ok(Math.abs(extraUs - expectUs) < 0.15 * expectUs, `${extraUs} µs longer, ${expectUs} µs of unpark_worker`);
  });
}

test('a worker parked before the yielder began spinning is woken after worker_wake_latency', () => {
  // 2,000 yields take well under 1 s: a 1 s worker_wake_latency never ends inside the run, so the
  // idle worker (parked at start, before the stretch) is unparked once and never runs again —
  // whatever worker_rewake_latency says.
  const m = withParams(model(), {
    wake_latency: constNs(SLOW),
    worker_wake_latency: constNs(1_000_000_000),
    worker_rewake_latency: constNs(REWAKE),
  });
  const r = run(loneYielder(2_000, '1.24'), m);
  const w = idle(r);
  assert.ok(r.simulatedUs < 100_000, `${r.simulatedUs} µs`);
  assert.equal(w.unparks, 1, JSON.stringify(w));
  assert.equal(w.parks, 1, JSON.stringify(w));
});

test('a park older than a re-wake (the spinner ran a long poll meanwhile) is woken after worker_wake_latency', () => {
  // Yield 20,000 times, compute 200 µs in one poll, yield 500 times more (~0.1 ms). The idle
  // worker cycles through the first stretch, then parks during the long poll; the next round's
  // notify finds a park of ~200 µs, older than the 5 µs re-wake the probe measured: it takes
  // worker_wake_latency (300 µs), longer than the second stretch, so no cycle happens in it.
  const m = withParams(model(), {
    wake_latency: constNs(SLOW),
    worker_wake_latency: constNs(SLOW),
    worker_rewake_latency: constNs(REWAKE),
  });
  const stretch = (n: number) => ({ op: 'repeat' as const, n, body: [{ op: 'yield' as const }] });
  const s = loneYielder(20_000, '1.24');
  const first = run(s, m);
  s.tasks!.t0.program = [stretch(20_000), { op: 'compute', cost: 200 }, stretch(500)];
  const both = run(s, m);
  assert.ok(idle(first).parks > 100, `${idle(first).parks} parks in the first stretch`);
  assert.ok(both.simulatedUs > first.simulatedUs + 200, `${both.simulatedUs} vs ${first.simulatedUs} µs`);
  assert.ok(idle(both).parks - idle(first).parks <= 2, `${idle(both).parks} vs ${idle(first).parks} parks`);
});

test('under adaptive halt-polling the re-wake is still worker_rewake_latency (measured as a whole), not a warm draw', () => {
  // A KVM window (halt_poll_max) that would call these sub-µs parks warm, with a 50 µs warm
  // latency: the cycle stays ~5 µs, as the probe measured it on this host.
  const m = withParams(model(), {
    wake_latency: constNs(SLOW),
    worker_wake_latency: constNs(SLOW),
    worker_rewake_latency: constNs(REWAKE),
    halt_poll_max: constNs(200_000),
    wake_latency_warm: constNs(50_000),
  });
  const r = run(loneYielder(100_000, '1.24'), m);
  const cycleUs = r.simulatedUs / idle(r).parks;
  assert.ok(cycleUs > REWAKE / 1000 && cycleUs < REWAKE / 1000 + 1.5, `cycle ${cycleUs} µs`);
});

test('without worker_rewake_latency the re-wake takes worker_wake_latency, with DS3030', () => {
  const m = withParams(model(), {
    wake_latency: constNs(SLOW),
    worker_wake_latency: constNs(SLOW),
    worker_rewake_latency: undefined,
  });
  const stated = withParams(m, { worker_rewake_latency: constNs(SLOW) });
  const a = run(loneYielder(20_000, '1.24'), m);
  const b = run(loneYielder(20_000, '1.24'), stated);
  assert.ok(
    a.warnings.some((x) => x.code === 'DS3030' && /worker_rewake_latency/.test(x.message)),
    JSON.stringify(a.warnings),
  );
  const strip = (r: typeof a) => JSON.stringify({ ...r, engine: null, warnings: null });
  assert.equal(strip(a), strip(b));
  assert.ok(idle(a).parks < 30, `${idle(a).parks} parks`);
});

test('fast-forward: the same bytes as stepping with the yield cycle on (periodic yield-spinning partitions)', async () => {
  const { loadScenario } = await import('../../../src/cli/load.js');
  const { join } = await import('node:path');
  const { ROOT } = await import('../../helpers.js');
  const m = withParams(model(), {
    worker_wake_latency: constNs(SLOW),
    worker_rewake_latency: { ...constNs(REWAKE), distribution: { p: [0, 0.5, 1], ns: [4_000, 5_000, 9_000] } },
  });
  let jumps = 0;
  for (const name of ['mt-yield-1p', 'mt-yield-2p', 'task-mt-yield-1p-w0-i1000us-spawn']) {
    const { scenario } = loadScenario(join(ROOT, `scenarios/validation/${name}.json`), undefined, undefined, false);
    for (const tokio of ['1.24', '1.53'] as const) {
      const plan = normalizeScenario({ ...scenario, runtime: { ...scenario.runtime, tokio } }, { model: m });
      const fast = simulate(plan, m);
      const stepped = simulate(plan, m, { fastForward: false });
      const strip = (r: typeof fast) => JSON.stringify({ ...r, engine: null });
      assert.equal(strip(fast), strip(stepped), `${name} ${tokio}`);
      jumps += fast.engine.fastForward?.jumps ?? 0;
    }
  }
  assert.ok(jumps > 0, 'it jumps');
});

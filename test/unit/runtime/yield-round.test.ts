/**
 * What one yield round costs a multi_thread worker, per tokio version (docs/semantics.md, "tokio
 * versions"): from 1.29 a worker reads the clock when it stops processing scheduled tasks (its
 * queues ran dry: MetricsBatch's busy duration, and the poll-time EWMA after a poll) and when it
 * starts again (both, twice) — four reads in every round of a lone yield loop, none on 1.24.
 * Platform noise is off so the figures are the charges alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { CostModel } from '../../../src/schema/model.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { simulate } from '../../../src/runtime/simulate.js';
import type { TokioVersion } from '../../../src/plan/tokio-versions.js';
import { model } from '../../helpers.js';

const YIELDS = 20_000;

/** One spawned task yielding YIELDS times on a 1-worker multi_thread runtime (the block_on thread joins it). */
function loneYield(tokio: TokioVersion, workers = 1): Scenario {
  return {
    name: 'lone-yield',
    runtime: { flavor: 'multi_thread', tokio, workers, driver: 'timer' },
    tasks: {
      main: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 'y' },
          { op: 'join', task: 'y' },
        ],
      },
      y: { start: 'child', program: [{ op: 'repeat', n: YIELDS, body: [{ op: 'yield', kind: 'yield_now' }] }] },
    },
  };
}

const elapsedNs = (s: Scenario, m: CostModel) => {
  const r = simulate(normalizeScenario(s, { model: m, noise: false }), m);
  return { ns: r.tasks.y.elapsedUs * 1000, r };
};

test('multi_thread yield round: four clock reads more on 1.47 and 1.53 than on 1.24 (same costs)', () => {
  const m = model('tokio-1.53-2vcpu-release');
  // As the simulator charges it: integer ns (a model without clock_read: the rounded difference).
  const p = m.parameters;
  const clock = p.clock_read
    ? Math.round(p.clock_read.value)
    : Math.round(p.spin_check.value) - Math.round(p.try_recv_unbounded.value);
  assert.ok(clock > 0);
  const old = elapsedNs(loneYield('1.24'), m).ns / YIELDS;
  for (const v of ['1.47', '1.53'] as const) {
    const { ns, r } = elapsedNs(loneYield(v), m);
    const extra = (ns / YIELDS - old) / clock;
    // 4 per round, and 4 more per maintenance (every 61 ticks, a round is 2 ticks: 1/30.5 round).
    assert.ok(extra > 4 && extra < 4.2, `${v}: ${extra.toFixed(3)} clock reads per yield more than 1.24`);
    assert.ok(r.breakdownUs.poll > 0);
  }
});

test('a model without clock_read charges spin_check − try_recv_unbounded per read, and says so (DS3030)', () => {
  const m = structuredClone(model('tokio-1.53-2vcpu-release'));
  delete (m.parameters as Record<string, unknown>).clock_read;
  const { r } = elapsedNs(loneYield('1.53'), m);
  assert.ok(
    r.warnings.some((w) => w.code === 'DS3030' && /clock_read/.test(w.message)),
    JSON.stringify(r.warnings),
  );
  const { r: r24 } = elapsedNs(loneYield('1.24'), m);
  assert.ok(!r24.warnings.some((w) => /clock_read/.test(w.message)), 'no clock read is charged on 1.24');
});

/**
 * conc_send_* / conc_recv_* (optional model parameters): a send while the channel's receiving task
 * is being polled on another thread at the same time, and a receive while the task that sent the
 * item is still in its poll on another thread, pay the extra of the channel's shared lines moving
 * between the two CPUs on every item. Two ends that take turns (one thread; or the receiver runs
 * after the sender's poll) pay nothing. Absent, nothing is charged and the Result says so (DS3030).
 *
 * Platform noise is pinned off (`noise: false`) so the effect measured is the parameter's alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../../src/runtime/simulate.js';
import { analyze } from '../../../src/analytic/analyze.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { ROOT, model } from '../../helpers.js';

const constNs = (ns: number): Parameter => ({ value: ns, unit: 'ns', provenance: 'assumed', source: 'test' });
const withParams = (m: CostModel, params: Record<string, Parameter>): CostModel => ({
  ...m,
  parameters: { ...m.parameters, ...params },
});
const run = (s: Scenario, m: CostModel) => simulate(normalizeScenario(s, { model: m, noise: false }), m);
const fallbacks = (r: ReturnType<typeof simulate>) =>
  r.warnings
    .filter((w) => w.code === 'DS3030')
    .map((w) => /has no (\w+)/.exec(w.message)?.[1])
    .filter((n) => n?.startsWith('conc_'))
    .sort();

const N = 1000;

/**
 * A coordinator sends N one-record messages, 1 µs apart, to a partition that receives them with a
 * busy spin (it holds its thread, polled all along, and keeps up). `flavor` multi_thread: the coordinator is the
 * block_on thread and first waits 500 µs (busy), so the partition is already spinning on a worker
 * when the sends start: both ends at once. current_thread: one thread, the two take turns.
 */
function pipeline(flavor: 'multi_thread' | 'current_thread', kind: 'unbounded' | 'bounded'): Scenario {
  return {
    name: `conc-${flavor}-${kind}`,
    runtime: flavor === 'multi_thread' ? { flavor, workers: 2, driver: 'timer' } : { flavor, driver: 'timer' },
    channels: { ch: kind === 'bounded' ? { kind, capacity: 2 * N } : { kind } },
    tasks: {
      coordinator: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 'partition' },
          { op: 'compute', cost: flavor === 'multi_thread' ? 500 : 0 },
          {
            op: 'repeat',
            n: N,
            body: [{ op: 'record_start' }, { op: 'compute', cost: 1 }, { op: 'send', channel: 'ch', records: 1 }],
          },
          { op: 'close', channel: 'ch' },
          { op: 'join', task: 'partition' },
        ],
      },
      partition: {
        start: 'child',
        program: [
          {
            op: 'while_open',
            channel: 'ch',
            // current_thread: a spin without a limit would never let the coordinator run.
            wait: [flavor === 'multi_thread' ? { kind: 'spin' } : { kind: 'await_recv' }],
            body: [{ op: 'for_each_record', body: [{ op: 'record_end' }] }],
          },
        ],
      },
    },
  } as unknown as Scenario;
}

test('sends while the receiver is polled on another thread pay conc_send_unbounded, once per item', () => {
  const s = pipeline('multi_thread', 'unbounded');
  const m = model();
  const base = run(s, m);
  assert.deepEqual(fallbacks(base), ['conc_send_unbounded'], JSON.stringify(base.warnings));
  const r = run(s, withParams(m, { conc_send_unbounded: constNs(1000), conc_recv_unbounded: constNs(0) }));
  assert.deepEqual(fallbacks(r), []);
  const extraItems = (r.breakdownUs.send - base.breakdownUs.send) / 1;
  // The partition spins on the other worker from before the first send to after the last.
  assert.ok(Math.abs(extraItems - N) < 1e-6, `concurrent sends ${extraItems} of ${N}`);
  assert.ok(r.tasks.coordinator.elapsedUs > base.tasks.coordinator.elapsedUs + 0.9 * N * 1, 'the sender is slower');
});

test('receives of items whose sender is still in its poll on another thread pay conc_recv_unbounded', () => {
  const s = pipeline('multi_thread', 'unbounded');
  const m = model();
  const base = run(s, withParams(m, { conc_send_unbounded: constNs(0), conc_recv_unbounded: constNs(0) }));
  const r = run(s, withParams(m, { conc_send_unbounded: constNs(0), conc_recv_unbounded: constNs(100) }));
  const extraItems = (r.breakdownUs.recv - base.breakdownUs.recv) / 0.1;
  // The partition keeps up with the 1 µs sends: every item is taken while the sender's poll goes on.
  assert.ok(Math.abs(extraItems - N) < 0.5, `concurrent receives ${extraItems} of ${N}`);
  assert.ok(r.latencyUs.p50 > base.latencyUs.p50, 'a slower receive delays the records');
});

test('bounded channels pay conc_*_bounded, not the unbounded parameters', () => {
  const s = pipeline('multi_thread', 'bounded');
  const m = model();
  const zero = { conc_send_bounded: constNs(0), conc_recv_bounded: constNs(0) };
  const base = run(s, withParams(m, zero));
  const u = run(s, withParams(m, { ...zero, conc_send_unbounded: constNs(1000), conc_recv_unbounded: constNs(1000) }));
  assert.equal(u.breakdownUs.send, base.breakdownUs.send);
  assert.equal(u.breakdownUs.recv, base.breakdownUs.recv);
  const b = run(s, withParams(m, { conc_send_bounded: constNs(100), conc_recv_bounded: constNs(100) }));
  assert.ok(Math.abs((b.breakdownUs.send - base.breakdownUs.send) / 0.1 - N) < 0.5, 'bounded sends at once pay');
  assert.ok(Math.abs((b.breakdownUs.recv - base.breakdownUs.recv) / 0.1 - N) < 0.5, 'bounded receives at once pay');
});

test('two ends that take turns on one thread pay nothing (current_thread)', () => {
  const s = pipeline('current_thread', 'unbounded');
  const m = model();
  const a = run(s, m);
  const b = run(s, withParams(m, { conc_send_unbounded: constNs(1_000_000), conc_recv_unbounded: constNs(1_000_000) }));
  assert.deepEqual(fallbacks(a), []);
  const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null, model: null });
  assert.equal(strip(a), strip(b));
});

test('absent, the figures are those of a model stating conc_* = 0 (DS3030 says which was missing)', () => {
  const s = pipeline('multi_thread', 'unbounded');
  const m = model();
  const stating = withParams(m, { conc_send_unbounded: constNs(0), conc_recv_unbounded: constNs(0) });
  const a = run(s, m);
  const b = run(s, stating);
  assert.ok(fallbacks(a).length > 0);
  assert.deepEqual(fallbacks(b), []);
  const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null, warnings: null, model: null });
  assert.equal(strip(a), strip(b));
});

test('the analytic model leaves conc_* out and says so (DS4090), where the model has them', () => {
  const s = loadScenario(join(ROOT, 'scenarios/validation/mt-w0-await-2p.json'), undefined, undefined, false).scenario;
  const m = model();
  const note = (mm: CostModel) =>
    analyze(normalizeScenario(s, { model: mm, noise: false }), mm).warnings.find((w) => w.code === 'DS4090')?.message ?? '';
  assert.doesNotMatch(note(m), /conc_/);
  assert.match(note(withParams(m, { conc_send_unbounded: constNs(10), conc_recv_unbounded: constNs(0) })), /conc_send_unbounded/);
});

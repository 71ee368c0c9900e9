/**
 * record_end / record_start (optional model parameters, docs/semantics.md *Per-record
 * bookkeeping*): each record_end charges the per-record bookkeeping after the record's latency
 * is taken, so in a batch record i waits for i records of it; record_start charges its clock
 * read after the stamp. Absent (older models), nothing is charged and the Result has the same
 * bytes as before (test/golden too); the breakdown shows the charge as `record_bookkeeping`.
 *
 * Platform noise is pinned off (`noise: false`): the effect measured is the charge's alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { RECORD_CATEGORY } from '../../../src/plan/result-parts.js';
import { analyze } from '../../../src/analytic/analyze.js';
import { advise } from '../../../src/plan/advise.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { ROOT, model } from '../../helpers.js';

const strip = (r: ReturnType<typeof simulate>) => JSON.stringify({ ...r, engine: null });
const constNs = (ns: number): Parameter => ({ value: ns, unit: 'ns', provenance: 'assumed', source: 'test' });
const withParams = (m: CostModel, params: Record<string, Parameter>): CostModel => ({
  ...m,
  parameters: { ...m.parameters, ...params },
});

/** study-partition-simulation: 100 batches of 100 records, W = 0 (for_each_record { record_end }). */
function w0(m: CostModel, fastForward = true) {
  const { scenario } = loadScenario(
    join(ROOT, 'scenarios/validation/study-partition-simulation.json'),
    undefined,
    undefined,
    false,
  );
  return simulate(normalizeScenario(scenario, { model: m, noise: false }), m, { fastForward });
}

test('W = 0 batches: record i waits for i records of bookkeeping (p50 and p90 − p50 grow with record_end)', () => {
  const m = model();
  assert.equal(m.parameters.record_end, undefined);
  const before = w0(m);
  const after = w0(withParams(m, { record_end: constNs(40) }));
  assert.equal(after.records, before.records);
  // p50 is about record 50 of its batch, p90 record 90: 50 × 40 ns and 40 × 40 ns later.
  const dP50 = after.latencyUs.p50 - before.latencyUs.p50;
  const dSpread = after.latencyUs.p90 - after.latencyUs.p50 - (before.latencyUs.p90 - before.latencyUs.p50);
  assert.ok(dP50 > 1.5 && dP50 < 2.5, `p50 grew by ${dP50} µs`);
  assert.ok(dSpread > 1.2 && dSpread < 2.0, `p90 − p50 grew by ${dSpread} µs`);
  // Charged once per record, under its own label, as useful CPU.
  assert.equal(after.breakdownUs[RECORD_CATEGORY], (after.records * 40) / 1000);
  assert.equal(before.breakdownUs[RECORD_CATEGORY], undefined);
});

test('record_start: a self-stamped record pays its clock read inside its latency', () => {
  const s: Scenario = {
    name: 'record-start',
    runtime: { flavor: 'current_thread', driver: 'timer' },
    tasks: {
      main: { start: 'block_on', program: [{ op: 'repeat', n: 100, body: [{ op: 'record_start' }, { op: 'record_end' }] }] },
    },
  } as Scenario;
  const m = withParams(model(), { record_start: constNs(30) });
  const r = simulate(normalizeScenario(s, { model: m, noise: false }), m);
  assert.equal(r.records, 100);
  assert.equal(r.latencyUs.p50, 0.03);
  assert.equal(r.latencyUs.max, 0.03);
  assert.equal(r.breakdownUs[RECORD_CATEGORY], 3);
});

test('absent or zero, nothing is charged: the same bytes as a model without them', () => {
  const m = model();
  const zero = withParams(m, { record_end: constNs(0), record_start: constNs(0) });
  assert.equal(strip(w0(zero)), strip(w0(m)));
});

test('fast-forward gives the same bytes as stepping with record_end charged (yield-spin pipeline)', () => {
  const m = withParams(model(), { record_end: constNs(40), record_start: constNs(30) });
  const { scenario } = loadScenario(join(ROOT, 'scenarios/validation/ct-yield-4p.json'), undefined, undefined, false);
  const plan = normalizeScenario(scenario, { model: m, noise: false });
  const fast = simulate(plan, m);
  const stepped = simulate(plan, m, { fastForward: false });
  assert.ok(fast.engine.fastForward && fast.engine.fastForward.jumps > 0, 'it jumps');
  assert.equal(strip(fast), strip(stepped));
  assert.ok(fast.breakdownUs[RECORD_CATEGORY] > 0);
});

test('the analytic model charges record bookkeeping as the simulator does (record_end, record_start, compute_op)', () => {
  // ct-await-1p (exact closed form): 32,000 records of one compute each, stamped by their sender.
  const { scenario } = loadScenario(join(ROOT, 'scenarios/validation/ct-await-1p.json'), undefined, undefined, false);
  const m = model();
  const mm = withParams(m, { record_end: constNs(40), record_start: constNs(30), compute_op: constNs(20) });
  const both = (x: CostModel) => {
    const plan = normalizeScenario(scenario, { model: x, noise: false });
    return { a: analyze(plan, x), s: simulate(plan, x) };
  };
  const base = both(m);
  const bk = both(mm);
  // Each record pays record_end + compute_op (its sender stamps it with no record_start op); the
  // consumer's busy time grows by exactly that, in both back-ends.
  const perRecordUs = (40 + 20) / 1000;
  const grow = (r: { a: ReturnType<typeof analyze>; s: ReturnType<typeof simulate> }, k: 'a' | 's') =>
    r[k].tasks['partition[0]'].busyUs;
  for (const k of ['a', 's'] as const)
    assert.ok(
      Math.abs(grow(bk, k) - grow(base, k) - bk.s.records * perRecordUs) < 1,
      `${k}: busy grows by records × (record_end + compute_op): ${grow(bk, k) - grow(base, k)} µs`,
    );
  assert.ok(bk.a.breakdownUs[RECORD_CATEGORY] > 0, 'the analytic breakdown shows the charge');
  assert.equal(base.a.breakdownUs[RECORD_CATEGORY], undefined, 'and no category for a model without it');
  // The mean latency moves with the simulator's (batches of 64: record i waits for i records of it).
  const shift = (k: 'a' | 's') => bk[k].latencyUs.mean - base[k].latencyUs.mean;
  assert.ok(shift('s') > 1, `the simulator's mean latency grows (${shift('s')} µs)`);
  assert.ok(Math.abs(shift('a') - shift('s')) < 0.1 * shift('s'), `analytic ${shift('a')} µs vs simulated ${shift('s')} µs`);
  assert.ok(!bk.a.warnings.some((w) => w.code === 'DS4090' && w.message.includes('record_end')), 'no longer a left-out note');
});

test("simulate's advice notes DS2111 when the model has no record_end and records do little work", () => {
  const m = model();
  const r = w0(m);
  const codes = (mm: CostModel, rr = r) => advise({ model: mm, result: rr }).map((f) => f.code);
  assert.ok(codes(m).includes('DS2111'));
  assert.ok(!codes(withParams(m, { record_end: constNs(40) })).includes('DS2111'));
  // Records of 2 µs each (ct-await-1p): tens of ns of bookkeeping are ~2 %: not noted.
  const { scenario } = loadScenario(join(ROOT, 'scenarios/validation/ct-await-1p.json'), undefined, undefined, false);
  const busy = simulate(normalizeScenario(scenario, { model: m, noise: false }), m);
  assert.ok(busy.cpuUs.useful / busy.records >= 1);
  assert.ok(!codes(m, busy).includes('DS2111'));
});

// ---- compute_op: the harness's own cost of a compute instruction ------------------------------

/** One block_on task: `n` records, each a compute of `workNs` (0: none) and a record_end. */
function computeLoop(m: CostModel, workNs: number, n = 100) {
  const s = {
    name: 'compute-op',
    runtime: { flavor: 'current_thread', driver: 'timer' },
    tasks: {
      main: {
        start: 'block_on',
        program: [
          {
            op: 'repeat',
            n,
            body: [{ op: 'record_start' }, { op: 'compute', cost: workNs / 1000 }, { op: 'record_end' }],
          },
        ],
      },
    },
  } as Scenario;
  return simulate(normalizeScenario(s, { model: m, noise: false }), m);
}

test('compute_op: charged once per compute instruction after its work, inside the record, under record_bookkeeping', () => {
  const m = model();
  const before = computeLoop(m, 2000);
  const after = computeLoop(withParams(m, { compute_op: constNs(60) }), 2000);
  assert.equal(after.records, before.records);
  // Each record: record_start … compute 2 µs, compute_op 60 ns … record_end: 60 ns more latency.
  assert.equal(Math.round((after.latencyUs.p50 - before.latencyUs.p50) * 1000), 60);
  assert.equal(after.breakdownUs[RECORD_CATEGORY], (after.records * 60) / 1000);
  assert.equal(before.breakdownUs[RECORD_CATEGORY], undefined);
  assert.equal(after.breakdownUs.compute, before.breakdownUs.compute);
  // The analytic model charges it the same way (the compute loop is its exact yield_loop shape).
  const plan = (x: CostModel) =>
    normalizeScenario(
      {
        name: 'c',
        runtime: { flavor: 'current_thread', driver: 'timer' },
        tasks: {
          main: {
            start: 'block_on',
            program: [
              {
                op: 'repeat',
                n: 100,
                body: [
                  { op: 'record_start' },
                  { op: 'compute', cost: 2 },
                  { op: 'repeat', n: 1, body: [{ op: 'yield' }] },
                  { op: 'record_end' },
                ],
              },
            ],
          },
        },
      } as Scenario,
      { model: x, noise: false },
    );
  const mm = withParams(m, { compute_op: constNs(60) });
  const a0 = analyze(plan(m), m);
  const a1 = analyze(plan(mm), mm);
  assert.equal(Math.round((a1.latencyUs.p50 - a0.latencyUs.p50) * 1000), 60);
  assert.equal(a1.breakdownUs[RECORD_CATEGORY], (a1.records * 60) / 1000);
});

test('compute_op: a zero-length compute reads no clock in the harness and is charged nothing', () => {
  const m = model();
  const op = withParams(m, { compute_op: constNs(60) });
  const r = computeLoop(op, 0);
  assert.equal(r.breakdownUs[RECORD_CATEGORY] ?? 0, 0);
  assert.equal(r.latencyUs.max, computeLoop(m, 0).latencyUs.max);
});

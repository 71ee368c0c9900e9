import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bandFor } from '../../../src/analytic/bands.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { diag, InputError } from '../../../src/schema/diagnostics.js';
import type { CostModel } from '../../../src/schema/model.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import type { Backends } from '../../../src/sweep/backends.js';
import { analyticVerdict, searchPlan } from '../../../src/sweep/plan-search.js';
import { PRUNE_MARGIN, prunesOnPrediction, prunesOnRefusal } from '../../../src/sweep/prune.js';
import { refusalOf, runPoint } from '../../../src/sweep/run-point.js';
import { parseSlo, withArrivalRate } from '../../../src/sweep/slo.js';
import { ROOT } from '../../helpers.js';
import { SMALL } from './fixtures.js';

const model = JSON.parse(readFileSync(join(ROOT, 'models/host-release.json'), 'utf8')) as CostModel;
/**
 * SMALL with periodic arrivals: under a model with adaptive halt-polling (halt_poll_max) the
 * analytic model has a closed form for periodic arrivals only (Poisson ones are refused, DS4003,
 * unless overloaded), and these tests need a prediction.
 */
const PERIODIC: Scenario =
  SMALL.template?.kind === 'pipeline'
    ? {
        ...SMALL,
        template: { ...SMALL.template, source: { ...SMALL.template.source, arrival: { kind: 'periodic', intervalUs: 500 } } },
      }
    : SMALL;
const p99 = parseSlo('p99<=100us');
const p999 = parseSlo('p999<=100us');
const tput = parseSlo('throughput>=100k/s');
const EXACT = bandFor('exact: test')!;
const HEURISTIC = bandFor('heuristic: test')!;
const overload = (capacity: number) =>
  diag('DS4004', 's.json', '', { resource: 'the worker pool', rho: '130%', capacity, offered: 130000 });

test('a prediction prunes only when its band is within the margin and even the band edge misses', () => {
  assert.ok(HEURISTIC.p99 > PRUNE_MARGIN && EXACT.p99 <= PRUNE_MARGIN, 'the bands this test relies on');
  assert.equal(prunesOnPrediction([p99], { p99Us: 200 }, EXACT), true, 'exact, 2× the target');
  assert.equal(prunesOnPrediction([p99], { p99Us: 200 }, HEURISTIC), false, 'a heuristic answer never prunes a latency target');
  assert.equal(
    prunesOnPrediction([p99], { p99Us: 110 }, EXACT),
    false,
    'misses by 10%: within the margin, the simulator decides',
  );
  assert.equal(prunesOnPrediction([p99], { p99Us: 90 }, EXACT), false, 'meets the target');
  assert.equal(prunesOnPrediction([p999], { p999Us: 1000 }, EXACT), false, 'p999 has no stated band');
  assert.equal(prunesOnPrediction([p99], { p99Us: 1000 }, undefined), false, 'an approximation without a band');
  assert.equal(prunesOnPrediction([tput], { recordsPerSec: 50000 }, EXACT), true, 'throughput half the target');
  assert.equal(prunesOnPrediction([p99, tput], { p99Us: 50, recordsPerSec: 50000 }, EXACT), true, 'any missed target prunes');
});

test('an overload refusal prunes latency targets, and throughput targets above its bound', () => {
  assert.equal(prunesOnRefusal([p99], [overload(90000)]), true);
  assert.equal(prunesOnRefusal([tput], [overload(90000)]), true, '100k/s wanted, 90k/s possible');
  assert.equal(prunesOnRefusal([parseSlo('throughput>=80k/s')], [overload(90000)]), false, 'the bound meets the target');
  const noForm = diag('DS4003', 's.json', '', { shape: 'a pipeline', flavor: 'multi_thread', detail: 'spin waits' });
  assert.equal(prunesOnRefusal([p99], [noForm]), false, 'no closed form: the simulator decides');
});

test('every DS40xx refusal is "not applicable" on a sweep point; other input errors propagate', () => {
  assert.deepEqual(
    refusalOf(new InputError([overload(1)], 4))?.map((d) => d.code),
    ['DS4004'],
  );
  assert.equal(refusalOf(new InputError([diag('DS1101', 's.json', '/x', { expected: 'a number', got: 'a string' })])), undefined);
  assert.equal(refusalOf(new Error('boom')), undefined);
  const refuse = (d: ReturnType<typeof diag>): Backends => ({
    analyze: () => {
      throw new InputError([d], 4);
    },
  });
  const ctx = { scenario: SMALL, axes: [], file: 's.json', model, engine: 'analytic' as const, seeds: [1] };
  const point = runPoint({ index: 0, values: [] }, ctx, refuse(overload(90000)));
  assert.equal(point.runs.length, 0);
  assert.match(point.notApplicable ?? '', /overloaded: .* \[DS4004\]$/);
  const bad = diag('DS1101', 's.json', '/x', { expected: 'a number', got: 'a string' });
  assert.throws(
    () => runPoint({ index: 0, values: [] }, ctx, refuse(bad)),
    (e: unknown) => e instanceof InputError && e.diagnostics[0].code === 'DS1101',
  );
});

test('the analytic model refuses an overloaded plan with one DS4004 carrying its bound, and that prunes', async () => {
  const { analyze } = await import('../../../src/analytic/analyze.js');
  const plan = normalizeScenario(withArrivalRate(SMALL, 5e6, 's.json').scenario, { model });
  const v = analyticVerdict(analyze, plan, model, [p99]);
  assert.equal(v.kind, 'refused');
  assert.ok(v.kind === 'refused' && v.code === 'DS4004' && v.prune);
  assert.throws(
    () => analyze(plan, model),
    (e: unknown) =>
      e instanceof InputError && e.diagnostics.length === 1 && typeof e.diagnostics[0].params?.capacity === 'number',
  );
  const light = analyticVerdict(analyze, normalizeScenario(PERIODIC, { model }), model, [p99]) as Extract<
    ReturnType<typeof analyticVerdict>,
    { kind: 'predicted' }
  >;
  assert.equal(light.kind, 'predicted');
  assert.equal(light.prune, false);
  assert.ok(light.metrics.p99Us > 0 && light.approximation.length > 0);
});

test('plan search skips overloaded configurations without simulating them', async () => {
  // SMALL at 300k records/s: one worker is overloaded (the model's bound is ~200k/s), two or more are not.
  const a = await searchPlan({
    scenario: PERIODIC,
    file: 's.json',
    model,
    varies: [{ pointer: '/runtime/workers', values: [1, 2, 3, 4] }],
    slos: [parseSlo('p99<=10ms')],
    ratePerSec: 3e5,
    weights: {},
    replications: 1,
    jobs: 1,
  });
  assert.ok(a.analyticAvailable);
  assert.ok(a.prunedOverloaded >= 1, `pruned ${a.pruned}, overloaded ${a.prunedOverloaded}`);
  assert.equal(a.pruned, 1, 'workers=1 only');
  assert.ok(a.simulated >= 1 && a.simulated <= 3, 'the search stops once two configurations pass');
  assert.equal(a.answer?.workers, 2);
  assert.equal(a.answer?.source, 'simulated');
  assert.equal(a.answer?.analytic?.kind, 'predicted');
});

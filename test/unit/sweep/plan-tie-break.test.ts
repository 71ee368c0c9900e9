/**
 * `plan`'s tie-break: a string axis (`wait=yield,await`) adds nothing to the cost, so a yield-spin
 * configuration and an await one on the same cores cost the same; the one with fewer cores busy
 * must win (issue 17: the plan picked yield at 4.00 cores busy over await at ~1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaffoldPipeline } from '../../../src/plan/scaffold.js';
import { parseVary } from '../../../src/sweep/grid.js';
import { rankPassing, searchPlan, type Candidate } from '../../../src/sweep/plan-search.js';
import { parseSlo } from '../../../src/sweep/slo.js';
import { model } from '../../helpers.js';

const scenario = () =>
  scaffoldPipeline({
    name: 'tie',
    flavor: 'multi_thread',
    cores: 4,
    ratePerSec: 200_000,
    workUs: 5,
    batchRecords: 100,
    durationMs: 2,
    arrival: 'periodic',
    seed: 1,
    partitions: 4,
    wait: 'yield',
    sleepUs: 1000,
  });

test('plan: at equal cost the configuration with fewer cores busy wins (await over yield-spin)', async () => {
  const a = await searchPlan({
    scenario: scenario(),
    file: 'tie.json',
    model: model(),
    varies: [parseVary('wait=yield,await')],
    slos: [parseSlo('p99<=5ms')],
    ratePerSec: 200_000,
    weights: {},
    replications: 1,
    noise: false,
    jobs: 1,
  });
  assert.equal(a.tried.length, 2, 'both tied configurations are simulated');
  assert.equal(a.tried[0].cost, a.tried[1].cost, 'the wait axis adds nothing to the cost');
  assert.ok(
    a.tried.every((c) => c.meets),
    'both meet a loose target',
  );
  assert.equal(a.answer?.values[0], 'await', `answer ${String(a.answer?.values[0])}`);
  assert.equal(a.runnerUp?.values[0], 'yield');
  assert.ok(a.answer!.metrics.coresBusy < a.runnerUp!.metrics.coresBusy);
});

test('plan: the search goes on past two passing configurations while the next one costs the same', async () => {
  // Three wait strategies at one cost, two of them passing before the last: all three are tried.
  const a = await searchPlan({
    scenario: scenario(),
    file: 'tie.json',
    model: model(),
    varies: [parseVary('wait=yield,sleep,await')],
    slos: [parseSlo('p99<=5ms')],
    ratePerSec: 200_000,
    weights: {},
    replications: 1,
    noise: false,
    jobs: 1,
  });
  assert.equal(a.tried.length, 3);
  assert.ok(a.tried.every((c) => c.meets));
  const fewest = [...a.tried].sort((x, y) => x.metrics.coresBusy - y.metrics.coresBusy)[0];
  assert.notEqual(fewest.values[0], 'yield');
  assert.equal(a.answer?.values[0], fewest.values[0]);
});

test('rankPassing: cost, then cores busy, then grid order; a missing cores-busy figure ranks last', () => {
  const c = (index: number, cost: number, coresBusy?: number): Candidate =>
    ({ index, cost, metrics: coresBusy === undefined ? {} : { coresBusy } }) as unknown as Candidate;
  const order = rankPassing([c(0, 4, 4), c(1, 4, 1.06), c(2, 3, 3), c(3, 4, undefined), c(4, 4, 1.06)]).map((x) => x.index);
  assert.deepEqual(order, [2, 1, 4, 0, 3]);
});

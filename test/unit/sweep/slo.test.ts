import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configCost, margin, parseRate, parseSlo, parseWeights, withArrivalRate } from '../../../src/sweep/slo.js';
import { InputError } from '../../../src/schema/diagnostics.js';
import { SMALL } from './fixtures.js';

test('parse --slo, --rate, --weights', () => {
  assert.deepEqual(parseSlo('p99<=250us'), { text: 'p99<=250us', metric: 'p99Us', op: '<=', target: 250 });
  assert.equal(parseSlo('mean<=1ms').target, 1000);
  assert.deepEqual(parseSlo('throughput>=200k/s'), {
    text: 'throughput>=200k/s',
    metric: 'recordsPerSec',
    op: '>=',
    target: 200000,
  });
  assert.equal(parseRate('1.5M/s'), 1.5e6);
  assert.deepEqual(parseWeights('cores=1,workers=0.5'), { cores: 1, workers: 0.5 });
  for (const bad of ['p99>=1us', 'p99<=1', 'foo<=1us'])
    assert.throws(
      () => parseSlo(bad),
      (e: unknown) => e instanceof InputError && e.diagnostics[0].code === 'DS1702',
    );
  assert.throws(
    () => parseRate('fast'),
    (e: unknown) => e instanceof InputError && e.diagnostics[0].code === 'DS1703',
  );
});

test('margins, costs and the arrival rate', () => {
  assert.equal(margin(parseSlo('p99<=200us'), 150), 0.25);
  assert.equal(margin(parseSlo('throughput>=100'), 90), -0.1);
  const axes = [
    { pointer: '/template/partitions', label: 'partitions' },
    { pointer: '/runtime/workers', label: 'workers' },
  ];
  assert.equal(configCost(axes, [4, 2], 2, { cores: 1, workers: 0.5, partitions: 0.1 }), 2 + 1 + 0.4);
  // Defaults: cores weigh 1, other axes 0.01 (tie-breakers); a /machine/cores axis is costed once, through cores.
  assert.equal(configCost([...axes, { pointer: '/machine/cores', label: 'cores' }], [4, 2, 3], 3, {}), 3 + 0.04 + 0.02);
  const { scenario, pointers } = withArrivalRate(SMALL, 10000, 's.json');
  assert.deepEqual(pointers, ['/template/source/arrival']);
  assert.deepEqual(scenario.template?.kind === 'pipeline' && scenario.template.source.arrival, {
    kind: 'poisson',
    ratePerSec: 2000,
  });
  assert.equal(
    SMALL.template?.kind === 'pipeline' &&
      SMALL.template.source.arrival.kind === 'poisson' &&
      SMALL.template.source.arrival.ratePerSec,
    2000,
    'input untouched',
  );
});

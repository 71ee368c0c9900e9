/**
 * Named sweep axes: `rate=100k/s,200k/s` sets the offered load on the scenario's source (as `plan
 * --rate` does) and `wait=yield,await` ties a pipeline's wait strategy to the channel kind it
 * needs, so one axis compares strategies without invalid combinations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { applyAxes, buildAxes, parseVary } from '../../../src/sweep/grid.js';
import { InputError } from '../../../src/schema/diagnostics.js';
import type { Scenario } from '../../../src/schema/scenario.js';
import { ROOT, readJson, runMain } from '../../helpers.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const S = 'scenarios/architectures/v2-yield-2p-2c.json';

test('rate and wait axes parse, label themselves and set what they say', () => {
  const s = readJson<Scenario>(S);
  const axes = buildAxes(s, [parseVary('rate=100k/s,200k/s'), parseVary('wait=yield,await')], S);
  assert.deepEqual(
    axes.map((a) => [a.label, a.values]),
    [
      ['rate', [100000, 200000]],
      ['wait', ['yield', 'await']],
    ],
  );
  const p = applyAxes(s, axes, [200000, 'await']);
  assert.equal(p.template?.kind, 'pipeline');
  if (p.template?.kind !== 'pipeline') return;
  assert.equal(p.template.source.arrival.kind, 'periodic');
  if (p.template.source.arrival.kind === 'periodic') assert.equal(p.template.source.arrival.intervalUs, 500); // 100 records per batch
  assert.deepEqual(p.template.partition.wait, [{ kind: 'await_recv' }]);
  assert.deepEqual(p.template.channel, { kind: 'unbounded' });
  assert.deepEqual(s.template?.kind === 'pipeline' && s.template.channel, { kind: 'lockfree' }, 'input unchanged');
  assert.throws(() => parseVary('wait=yield,nap'), InputError);
  assert.throws(() => parseVary('rate=fast'), InputError);
  const seq = readJson<Scenario>('scenarios/architectures/v1-sequential-2c.json');
  assert.throws(() => buildAxes(seq, [parseVary('wait=yield')], 'v1'), /DS1602|not present/);
});

test('sweep --vary rate=… --vary wait=… runs every point', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-named-'));
  const r = await runMain([
    'sweep',
    join(ROOT, S),
    '--vary',
    'rate=50k/s,100k/s',
    '--vary',
    'wait=yield,await',
    '--jobs',
    '1',
    '--out',
    join(dir, 's.json'),
    '--csv',
    join(dir, 's.csv'),
  ]);
  assert.equal(r.code, 0, r.out);
  const csv = readFileSync(join(dir, 's.csv'), 'utf8').split('\n');
  assert.match(csv[0], /^index,rate,wait,source,/);
  assert.equal(csv.filter((l) => /^\d/.test(l)).length, 4);
});

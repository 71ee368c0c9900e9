import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSweeps } from '../../../src/sweep/merge.js';
import { makeDoc } from '../../../src/sweep/sweep.js';
import { sweepToCsv } from '../../../src/sweep/csv.js';
import { InputError } from '../../../src/schema/diagnostics.js';
import { fixtureSweep } from '../report/fixtures.js';

function shard(doc: ReturnType<typeof fixtureSweep>, index: number, count: number) {
  return makeDoc(
    { ...doc, shard: { index, count } },
    doc.points.filter((p) => p.index % count === index - 1),
  );
}

test('merging all shards gives the unsharded document byte for byte', () => {
  const full = makeDoc(fixtureSweep(), fixtureSweep().points);
  const parts = [shard(full, 2, 3), shard(full, 1, 3), shard(full, 3, 3)];
  const merged = mergeSweeps(parts.map((doc, i) => ({ file: `s${i}.json`, doc })));
  assert.equal(JSON.stringify(merged), JSON.stringify(full));
});

test('merge refuses different sweeps and conflicting points', () => {
  const a = fixtureSweep();
  const b = { ...fixtureSweep(), baseSeed: 7 };
  assert.throws(
    () =>
      mergeSweeps([
        { file: 'a', doc: a },
        { file: 'b', doc: b },
      ]),
    (e: unknown) => e instanceof InputError && e.diagnostics[0].code === 'DS1606',
  );
  const c = fixtureSweep();
  c.points[0].runs[0].seed = 99;
  assert.throws(
    () =>
      mergeSweeps([
        { file: 'a', doc: a },
        { file: 'c', doc: c },
      ]),
    (e: unknown) => e instanceof InputError && e.diagnostics[0].pointer === '/points',
  );
});

test('CSV has one row per point and source, quoted where needed', () => {
  const doc = fixtureSweep('a,"b"');
  const csv = sweepToCsv(doc).trim().split('\n');
  assert.equal(csv.length, 1 + doc.points.length * 2);
  assert.ok(csv[0].startsWith('index,partitions,workers,source,recordsPerSec_mean,'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanInterval, quantilesFromBuckets, replicationSeeds, t975 } from '../../../src/sweep/stats.js';

test('meanInterval: Student-t 95% interval', () => {
  const iv = meanInterval([1, 2, 3]);
  assert.equal(iv.mean, 2);
  assert.equal(iv.n, 3);
  // t(0.975, 2) = 4.302653 (exact, not the 3-decimal table value 4.303)
  assert.ok(Math.abs(iv.hi - (2 + 4.302653 * Math.sqrt(1 / 3))) < 1e-6);
  assert.deepEqual(meanInterval([5]), { mean: 5, lo: 5, hi: 5, n: 1 });
  assert.ok(Math.abs(t975(31) - 2.0395) < 0.001 && Math.abs(t975(1000) - 1.9623) < 0.001);
});

test('replication seeds: first is the base seed, all distinct, deterministic', () => {
  const s = replicationSeeds(42, 50);
  assert.equal(s[0], 42);
  assert.equal(new Set(s).size, 50);
  assert.deepEqual(s, replicationSeeds(42, 50));
  assert.deepEqual(replicationSeeds(42, 3), s.slice(0, 3), 'prefix-stable: more replications keep the earlier seeds');
});

test('quantilesFromBuckets: linear inside a bucket, the last bucket ends at the maximum', () => {
  // 10 records in [1000, 2000) ns, 10 in [2000, 4000) ns, max 3500 ns.
  const b: [number, number][] = [
    [2000, 10],
    [1000, 10],
  ];
  assert.deepEqual(quantilesFromBuckets(b, [0, 0.25, 0.5, 0.75, 1], 3500), [1, 1.5, 2, 2.75, 3.5]);
  assert.deepEqual(quantilesFromBuckets([], [0.5, 1], 0), [0, 0]);
});

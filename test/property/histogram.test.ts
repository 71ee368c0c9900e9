/** Histogram quantiles are within 1% of the exact quantiles (same rank definition: ⌈q·n⌉-th value). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Histogram, bucketIndex, bucketIndexAny } from '../../src/engine/histogram.js';

const SEED = Number(process.env.FC_SEED ?? 20240601);
const QS = [0, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 1];

test('histogram quantiles are within 1% of exact quantiles', () => {
  const valueArb = fc.oneof(
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 1e6 }),
    fc.integer({ min: 0, max: 2 ** 40 }),
  );
  fc.assert(
    fc.property(fc.array(valueArb, { minLength: 1, maxLength: 500 }), (values) => {
      const h = new Histogram();
      for (const v of values) h.record(v);
      const sorted = [...values].sort((a, b) => a - b);
      assert.equal(h.count, values.length);
      assert.equal(h.min, sorted[0]);
      assert.equal(h.max, sorted[sorted.length - 1]);
      for (const q of QS) {
        const exact = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
        const got = h.quantile(q);
        assert.ok(Math.abs(got - exact) <= 0.01 * exact + 1e-9, `q=${q}: histogram ${got}, exact ${exact}`);
      }
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('bucketIndex: the integer fast path agrees with the general formula', () => {
  fc.assert(
    fc.property(fc.integer({ min: 256, max: 2 ** 32 - 1 }), (v) => bucketIndex(v) === bucketIndexAny(v)),
    { seed: 20261129, numRuns: 20000 },
  );
  for (const v of [256, 511, 512, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1])
    assert.equal(bucketIndex(v), bucketIndexAny(v), `${v}`);
});

/**
 * Records in flight past 2⁵³ (issue 18, item 15): a queue of millions of 10⁹-record batches held
 * 9.4·10¹⁵ records, beyond the integers a double counts exactly. The queue's sum is exact (a
 * bigint), and simulate's Result warns (DS3006) when its double `recordsInFlight` is rounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MsgRing } from '../../../src/runtime/rings.js';

test('a message queue sums its records exactly past 2^53', () => {
  const q = new MsgRing(4);
  q.push(2 ** 52, 0);
  q.push(2 ** 52, 1);
  for (let i = 0; i < 3; i++) q.push(1, 2 + i);
  // In doubles, 2^53 + 1 rounds back to 2^53: a plain sum gives 2^53 + 2 or 2^53 + 4.
  assert.equal(q.queuedRecords(), 2n ** 53n + 3n);
});

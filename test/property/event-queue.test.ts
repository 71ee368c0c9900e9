/**
 * EventQueue pops in (timeNs, seq) order: compared with a stable sort of the pushes by time,
 * over random interleavings of pushes and pops (many equal times, so the tie-break matters).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventQueue } from '../../src/engine/event-queue.js';

export const SEED = Number(process.env.FC_SEED ?? 20240601);

type Step = { push: number } | { pop: true };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.integer({ min: 0, max: 20 }).map((t) => ({ push: t * 1000 })),
  },
  { weight: 1, arbitrary: fc.constant({ pop: true as const }) },
);

test('EventQueue pops in (time, seq) order like a stable sort', () => {
  fc.assert(
    fc.property(fc.array(stepArb, { maxLength: 400 }), fc.integer({ min: 1, max: 8 }), (steps, capacity) => {
      const q = new EventQueue(capacity);
      // Reference: a list kept stably sorted by time; equal times keep push order.
      const ref: Array<{ t: number; id: number }> = [];
      let id = 0;
      const check = () => {
        const want = ref.shift()!;
        assert.equal(q.pop(), true);
        assert.deepEqual([q.timeNs, q.a], [want.t, want.id]);
      };
      for (const s of steps) {
        if ('push' in s) {
          q.push(s.push, 0, id, -id);
          let i = ref.length;
          while (i > 0 && ref[i - 1].t > s.push) i--;
          ref.splice(i, 0, { t: s.push, id: id++ });
        } else if (ref.length > 0) check();
        assert.equal(q.size, ref.length);
      }
      while (ref.length > 0) check();
      assert.equal(q.pop(), false);
      assert.equal(q.peekTime(), Infinity);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('EventQueue.pushPop gives what push then pop gives, and leaves the same events queued', () => {
  type Op = { push: number } | { ahead: number } | { pushPop: number } | { pop: true };
  const t = fc.integer({ min: 0, max: 12 }).map((x) => x * 1000);
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 3, arbitrary: t.map((x) => ({ push: x })) },
    { weight: 1, arbitrary: t.map((x) => ({ ahead: x })) },
    { weight: 3, arbitrary: t.map((x) => ({ pushPop: x })) },
    { weight: 1, arbitrary: fc.constant({ pop: true as const }) },
  );
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 300 }), fc.integer({ min: 1, max: 8 }), (ops, capacity) => {
      const a = new EventQueue(capacity); // pushPop
      const b = new EventQueue(capacity); // push, then pop
      let id = 0;
      const same = () => assert.deepEqual([a.timeNs, a.kind, a.a, a.b], [b.timeNs, b.kind, b.a, b.b]);
      for (const op of ops) {
        id++;
        if ('push' in op) {
          a.push(op.push, 1, id, -id);
          b.push(op.push, 1, id, -id);
        } else if ('ahead' in op) {
          a.pushAhead(op.ahead, 2, id, -id);
          b.pushAhead(op.ahead, 2, id, -id);
        } else if ('pushPop' in op) {
          a.pushPop(op.pushPop, 3, id, -id);
          b.push(op.pushPop, 3, id, -id);
          assert.equal(b.pop(), true);
          same();
        } else {
          assert.equal(a.pop(), b.pop());
          same();
        }
        assert.equal(a.size, b.size);
        assert.equal(a.peekTime(), b.peekTime());
      }
      while (b.pop()) {
        assert.equal(a.pop(), true);
        same();
      }
      assert.equal(a.pop(), false);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

/** Engine primitives: heap order with ties, PRNG streams, histogram precision. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from '../../../src/engine/event-queue.js';
import { Prng } from '../../../src/engine/prng.js';
import { Histogram } from '../../../src/engine/histogram.js';

test('event queue pops by time, equal times in insertion order', () => {
  const q = new EventQueue(2);
  const times = [5, 1, 5, 3, 1, 5, 0, 3];
  times.forEach((t, i) => q.push(t, 0, i, 0));
  const out: number[] = [];
  while (q.pop()) out.push(q.a);
  assert.deepEqual(out, [6, 1, 4, 3, 7, 0, 2, 5]);
});

test('PRNG streams are independent and reproducible', () => {
  const a = new Prng(42, 'arrival');
  const b = new Prng(42, 'arrival');
  const c = new Prng(42, 'cost');
  const xs = Array.from({ length: 5 }, () => a.nextU32());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b.nextU32()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, () => c.nextU32()),
  );
  const u = new Prng(7, 'u');
  let s = 0;
  for (let i = 0; i < 10000; i++) s += u.nextFloat();
  assert.ok(Math.abs(s / 10000 - 0.5) < 0.02);
});

test('Prng.gamma: Gamma(shape, 1) has mean and variance = shape (shape below 1 by the boost too)', () => {
  for (const shape of [0.5, 1, 2.5, 10]) {
    const r = new Prng(11, `gamma-${shape}`);
    const n = 40_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = r.gamma(shape);
      assert.ok(x > 0 && Number.isFinite(x));
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    // Standard errors: √(shape/n) for the mean, about √(6·shape²/n) for the variance.
    assert.ok(Math.abs(mean - shape) < 5 * Math.sqrt(shape / n), `shape ${shape}: mean ${mean}`);
    assert.ok(Math.abs(variance - shape) < 0.1 * shape + 5 * shape * Math.sqrt(6 / n), `shape ${shape}: variance ${variance}`);
  }
});

test('histogram quantiles are within 1% and memory does not grow with samples', () => {
  const h = new Histogram();
  const vals: number[] = [];
  const r = new Prng(1, 'h');
  for (let i = 0; i < 20000; i++) {
    const v = Math.round(r.exponential(50000));
    vals.push(v);
    h.record(v);
  }
  vals.sort((x, y) => x - y);
  for (const q of [0.5, 0.9, 0.99]) {
    const exact = vals[Math.ceil(q * vals.length) - 1];
    assert.ok(Math.abs(h.quantile(q) - exact) <= 0.01 * exact + 1, `q${q}: ${h.quantile(q)} vs ${exact}`);
  }
  assert.equal(h.count, 20000);
  assert.equal(h.counts.length, new Histogram().counts.length);
});

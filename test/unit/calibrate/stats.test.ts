/** Statistics: known slopes recovered, outliers counted, quantiles as numpy/R type 7. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../../src/engine/prng.js';
import {
  bootstrap,
  fitLine,
  fitLineRobust,
  mad,
  median,
  percentileInterval,
  quantile,
  tukeyOutliers,
  type Point,
} from '../../../src/calibrate/stats.js';

/** totalNs = 1000 + 45·iters, ±2% multiplicative noise, over criterion-style ladders. */
function ladderPoints(slope: number, intercept: number, noise: number, seed: number): Point[] {
  const prng = new Prng(seed, 'test');
  const pts: Point[] = [];
  for (let rep = 0; rep < 5; rep++)
    for (const x of [25_000, 50_000, 100_000, 200_000])
      pts.push({ x, y: (intercept + slope * x) * (1 + noise * (2 * prng.nextFloat() - 1)) });
  return pts;
}

test('fitLine recovers an exact line', () => {
  const f = fitLine([0, 1, 2, 3].map((x) => ({ x, y: 7 + 3 * x })));
  assert.equal(f.slope, 3);
  assert.equal(f.intercept, 7);
  assert.equal(f.r2, 1);
});

test('fitLine recovers a known slope from noisy ladders, and the bootstrap CI covers it', () => {
  const pts = ladderPoints(45, 1000, 0.02, 7);
  const f = fitLine(pts);
  assert.ok(Math.abs(f.slope - 45) < 0.9, `slope ${f.slope}`);
  assert.ok(f.r2 > 0.99);
  const boot = bootstrap(pts, (s) => fitLine(s).slope, new Prng(1, 'b'), 1000);
  assert.equal(boot.length, 1000);
  const [lo, hi] = percentileInterval(boot);
  assert.ok(lo < 45 && 45 < hi, `CI [${lo}, ${hi}]`);
  assert.ok(hi - lo < 3, 'CI is narrow for 2% noise');
});

test('fitLineRobust recovers an exact line, and the OLS r² beside it', () => {
  const f = fitLineRobust([0, 1, 2, 3].map((x) => ({ x, y: 7 + 3 * x })));
  assert.equal(f.slope, 3);
  assert.equal(f.intercept, 7);
  assert.equal(f.r2, 1);
});

test('one preempted sample moves an OLS slope by over 10 % and a Theil–Sen slope by under 2 %', () => {
  // 20 samples of a 45 ns/iteration loop, ±2 % noise; the top-of-ladder sample of one rep was
  // descheduled for 5 ms (a VM pause on a shared host), as calibration samples here are.
  const pts = ladderPoints(45, 1000, 0.02, 7);
  const i = pts.findIndex((p) => p.x === 200_000);
  pts[i] = { x: pts[i].x, y: pts[i].y + 5_000_000 };
  const ols = fitLine(pts).slope;
  const robust = fitLineRobust(pts).slope;
  assert.ok(Math.abs(ols - 45) / 45 > 0.1, `OLS ${ols}`);
  assert.ok(Math.abs(robust - 45) / 45 < 0.02, `Theil–Sen ${robust}`);
});

test('a wrong slope is not recovered (the test can fail)', () => {
  const f = fitLine(ladderPoints(60, 1000, 0.02, 7));
  assert.ok(Math.abs(f.slope - 45) > 10);
});

test('bootstrap is deterministic for a seed', () => {
  const pts = ladderPoints(45, 1000, 0.05, 3);
  const a = bootstrap(pts, (s) => fitLine(s).slope, new Prng(9, 'b'), 50);
  const b = bootstrap(pts, (s) => fitLine(s).slope, new Prng(9, 'b'), 50);
  assert.deepEqual(a, b);
});

test('quantiles interpolate between order statistics (type 7)', () => {
  const v = [5, 1, 4, 2, 3];
  assert.equal(quantile(v, 0), 1);
  assert.equal(quantile(v, 0.25), 2);
  assert.equal(quantile(v, 0.5), 3);
  assert.equal(quantile(v, 0.9), 4.6);
  assert.equal(quantile(v, 1), 5);
  assert.equal(quantile([10, 2, 33], 0.5), 10, 'numeric, not string, order');
});

test('median and MAD', () => {
  assert.equal(median([1, 2, 3, 4]), 2.5);
  assert.equal(mad([1, 1, 2, 2, 4, 6, 9]), 1);
});

test('Tukey fences count mild and severe outliers', () => {
  const base = Array.from({ length: 20 }, (_, i) => 100 + i);
  assert.deepEqual(tukeyOutliers(base), { mild: 0, severe: 0 });
  // With 135 and 200 added: Q1 105.25, Q3 115.75, IQR 10.5; inner fence 131.5, outer 147.25.
  assert.deepEqual(tukeyOutliers([...base, 135, 200]), { mild: 2, severe: 1 });
  assert.deepEqual(tukeyOutliers([...base, 130, 200]), { mild: 1, severe: 1 }, '130 is inside the inner fence');
});

/**
 * The queueing formulas against textbook values, and the latency-distribution machinery against
 * distributions whose quantiles are known in closed form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allenCunneenWaitMean,
  arrivalScv,
  erlangC,
  kingmanWaitMean,
  md1WaitMean,
  mg1SetupBusyProb,
  mg1SetupWaitMean,
  mg1WaitMean,
  mm1WaitMean,
  mmcWaitMean,
} from '../../../src/analytic/queueing.js';
import { cdfOf, LatencyDist, normalQuantile } from '../../../src/analytic/percentiles.js';
import { costMoments } from '../../../src/analytic/costs.js';

const close = (got: number, want: number, rel = 1e-9, what = '') =>
  assert.ok(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)), `${what}: got ${got}, want ${want}`);

test('M/M/1: λ = 0.5, μ = 1 → Wq = 1 (Kleinrock vol. 1 §3.2)', () => {
  close(mm1WaitMean(0.5, 1), 1);
  close(mm1WaitMean(0.9, 1), 9);
  assert.equal(mm1WaitMean(1, 1), Infinity);
});

test('M/D/1: λ = 0.5, s = 1 → Wq = 0.5, half of M/M/1', () => {
  close(md1WaitMean(0.5, 1), 0.5);
  close(md1WaitMean(0.8, 1), 2);
  assert.equal(md1WaitMean(1.2, 1), Infinity);
});

test('Erlang C: c = 2, a = 1 → 1/3; c = 3, a = 2 → 4/9; c = 1 → ρ', () => {
  close(erlangC(2, 1), 1 / 3);
  close(erlangC(3, 2), 4 / 9);
  close(erlangC(1, 0.7), 0.7);
  // Gross, Fundamentals of Queueing Theory, Table: c = 5, a = 4 → C ≈ 0.5541
  close(erlangC(5, 4), 0.5541, 1e-3);
});

test('M/M/c mean wait: c = 3, λ = 2, μ = 1 → 4/9; M/M/1 special case', () => {
  close(mmcWaitMean(2, 1, 3), 4 / 9);
  close(mmcWaitMean(0.5, 1, 1), mm1WaitMean(0.5, 1));
});

test('Pollaczek–Khinchine reduces to M/M/1 (E[S²] = 2/μ²) and M/D/1 (E[S²] = s²)', () => {
  close(mg1WaitMean(0.5, 1, 2), mm1WaitMean(0.5, 1));
  close(mg1WaitMean(0.5, 1, 1), md1WaitMean(0.5, 1));
});

test('Welch M/G/1 with setup: no setup → P-K; setup adds (2E[U] + λE[U²]) / (2(1 + λE[U]))', () => {
  close(mg1SetupWaitMean(0.5, 1, 1, 0, 0), md1WaitMean(0.5, 1));
  // λ = 0.5, S = 1 (deterministic), U = 1 (deterministic): 0.5 + (2 + 0.5)/(2·1.5) = 0.5 + 0.8333…
  close(mg1SetupWaitMean(0.5, 1, 1, 1, 1), 0.5 + 2.5 / 3);
  // Idle fraction (1 − ρ)/(1 + λE[U]) = 0.5/1.5.
  close(mg1SetupBusyProb(0.5, 1, 1), 1 - 0.5 / 1.5);
});

test('Kingman and Allen–Cunneen are exact for M/M/1 and M/M/c', () => {
  close(kingmanWaitMean(0.5, 1, 1, 1), mm1WaitMean(0.5, 1));
  close(kingmanWaitMean(0.5, 1, 1, 0), md1WaitMean(0.5, 1));
  close(allenCunneenWaitMean(2, 1, 3, 1, 1), mmcWaitMean(2, 1, 3));
  close(allenCunneenWaitMean(2, 1, 3, 0, 0), 0);
});

test('arrival variability: periodic 0, Poisson 1, on/off bursts above 1', () => {
  assert.equal(arrivalScv('periodic'), 0);
  assert.equal(arrivalScv('poisson'), 1);
  assert.ok(arrivalScv('bursty', 1e6, 1e6, 1e5) > 1);
  assert.equal(arrivalScv('bursty', 1e6, 0, 1e5), 1);
});

test('cost moments of the distributions a Plan can hold', () => {
  close(costMoments({ dist: 'const', ns: 5 }).m2, 25);
  close(costMoments({ dist: 'uniform', minNs: 0, maxNs: 12 }).mean, 6);
  close(costMoments({ dist: 'uniform', minNs: 0, maxNs: 12 }).m2 - 36, 12); // variance (b − a)²/12
  close(costMoments({ dist: 'exponential', meanNs: 3 }).m2, 18);
  close(costMoments({ dist: 'quantiles', p: [0, 1], ns: [10, 20] }).mean, 15);
});

test('normal quantile (Acklam): Φ⁻¹(0.975) = 1.959964, Φ⁻¹(0.5) = 0', () => {
  close(normalQuantile(0.975), 1.959964, 1e-6);
  close(normalQuantile(0.5), 0, 1e-9);
  close(normalQuantile(0.01), -2.326348, 1e-6);
});

test('latency distribution: uniform offsets alone have linear quantiles', () => {
  const d = new LatencyDist(null);
  d.reset();
  d.addSegment(100, 200, 1);
  close(d.quantile(0.5), 150, 1e-3);
  close(d.quantile(0.9), 190, 1e-3);
  close(d.mean(), 150);
});

test('latency distribution: uniform + uniform wake-up (triangle) has the known median and p99', () => {
  // U[0,1] + U[0,1]: median 1, p99 = 2 − √0.02.
  const d = new LatencyDist(cdfOf({ dist: 'uniform', minNs: 0, maxNs: 1000 }));
  d.reset();
  d.addSegment(0, 1000, 1);
  close(d.quantile(0.5), 1000, 1e-3);
  close(d.quantile(0.99), 2000 - Math.sqrt(0.02) * 1000, 1e-3);
  close(d.mean(), 1000, 1e-9);
});

test('latency distribution: an exponential busy wait gives exponential quantiles', () => {
  const d = new LatencyDist(null);
  d.reset();
  d.setIdle(0, 0);
  d.setBusy(1000, 0);
  d.addSegment(0, 0, 1);
  close(d.quantile(0.5), 1000 * Math.LN2, 1e-3);
  close(d.quantile(0.99), 1000 * Math.log(100), 1e-3);
  close(d.mean(), 1000);
});

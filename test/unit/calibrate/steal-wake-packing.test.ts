/**
 * worker_wake_preempt and worker_wake_preempt_latency from the probe's steal_wake benchmark
 * (test/fixtures/calibrate/steal-wake-124.jsonl: the first 300 steal_wake latency lines of the
 * lead's quiet `calibrate --runs 3` of 2026-12-07 12:47, tokio 1.24.2): task A on a worker wakes
 * B1 through its run queue (a parked worker is notified) and busy-spins 300 µs; the wake-ups that
 * ran B1 before the spin ended preempted their waker on its vCPU. Recomputed here by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { DEFAULT_FIT_OPTIONS, Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';

const FILE = 'test/fixtures/calibrate/steal-wake-124.jsonl';
/** calibrate --worker-packing: the parameters are written only when asked for. */
const PACKING = { ...DEFAULT_FIT_OPTIONS, workerPacking: true };
const text = readFileSync(FILE, 'utf8');
const ns = text
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { type: string; bench?: string; ns?: number })
  .filter((l) => l.type === 'latency' && l.bench === 'steal_wake')
  .map((l) => l.ns!);

test('worker_wake_preempt: the share of steal_wake wake-ups below 95 % of the waker’s 300 µs spin', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE), PACKING));
  const o = d.get('worker_wake_preempt');
  assert.ok(!isMissing(o), JSON.stringify(o));
  assert.equal(ns.length, 300);
  const below = ns.filter((v) => v < 285_000).length;
  // About half: the two modes of worker_wake_latency.
  assert.ok(below > 100 && below < 200, `${below} of 300`);
  assert.equal(o.est.value, below / 300);
  assert.equal(o.est.samples, 300);
  assert.ok(o.est.boot.length >= 20);
});

test('worker_wake_preempt_latency: the quantiles of the wake-ups that did not wait for the spin', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE), PACKING));
  const o = d.get('worker_wake_preempt_latency');
  assert.ok(!isMissing(o), JSON.stringify(o));
  const below = ns.filter((v) => v < 285_000).sort((a, b) => a - b);
  const n = below.length;
  const med = n % 2 ? below[(n - 1) / 2] : (below[n / 2 - 1] + below[n / 2]) / 2;
  assert.equal(o.est.value, med);
  assert.ok(o.est.distribution && o.est.distribution.ns.at(-1)! < 285_000);
  assert.ok(med > 2000 && med < 20_000, `median ${med} ns`);
});

test('without steal_wake samples both are missing (the model falls back to worker_wake_latency)', () => {
  const other = text
    .split('\n')
    .filter((l) => !l.includes('"steal_wake"') || l.includes('"type":"header"'))
    .join('\n');
  const d = new Deriver(new Fitter(parseProbeOutput(other, FILE), PACKING));
  assert.ok(isMissing(d.get('worker_wake_preempt')));
  assert.ok(isMissing(d.get('worker_wake_preempt_latency')));
});

test('without --worker-packing neither is written, and the refusal says why', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE)));
  const o = d.get('worker_wake_preempt');
  assert.ok(isMissing(o));
  assert.match(o.missing, /--worker-packing/);
  assert.ok(isMissing(d.get('worker_wake_preempt_latency')));
});

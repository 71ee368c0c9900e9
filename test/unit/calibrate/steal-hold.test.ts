/**
 * worker_wake_preempt_hold from the probe's steal_hold benchmark
 * (test/fixtures/calibrate/steal-hold-124.jsonl: one `probe microbench steal_hold` run, tokio
 * 1.24.2, 2026-12-07 16:31 on the shared machine at load 14 — its figures show the shape, not a
 * quiet calibration): steal_wake whose woken task B1 busy-spins 2 ms after each receive; each
 * line carries holdNs, the largest gap in the waker A's 300 µs busy-spin. In the wake-ups that
 * preempted A (B1 received before 95 % of A's spin), holdNs is how long A stayed off its vCPU.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { DEFAULT_FIT_OPTIONS, Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';

const FILE = 'test/fixtures/calibrate/steal-hold-124.jsonl';
const PACKING = { ...DEFAULT_FIT_OPTIONS, workerPacking: true };
const text = readFileSync(FILE, 'utf8');
const lines = text
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { type: string; bench?: string; ns?: number; holdNs?: number })
  .filter((l) => l.type === 'latency' && l.bench === 'steal_hold');

test('the probe output carries holdNs per wake-up', () => {
  const out = parseProbeOutput(text, FILE);
  const recs = out.latencies.filter((l) => l.bench === 'steal_hold');
  assert.equal(recs.length, 300);
  assert.ok(recs.every((r) => typeof r.holdNs === 'number' && r.holdNs >= 0));
});

test('worker_wake_preempt_hold: the quantiles of the waker’s largest gap in the wake-ups that preempted it', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE), PACKING));
  const o = d.get('worker_wake_preempt_hold');
  assert.ok(!isMissing(o), JSON.stringify(o));
  const held = lines
    .filter((l) => l.ns! < 285_000)
    .map((l) => l.holdNs!)
    .sort((a, b) => a - b);
  const n = held.length;
  const med = n % 2 ? held[(n - 1) / 2] : (held[n / 2 - 1] + held[n / 2]) / 2;
  assert.equal(o.est.value, med);
  assert.equal(o.est.samples, n);
  // The shape the mechanism rests on: the median waker is back long before the woken task's 2 ms
  // spin ends (the guest moved one of them to the idle vCPU); a few waited it out.
  assert.ok(med < 200_000, `median hold ${med} ns`);
  assert.ok(o.est.distribution && o.est.distribution.ns.at(-1)! > 1_000_000);
});

test('without steal_hold lines, or without --worker-packing, it is missing (the waker is held until the woken worker parks)', () => {
  const other = text
    .split('\n')
    .filter((l) => !l.includes('"steal_hold"') || l.includes('"type":"header"'))
    .join('\n');
  assert.ok(isMissing(new Deriver(new Fitter(parseProbeOutput(other, FILE), PACKING)).get('worker_wake_preempt_hold')));
  const o = new Deriver(new Fitter(parseProbeOutput(text, FILE))).get('worker_wake_preempt_hold');
  assert.ok(isMissing(o));
  assert.match(o.missing, /--worker-packing/);
});

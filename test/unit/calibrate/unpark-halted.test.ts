/**
 * unpark_halted from the probe's steal_wake benchmark (test/fixtures/calibrate/steal-wake-notify-124.jsonl:
 * one `probe microbench steal_wake workers=2 driver=timer count=300` run, tokio 1.24.2, 2026-12-07
 * 22:25 on the shared machine at load 14 — its figures show the shape, not a quiet calibration).
 * Task A on a worker sends to B1 (into its empty LIFO slot: a send and a wake) and then to B2 (B1
 * displaced into the run queue, which notifies the other worker, parked 500 µs); each line carries
 * both sends' durations, sendNs and notifySendNs. Their difference is what that notify cost A.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { DEFAULT_FIT_OPTIONS, Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';

const FILE = 'test/fixtures/calibrate/steal-wake-notify-124.jsonl';
const text = readFileSync(FILE, 'utf8');

test('the probe output carries both sends per steal_wake wake-up', () => {
  const recs = parseProbeOutput(text, FILE).latencies.filter((l) => l.bench === 'steal_wake');
  assert.equal(recs.length, 300);
  assert.ok(recs.every((r) => typeof r.sendNs === 'number' && typeof r.notifySendNs === 'number'));
});

test('a negative sendNs is a located error, not a fitted value', () => {
  const bad = text.replace(/"sendNs":\d+/, '"sendNs":-5');
  assert.throws(() => parseProbeOutput(bad, FILE), /sendNs/);
});

test('unpark_halted: the quantiles of the notifying send less the plain one, plus the waker’s time off its vCPU after it', () => {
  const o = new Deriver(new Fitter(parseProbeOutput(text, FILE), DEFAULT_FIT_OPTIONS)).get('unpark_halted');
  assert.ok(!isMissing(o), JSON.stringify(o));
  const diffs = parseProbeOutput(text, FILE)
    .latencies.filter((l) => l.bench === 'steal_wake')
    .map((l) => Math.max(0, l.notifySendNs! - l.sendNs!) + l.holdNs!)
    .sort((a, b) => a - b);
  const n = diffs.length;
  const med = n % 2 ? diffs[(n - 1) / 2] : (diffs[n / 2 - 1] + diffs[n / 2]) / 2;
  assert.equal(o.est.value, med);
  assert.equal(o.est.samples, n);
  assert.ok(o.est.distribution, 'a distribution, drawn per notify');
  // The shape: a notify costs the notifier microseconds (a futex wake / IPI), far more than the
  // plain send beside it.
  const sends = parseProbeOutput(text, FILE)
    .latencies.filter((l) => l.bench === 'steal_wake')
    .map((l) => l.sendNs!)
    .sort((a, b) => a - b);
  assert.ok(med > 1_000 && med > 5 * sends[sends.length >> 1], `median ${med} ns against a send's ${sends[sends.length >> 1]}`);
});

test('without the two fields (a probe from before them) it is missing', () => {
  const old = text.replace(/,"notifySendNs":\d+/g, '');
  const o = new Deriver(new Fitter(parseProbeOutput(old, FILE), DEFAULT_FIT_OPTIONS)).get('unpark_halted');
  assert.ok(isMissing(o));
  assert.match(o.missing, /notifySendNs/);
});

test('its note gives the evidence for drawing it with worker_wake_latency as one wake-up: the call’s extra tells the wake-up’s mode', () => {
  const o = new Deriver(new Fitter(parseProbeOutput(text, FILE), DEFAULT_FIT_OPTIONS)).get('unpark_halted');
  assert.ok(!isMissing(o), JSON.stringify(o));
  // 151 of the 300 woken workers ran before A's 300 µs spin ended; the notifying call's extra
  // above its median marks them in 98 % of the wake-ups (about 50 % if the two were independent).
  const m = /told the (\d+) wake-ups .* from the (\d+) that waited in (\d+) % of 300/.exec(o.note ?? '');
  assert.ok(m, o.note);
  assert.equal(Number(m[1]) + Number(m[2]), 300);
  assert.ok(Number(m[3]) >= 90, o.note);
});

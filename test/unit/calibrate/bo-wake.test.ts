/**
 * block_on_wake_preempt and block_on_wake_latency from the probe's bo_wake benchmark
 * (test/fixtures/calibrate/bo-wake-124.jsonl: one run of `probe microbench bo_wake workers=2
 * driver=timer count=300`, tokio 1.24.2, 2026-12-07 11:14 on the shared 2-vCPU VM, load ≈ 11): a
 * task on a worker wakes the block_on future and busy-spins 300 µs; the wake-ups that ran before
 * the spin ended preempted their waker. Recomputed here by hand from the latency lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';

const FILE = 'test/fixtures/calibrate/bo-wake-124.jsonl';
const text = readFileSync(FILE, 'utf8');
const ns = text
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { type: string; bench?: string; ns?: number })
  .filter((l) => l.type === 'latency' && l.bench === 'bo_wake')
  .map((l) => l.ns!);

test('block_on_wake_preempt: the share of bo_wake wake-ups below 95 % of the waker’s 300 µs spin', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE)));
  const o = d.get('block_on_wake_preempt');
  assert.ok(!isMissing(o), JSON.stringify(o));
  assert.equal(ns.length, 300);
  const below = ns.filter((v) => v < 285_000).length;
  assert.ok(below > 250 && below < 300, `${below} of 300`);
  assert.equal(o.est.value, below / 300);
  assert.equal(o.est.samples, 300);
  assert.ok(o.est.boot.length >= 20);
});

test('block_on_wake_latency: the quantiles of the wake-ups that did not wait for the spin', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE)));
  const o = d.get('block_on_wake_latency');
  assert.ok(!isMissing(o), JSON.stringify(o));
  const below = ns.filter((v) => v < 285_000).sort((a, b) => a - b);
  const n = below.length;
  const med = n % 2 ? below[(n - 1) / 2] : (below[n / 2 - 1] + below[n / 2]) / 2;
  assert.equal(o.est.value, med);
  assert.ok(o.est.distribution && o.est.distribution.ns.at(-1)! < 285_000);
  assert.ok(med > 2000 && med < 20_000, `median ${med} ns`);
});

test('without bo_wake samples both are missing (the model falls back: the block_on thread is woken like any other)', () => {
  const other = text
    .split('\n')
    .filter((l) => !l.includes('"bo_wake"') || l.includes('"type":"header"'))
    .join('\n');
  const d = new Deriver(new Fitter(parseProbeOutput(other, FILE)));
  assert.ok(isMissing(d.get('block_on_wake_preempt')));
  assert.ok(isMissing(d.get('block_on_wake_latency')));
});

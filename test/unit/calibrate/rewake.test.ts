/**
 * worker_rewake_latency (docs/calibration.md, docs/semantics.md "The yield cycle"):
 * - from mt_yield_cycle (k=1, workers=2): the distribution of the idle worker's parks, far-outs
 *   (Q3 + 3·IQR) left out. test/fixtures/calibrate/mt-yield-cycle-124.jsonl: the first 400 parks
 *   and the summary of one `probe microbench mt_yield_cycle workers=2 k=1` run (tokio 1.24.2,
 *   2026-12-07 11:17, the VM under a load of ~10 from other builds: loaded-machine figures);
 * - without it, inferred from mt_yield_idle (test/fixtures/calibrate/mt-yield-idle-parks.jsonl):
 *   the loop's ns per yield at workers 2 ÷ its parks per yield, less the ns per yield at workers 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';
import { farFence, median } from '../../../src/calibrate/stats.js';

type Line = { type: string; bench?: string; params?: Record<string, unknown>; iters?: number; totalNs?: number; ns?: number };
const read = (f: string) => {
  const text = readFileSync(f, 'utf8');
  return {
    text,
    lines: text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line & { parks?: number; ops?: number }),
  };
};

test('from mt_yield_cycle: the distribution of the idle worker parks, far-outs left out', () => {
  const FILE = 'test/fixtures/calibrate/mt-yield-cycle-124.jsonl';
  const { text, lines } = read(FILE);
  const parks = lines.filter((l) => l.type === 'latency').map((l) => l.ns!);
  assert.equal(parks.length, 400);
  const kept = parks.filter((v) => v <= farFence(parks));
  assert.ok(kept.length < parks.length, 'the fixture holds far-out parks (the VM descheduling the worker)');
  const o = new Deriver(new Fitter(parseProbeOutput(text, FILE))).get('worker_rewake_latency');
  assert.ok(!isMissing(o) && o.provenance === 'calibrated', JSON.stringify(o));
  assert.equal(o.est.value, median(kept));
  assert.equal(o.est.samples, kept.length);
  assert.ok(o.est.distribution && o.est.distribution.ns.at(-1)! <= farFence(parks));
  // Measured: ~5 µs, the re-wake of a worker that just parked (not steal_wake's 300 µs mode).
  assert.ok(o.est.value > 1_000 && o.est.value < 20_000, `${o.est.value} ns`);
});

test('without mt_yield_cycle: inferred from mt_yield_idle, (ns per yield at 2 workers) / (parks per yield) − (ns per yield at 1)', () => {
  const FILE = 'test/fixtures/calibrate/mt-yield-idle-parks.jsonl';
  const { text, lines } = read(FILE);
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE)));
  const slope = (workers: number) => d.fitter.slope('mt_yield_idle', { workers, loop: 'yield' })!.value;
  const sum = lines.find((l) => l.type === 'summary' && l.params?.workers === 2)!;
  const perYield = sum.parks! / sum.ops!;
  const o = d.get('worker_rewake_latency');
  assert.ok(!isMissing(o) && o.provenance === 'inferred', JSON.stringify(o));
  const want = slope(2) / perYield - slope(1);
  assert.ok(Math.abs(o.est.value - want) <= 1e-6 * want, `${o.est.value} vs ${want}`);
  assert.equal(o.est.distribution, undefined);
  // Without park counts there is nothing to divide by: missing (the simulator falls back).
  const noParks = text
    .trim()
    .split('\n')
    .filter((l) => !l.includes('"summary"'))
    .join('\n');
  assert.ok(isMissing(new Deriver(new Fitter(parseProbeOutput(noParks, FILE))).get('worker_rewake_latency')));
});

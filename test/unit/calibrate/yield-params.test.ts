/**
 * The yield path's calibration rules, from saved probe output:
 * - yield_extra is what each yielder adds to a current_thread yield round (the slope over K of
 *   yield_round's per-round cost, minus poll_self), not a lone loop's whole-round overhead
 *   (test/fixtures/calibrate/yield-round-124.jsonl: the first of the three probe runs behind
 *   reports/accuracy/2026-12-07/cal124.json, tokio 1.24.2, its yield_round, poll_self, yield_lone
 *   and driver_poll lines);
 * - clock_read is the instant_now slope.
 * Each is recomputed here by hand from the sample lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';
import { fitLineRobust } from '../../../src/calibrate/stats.js';
import { Deriver, isMissing, type Outcome } from '../../../src/calibrate/derive.js';

const FILE = 'test/fixtures/calibrate/yield-round-124.jsonl';
const text = readFileSync(FILE, 'utf8');
type Line = { type: string; bench?: string; params?: Record<string, unknown>; iters?: number; totalNs?: number };
const lines = text
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Line);

/** Least-squares slope of y on x. */
function lsq(pts: Array<{ x: number; y: number }>): number {
  const n = pts.length;
  const mx = pts.reduce((a, p) => a + p.x, 0) / n;
  const my = pts.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxy / sxx;
}
/** Per-iteration cost (Theil–Sen slope of totalNs on iters, calibrate's fit) of the sample lines matching `match`. */
function ols(match: (p: Record<string, unknown>, bench: string) => boolean): number {
  const pts = lines.filter((l) => l.type === 'sample' && match(l.params ?? {}, l.bench ?? ''));
  assert.ok(pts.length >= 4);
  return fitLineRobust(pts.map((p) => ({ x: p.iters!, y: p.totalNs! }))).slope;
}
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const value = (o: Outcome) => {
  assert.ok(!isMissing(o), JSON.stringify(o));
  return o.est.value;
};
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

const pollSelf = () =>
  median([1, 4, 16].map((k) => ols((p, b) => b === 'poll_self' && p.flavor === 'ct' && p.driver === 'none' && p.k === k)));

test('yield_extra: the slope over K of the current_thread yield round (round = a + b·K) minus poll_self', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE)));
  const ks = [1, 2, 4, 8, 16, 64];
  const round = ks.map((k) => ({ x: k, y: ols((p, b) => b === 'yield_round' && p.driver === 'timer' && p.k === k) }));
  const perYielder = lsq(round);
  close(value(d.get('yield_extra')), perYielder - pollSelf());
  const o = d.get('yield_extra');
  assert.ok(!isMissing(o) && o.provenance === 'calibrated' && /yield_round/.test(o.est.source), JSON.stringify(o));
  // What a yielder adds to a round of K (~56 ns here) is a poll (~48 ns) and little more; the lone
  // loop's difference (the old rule) also holds the round's own overhead beyond the driver poll.
  const lone =
    ols((p, b) => b === 'yield_lone' && p.driver === 'none' && p.in === 'task') - pollSelf() - value(d.get('driver_poll_none'));
  assert.ok(perYielder > 40 && perYielder < 80, `per yielder ${perYielder}`);
  assert.ok(value(d.get('yield_extra')) < lone, `${value(d.get('yield_extra'))} vs lone ${lone}`);
});

test('yield_extra without yield_round lines falls back to the lone loop, and says so', () => {
  const kept = text
    .trim()
    .split('\n')
    .filter((l) => !l.includes('"yield_round"'))
    .join('\n');
  const d = new Deriver(new Fitter(parseProbeOutput(kept, FILE)));
  const o = d.get('yield_extra');
  assert.ok(!isMissing(o), JSON.stringify(o));
  const lone = ols((p, b) => b === 'yield_lone' && p.driver === 'none' && p.in === 'task');
  close(o.est.value, lone - pollSelf() - value(d.get('driver_poll_none')));
  assert.match(o.note ?? '', /no yield_round/);
});

// ---- unpark_worker: per wake-up, from the parks the probe counts --------------------------------

/**
 * test/fixtures/calibrate/mt-yield-idle-parks.jsonl: `probe microbench mt_yield_idle loop=yield
 * n=50000 reps=3` at workers=1 and 2 (tokio 1.24.2), each with its `parks` summary (on_thread_park),
 * on the development VM while other builds ran (load ~22: the figures are loaded-machine ones).
 */
const PARKS_FILE = 'test/fixtures/calibrate/mt-yield-idle-parks.jsonl';
const parksText = readFileSync(PARKS_FILE, 'utf8');
const parkLines = parksText
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Line & { parks?: number; ops?: number });

test('unpark_worker: the extra cost per yield of an idle second worker, divided by its parks per yield (on_thread_park)', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(parksText, PARKS_FILE)));
  const slopeOf = (workers: number) => {
    const pts = parkLines.filter((l) => l.type === 'sample' && l.bench === 'mt_yield_idle' && l.params?.workers === workers);
    return fitLineRobust(pts.map((p) => ({ x: p.iters!, y: p.totalNs! }))).slope;
  };
  const sums = parkLines.filter((l) => l.type === 'summary' && l.params?.workers === 2);
  assert.equal(sums.length, 1);
  const perYield = sums[0].parks! / sums[0].ops!;
  assert.ok(perYield > 0 && perYield < 1, `${perYield} wake-ups per yield`);
  const o = d.get('unpark_worker');
  assert.ok(!isMissing(o) && o.provenance === 'calibrated', JSON.stringify(o));
  close(o.est.value, (slopeOf(2) - slopeOf(1)) / perYield);
  assert.match(o.est.source, /on_thread_park/);
  // Without the summaries (older probe output) the divisor is 1, as before: a lower bound.
  const noParks = parksText
    .trim()
    .split('\n')
    .filter((l) => !l.includes('"summary"'))
    .join('\n');
  const old = new Deriver(new Fitter(parseProbeOutput(noParks, PARKS_FILE))).get('unpark_worker');
  assert.ok(!isMissing(old) && old.provenance === 'inferred');
  close(old.est.value, slopeOf(2) - slopeOf(1));
});

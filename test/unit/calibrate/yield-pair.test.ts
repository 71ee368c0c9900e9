/**
 * yield_round_parallel from saved probe output (test/fixtures/calibrate/yield-pair-quick.jsonl:
 * `probe suite quick=1 only=mt_yield_pair,mt_yield_idle` on the 2-vCPU development VM at load ~10,
 * shared with other engineers' builds, so its figures are not this host's): twice the pair's slope
 * (one task's round of two loops spinning at once) less a lone loop's round on one worker,
 * recomputed here by hand from the sample lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';
import { probeFixture } from './fixture.js';

const FILE = 'test/fixtures/calibrate/yield-pair-quick.jsonl';
const { text, lines, slope: fit } = probeFixture(FILE);

const slope = (bench: string, workers: number): number =>
  fit((p, b) => b === bench && p.workers === workers && p.loop === 'yield');

test('yield_round_parallel is 2 × the pair slope less the lone loop on one worker, with the pair’s parks in the note', () => {
  const o = new Deriver(new Fitter(parseProbeOutput(text, FILE))).get('yield_round_parallel');
  assert.ok(!isMissing(o), JSON.stringify(o));
  const want = Math.max(0, 2 * slope('mt_yield_pair', 2) - slope('mt_yield_idle', 1));
  assert.ok(Math.abs(o.est.value - want) <= 1e-6 * Math.max(1, want), `${o.est.value} vs ${want}`);
  assert.equal(o.provenance, 'calibrated');
  assert.match(o.note ?? '', /parked 655 times in 96875 yields/);
});

test('without mt_yield_pair lines yield_round_parallel is missing, never filled in', () => {
  const only = lines.filter((l) => l.bench !== 'mt_yield_pair').map((l) => JSON.stringify(l));
  const o = new Deriver(new Fitter(parseProbeOutput(only.join('\n'), FILE))).get('yield_round_parallel');
  assert.ok(isMissing(o));
});

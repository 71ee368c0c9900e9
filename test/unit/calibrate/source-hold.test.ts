/**
 * source_hold from saved probe output (test/fixtures/calibrate/par-record.jsonl: `probe microbench
 * par_record body=compute_end n=2048 reps=3 driver=none`, tokio 1.24.2, on the 2-vCPU development
 * VM at load ~8, shared with other engineers' builds): with period P = tick_us, the hold per
 * wake-up is P·(1 − both/tick) of the Theil–Sen slopes, recomputed here by hand from the sample
 * lines; the note carries both/alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';
import { close, probeFixture, value } from './fixture.js';

const FILE = 'test/fixtures/calibrate/par-record.jsonl';
const { text, lines, slope: fit } = probeFixture(FILE);
const slope = (mode: string) => fit((p, b) => b === 'par_record' && p.body === 'compute_end' && p.mode === mode);

test('source_hold is tick_us · (1 − both/tick) of par_record body=compute_end, with both/alone in the note', () => {
  const o = new Deriver(new Fitter(parseProbeOutput(text, FILE))).get('source_hold');
  const want = 100_000 * (1 - slope('both') / slope('tick'));
  assert.ok(want > 0, `${want}`);
  close(value(o), want);
  assert.ok(!isMissing(o));
  assert.equal(o.provenance, 'calibrated');
  assert.match(o.note ?? '', new RegExp(`both/alone ${(slope('both') / slope('alone')).toFixed(3)}`));
});

test('without mode=tick samples source_hold is missing, never filled in', () => {
  const only = lines.filter((l) => l.params?.mode !== 'tick').map((l) => JSON.stringify(l));
  assert.ok(isMissing(new Deriver(new Fitter(parseProbeOutput(only.join('\n'), FILE))).get('source_hold')));
});

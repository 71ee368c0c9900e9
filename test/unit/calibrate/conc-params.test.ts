/**
 * The fits of conc_send_* and conc_recv_* from saved probe output
 * (test/fixtures/calibrate/conc-quick.jsonl: the handoff lines of `probe suite quick=1
 * only=handoff,channel` and its current_thread send_u / try_send_b lines, on the 2-vCPU
 * development VM while other engineers' builds loaded it, load ~11: the values are not this
 * machine's quiet costs, the test checks the arithmetic): each parameter is a difference of
 * slopes, recomputed here by hand from the sample lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';
import { close, probeFixture, value } from './fixture.js';

const FILE = 'test/fixtures/calibrate/conc-quick.jsonl';
const { text, lines, slope } = probeFixture(FILE);

test('conc_send_* is the sends timed with the receiver at work at once minus the same sends alone, clamped at 0', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE)));
  for (const [name, chan, op] of [
    ['conc_send_unbounded', 'u', 'send_u'],
    ['conc_send_bounded', 'b', 'try_send_b'],
  ] as const) {
    const conc = slope((p, b) => b === 'handoff' && p.chan === chan && p.where === 'conc_send');
    const alone = slope((p, b) => b === 'channel' && p.op === op && p.flavor === 'ct');
    close(value(d.get(name)), Math.max(0, conc - alone));
  }
});

test('conc_recv_* is the receives timed with the sender at work at once minus the same-task receives, clamped at 0', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE)));
  for (const [name, chan] of [
    ['conc_recv_unbounded', 'u'],
    ['conc_recv_bounded', 'b'],
  ] as const) {
    const conc = slope((p, b) => b === 'handoff' && p.chan === chan && p.where === 'conc_recv');
    const same = slope((p, b) => b === 'handoff' && p.chan === chan && p.where === 'same');
    close(value(d.get(name)), Math.max(0, conc - same));
  }
});

test('without the conc_* lines (a probe before them) the parameters are missing, never filled in', () => {
  const older = lines
    .filter((l) => !(l.bench === 'handoff' && String(l.params?.where).startsWith('conc_')))
    .map((l) => JSON.stringify(l))
    .join('\n');
  const d = new Deriver(new Fitter(parseProbeOutput(older, FILE)));
  for (const n of ['conc_send_unbounded', 'conc_recv_unbounded', 'conc_send_bounded', 'conc_recv_bounded'])
    assert.match((d.get(n) as { missing: string }).missing, /handoff.*where=conc_/);
  assert.ok(!isMissing(d.get('handoff_unbounded')));
});

/**
 * The fits of spawn_remote, unpark_remote and handoff_* from saved probe output
 * (test/fixtures/calibrate/remote-quick.jsonl: `probe suite quick=1 only=spawn_remote,handoff`
 * on the 2-vCPU development VM, shared with other builds): each parameter is the slope, or the
 * difference of slopes, the simulator charges — recomputed here by hand from the sample lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { Fitter } from '../../../src/calibrate/fit.js';
import { Deriver, isMissing } from '../../../src/calibrate/derive.js';
import { close, probeFixture, value } from './fixture.js';

const FILE = 'test/fixtures/calibrate/remote-quick.jsonl';
const { text, lines, slope: ols } = probeFixture(FILE);

test('spawn_remote is the busy-load slope; unpark_remote the idle-load slope (median over workers) minus it', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE)));
  const busy = ols((p, b) => b === 'spawn_remote' && p.load === 'busy');
  const idle1 = ols((p, b) => b === 'spawn_remote' && p.load === 'idle' && p.workers === 1);
  const idle2 = ols((p, b) => b === 'spawn_remote' && p.load === 'idle' && p.workers === 2);
  close(value(d.get('spawn_remote')), busy);
  close(value(d.get('unpark_remote')), (idle1 + idle2) / 2 - busy);
  // The figures of this VM: an inject push is ~0.1–0.5 µs, a futex wake of a parked worker ~10–20 µs.
  assert.ok(busy > 50 && busy < 1000, `spawn_remote ${busy}`);
  assert.ok(value(d.get('unpark_remote')) > 5_000, `unpark_remote ${value(d.get('unpark_remote'))}`);
});

test('handoff_* is the cross-worker receive slope minus the same-task one, clamped at 0', () => {
  const d = new Deriver(new Fitter(parseProbeOutput(text, FILE)));
  for (const [name, chan] of [
    ['handoff_unbounded', 'u'],
    ['handoff_bounded', 'b'],
  ] as const) {
    const cross = ols((p, b) => b === 'handoff' && p.chan === chan && p.where === 'cross');
    const same = ols((p, b) => b === 'handoff' && p.chan === chan && p.where === 'same');
    close(value(d.get(name)), Math.max(0, cross - same));
  }
});

test('without their benchmark lines the optional parameters are missing, never filled in', () => {
  const header = lines.filter((l) => l.type === 'header').map((l) => JSON.stringify(l));
  const noBusy = [
    ...header,
    ...lines
      .filter((l) => l.type !== 'header' && !(l.bench === 'spawn_remote' && l.params?.load === 'busy'))
      .map((l) => JSON.stringify(l)),
  ].join('\n');
  const d = new Deriver(new Fitter(parseProbeOutput(noBusy, FILE)));
  assert.ok(isMissing(d.get('spawn_remote')));
  assert.ok(isMissing(d.get('unpark_remote')));
  assert.ok(!isMissing(d.get('handoff_unbounded')));
  const onlyHeader = new Deriver(new Fitter(parseProbeOutput(header.join('\n'), FILE)));
  for (const n of ['spawn_remote', 'unpark_remote', 'handoff_unbounded', 'handoff_bounded'])
    assert.match((onlyHeader.get(n) as { missing: string }).missing, /spawn_remote|handoff/);
});

test('handoff_* says how many cross samples the probe took again (its summary line), and nothing when none were', () => {
  const note = (t: string, name: string) => {
    const o = new Deriver(new Fitter(parseProbeOutput(t, FILE))).get(name);
    assert.ok(!isMissing(o));
    return o.note ?? '';
  };
  assert.doesNotMatch(note(text, 'handoff_unbounded'), /taken again/);
  const params = lines.find((l) => l.bench === 'handoff' && l.params?.chan === 'u' && l.params?.where === 'cross')!.params;
  const summary = JSON.stringify({ type: 'summary', bench: 'handoff', params, retries: 3 });
  const withRetries = `${text.trimEnd()}\n${summary}\n`;
  assert.match(note(withRetries, 'handoff_unbounded'), /3 cross samples were taken again/);
  assert.doesNotMatch(note(withRetries, 'handoff_bounded'), /taken again/);
});

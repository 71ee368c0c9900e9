/**
 * The fast-forward's search where random draws keep coming (issue 20): a worker yield-spinning next
 * to parked ones wakes one every few rounds and each wake draws a latency, so no cycle spans two
 * draws and every anchor walked between them is wasted. CycleDetector.drawn widens the anchor
 * spacing after a few such searches, so those stretches cost few walks; a worthwhile jump narrows
 * it back. Which checkpoints are walked never changes a Result (a jump is exact): the
 * fast-forward-vs-stepping tests (fast-forward.test.ts, test/property) check that.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleDetector } from '../../../src/runtime/fast-forward.js';

/** One checkpoint of a state seen nowhere else (its signature too): whether the detector walked it. */
function checkpoint(det: CycleDetector, i: number): boolean {
  if (!det.enabled || !det.wantsSignature() || !det.onSignature(i)) return false;
  det.walk.beginRecord(100 * i);
  det.walk.ex(i);
  assert.equal(det.afterWalk(), undefined);
  return true;
}

/**
 * `n` checkpoints 100 ns apart, a draw before every `drawEvery`-th (reported by `onDraw`) and an
 * outside event (an arrival: reset) every 960th; returns the state walks the detector asked for.
 */
function walksWithDraws(n: number, drawEvery: number, onDraw: (d: CycleDetector) => void): number {
  const det = new CycleDetector();
  for (let i = 0; i < n; i++) {
    if (i % 960 === 0) det.reset();
    if (i % drawEvery === drawEvery - 1) onDraw(det);
    else checkpoint(det, i);
  }
  return det.walks;
}

test('draws that keep retiring the anchors widen their spacing: few walks where no cycle can be proven', () => {
  // A draw every 24 checkpoints: at the first spacing (16) one anchor is walked between two draws,
  // each wasted; the outside events make each stretch's first checkpoint an anchor all the same.
  const n = 24 * 1000;
  const asBefore = walksWithDraws(n, 24, (d) => d.forget());
  const now = walksWithDraws(n, 24, (d) => d.drawn());
  assert.ok(asBefore >= 900, `forget alone walks once per draw interval (${asBefore})`);
  assert.ok(now <= 3 * (n / 960), `drawn() widens the spacing past the draw interval after a few wasted searches (${now} walks)`);
});

test('a worthwhile jump narrows the spacing back, and an outside event anchors at once', () => {
  const det = new CycleDetector();
  det.reset();
  let i = 0;
  // Widen: searches whose anchors a draw retires.
  for (let k = 0; k < 40; k++) {
    for (let j = 0; j < 300; j++) checkpoint(det, i++);
    det.drawn();
    det.reset(); // an arrival now and then: the detector does not give up for good
  }
  det.drawn();
  // The spacing is wide now: 200 draw-free checkpoints after a draw walk nothing.
  let walked = 0;
  for (let j = 0; j < 200; j++) if (checkpoint(det, i++)) walked++;
  assert.equal(walked, 0);
  // An outside event (reset): the next checkpoint is an anchor all the same.
  det.reset();
  assert.ok(checkpoint(det, i++));
  // A jump that skipped plenty: back to the first spacing (an anchor within 16 checkpoints of a draw).
  det.jumped(1000, Infinity, 1);
  det.drawn();
  let first = -1;
  for (let j = 0; j < 40 && first < 0; j++) if (checkpoint(det, i++)) first = j;
  assert.ok(first >= 0 && first < 16, `anchor after ${first} checkpoints`);
});

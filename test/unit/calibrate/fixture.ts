/**
 * A saved probe output used as a calibrate fixture: its text, its lines, and what the fit tests
 * recompute by hand from it (calibrate's Theil–Sen slope of totalNs on iters over matching sample
 * lines; an estimate's value; a near-equality).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fitLineRobust } from '../../../src/calibrate/stats.js';
import { isMissing, type Outcome } from '../../../src/calibrate/derive.js';

export type Line = { type: string; bench?: string; params?: Record<string, unknown>; iters?: number; totalNs?: number };

export function probeFixture(file: string) {
  const text = readFileSync(file, 'utf8');
  const lines = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
  /** Theil–Sen slope (calibrate's fit) of totalNs on iters over the sample lines matching `match` (4 or more). */
  const slope = (match: (p: Record<string, unknown>, bench: string) => boolean): number => {
    const pts = lines.filter((l) => l.type === 'sample' && match(l.params ?? {}, l.bench ?? ''));
    assert.ok(pts.length >= 4);
    return fitLineRobust(pts.map((p) => ({ x: p.iters!, y: p.totalNs! }))).slope;
  };
  return { text, lines, slope };
}

/** An estimate's value, failing with the reason when it is missing. */
export const value = (o: Outcome) => {
  assert.ok(!isMissing(o), JSON.stringify(o));
  return o.est.value;
};

export const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toChromeTrace } from '../../../src/schema/trace-events.js';

test('trace records become complete events in µs on tid = worker, with thread names', () => {
  const t = toChromeTrace([
    { worker: 1, task: 'p0', startNs: 1500, endNs: 4000, kind: 'poll' },
    { worker: 0, task: 'coord', startNs: 0, endNs: 1000, kind: 'poll' },
  ]);
  assert.deepEqual(t.traceEvents, [
    { name: 'thread_name', ph: 'M', pid: 1, tid: 0, args: { name: 'worker 0' } },
    { name: 'thread_name', ph: 'M', pid: 1, tid: 1, args: { name: 'worker 1' } },
    { name: 'p0', cat: 'poll', ph: 'X', ts: 1.5, dur: 2.5, pid: 1, tid: 1 },
    { name: 'coord', cat: 'poll', ph: 'X', ts: 0, dur: 1, pid: 1, tid: 0 },
  ]);
});

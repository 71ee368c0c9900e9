/**
 * trace-stats (src/report/trace-stats.ts): per-batch figures of a poll trace, on tiny timelines,
 * and the CLI on the stored real trace of validation/mt-w0-await-2p.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ChromeTrace } from '../../../src/schema/chrome-trace.js';
import { traceStats } from '../../../src/report/trace-stats.js';
import { ROOT, runMain } from '../../helpers.js';

const poll = (name: string, tid: number, ts: number, dur: number, cpu?: number) => ({
  name,
  cat: 'poll',
  ph: 'X',
  ts,
  dur,
  pid: 1,
  tid,
  ...(cpu === undefined ? {} : { args: { cpu } }),
});
const send = (ts: number) => ({ name: 'batch sent', cat: 'send', ph: 'i', s: 't', ts, pid: 1, tid: 9 });

test('two batches: the first poll after each send, each task on its thread or another, on which CPU', () => {
  const trace: ChromeTrace = {
    traceEvents: [
      send(0),
      poll('c', 1, 10, 1, 0),
      poll('p1', 1, 11, 2, 0),
      poll('p0', 1, 13, 2, 0),
      send(1000),
      poll('c', 2, 1020, 9, 1),
      poll('p0', 1, 1024, 2, 1), // the woken worker on the coordinator's CPU
      poll('p1', 2, 1029, 2, 1),
      poll('p1', 2, 1100, 1, 1), // a second poll of p1 in the window: not its first
    ],
  };
  const st = traceStats(trace);
  assert.equal(st.sends, 2);
  assert.equal(st.batches, 2);
  assert.equal(st.polls, 7);
  assert.deepEqual(st.firstTask, [{ task: 'c', batches: 2 }]);
  assert.deepEqual(st.firstAfterSend, [11, 15, 19]);
  const p0 = st.perTask.find((t) => t.task === 'p0')!;
  assert.equal(p0.batches, 2);
  assert.equal(p0.sameThread, 1);
  assert.equal(p0.otherThreadSameCpu, 1);
  assert.deepEqual(p0.endAfterSend, [16.1, 20.5, 24.9]); // 15 and 26 µs after their sends
  const p1 = st.perTask.find((t) => t.task === 'p1')!;
  assert.equal(p1.sameThread, 2);
  assert.deepEqual(p1.duration, [2, 2, 2]);
  assert.deepEqual(st.firstDurationAllSameThread, [1, 1, 1]);
  assert.deepEqual(st.firstDurationSomeOtherThread, [9, 9, 9]);
  assert.deepEqual(
    st.pollDurations.map((p) => [p.task, p.count]),
    [
      ['c', 2],
      ['p0', 2],
      ['p1', 3],
    ],
  );
});

test('a simulated trace has no CPUs: otherThreadSameCpu is null, not 0', () => {
  const st = traceStats({ traceEvents: [send(0), poll('c', 0, 5, 1), poll('p', 1, 7, 1)] });
  assert.equal(st.perTask.find((t) => t.task === 'p')!.otherThreadSameCpu, null);
});

test("the stored real trace of mt-w0-await-2p: the woken worker runs the stolen partition on its waker's CPU", async () => {
  const file = join(ROOT, 'test/fixtures/traces/mt-w0-await-2p-measured.json');
  const r = await runMain(['trace-stats', file, '--json']);
  assert.equal(r.code, 0, r.out);
  const st = Object.values(JSON.parse(r.out) as Record<string, ReturnType<typeof traceStats>>)[0];
  assert.equal(st.source, 'measured');
  assert.equal(st.batches, 100);
  const p0 = st.perTask.find((t) => t.task === 'partition[0]')!;
  assert.equal(p0.batches - p0.sameThread, 44);
  assert.equal(p0.otherThreadSameCpu, 43);
});

test('trace-stats refuses a document that is not a trace, naming the file', async () => {
  const r = await runMain(['trace-stats', join(ROOT, 'models/host-release.json')]);
  assert.notEqual(r.code, 0);
  assert.match(r.out, /host-release\.json/);
});

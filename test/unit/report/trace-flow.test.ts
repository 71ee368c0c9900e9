/**
 * Traces (`simulate --trace`, `measure --trace`, the sweep's traced point): a source's batch send
 * is an instant event, a wake from inside a poll is a flow arrow from that poll to the woken
 * task's next poll, both ends bound to their slices; the `--trace-events` cap holds for all of
 * them together, and the bytes are the same run after run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { simulateWithTrace } from '../../../src/runtime/simulate.js';
import type { ChromeEvent, ChromeTrace } from '../../../src/schema/chrome-trace.js';
import { toChromeTrace, traceRowNames } from '../../../src/schema/trace-events.js';
import { traceRecords } from '../../../src/probe/execute.js';
import { runMain } from '../../helpers.js';

test('toChromeTrace: a send is a thread-scoped instant; a wake is an s/f flow bound inside the waking poll and at the woken poll', () => {
  const t = toChromeTrace(
    [
      { thread: 2, task: 'reader', startNs: 0, endNs: 0, kind: 'send', records: 100 },
      { thread: 0, task: 'coord', startNs: 100, endNs: 900, kind: 'poll', id: 0 },
      // coord wakes p at 400 ns, inside its poll; p's next poll starts at 1000 ns on worker 1.
      { thread: 0, task: 'p', startNs: 400, endNs: 400, kind: 'wake', id: 1 },
      // a wake at the very end of the waking poll is placed 1 ns inside it.
      { thread: 0, task: 'p', startNs: 900, endNs: 900, kind: 'wake', id: 1 },
      // a wake outside any poll (a worker's park/timer code) draws nothing.
      { thread: 0, task: 'p', startNs: 950, endNs: 950, kind: 'wake', id: 1 },
      { thread: 1, task: 'p', startNs: 1000, endNs: 1500, kind: 'poll', id: 1 },
      // the woken task's next poll is not in the trace: nothing.
      { thread: 1, task: 'coord', startNs: 1200, endNs: 1200, kind: 'wake', id: 0 },
    ],
    ['w0', 'w1', 'source reader'],
  );
  const ev = t.traceEvents.filter((e) => e.ph !== 'M');
  assert.deepEqual(ev[0], {
    name: 'batch sent',
    cat: 'send',
    ph: 'i',
    s: 't',
    ts: 0,
    pid: 1,
    tid: 2,
    args: { source: 'reader', records: 100 },
  });
  const flows = ev.filter((e) => e.ph === 's' || e.ph === 'f');
  assert.deepEqual(
    flows.map((e) => [e.ph, e.id, e.ts, e.tid, e.bp]),
    [
      ['s', 1, 0.4, 0, undefined],
      ['f', 1, 1, 1, 'e'],
      ['s', 2, 0.899, 0, undefined],
      ['f', 2, 1, 1, 'e'],
    ],
  );
  assert.ok(flows.every((e) => e.name === 'wake' && e.cat === 'wake'));
  assert.equal(ev.filter((e) => e.ph === 'X').length, 2);
  assert.deepEqual(
    t.traceEvents.filter((e) => e.ph === 'M').map((e) => e.args?.name),
    ['w0', 'w1', 'source reader'],
  );
});

/** Checks every flow and instant of a trace against its slices; returns the counts by phase. */
function checkTrace(t: ChromeTrace): Record<string, number> {
  const xs = t.traceEvents.filter((e) => e.ph === 'X');
  const inside = (e: ChromeEvent) => xs.find((x) => x.tid === e.tid && x.ts! <= e.ts! && e.ts! < x.ts! + x.dur!);
  const startsAt = (e: ChromeEvent) => xs.find((x) => x.tid === e.tid && x.ts === e.ts);
  const starts = new Map<unknown, ChromeEvent>();
  const count: Record<string, number> = {};
  for (const e of t.traceEvents) {
    count[e.ph] = (count[e.ph] ?? 0) + 1;
    if (e.ph === 'i') {
      assert.equal(e.name, 'batch sent');
      assert.equal(e.s, 't');
      assert.equal(e.dur, undefined);
    } else if (e.ph === 's') {
      assert.ok(inside(e), `flow ${String(e.id)} starts inside a poll on its thread (${e.ts} µs, tid ${e.tid})`);
      starts.set(e.id, e);
    } else if (e.ph === 'f') {
      const s = starts.get(e.id);
      assert.ok(s, `flow ${String(e.id)} finishes after its start`);
      assert.equal(e.bp, 'e');
      assert.ok(e.ts! >= s.ts!);
      const woken = startsAt(e);
      assert.ok(woken, `flow ${String(e.id)} ends where a poll starts`);
      assert.equal(woken.name, (e.args as { task: string }).task);
    }
  }
  assert.ok(!xs.some((x) => x.name === 'batch sent'), 'no zero-length send spans');
  return count;
}

test('a simulated trace: sends as instants, wake arrows bound to polls, within the cap, byte-identical', () => {
  const { plan, model } = loadScenario('scenarios/validation/mt-await-2p.json');
  const go = (cap: number) => {
    const { result, spans, truncated } = simulateWithTrace(plan, model, { traceSpans: cap });
    return { t: toChromeTrace(spans, traceRowNames(result, plan)), truncated };
  };
  const { t, truncated } = go(500);
  const count = checkTrace(t);
  assert.ok(count.i > 0 && count.s > 0, `sends ${count.i}, wake arrows ${count.s}`);
  assert.equal(count.s, count.f);
  assert.ok(count.X + count.i + count.s + count.f <= 500, `${JSON.stringify(count)} within the cap of 500`);
  assert.ok(truncated);
  assert.ok(t.traceEvents.some((e) => e.ph === 'M' && e.args?.name === `source ${plan.sources[0].name}`));
  assert.equal(JSON.stringify(go(500).t), JSON.stringify(t), 'deterministic');
  // A cap the whole run fits in: not truncated.
  assert.equal(go(10_000_000).truncated, false);
});

test('a measured trace: the probe’s zero-length source spans become send instants', () => {
  const { plan } = loadScenario('scenarios/validation/mt-await-2p.json');
  const { records, names } = traceRecords(
    {
      threads: ['tokio-runtime-worker', 'reader'],
      spans: [
        [1, 0xffffffff, 500, 500],
        [0, 0, 1000, 1500],
      ],
      dropped: 0,
    },
    plan,
  );
  const ev = toChromeTrace(records, names).traceEvents.filter((e) => e.ph !== 'M');
  assert.deepEqual(
    ev.map((e) => [e.ph, e.name, e.tid]),
    [
      ['i', 'batch sent', 1],
      ['X', plan.tasks[0].name, 0],
    ],
  );
});

test('a measured trace: the CPU each poll began on (the probe’s fifth span column) is the poll’s args.cpu', () => {
  const { plan } = loadScenario('scenarios/validation/mt-await-2p.json');
  const { records, names } = traceRecords(
    {
      threads: ['tokio-runtime-worker', 'tokio-runtime-worker', 'main'],
      spans: [
        [0, 0, 1000, 1500, 1],
        [1, 1, 1200, 1300, 0],
        // sched_getcpu failed: u64::MAX, which JSON.parse reads as 2^64
        [2, 0, 2000, 2100, 2 ** 64],
        // a probe from before session 13: four columns
        [0, 0, 3000, 3100],
      ],
      dropped: 0,
    },
    plan,
  );
  const ev = toChromeTrace(records, names).traceEvents.filter((e) => e.ph === 'X');
  assert.deepEqual(
    ev.map((e) => e.args?.cpu),
    [1, 0, undefined, undefined],
  );
});

test('simulate --trace writes at most --trace-events events and marks the cut', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-trace-'));
  const file = join(dir, 't.json');
  const r = await runMain(['simulate', 'scenarios/validation/mt-await-2p.json', '--trace', file, '--trace-events', '300']);
  assert.equal(r.code, 0);
  const t = JSON.parse(readFileSync(file, 'utf8')) as ChromeTrace;
  const count = checkTrace(t);
  assert.ok(count.X + count.i + (count.s ?? 0) + (count.f ?? 0) <= 300);
  assert.ok(count.s > 0);
  assert.equal(t.otherData?.truncated?.spans, 300);
});

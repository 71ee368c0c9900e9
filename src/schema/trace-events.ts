/**
 * Simulator (or probe) trace records → Chrome trace-event JSON (`ChromeTrace`, schema in chrome-trace.ts).
 *
 * Phase: schema (pure, no I/O). Its own module, free of TypeBox, so sweep worker threads can convert
 * their traced point without loading the schema library. Times are converted from integer ns to
 * µs, the unit of the format, as exact decimals (ns / 1000). Thread-name metadata events name the
 * rows so Perfetto labels them. Output order is input order (the simulator's event order), so the
 * same run gives the same bytes.
 *
 *   poll  → a complete event (`ph: 'X'`) on `tid = worker` of process 1, named after the task
 *   send  → an instant event (`ph: 'i'`, thread scope `s: 't'`) named `batch sent`, on the source's row
 *   wake  → a flow arrow: `ph: 's'` inside the poll that woke the task (on the waking worker), `ph: 'f'`
 *           with `bp: 'e'` at the start of the woken task's next poll, both bound to those slices;
 *           a wake with no enclosing poll (a worker's timer or park code) or whose woken poll is not
 *           in the trace draws nothing
 */
import type { ChromeEvent, ChromeTrace } from './chrome-trace.js';

/**
 * One record of a trace (`Span` in the runtime): a poll of task instance `id` (`kind: 'poll'`,
 * the default for records of other kinds, e.g. a probe's), a source's batch send (`'send'`, an
 * instant at `startNs`, `records` delivered) or a wake of task instance `id` (`'wake'`, at
 * `startNs` on the waking worker). The row is accepted as `worker` or `thread` (the runtime's
 * `Span` calls it `thread`). `cpu`: the CPU a measured poll began on (the probe's trace; a
 * simulated poll has none), written as the poll event's `args.cpu`.
 */
export type TraceRecord = { task: string; startNs: number; endNs: number; kind: string; id?: number; records?: number; cpu?: number } & (
  | { worker: number }
  | { thread: number }
);

const workerOf = (r: TraceRecord): number => ('worker' in r ? r.worker : r.thread);

const PID = 1;
/** Name of a send's instant event (the probe's and the simulator's). */
export const SEND_EVENT = 'batch sent';

/**
 * Converts trace records. Row i is labelled by `names[i]`, or by the Result's `workers[i].name`
 * when a Result is given, else `worker i`.
 */
export function toChromeTrace(records: readonly TraceRecord[], names: readonly string[] | { workers: readonly { name: string }[] } = []): ChromeTrace {
  const rowNames = Array.isArray(names) ? (names as readonly string[]) : (names as { workers: readonly { name: string }[] }).workers.map((w) => w.name);
  const rows = new Set<number>();
  for (const r of records) if (r.kind !== 'wake') rows.add(workerOf(r));
  const meta: ChromeEvent[] = [...rows]
    .sort((a, b) => a - b)
    .map((w) => ({ name: 'thread_name', ph: 'M', pid: PID, tid: w, args: { name: rowNames[w] ?? `worker ${w}` } }));
  const polls = pollIndex(records);
  const events: ChromeEvent[] = [];
  let flow = 0;
  for (const r of records) {
    const tid = workerOf(r);
    if (r.kind === 'send') {
      events.push({
        name: SEND_EVENT,
        cat: 'send',
        ph: 'i',
        s: 't',
        ts: nsToUs(r.startNs),
        pid: PID,
        tid,
        args: { source: r.task, ...(r.records !== undefined ? { records: r.records } : {}) },
      });
    } else if (r.kind === 'wake') {
      const from = enclosing(polls.byThread.get(tid), r.startNs);
      const to = r.id === undefined ? undefined : nextPoll(polls.byTask.get(r.id), r.startNs);
      if (!from || !to) continue;
      const id = ++flow;
      // Bound inside the waking slice: a wake at its very end (a task that completed waking its
      // joiner) is placed 1 ns before it, or the slice would already be closed. args keep the time.
      const at = Math.min(r.startNs, from.endNs - 1);
      const args = { task: r.task, atUs: nsToUs(r.startNs) };
      events.push({ name: 'wake', cat: 'wake', ph: 's', id, ts: nsToUs(at), pid: PID, tid, args });
      events.push({ name: 'wake', cat: 'wake', ph: 'f', bp: 'e', id, ts: nsToUs(to.startNs), pid: PID, tid: workerOf(to), args });
    } else {
      events.push({
        name: r.task,
        cat: r.kind,
        ph: 'X',
        ts: nsToUs(r.startNs),
        dur: nsToUs(Math.max(0, r.endNs - r.startNs)),
        pid: PID,
        tid,
        ...(r.cpu !== undefined ? { args: { cpu: r.cpu } } : {}),
      });
    }
  }
  return { traceEvents: [...meta, ...events] };
}

/**
 * Row names of a simulated trace: the Result's workers (rows 0 … n−1), then one row per source
 * (`source <name>`), where its batch sends are.
 */
export function traceRowNames(result: { workers: readonly { name: string }[] }, plan: { sources: readonly { name: string }[] }): string[] {
  return [...result.workers.map((w) => w.name), ...plan.sources.map((s) => `source ${s.name}`)];
}

type PollRec = TraceRecord & { kind: string };

/** Polls by row and by task instance, each in start order (a row and a task poll one at a time). */
function pollIndex(records: readonly TraceRecord[]): { byThread: Map<number, PollRec[]>; byTask: Map<number, PollRec[]> } {
  const byThread = new Map<number, PollRec[]>();
  const byTask = new Map<number, PollRec[]>();
  const add = (m: Map<number, PollRec[]>, k: number, r: PollRec) => {
    const l = m.get(k);
    if (l) l.push(r);
    else m.set(k, [r]);
  };
  for (const r of records) {
    if (r.kind === 'send' || r.kind === 'wake') continue;
    add(byThread, workerOf(r), r);
    if (r.id !== undefined) add(byTask, r.id, r);
  }
  const byStart = (a: PollRec, b: PollRec) => a.startNs - b.startNs;
  for (const l of byThread.values()) l.sort(byStart);
  for (const l of byTask.values()) l.sort(byStart);
  return { byThread, byTask };
}

/** The last poll in `l` starting at or before `t`, if `t` falls inside it (an empty poll holds nothing). */
function enclosing(l: PollRec[] | undefined, t: number): PollRec | undefined {
  if (!l) return undefined;
  const i = lastAtOrBefore(l, t);
  const p = i >= 0 ? l[i] : undefined;
  return p && t <= p.endNs && p.endNs > p.startNs ? p : undefined;
}

/** The first poll in `l` starting at or after `t`. */
function nextPoll(l: PollRec[] | undefined, t: number): PollRec | undefined {
  if (!l) return undefined;
  const i = lastAtOrBefore(l, t - 1) + 1;
  return l[i];
}

function lastAtOrBefore(l: readonly PollRec[], t: number): number {
  let lo = 0;
  let hi = l.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (l[mid].startNs <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** ns → µs; integers below 2^53 divide by 1000 exactly enough for µs with 3 decimals. */
function nsToUs(ns: number): number {
  return Math.round(ns) / 1000;
}

/**
 * Simulator trace records → Chrome trace-event JSON (`ChromeTrace`, schema in chrome-trace.ts).
 *
 * Phase: schema (pure, no I/O). Its own module, free of TypeBox, so sweep worker threads can convert
 * their traced point without loading the schema library. Each record becomes one complete event
 * (`ph: 'X'`) on thread `tid = worker` of process 1; times are converted from integer ns to µs,
 * the unit of the format, as exact decimals (ns / 1000). Thread-name metadata events name the
 * workers so Perfetto labels the rows. Output order is input order (the simulator's event order),
 * so the same run gives the same bytes.
 */
import type { ChromeEvent, ChromeTrace } from './chrome-trace.js';

/**
 * One span of a task on a worker, as the simulator's bounded trace records it (`Span`). The
 * worker index is accepted as `worker` or `thread` (the runtime's `Span` calls it `thread`).
 */
export type TraceRecord = { task: string; startNs: number; endNs: number; kind: string } & ({ worker: number } | { thread: number });

const workerOf = (r: TraceRecord): number => ('worker' in r ? r.worker : r.thread);

const PID = 1;

/**
 * Converts trace records. Worker i's row is labelled by `names[i]`, or by the Result's
 * `workers[i].name` when a Result is given, else `worker i`.
 */
export function toChromeTrace(records: readonly TraceRecord[], names: readonly string[] | { workers: readonly { name: string }[] } = []): ChromeTrace {
  const workerNames = Array.isArray(names) ? (names as readonly string[]) : (names as { workers: readonly { name: string }[] }).workers.map((w) => w.name);
  const workers = new Set<number>();
  for (const r of records) workers.add(workerOf(r));
  const meta: ChromeEvent[] = [...workers]
    .sort((a, b) => a - b)
    .map((w) => ({ name: 'thread_name', ph: 'M', pid: PID, tid: w, args: { name: workerNames[w] ?? `worker ${w}` } }));
  const spans: ChromeEvent[] = records.map((r) => ({
    name: r.task,
    cat: r.kind,
    ph: 'X',
    ts: nsToUs(r.startNs),
    dur: nsToUs(Math.max(0, r.endNs - r.startNs)),
    pid: PID,
    tid: workerOf(r),
  }));
  return { traceEvents: [...meta, ...spans] };
}

/** ns → µs; integers below 2^53 divide by 1000 exactly enough for µs with 3 decimals. */
function nsToUs(ns: number): number {
  return Math.round(ns) / 1000;
}

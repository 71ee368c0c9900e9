/**
 * What a poll trace says about each batch: from every batch send (a source's `batch sent` instant)
 * to the next, which task was polled first and how long after the send, how long each task's
 * polls took, whether each task ran on the thread (and, in a measured trace, the CPU) of that
 * first poll, and when its first poll of the window ended. The same figures for a real run's trace
 * (`measure --trace`, which carries each poll's CPU in `args.cpu`) and a simulated one
 * (`simulate --trace`), so the two can be read side by side (docs/accuracy.md, session 14).
 *
 * Phase: report (pure: a parsed Chrome trace in, figures out; the CLI reads the file and prints).
 * Durations in µs, as the trace's `ts`/`dur`. Quantiles interpolate between order statistics.
 */
import type { ChromeTrace } from '../schema/chrome-trace.js';

/** p10, p50, p90 of a sample (µs); null for an empty one. */
export type Spread = [number, number, number] | null;

export interface TaskBatchStats {
  task: string;
  /** Windows (send to next send) in which the task was polled. */
  batches: number;
  /** Its first poll of the window: start after the first poll's start. */
  startAfterFirst: Spread;
  /** Its first poll of the window: duration. */
  duration: Spread;
  /** Its first poll of the window: end after the send. */
  endAfterSend: Spread;
  /** Windows in which its first poll ran on the thread of the window's first poll. */
  sameThread: number;
  /** Of the windows where it ran on another thread, those on the same CPU (measured traces; null without CPUs). */
  otherThreadSameCpu: number | null;
}

export interface TraceStats {
  /** `otherData.source` when the trace says (measured or simulated). */
  source: string | null;
  sends: number;
  polls: number;
  threads: number;
  /** Every poll of each task (not only the first of a window): count and duration. */
  pollDurations: { task: string; count: number; duration: Spread }[];
  /** Windows with at least one poll. */
  batches: number;
  /** The window's first poll: its start after the send. */
  firstAfterSend: Spread;
  /** Which task was polled first, and in how many windows. */
  firstTask: { task: string; batches: number }[];
  perTask: TaskBatchStats[];
  /** The first poll's duration in windows where every task ran on its thread, and where one ran on another. */
  firstDurationAllSameThread: Spread;
  firstDurationSomeOtherThread: Spread;
}

interface Span {
  task: string;
  tid: number;
  start: number;
  dur: number;
  cpu: number | null;
}

/** Quantile `q` of an ascending, non-empty sample, interpolated between order statistics. */
function quantile(asc: Float64Array, q: number): number {
  const h = (asc.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(asc.length - 1, lo + 1);
  return asc[lo] + (h - lo) * (asc[hi] - asc[lo]);
}

function spread(xs: number[]): Spread {
  if (xs.length === 0) return null;
  const s = Float64Array.from(xs).sort();
  return [quantile(s, 0.1), quantile(s, 0.5), quantile(s, 0.9)];
}

function spansOf(trace: ChromeTrace): Span[] {
  const out: Span[] = [];
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X' || typeof e.ts !== 'number') continue;
    const cpu = e.args?.cpu;
    out.push({ task: e.name, tid: e.tid, start: e.ts, dur: e.dur ?? 0, cpu: typeof cpu === 'number' ? cpu : null });
  }
  return out.sort((a, b) => a.start - b.start || a.tid - b.tid);
}

/** Per-batch figures of one trace; a trace without batch sends has `batches` 0 and only pollDurations. */
export function traceStats(trace: ChromeTrace): TraceStats {
  const spans = spansOf(trace);
  const sends = trace.traceEvents
    .filter((e) => (e.ph === 'i' || e.ph === 'I') && e.name === 'batch sent' && typeof e.ts === 'number')
    .map((e) => e.ts!)
    .sort((a, b) => a - b);
  const byTask = new Map<string, number[]>();
  for (const s of spans) {
    const l = byTask.get(s.task) ?? [];
    l.push(s.dur);
    byTask.set(s.task, l);
  }
  const tasks = [...byTask.keys()].sort();
  const first: number[] = [];
  const firstCount = new Map<string, number>();
  const allSame: number[] = [];
  const someOther: number[] = [];
  const acc = new Map<
    string,
    { start: number[]; dur: number[]; end: number[]; same: number; cpuSame: number; cpuKnown: number }
  >();
  for (const t of tasks) acc.set(t, { start: [], dur: [], end: [], same: 0, cpuSame: 0, cpuKnown: 0 });
  let batches = 0;
  let j = 0;
  for (let i = 0; i < sends.length; i++) {
    const from = sends[i];
    const to = i + 1 < sends.length ? sends[i + 1] : Infinity;
    while (j < spans.length && spans[j].start < from) j++;
    const win: Span[] = [];
    for (let k = j; k < spans.length && spans[k].start < to; k++) win.push(spans[k]);
    if (win.length === 0) continue;
    batches++;
    const f = win[0];
    first.push(f.start - from);
    firstCount.set(f.task, (firstCount.get(f.task) ?? 0) + 1);
    const seen = new Set<string>();
    let other = false;
    for (const s of win) {
      if (seen.has(s.task)) continue;
      seen.add(s.task);
      const a = acc.get(s.task)!;
      a.start.push(s.start - f.start);
      a.dur.push(s.dur);
      a.end.push(s.start + s.dur - from);
      if (s.tid === f.tid) a.same++;
      else {
        other = true;
        if (s.cpu !== null && f.cpu !== null) {
          a.cpuKnown++;
          if (s.cpu === f.cpu) a.cpuSame++;
        }
      }
    }
    (other ? someOther : allSame).push(f.dur);
  }
  const other = trace.otherData as { source?: unknown } | undefined;
  return {
    source: typeof other?.source === 'string' ? other.source : null,
    sends: sends.length,
    polls: spans.length,
    threads: new Set(spans.map((s) => s.tid)).size,
    pollDurations: tasks.map((t) => ({ task: t, count: byTask.get(t)!.length, duration: spread(byTask.get(t)!) })),
    batches,
    firstAfterSend: spread(first),
    firstTask: [...firstCount.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([task, n]) => ({ task, batches: n })),
    perTask: tasks
      .map((t) => {
        const a = acc.get(t)!;
        return {
          task: t,
          batches: a.dur.length,
          startAfterFirst: spread(a.start),
          duration: spread(a.dur),
          endAfterSend: spread(a.end),
          sameThread: a.same,
          otherThreadSameCpu: a.cpuKnown > 0 ? a.cpuSame : null,
        };
      })
      .filter((t) => t.batches > 0),
    firstDurationAllSameThread: spread(allSame),
    firstDurationSomeOtherThread: spread(someOther),
  };
}

function us(x: number): string {
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function fmt(s: Spread): string {
  return s === null ? '–' : `${us(s[1])} (${us(s[0])}–${us(s[2])})`;
}

/** The text `trace-stats` prints: µs, median (p10–p90). */
export function formatTraceStats(file: string, st: TraceStats): string {
  const L: string[] = [];
  L.push(`${file}${st.source ? ` [${st.source}]` : ''}: ${st.polls} polls on ${st.threads} thread(s), ${st.sends} batch sends`);
  L.push('  poll durations µs, median (p10–p90), every poll:');
  for (const p of st.pollDurations) L.push(`    ${p.task.padEnd(24)} ${String(p.count).padStart(7)} polls  ${fmt(p.duration)}`);
  if (st.batches === 0) return L.join('\n') + '\n';
  L.push(
    `  per batch (send to next send; ${st.batches} with a poll), the first poll ${fmt(st.firstAfterSend)} µs after the send;`,
  );
  L.push(`    polled first: ${st.firstTask.map((f) => `${f.task} ${f.batches}`).join(', ')}`);
  L.push("    each task's first poll of the batch, µs, median (p10–p90):");
  for (const t of st.perTask) {
    const cpu = t.otherThreadSameCpu === null ? '' : `, of those on the first poll's CPU ${t.otherThreadSameCpu}`;
    L.push(
      `    ${t.task.padEnd(24)} in ${t.batches}: starts ${fmt(t.startAfterFirst)} after the first, lasts ${fmt(t.duration)}, ends ${fmt(t.endAfterSend)} after the send; on the first poll's thread in ${t.sameThread}, on another in ${t.batches - t.sameThread}${cpu}`,
    );
  }
  L.push(
    `    the first poll lasts ${fmt(st.firstDurationAllSameThread)} where every task ran on its thread, ${fmt(st.firstDurationSomeOtherThread)} where one ran on another`,
  );
  return L.join('\n') + '\n';
}

/**
 * Per-worker timeline of a short window of a Chrome trace (as `simulate --trace` writes it).
 *
 * Phase: report. Only the first `MAX_SPANS` complete events (by start time) are drawn: the
 * report stays small and the chart legible; Perfetto is the tool for whole traces.
 */
import type { ChromeTrace } from '../schema/chrome-trace.js';
import type { TopLevelSpec } from 'vega-lite';
import { distinct, sizedChart, type Figure } from './figure.js';

type LayerUnit = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

export const MAX_SPANS = 1000;
/** Colour by task while tasks are few; by span kind beyond that, or the legend is a wall. */
const MAX_TASK_COLOURS = 20;

export function timelineFigure(trace: ChromeTrace, index: number, file: string): Figure | undefined {
  const names = new Map<number, string>();
  for (const e of trace.traceEvents) {
    const n = e.args?.name;
    if (e.ph === 'M' && e.name === 'thread_name' && typeof n === 'string') names.set(e.tid, n);
  }
  const row = (tid: number) => names.get(tid) ?? `thread ${tid}`;
  const spans = trace.traceEvents
    .filter((e) => e.ph === 'X' && typeof e.ts === 'number')
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.ts! - b.e.ts! || a.i - b.i)
    .slice(0, MAX_SPANS)
    .map(({ e }) => ({
      worker: row(e.tid),
      task: e.name,
      kind: e.cat ?? '',
      start: e.ts!,
      end: e.ts! + (e.dur ?? 0),
    }));
  if (spans.length === 0) return undefined;
  const byTask = distinct(spans.map((s) => s.task)).length <= MAX_TASK_COLOURS;
  const from = spans[0].start;
  let to = -Infinity; // a loop, not Math.max(...spans): a spread of ~120k spans overflows the stack
  for (const s of spans) if (s.end > to) to = s.end;
  const within = (ts: number | undefined): ts is number => typeof ts === 'number' && ts >= from && ts <= to;
  // Sends (instants) and wake arrows (flow start → finish) inside the drawn window.
  const sends = trace.traceEvents
    .filter((e) => (e.ph === 'i' || e.ph === 'I') && within(e.ts))
    .map((e) => ({ worker: row(e.tid), at: e.ts!, what: e.name }));
  const starts = new Map<unknown, (typeof trace.traceEvents)[number]>();
  const wakes: { from: string; to: string; start: number; end: number; task: string }[] = [];
  for (const e of trace.traceEvents) {
    if (e.ph === 's') starts.set(e.id, e);
    else if (e.ph === 'f') {
      const s = starts.get(e.id);
      if (s && within(s.ts) && within(e.ts))
        wakes.push({ from: row(s.tid), to: row(e.tid), start: s.ts!, end: e.ts!, task: String(e.args?.task ?? e.name) });
    }
  }
  const workers = distinct([...spans.map((s) => s.worker), ...sends.map((s) => s.worker)]);
  const od = trace.otherData;
  const what =
    od?.source === 'measured'
      ? 'measured on real tokio (probe execute)'
      : od?.source === 'simulated'
        ? 'simulated'
        : 'source not recorded in the trace';
  const cut = od?.truncated
    ? ` The trace itself is TRUNCATED: it holds the first ${od.truncated.spans} trace events (polls, sends, wakes), ${Number(od.truncated.coveredUs.toFixed(1))} µs of a ${Number((od.runUs / 1000).toFixed(1))} ms run.`
    : '';
  const drawn =
    spans.length < trace.traceEvents.filter((e) => e.ph === 'X').length
      ? ` Only its first ${spans.length} spans are drawn here.`
      : '';
  return {
    id: `timeline-${index}`,
    title: `Per-worker timeline (${od?.source ?? 'trace'}${od?.truncated ? ', truncated' : ''}), ${Number(from.toFixed(1))}–${Number(to.toFixed(1))} µs (first ${spans.length} polls of ${file})`,
    explain:
      `Each bar is one task poll on a runtime thread (a row), from its start to its end, ${what}.` +
      (sends.length ? ' A black tick is a batch sent by a source (its own row; latencies start there).' : '') +
      (wakes.length
        ? " A grey line is a wake: from the poll that woke a task to that task's next poll (its length is the wait to be polled)."
        : '') +
      `${cut}${drawn} Open the file in Perfetto (ui.perfetto.dev) for the whole trace.`,
    sources: [`${what} trace${od ? ` · ${od.scenario} · model ${od.model}` : ''}`],
    spec: {
      ...sizedChart(spans, Math.max(60, 28 * workers.length)),
      encoding: {
        y: { field: 'worker', type: 'nominal', sort: workers, title: 'thread' },
        x: {
          field: 'start',
          type: 'quantitative',
          title: 'time (µs)',
          scale: { zero: false, domain: [from, to] },
          axis: { tickCount: 8, labelOverlap: true, labelFlush: true },
        },
      },
      layer: [
        {
          mark: { type: 'bar', tooltip: true },
          encoding: {
            x2: { field: 'end' },
            color: { field: byTask ? 'task' : 'kind', type: 'nominal', title: byTask ? 'task' : 'kind' },
          },
        },
        ...(wakes.length
          ? [
              <LayerUnit>{
                data: { values: wakes },
                mark: { type: 'rule' as const, color: '#888', strokeWidth: 1, tooltip: true },
                encoding: {
                  y: { field: 'from', type: 'nominal', sort: workers },
                  y2: { field: 'to' },
                  x2: { field: 'end' },
                },
              },
            ]
          : []),
        ...(sends.length
          ? [
              <LayerUnit>{
                data: { values: sends },
                mark: { type: 'tick' as const, color: 'black', thickness: 2, tooltip: true },
                encoding: { x: { field: 'at', type: 'quantitative' }, y: { field: 'worker', type: 'nominal', sort: workers } },
              },
            ]
          : []),
      ],
    },
  };
}

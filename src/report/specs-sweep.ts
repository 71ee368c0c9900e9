/**
 * Figures from sweep documents: a metric against each numeric axis (mean with its 95% CI band,
 * one line per combination of the other axes, measured points overlaid), and heatmaps over the
 * first two axes.
 *
 * Phase: report. Measured overlays come from validation rows whose `params` name the axis's
 * pointer, and from measured Results when the axis is `/runtime/workers`.
 */
import type { Result } from '../schema/result.js';
import type { SweepAxis, SweepDoc, SweepPoint } from '../schema/sweep-doc.js';
import type { ValidationRow } from '../schema/validation-doc.js';
import { CHART_HEIGHT, CHART_WIDTH, distinct, originOf, sizedChart, type Figure } from './figure.js';
import { labelOf } from '../schema/labels.js';

type Value = number | string | boolean;

const LINE_METRICS = [
  {
    metric: 'recordsPerSec',
    title: 'throughput (records/s)',
    aliases: ['recordsPerSec', 'throughput', 'throughput.recordsPerSec'],
  },
  { metric: 'p99Us', title: 'p99 latency (µs)', aliases: ['p99Us', 'p99', 'latencyUs.p99'] },
] as const;
/** More series than this make a chart unreadable; the rest are left out and the title says so. */
const MAX_SERIES = 12;

function engineSummaries(p: SweepPoint): ['simulated' | 'analytic', NonNullable<SweepPoint['summary']['simulated']>][] {
  const out: ['simulated' | 'analytic', NonNullable<SweepPoint['summary']['simulated']>][] = [];
  if (p.summary.simulated) out.push(['simulated', p.summary.simulated]);
  if (p.summary.analytic) out.push(['analytic', p.summary.analytic]);
  return out;
}

function sweepOrigins(doc: SweepDoc): string[] {
  const sources = doc.engine === 'both' ? ['simulated', 'analytic'] : [doc.engine === 'sim' ? 'simulated' : 'analytic'];
  return sources.map((source) => originOf({ source: source as Result['source'], model: doc.model }));
}

function otherLabel(doc: SweepDoc, p: SweepPoint, axis: number): string {
  return doc.grid
    .map((a, i) => (i === axis ? '' : `${a.label}=${String(p.values[i])}`))
    .filter((s) => s !== '')
    .join(' ');
}

/** Every pointer an axis sets (a tied axis sets several to the same value). */
const pointersOf = (axis: SweepAxis): string[] => [axis.pointer, ...(axis.also ?? [])];

/**
 * The axis title in words with its unit (schema/labels.ts), e.g. `partitions`, `offered load
 * (records/s)`; a tied axis names what it ties (`cores = worker threads`). A value without a label
 * shows its last pointer token, never the whole pointer.
 */
export const axisTitle = (axis: SweepAxis): string =>
  pointersOf(axis)
    .map((p) => labelOf(p))
    .join(' = ');

function measuredOverlay(
  axis: SweepAxis,
  aliases: readonly string[],
  rows: readonly ValidationRow[],
  measured: readonly Result[],
  metric: string,
) {
  const at = (r: ValidationRow) => pointersOf(axis).find((p) => typeof r.params?.[p] === 'number');
  const fromRows = rows
    .filter((r) => aliases.includes(r.metric) && at(r) !== undefined)
    .map((r) => ({ x: r.params![at(r)!] as number, y: r.measured, series: `measured ${r.scenario}` }));
  const fromResults = pointersOf(axis).includes('/runtime/workers')
    ? measured.map((r) => ({
        x: r.runtime.workers,
        y: metric === 'recordsPerSec' ? r.throughput.recordsPerSec : r.latencyUs.p99,
        series: `measured ${r.scenario.name}`,
      }))
    : [];
  return [...fromRows, ...fromResults];
}

export function sweepLineFigures(
  doc: SweepDoc,
  sweepIndex: number,
  rows: readonly ValidationRow[],
  measured: readonly Result[],
): Figure[] {
  const figures: Figure[] = [];
  doc.grid.forEach((axis, ai) => {
    if (!axis.values.every((v) => typeof v === 'number')) return;
    for (const m of LINE_METRICS) {
      let series: string[] = [];
      const values = doc.points.flatMap((p) =>
        engineSummaries(p)
          .filter(([, s]) => s[m.metric] !== undefined)
          .map(([source, s]) => {
            const other = otherLabel(doc, p, ai);
            return {
              x: p.values[ai] as number,
              mean: s[m.metric].mean,
              // Throughput and latency cannot be negative: a wide CI (2 replications) is cut at 0.
              lo: Math.max(0, s[m.metric].lo),
              hi: s[m.metric].hi,
              series: other ? `${other} · ${source}` : source,
            };
          }),
      );
      series = distinct(values.map((v) => v.series));
      const kept = new Set(series.slice(0, MAX_SERIES));
      const shown = values.filter((v) => kept.has(v.series));
      if (shown.length === 0) continue;
      const overlay = measuredOverlay(axis, m.aliases, rows, measured, m.metric);
      const more = series.length > MAX_SERIES ? ` (first ${MAX_SERIES} of ${series.length} series)` : '';
      // Latencies that span orders of magnitude (time-sliced oversubscription next to µs) read on a log axis.
      const ys = [...shown.map((v) => v.lo), ...shown.map((v) => v.hi), ...overlay.map((o) => o.y)];
      const log = m.metric !== 'recordsPerSec' && Math.min(...ys) > 0 && Math.max(...ys) / Math.min(...ys) > 20;
      const y = (field: string, title?: string) => ({
        field,
        type: 'quantitative' as const,
        ...(title ? { title } : {}),
        scale: log ? { type: 'log' as const } : { zero: true },
      });
      const x = { field: 'x', type: 'quantitative' as const, axis: { values: axis.values as number[] } };
      const color = { field: 'series', type: 'nominal' as const, scale: { scheme: 'tableau20' } };
      figures.push({
        id: `sweep-${sweepIndex}-${ai}-${m.metric}`,
        title: `${m.title} vs ${axisTitle(axis)} — sweep of ${doc.scenario.name}${more}`,
        explain:
          'Each point is the mean over the replications of one configuration; the shaded band is its 95 % ' +
          'confidence interval (cut at 0: with few replications the interval is wide, so read it as “not yet ' +
          'settled”, and add --runs to narrow it).',
        sources: [...sweepOrigins(doc), ...(overlay.length ? ['measured (points)'] : [])],
        spec: {
          width: CHART_WIDTH,
          height: CHART_HEIGHT,
          // The line layer first: the merged legend takes its symbols (solid, not the band's 20%).
          layer: [
            {
              data: { values: shown },
              mark: { type: 'line', point: true, tooltip: true },
              encoding: {
                x: { ...x, title: axisTitle(axis) },
                y: y('mean', log ? `${m.title}, log scale` : m.title),
                color: { ...color, title: 'series', legend: { labelLimit: 320 } },
              },
            },
            {
              data: { values: shown },
              mark: { type: 'area', opacity: 0.2 },
              encoding: { x, y: y('lo'), y2: { field: 'hi' }, color },
            },
            ...(overlay.length
              ? [
                  {
                    name: 'measured',
                    data: { values: overlay },
                    mark: { type: 'point' as const, shape: 'cross', size: 120, filled: true, tooltip: true },
                    encoding: { x, y: y('y'), color },
                  },
                ]
              : []),
          ],
        },
      });
    }
  });
  return figures;
}

/** Smallest relative span of a heatmap's colour scale (see sweepHeatmaps). */
export const HEATMAP_MIN_SPAN = 0.1;

export function sweepHeatmaps(doc: SweepDoc, sweepIndex: number): Figure[] {
  if (doc.grid.length < 2) return [];
  const [ax, ay] = doc.grid;
  // Further axes are held at their first value: a heatmap shows two dimensions.
  const fixed = doc.points.filter((p) => doc.grid.every((a, i) => i < 2 || p.values[i] === a.values[0]));
  const held = doc.grid
    .slice(2)
    .map((a) => `${a.label}=${String(a.values[0])}`)
    .join(' ');
  const figures: Figure[] = [];
  for (const m of LINE_METRICS) {
    for (const source of ['simulated', 'analytic'] as const) {
      const values = fixed
        .filter((p) => p.summary[source]?.[m.metric] !== undefined)
        .map((p) => ({ x: p.values[0], y: p.values[1], value: p.summary[source]![m.metric].mean }));
      if (values.length === 0) continue;
      // Colour differences a reader can act on: the scale spans at least HEATMAP_MIN_SPAN of the
      // largest value, so a 0.08 % spread does not look like dark vs pale.
      const vs = values.map((v) => v.value);
      const top = Math.max(...vs);
      const bottom = Math.min(Math.min(...vs), top - HEATMAP_MIN_SPAN * Math.abs(top));
      figures.push({
        id: `heatmap-${sweepIndex}-${m.metric}-${source}`,
        title: `${m.title}, ${source} — ${doc.scenario.name}${held ? ` (${held})` : ''}`,
        explain:
          `Each cell is one configuration (${axisTitle(ax)} across, ${axisTitle(ay)} down), labelled with its value. The colour ` +
          `scale spans at least ${HEATMAP_MIN_SPAN * 100}% of the largest value, so cells that differ by less look alike.`,
        sources: [originOf({ source, model: doc.model })],
        spec: {
          ...sizedChart(values),
          encoding: {
            x: { field: 'x', type: 'ordinal', sort: ax.values as Value[] as number[], title: axisTitle(ax) },
            y: { field: 'y', type: 'ordinal', sort: ay.values as Value[] as number[], title: axisTitle(ay) },
          },
          layer: [
            {
              mark: { type: 'rect', tooltip: true },
              encoding: { color: { field: 'value', type: 'quantitative', title: m.title, scale: { domain: [bottom, top] } } },
            },
            {
              mark: { type: 'text', fontSize: 10 },
              encoding: { text: { field: 'value', type: 'quantitative', format: '.3~s' } },
            },
          ],
        },
      });
    }
  }
  return figures;
}

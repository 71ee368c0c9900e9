/**
 * Figures from a sweep's per-point detail: latency percentiles and CDF, CPU per record by
 * operation, and the per-worker timeline of the traced point.
 *
 * Phase: report. A sweep can hold thousands of points, so these figures follow slices through
 * the reference point (the sweep's `tracedPoint`: the scenario as written, when the grid holds
 * it): along one axis, every other axis held at the reference's value. The percentile and CDF
 * figures slice along the first axis; the breakdown shows the union of the slices along every
 * axis. Numbers are the simulator's (mean over replications), as the sweep stored them.
 */
import type { SweepDoc, SweepPoint } from '../schema/sweep-doc.js';
import { CHART_HEIGHT, distinct, originOf, sizedChart, type Figure } from './figure.js';
import { timelineFigure } from './specs-trace.js';

const PERCENTILES = [
  ['p50', 'p50Us'],
  ['p90', 'p90Us'],
  ['p99', 'p99Us'],
  ['p999', 'p999Us'],
  ['max', 'maxUs'],
] as const;
/** More bars or lines than this are unreadable: the slice is cut and the title says so. */
const MAX_SERIES = 12;

/** `partitions=8 workers=2`. */
export function configLabel(doc: SweepDoc, p: SweepPoint): string {
  return doc.grid.map((a, i) => `${a.label}=${String(p.values[i])}`).join(' ');
}

function referenceOf(doc: SweepDoc): SweepPoint | undefined {
  return doc.points.find((p) => p.index === (doc.tracedPoint ?? 0)) ?? doc.points[0];
}

/** Points that differ from the reference only on `axis` (the reference included), in grid order. */
function sliceAlong(doc: SweepDoc, ref: SweepPoint, axis: number): SweepPoint[] {
  return doc.points.filter((p) => p.values.every((v, i) => i === axis || v === ref.values[i]));
}

function heldText(doc: SweepDoc, ref: SweepPoint, axis: number): string {
  return doc.grid
    .map((a, i) => (i === axis ? '' : `${a.label}=${String(ref.values[i])}`))
    .filter(Boolean)
    .join(' ');
}

function simulatedOrigin(doc: SweepDoc): string {
  return `${originOf({ source: 'simulated', model: doc.model })} · mean of ${doc.replications} replication(s)`;
}

export function sweepLatencyFigure(doc: SweepDoc, sweepIndex: number): Figure | undefined {
  const ref = referenceOf(doc);
  if (!ref || doc.grid.length === 0) return undefined;
  const slice = sliceAlong(doc, ref, 0).filter((p) => p.summary.simulated);
  const shown = slice.slice(0, MAX_SERIES);
  const values = shown.flatMap((p) =>
    PERCENTILES.filter(([, metric]) => p.summary.simulated![metric] !== undefined).map(([name, metric]) => ({
      config: configLabel(doc, p),
      percentile: name,
      us: p.summary.simulated![metric].mean,
    })),
  );
  if (values.length === 0) return undefined;
  const held = heldText(doc, ref, 0);
  const more = slice.length > shown.length ? `, first ${shown.length} of ${slice.length}` : '';
  return {
    id: `sweep-${sweepIndex}-latency-percentiles`,
    title: `Latency percentiles (µs) by ${doc.grid[0].label}${held ? ` at ${held}` : ''} — ${doc.scenario.name}${more}`,
    sources: [simulatedOrigin(doc)],
    spec: {
      ...sizedChart(values),
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'percentile', type: 'nominal', sort: PERCENTILES.map(([n]) => n), title: 'percentile' },
        xOffset: { field: 'config', type: 'nominal', sort: distinct(values.map((v) => v.config)) },
        y: { field: 'us', type: 'quantitative', title: 'latency (µs)' },
        color: { field: 'config', type: 'nominal', sort: distinct(values.map((v) => v.config)), title: 'configuration' },
      },
    },
  };
}

export function sweepCdfFigure(doc: SweepDoc, sweepIndex: number): Figure | undefined {
  const ref = referenceOf(doc);
  const levels = doc.quantiles;
  if (!ref || !levels || doc.grid.length === 0) return undefined;
  const slice = sliceAlong(doc, ref, 0).filter((p) => p.detail);
  const shown = slice.slice(0, MAX_SERIES);
  const values = shown.flatMap((p) =>
    p.detail!.latencyQuantilesUs.map((us, i) => ({ config: configLabel(doc, p), us, fraction: levels[i] })),
  );
  if (values.length === 0) return undefined;
  const held = heldText(doc, ref, 0);
  return {
    id: `sweep-${sweepIndex}-latency-cdf`,
    title: `Latency CDF by ${doc.grid[0].label}${held ? ` at ${held}` : ''} — ${doc.scenario.name}`,
    sources: [`${simulatedOrigin(doc)} · ${levels.length} quantiles per point`],
    spec: {
      ...sizedChart(values),
      mark: { type: 'line', point: true, tooltip: true },
      encoding: {
        x: { field: 'us', type: 'quantitative', scale: { type: 'log' }, title: 'latency (µs)' },
        y: { field: 'fraction', type: 'quantitative', scale: { domain: [0, 1] }, title: 'fraction of records ≤ latency' },
        color: { field: 'config', type: 'nominal', sort: distinct(values.map((v) => v.config)), title: 'configuration' },
        order: { field: 'fraction', type: 'quantitative' },
      },
    },
  };
}

export function sweepBreakdownFigure(doc: SweepDoc, sweepIndex: number): Figure | undefined {
  const ref = referenceOf(doc);
  if (!ref) return undefined;
  const union = new Set<SweepPoint>();
  doc.grid.forEach((_, axis) => sliceAlong(doc, ref, axis).forEach((p) => union.add(p)));
  const points = doc.points.filter((p) => union.has(p) && p.detail && (p.summary.simulated?.records?.mean ?? 0) > 0);
  const shown = points.slice(0, 2 * MAX_SERIES);
  const ops = distinct(shown.flatMap((p) => Object.keys(p.detail!.breakdownUs)))
    .filter((op) => shown.some((p) => (p.detail!.breakdownUs[op] ?? 0) > 0))
    .sort();
  const values = shown.flatMap((p) =>
    ops.map((op) => ({
      config: configLabel(doc, p),
      op,
      usPerRecord: (p.detail!.breakdownUs[op] ?? 0) / p.summary.simulated!.records.mean,
    })),
  );
  if (values.length === 0) return undefined;
  const more = points.length > shown.length ? ` (first ${shown.length} of ${points.length})` : '';
  return {
    id: `sweep-${sweepIndex}-breakdown`,
    title: `CPU per record by operation (µs, stacked) through ${configLabel(doc, ref)} — ${doc.scenario.name}${more}`,
    sources: [simulatedOrigin(doc)],
    spec: {
      ...sizedChart(values, Math.max(CHART_HEIGHT, 22 * shown.length)),
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'config', type: 'nominal', sort: distinct(values.map((v) => v.config)), title: 'configuration' },
        x: { field: 'usPerRecord', type: 'quantitative', stack: 'zero', title: 'CPU µs per record' },
        color: { field: 'op', type: 'nominal', title: 'operation', scale: { scheme: 'tableau20' } },
      },
    },
  };
}

export function sweepTimelineFigure(doc: SweepDoc, sweepIndex: number): Figure | undefined {
  const traced = doc.points.find((p) => p.trace);
  if (!traced?.trace) return undefined;
  // A sweep's traced point is always the simulator's: say so (the stored trace carries no otherData).
  const model = `${doc.model.name} (${doc.model.profile}, ${doc.model.provenance})`;
  const trace = { ...traced.trace, otherData: { source: 'simulated' as const, scenario: doc.scenario.name, model, runUs: 0 } };
  const f = timelineFigure(trace, 0, `${configLabel(doc, traced)} of the sweep of ${doc.scenario.name}`);
  return (
    f && {
      ...f,
      id: `sweep-${sweepIndex}-timeline`,
      sources: [`simulated trace · model ${doc.model.name} (${doc.model.profile}, ${doc.model.provenance}) · replication 0`],
    }
  );
}

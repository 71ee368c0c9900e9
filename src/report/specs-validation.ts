/**
 * Predicted-vs-measured scatter, one chart per metric kind (`elapsed:*` together): points, the
 * y = x line and a ±10% band.
 *
 * Phase: report. The line and band are two-point data sets computed here (a straight line needs
 * only its ends), not Vega expressions.
 */
import type { ValidationDoc } from '../schema/validation-doc.js';
import { CHART_HEIGHT, CHART_WIDTH, distinct, type Figure } from './figure.js';
import { labelOf } from '../schema/labels.js';

/** Validation metric kinds → label-table names (schema/labels.ts); `elapsed` is per task. */
const METRIC_WORDS: Record<string, string> = {
  throughput: 'recordsPerSec',
  p50: 'p50Us',
  p90: 'p90Us',
  p99: 'p99Us',
  p999: 'p999Us',
  mean: 'meanUs',
  yields: 'yieldsPerRecord',
  elapsed: 'elapsedUs',
  dist: 'dist',
};

export const BAND = 0.1;

/** Metrics are grouped by kind: `elapsed:coordinator`, `elapsed:partition[0]`, … share one chart. */
const kindOf = (metric: string): string => metric.split(':')[0];

export function validationFigures(docs: readonly ValidationDoc[]): Figure[] {
  const rows = docs.flat();
  return distinct(rows.map((r) => kindOf(r.metric))).map((metric, i) => {
    const mine = rows.filter((r) => kindOf(r.metric) === metric);
    const xs = mine.flatMap((r) => [r.measured, r.predicted]);
    // One point (or equal values) would make a zero-length line: widen the span by ±20%.
    const lo = Math.min(...xs) * (Math.min(...xs) === Math.max(...xs) ? 0.8 : 1);
    const hi = Math.max(...xs) * (Math.min(...xs) === Math.max(...xs) ? 1.2 : 1);
    const ends = [lo, hi].map((x) => ({ x, y: x, lo: x * (1 - BAND), hi: x * (1 + BAND) }));
    // Values spanning decades (85 µs beside 20,000 µs) read on log axes; linear squashes them.
    const log = lo > 0 && hi / lo > 30;
    const scale = log ? { type: 'log' as const } : { zero: false };
    const points = mine.map((r) => ({
      scenario: r.scenario,
      metric: r.metric,
      measured: r.measured,
      predicted: r.predicted,
      errorPct: r.errorPct,
      source: r.predictedSource ?? 'predicted',
      // How the measurement was taken: where its source thread ran, and how long the probe's threads waited for a CPU.
      sourceThread: r.sourceApart === undefined ? 'none or not recorded' : r.sourceApart ? 'own CPU' : 'placed by the OS',
      cpuWaitPct: r.runQueueWaitPct ?? null,
      coveragePct: r.coveragePct ?? null,
      coverageNominalPct: r.coverageNominalPct ?? null,
      predictedP5toP95: r.predictedP5 !== undefined && r.predictedP95 !== undefined ? `${r.predictedP5}–${r.predictedP95}` : null,
    }));
    return {
      id: `validation-${i}`,
      title: `Predicted vs measured: ${labelOf(METRIC_WORDS[metric] ?? metric)} (line y = x, band ±${BAND * 100}%)`,
      explain:
        `Each point is one scenario: measured on real tokio (the probe) across, predicted (${distinct(mine.map((r) => r.predictedSource ?? 'predicted')).join(', ')}) up. ` +
        `On the dashed line the prediction is exact; inside the grey band it is within ±${BAND * 100}%.` +
        (metric === 'dist'
          ? ' dist is the Wasserstein distance between the two latency distributions, relative to the measured mean.'
          : '') +
        (log ? ' Both axes are logarithmic: the values span more than a decade.' : ''),
      sources: distinct(
        mine.map(
          (r) => `predicted: ${r.predictedSource ?? 'unspecified'}${r.model ? ` · model ${r.model}` : ''}; measured: probe`,
        ),
      ),
      spec: {
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        layer: [
          {
            data: { values: ends },
            mark: { type: 'area', opacity: 0.15, color: 'gray' },
            encoding: {
              x: {
                field: 'x',
                type: 'quantitative',
                title: `measured ${labelOf(METRIC_WORDS[metric] ?? metric)}${log ? ', log scale' : ''}`,
                scale,
              },
              y: {
                field: 'lo',
                type: 'quantitative',
                title: `predicted ${labelOf(METRIC_WORDS[metric] ?? metric)}${log ? ', log scale' : ''}`,
                scale,
              },
              y2: { field: 'hi' },
            },
          },
          {
            data: { values: ends },
            mark: { type: 'line', color: 'gray', strokeDash: [4, 4] },
            encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
          },
          {
            data: { values: points },
            mark: { type: 'point', filled: true, size: 70 },
            encoding: {
              x: { field: 'measured', type: 'quantitative' },
              y: { field: 'predicted', type: 'quantitative' },
              color: { field: 'source', type: 'nominal', title: 'predicted by' },
              shape: { field: 'sourceThread', type: 'nominal', title: 'measured: source thread' },
              tooltip: [
                { field: 'scenario', type: 'nominal' },
                { field: 'metric', type: 'nominal' },
                { field: 'measured', type: 'quantitative' },
                { field: 'predicted', type: 'quantitative' },
                { field: 'errorPct', type: 'quantitative', format: '.1f' },
                { field: 'sourceThread', type: 'nominal', title: 'source thread' },
                { field: 'cpuWaitPct', type: 'quantitative', title: 'cpu wait %' },
                { field: 'predictedP5toP95', type: 'nominal', title: 'predicted interval across runs' },
                { field: 'coveragePct', type: 'quantitative', title: 'measured runs inside it %' },
                { field: 'coverageNominalPct', type: 'quantitative', title: 'nominal (a right model) %' },
              ],
            },
          },
        ],
      },
    };
  });
}

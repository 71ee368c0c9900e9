/**
 * Text output of `validate`: the predicted-vs-measured table and the per-flavor summary.
 *
 * Phase: validate (pure formatting; the CLI prints it). Markdown-compatible pipes, so the same
 * text pastes into docs/accuracy.md. The `dist` rows show mean latencies; their error is the
 * distance between the distributions (compare.ts). `cpu wait` is the share of the probe's runnable time spent
 * waiting for a CPU during the measurement: other processes' load, which the model does not see.
 * `source`: whether the measured runs' source thread had a CPU of its own (`apart`, as the model's
 * wake_latency was calibrated) or was placed by the OS (`os`); blank without a source.
 * `predicted interval (runs)` is the predicted run set's prediction interval (order statistics,
 * compare.ts predictionInterval) and `coverage` the share of the measured runs inside it, with the
 * interval's nominal level (what a right model covers) and the shares below / above it (addCoverage);
 * blank where a side has no per-run values.
 */
import type { ValidationRow } from '../schema/validation-doc.js';
import { summarize } from './compare.js';

/** Compact figure: 3 significant digits below 1000, thousands separators above. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e6) return `${(x / 1e6).toFixed(a >= 1e8 ? 0 : 2)}M`;
  if (a >= 1e4) return `${(x / 1e3).toFixed(a >= 1e5 ? 0 : 1)}k`;
  if (a >= 100) return x.toFixed(0);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

const signed = (x: number) => `${x > 0 ? '+' : ''}${x.toFixed(1)}%`;

/** The table, one row per compared figure, grouped by scenario. */
export function formatValidationTable(rows: readonly ValidationRow[]): string {
  const head = [
    'scenario',
    'flavor',
    'metric',
    'unit',
    'predicted',
    'measured (min–max)',
    'error',
    'tol',
    '',
    'predicted interval (runs)',
    'coverage (nominal) below/above',
    'cpu wait',
    'source',
  ];
  const body = rows.map((r) => [
    r.scenario,
    r.flavor === 'multi_thread' ? 'mt' : r.flavor === 'current_thread' ? 'ct' : (r.flavor ?? ''),
    r.metric,
    r.unit ?? '',
    fmt(r.predicted),
    r.measuredMin !== undefined && r.measuredMax !== undefined
      ? `${fmt(r.measured)} (${fmt(r.measuredMin)}–${fmt(r.measuredMax)})`
      : fmt(r.measured),
    signed(r.errorPct),
    r.tolerancePct !== undefined ? `${r.tolerancePct}%` : '',
    r.pass === false ? 'FAIL' : 'ok',
    r.predictedP5 !== undefined && r.predictedP95 !== undefined
      ? `${fmt(r.predictedP5)}–${fmt(r.predictedP95)} (${r.predictedRuns ?? ''})`
      : '',
    r.coveragePct !== undefined
      ? `${r.coveragePct}% of ${r.repeats ?? '?'}${r.coverageNominalPct !== undefined ? ` (${r.coverageNominalPct}%)` : ''}${r.coverageBelowPct !== undefined && r.coverageAbovePct !== undefined ? ` ${r.coverageBelowPct}/${r.coverageAbovePct}%` : ''}`
      : '',
    r.runQueueWaitPct !== undefined ? `${r.runQueueWaitPct}%` : '',
    r.sourceApart === undefined ? '' : r.sourceApart ? 'apart' : 'os',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n') + '\n';
}

/** Median and worst |error| per flavor and metric kind. */
export function formatSummary(rows: readonly ValidationRow[]): string {
  const lines = summarize(rows);
  const head =
    '| flavor | metric | n | median abs error | worst (scenario, metric, error) | outside tolerance | coverage: measured runs in the predicted interval (nominal), below / above | interval score (log ×100; lower is better) |';
  const sep = '|---|---|---|---|---|---|---|---|';
  const body = lines.map(
    (l) =>
      `| ${l.flavor} | ${l.kind} | ${l.n} | ${l.medianAbsPct.toFixed(1)}% | ${l.worst ? `${l.worst.scenario}, ${l.worst.metric}, ${signed(l.worst.errorPct)}` : '—'} | ${l.failed} | ${l.coveragePct !== undefined ? `${l.coveragePct}%${l.coverageNominalPct !== undefined ? ` (${l.coverageNominalPct}%)` : ''}${l.coverageBelowPct !== undefined && l.coverageAbovePct !== undefined ? `, ${l.coverageBelowPct}% / ${l.coverageAbovePct}%` : ''}` : '—'} | ${l.intervalScore !== undefined ? l.intervalScore.toFixed(1) : '—'} |`,
  );
  return [head, sep, ...body].join('\n') + '\n';
}

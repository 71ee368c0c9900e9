/**
 * Sweep document → CSV: one row per point and source, the axis values, then mean, lo, hi of
 * every metric. RFC 4180 quoting; numbers as JSON writes them (shortest round-trip form).
 *
 * Phase: sweep.
 */
import type { SweepDoc } from '../schema/sweep-doc.js';

function cell(v: unknown): string {
  const s = v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function sweepToCsv(doc: SweepDoc): string {
  const head = [
    'index',
    ...doc.grid.map((a) => a.label),
    'source',
    ...doc.metrics.flatMap((m) => [`${m}_mean`, `${m}_lo`, `${m}_hi`]),
    'n',
  ];
  const lines = [head.map(cell).join(',')];
  for (const p of doc.points) {
    for (const source of ['simulated', 'analytic'] as const) {
      const s = p.summary[source];
      if (!s) continue;
      const n = s[doc.metrics[0]]?.n;
      lines.push(
        [p.index, ...p.values, source, ...doc.metrics.flatMap((m) => [s[m]?.mean, s[m]?.lo, s[m]?.hi]), n].map(cell).join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

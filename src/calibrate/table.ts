/**
 * Plain-text tables of cost models: one row per parameter (`model show`, `calibrate`), and the
 * per-parameter ratio of two models (`model diff`).
 *
 * Phase: calibrate/cli. Pure string building; the caller prints.
 */
import type { CostModel, Parameter } from '../schema/model.js';

/** Human figure with its unit: 45.2 ns, 3.6 µs, 1.12 ms, 0.31 /s. */
export function formatFigure(v: number, unit: Parameter['unit']): string {
  if (unit === 'per_sec') return `${fmt(v)} /s`;
  if (unit === 'count' || unit === 'ratio') return fmt(v);
  if (Math.abs(v) >= 1e6) return `${fmt(v / 1e6)} ms`;
  if (Math.abs(v) >= 1e4) return `${fmt(v / 1e3)} µs`;
  return `${fmt(v)} ns`;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(3);
}

function spreadText(p: Parameter): string {
  const s = p.spread;
  if (!s) return '';
  const parts: string[] = [];
  if (s.p10 !== undefined && s.p90 !== undefined)
    parts.push(`p10–p90 ${formatFigure(s.p10, p.unit)}–${formatFigure(s.p90, p.unit)}`);
  if (s.ci95) parts.push(`CI ${fmt(s.ci95[0])}–${fmt(s.ci95[1])}`);
  return parts.join(', ');
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function renderColumns(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** name, value, spread, n, provenance, source: one line per parameter, in the model's order. */
export function formatModelTable(model: CostModel, withSource = true): string {
  const rows = [['parameter', 'value', 'spread', 'n', 'provenance', ...(withSource ? ['source'] : [])]];
  for (const [name, p] of Object.entries(model.parameters)) {
    rows.push([
      name,
      formatFigure(p.value, p.unit),
      spreadText(p),
      String(p.samples ?? ''),
      p.provenance,
      ...(withSource ? [clip(p.source ?? '', 90)] : []),
    ]);
  }
  return renderColumns(rows);
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export interface RatioRow {
  name: string;
  a?: Parameter;
  b?: Parameter;
  /** b / a; undefined when either side is missing or a is 0. */
  ratio?: number;
}

/** Per-parameter ratios b/a, sorted by ratio descending; parameters on one side only last. */
export function diffModels(a: CostModel, b: CostModel): RatioRow[] {
  const names = [...new Set([...Object.keys(a.parameters), ...Object.keys(b.parameters)])];
  const rows = names.map((name): RatioRow => {
    const pa = a.parameters[name];
    const pb = b.parameters[name];
    const ratio = pa && pb && pa.value > 0 ? pb.value / pa.value : undefined;
    return { name, a: pa, b: pb, ratio };
  });
  return rows.sort((x, y) => (y.ratio ?? -Infinity) - (x.ratio ?? -Infinity) || (x.name < y.name ? -1 : 1));
}

export function formatDiffTable(rows: RatioRow[], aName: string, bName: string): string {
  const table = [['parameter', aName, bName, `${bName}/${aName}`]];
  for (const r of rows) {
    table.push([
      r.name,
      r.a ? formatFigure(r.a.value, r.a.unit) : '–',
      r.b ? formatFigure(r.b.value, r.b.unit) : '–',
      r.ratio === undefined ? '–' : `${r.ratio.toFixed(2)}×`,
    ]);
  }
  return renderColumns(table);
}

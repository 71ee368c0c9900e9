/**
 * External measurements for `validate --measured <file>`: a Result document (e.g. saved by
 * `dispatchsim measure --out`, or written by a team's own harness) or a CSV of `metric,value`.
 *
 * CSV: one `metric,value` per line; blank lines, `#` comments and a `metric,value` header are
 * skipped. Metrics: `throughput` (records/s; `k`/`M` suffixes accepted), `p50`, `p99`
 * (µs; `ns`/`us`/`µs`/`ms`/`s` suffixes accepted), `yieldsPerRecord`, `elapsed:<task>` (µs,
 * same suffixes). An optional third and fourth column give the measured min and max.
 *
 * Phase: validate (I/O through src/io). Every problem in a CSV is a located diagnostic
 * (file:line), all reported at once.
 */
import { readText } from '../io/files.js';
import { diag, InputError, type Diagnostic } from '../schema/diagnostics.js';
import type { Result } from '../schema/result.js';
import { parseJsonText, validateDocument } from '../schema/validate.js';
import { figuresOf, kindOf, type Figures } from './compare.js';

const TIME_UNITS: Record<string, number> = { ns: 1e-3, us: 1, µs: 1, ms: 1e3, s: 1e6 };
const RATE_UNITS: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, m: 1e6 };

/** Parses one value of a metric into the metric's unit; undefined when it does not parse. */
export function parseMetricValue(metric: string, text: string): number | undefined {
  const t = text.trim().replace(/\/s$/, '');
  const m = /^([+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-zA-Zµ]*)$/.exec(t);
  if (!m) return undefined;
  const x = Number(m[1]);
  const unit = m[2];
  const kind = kindOf(metric);
  if (kind === 'throughput') return unit in RATE_UNITS ? x * RATE_UNITS[unit] : undefined;
  if (kind === 'yields') return unit === '' ? x : undefined;
  if (unit === '') return x;
  return unit in TIME_UNITS ? x * TIME_UNITS[unit] : undefined;
}

/** Parses CSV text into figures; throws InputError listing every bad line. */
export function parseMeasuredCsv(text: string, file: string): Figures {
  const figures: Figures = new Map();
  const diags: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || /^metric\s*,/i.test(line)) return;
    const cols = line.split(',').map((c) => c.trim());
    const at = (d: Diagnostic): Diagnostic => ({ ...d, line: i + 1, column: 1 });
    // `dist` compares two distributions: a CSV of figures cannot carry one (a measured Result can).
    const kind = kindOf(cols[0] ?? '');
    if (!kind || kind === 'dist') {
      diags.push(at(diag('DS1803', file, '', { name: cols[0], known: 'throughput, p50, p99, yieldsPerRecord, elapsed:<task>' })));
      return;
    }
    const values = cols.slice(1, 4).map((c) => parseMetricValue(cols[0], c));
    if (cols.length < 2 || cols.length > 4 || values.some((v) => v === undefined || !Number.isFinite(v))) {
      diags.push(at(diag('DS1802', file, '', { line: i + 1, got: line.slice(0, 80) })));
      return;
    }
    const [value, min, max] = values as number[];
    figures.set(cols[0], min !== undefined && max !== undefined ? { value, min, max } : { value });
  });
  if (diags.length) throw new InputError(diags);
  return figures;
}

export interface MeasuredInput {
  figures: Figures;
  /** The Result, when the input was one (its runtime says which flavor was measured). */
  result?: Result;
  /** Machine load during a `measure` run (see measure.ts), when the Result records it. */
  runQueueWaitPct?: number;
  /** Whether the source thread had a CPU of its own (`measure.sourceApart`), when recorded. */
  sourceApart?: boolean;
}

/** Reads a measured Result (JSON) or CSV; the kind is decided by the first non-blank character. */
export function readMeasured(file: string): MeasuredInput {
  const text = readText(file);
  if (text.trimStart().startsWith('{')) {
    const { value, map } = parseJsonText(text, file);
    const diags = validateDocument('result', value, file, map);
    if (diags.some((d) => d.severity === 'error')) throw new InputError(diags);
    return measuredFromResult(value as Result);
  }
  return { figures: parseMeasuredCsv(text, file) };
}

/** A measured Result's figures (with their spread) and the context `measure` recorded in its outputs. */
export function measuredFromResult(result: Result): MeasuredInput {
  const wait = result.outputs['measure.runQueueWaitPct'];
  const apart = result.outputs['measure.sourceApart'];
  return {
    figures: figuresOf(result, spreadOf(result)),
    result,
    ...(wait !== undefined ? { runQueueWaitPct: wait } : {}),
    ...(apart !== undefined ? { sourceApart: apart === 1 } : {}),
  };
}

/**
 * The spread over repeats that `measure` stores in a measured Result's `outputs` as
 * `<metric>.min` / `<metric>.max` (see measure.ts), back as a map.
 */
export function spreadOf(r: Result): Record<string, { min: number; max: number }> {
  const out: Record<string, { min: number; max: number }> = {};
  for (const [k, v] of Object.entries(r.outputs)) {
    const m = /^spread\.(.+)\.(min|max)$/.exec(k);
    if (!m) continue;
    out[m[1]] ??= { min: v, max: v };
    out[m[1]][m[2] as 'min' | 'max'] = v;
  }
  return out;
}

/**
 * Predicted vs measured: which figures are compared, the signed error, tolerances, summaries.
 *
 *   Result (simulated) ─► figuresOf ─┐
 *                                     ├─► compareFigures ─► ValidationRow[] (signed % error, pass)
 *   Result (measured) | CSV ─────────┘                         └─► summarize (median / worst |error|)
 *
 * Phase: validate. Pure: no I/O. The error is 100 × (predicted − measured) / measured, so a
 * positive error means the model predicts more (more throughput, a longer latency) than the
 * real run. When the measured value is 0 and the predicted one is not, the error is taken
 * relative to the predicted value instead (±100 %), so it stays a finite, failing number.
 */
import type { Result } from '../schema/result.js';
import { getAt } from '../schema/pointer.js';
import type { ValidationRow } from '../schema/validation-doc.js';
import { wasserstein, type Buckets } from './distance.js';

/**
 * Metric kinds, as `--metrics` and `--tolerance metric=…` name them. `dist` compares the whole
 * latency distributions (distance.ts): the fair test where a bimodal latency makes the p50 jump
 * between modes, or a tail makes the p99 noisy.
 */
export const METRIC_KINDS = ['throughput', 'p50', 'p99', 'dist', 'yields', 'elapsed'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** A figure: its value and, for measured ones, the spread over repeats. */
export interface Figure {
  value: number;
  min?: number;
  max?: number;
}

/** Figures by metric name: `throughput`, `p50`, `p99`, `yieldsPerRecord`, `elapsed:<task>`. */
export type Figures = Map<string, Figure>;

export const UNITS: Record<MetricKind, string> = {
  throughput: 'records/s',
  p50: 'µs',
  p99: 'µs',
  dist: 'µs (mean)',
  yields: 'yields/record',
  elapsed: 'µs',
};

/** The kind of a metric name (`elapsed:coordinator` → `elapsed`). */
export function kindOf(metric: string): MetricKind | undefined {
  if (metric.startsWith('elapsed:')) return 'elapsed';
  switch (metric) {
    case 'throughput':
    case 'p50':
    case 'p99':
    case 'dist':
      return metric;
    case 'yieldsPerRecord':
      return 'yields';
  }
  return undefined;
}

/** A `--metrics`/`--tolerance` key: a kind (`p99`, `yields`, `elapsed`) or one metric. */
export function isMetricKey(key: string): boolean {
  return (METRIC_KINDS as readonly string[]).includes(key) || kindOf(key) !== undefined;
}

/**
 * The compared figures of a Result. Throughput, latency and yields need records; a task that
 * never ran is left out. `spread` (per metric, from repeated measurements) is attached as is.
 */
export function figuresOf(r: Result, spread?: Record<string, { min: number; max: number }>): Figures {
  const f: Figures = new Map();
  const put = (name: string, value: number) => f.set(name, spread?.[name] ? { value, ...spread[name] } : { value });
  if (r.records > 0) {
    put('throughput', r.throughput.recordsPerSec);
    put('yieldsPerRecord', r.yieldsPerRecord);
  }
  if (r.latencyUs.count > 0) {
    put('p50', r.latencyUs.p50);
    put('p99', r.latencyUs.p99);
  }
  for (const [name, t] of Object.entries(r.tasks)) if (t.elapsedUs > 0) put(`elapsed:${name}`, t.elapsedUs);
  return f;
}

/** Signed % error of a prediction (see the module comment for measured = 0). */
export function signedErrorPct(predicted: number, measured: number): number {
  if (measured === 0) return predicted === 0 ? 0 : 100 * Math.sign(predicted);
  return (100 * (predicted - measured)) / Math.abs(measured);
}

/** Tolerances in %: a default and per-kind or per-metric overrides. */
export interface Tolerance {
  defaultPct: number;
  byMetric: Record<string, number>;
}

export function toleranceFor(t: Tolerance, metric: string): number {
  return t.byMetric[metric] ?? t.byMetric[kindOf(metric) ?? ''] ?? t.defaultPct;
}

/**
 * Parses `--tolerance` values: `10%` (or `10`) sets the default, `p99=50%` a kind,
 * `elapsed:coordinator=20%` one metric. Returns the problem specs for diagnostics.
 */
export function parseTolerance(specs: readonly string[], defaultPct = 10): { tolerance: Tolerance; bad: string[] } {
  const tolerance: Tolerance = { defaultPct, byMetric: {} };
  const bad: string[] = [];
  for (const spec of specs
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(?:([A-Za-z][A-Za-z0-9]*(?::[^=]+)?)=)?(\d+(?:\.\d+)?)%?$/.exec(spec);
    if (!m) {
      bad.push(spec);
      continue;
    }
    const pct = Number(m[2]);
    if (m[1] === undefined) tolerance.defaultPct = pct;
    else if (isMetricKey(m[1])) tolerance.byMetric[m[1] === 'yieldsPerRecord' ? 'yields' : m[1]] = pct;
    else bad.push(spec);
  }
  return { tolerance, bad };
}

export interface CompareContext {
  scenario: string;
  flavor: string;
  model: string;
  tolerance: Tolerance;
  /** Kinds compared (default: all). */
  kinds?: readonly MetricKind[];
  repeats?: number;
  runQueueWaitPct?: number;
  /** Whether the measured runs' source thread had a CPU of its own (`--place apart`). */
  sourceApart?: boolean;
  /** Configuration values by JSON pointer (`configParams`), copied to every row. */
  params?: Record<string, number>;
}

/** The configuration values a validation row records, so a report can place it on a sweep axis. */
export const CONFIG_POINTERS = ['/machine/cores', '/runtime/workers', '/template/partitions'] as const;

/** The numeric values a scenario states at CONFIG_POINTERS (pointer → value). */
export function configParams(scenario: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pointer of CONFIG_POINTERS) {
    const { found, value } = getAt(scenario, pointer);
    if (found && typeof value === 'number') out[pointer] = value;
  }
  return out;
}

/**
 * One row per metric present on both sides (in the predicted figures' order). A metric only
 * one side has is not compared: the caller reports `missing` if it wants to.
 */
export function compareFigures(
  predicted: Figures,
  measured: Figures,
  ctx: CompareContext,
): { rows: ValidationRow[]; missing: string[] } {
  const rows: ValidationRow[] = [];
  const missing: string[] = [];
  const kinds = new Set(ctx.kinds ?? METRIC_KINDS);
  for (const [metric, p] of predicted) {
    const kind = kindOf(metric);
    if (!kind || !kinds.has(kind)) continue;
    const m = measured.get(metric);
    if (!m) {
      missing.push(metric);
      continue;
    }
    // Two zeros (no yields on either side) say nothing about the model.
    if (kind === 'yields' && p.value === 0 && m.value === 0) continue;
    rows.push(makeRow(ctx, metric, kind, p.value, m, round(signedErrorPct(p.value, m.value), 2)));
  }
  return { rows, missing };
}

/**
 * The `dist` row: how far apart the predicted and measured latency distributions are (both from
 * the same histogram buckets). `predicted` and `measured` are the mean latencies; the error is
 * the Wasserstein-1 distance between the distributions as a % of the measured mean, signed like
 * the means' difference (positive: the model predicts longer latencies). It is never smaller than
 * the mean's |error| and grows with every difference in shape, yet a bimodal distribution whose
 * modes hold slightly different shares (where the p50 jumps from one mode to the other) or a
 * narrow one shifted by a few % stays small. Undefined when either side has no latency buckets
 * (a CSV measurement, no records).
 */
export function compareDistributions(predicted: Buckets, measured: Buckets, ctx: CompareContext): ValidationRow | undefined {
  if (ctx.kinds && !ctx.kinds.includes('dist')) return undefined;
  const d = wasserstein(predicted, measured);
  if (!d) return undefined;
  const pct = d.meanBUs > 0 ? (100 * d.distanceUs) / d.meanBUs : d.distanceUs > 0 ? 100 : 0;
  const signedPct = d.meanAUs < d.meanBUs ? -pct : pct;
  return makeRow(ctx, 'dist', 'dist', round(d.meanAUs, 3), { value: round(d.meanBUs, 3) }, round(signedPct, 2));
}

function makeRow(ctx: CompareContext, metric: string, kind: MetricKind, predicted: number, m: Figure, errorPct: number) {
  const tolerancePct = toleranceFor(ctx.tolerance, metric);
  const row: ValidationRow = {
    scenario: ctx.scenario,
    metric,
    predicted,
    measured: m.value,
    errorPct,
    predictedSource: 'simulated',
    model: ctx.model,
    flavor: ctx.flavor,
    unit: UNITS[kind],
    tolerancePct,
    pass: Math.abs(errorPct) <= tolerancePct,
  };
  if (m.min !== undefined && m.max !== undefined) {
    row.measuredMin = m.min;
    row.measuredMax = m.max;
  }
  if (ctx.repeats !== undefined) row.repeats = ctx.repeats;
  if (ctx.runQueueWaitPct !== undefined) row.runQueueWaitPct = ctx.runQueueWaitPct;
  if (ctx.sourceApart !== undefined) row.sourceApart = ctx.sourceApart;
  if (ctx.params && Object.keys(ctx.params).length) row.params = { ...ctx.params };
  return row;
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** Validation metrics that a run set (`Result.runs.metrics`) carries per run, by their key there. */
export const RUN_METRIC_OF: Readonly<Record<string, string>> = {
  throughput: 'recordsPerSec',
  p50: 'p50Us',
  p99: 'p99Us',
  yieldsPerRecord: 'yieldsPerRecord',
};

/**
 * The distribution-free prediction interval from `n` predicted runs at nominal level ≥ 90 % where
 * `n` allows it: the order statistics X(j) and X(n+1−j) (1-based, sorted), j = ⌊0.05·(n+1)⌋ but at
 * least 1. If the predicted runs and a measured run are independent draws of one distribution
 * (the model is right), the measured run falls between them with probability exactly
 * (n+1−2j)/(n+1), whatever the distribution: 90 % for n = 19 (min–max), 39 (2nd–38th)...; with
 * fewer than 19 runs no such interval reaches 90 % (n = 8: min–max, 77.8 %), and `nominalPct`
 * says so. The sample p5–p95 of a few runs is no such interval: its expected coverage is lower
 * than 90 % and depends on n (about 70 % for n = 8), so a coverage read against "90 %" would be
 * judged against the wrong number. docs/accuracy.md, "Distributions over runs".
 */
export function predictionInterval(values: readonly number[]): { lo: number; hi: number; j: number; nominalPct: number } {
  const n = values.length;
  const s = [...values].sort((a, b) => a - b);
  const j = Math.max(1, Math.floor(0.05 * (n + 1)));
  const k = n + 1 - j;
  return { lo: s[j - 1], hi: s[k - 1], j, nominalPct: (100 * (k - j)) / (n + 1) };
}

/**
 * The mean interval score (Gneiting & Raftery 2007, a proper scoring rule) of the measured runs
 * `xs` against the central (1 − α) interval [lo, hi], on the log scale × 100: the interval's log
 * width plus, for each run outside it, 2/α × its log distance to the interval. Coverage alone can
 * be bought with width; this weighs both, and a prediction minimises it in expectation only by
 * saying its own spread honestly. Lower is better; 0 for an exact point prediction. Undefined when
 * a value is not positive (the log scale needs them) or α is not in (0, 1).
 */
export function intervalScore(lo: number, hi: number, xs: readonly number[], alpha: number): number | undefined {
  if (!(lo > 0) || !(hi > 0) || !xs.length || xs.some((x) => !(x > 0)) || !(alpha > 0 && alpha < 1)) return undefined;
  const l = Math.log(lo);
  const u = Math.log(hi);
  let s = 0;
  for (const v of xs) {
    const x = Math.log(v);
    s += u - l + (x < l ? (2 / alpha) * (l - x) : 0) + (x > u ? (2 / alpha) * (x - u) : 0);
  }
  return (100 * s) / xs.length;
}

/** Fewest predicted runs whose prediction interval (predictionInterval) is a 90 % one. */
export const RUNS_FOR_90PCT = 19;

/**
 * Adds coverage to the rows whose metric both run sets carry: the predicted runs' prediction
 * interval (predictionInterval: order statistics, nominal level beside it), the share of the
 * measured runs inside it, and the shares below and above it (a shifted prediction misses on one
 * side, a narrow one on both). A prediction whose runs spread as the real runs do covers the
 * nominal share of them. Rows stay as they are when either side is one run or has no per-run
 * values (a CSV, an older Result).
 */
export function addCoverage(rows: ValidationRow[], predicted: Result, measured: Result | undefined): void {
  const pm = predicted.runs?.metrics;
  const mm = measured?.runs?.metrics;
  if (!pm || !mm || (predicted.runs?.count ?? 1) < 2) return;
  for (const row of rows) {
    const key = RUN_METRIC_OF[row.metric];
    const p = key ? pm[key]?.values : undefined;
    const m = key ? mm[key]?.values : undefined;
    if (!p || p.length < 2 || !m?.length) continue;
    const { lo, hi, nominalPct } = predictionInterval(p);
    const pct = (k: number) => round((100 * k) / m.length, 1);
    row.predictedRuns = p.length;
    row.predictedP5 = Number(lo.toPrecision(12));
    row.predictedP95 = Number(hi.toPrecision(12));
    row.coverageNominalPct = round(nominalPct, 1);
    row.coveragePct = pct(m.filter((x) => x >= lo && x <= hi).length);
    row.coverageBelowPct = pct(m.filter((x) => x < lo).length);
    row.coverageAbovePct = pct(m.filter((x) => x > hi).length);
    const score = intervalScore(lo, hi, m, 1 - nominalPct / 100);
    if (score !== undefined) row.intervalScore = round(score, 1);
    // The measured runs the share is of (a measurement read from a file does not say otherwise).
    row.repeats ??= m.length;
  }
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export interface SummaryLine {
  flavor: string;
  kind: MetricKind;
  n: number;
  medianAbsPct: number;
  worst: { scenario: string; metric: string; errorPct: number } | undefined;
  failed: number;
  /** Mean coverage (%) over the rows that have one (each scenario weighs the same); absent when none. */
  coveragePct?: number;
  /** Mean nominal level of those rows' intervals, and the mean shares of measured runs below / above them. */
  coverageNominalPct?: number;
  coverageBelowPct?: number;
  coverageAbovePct?: number;
  /** Mean interval score (intervalScore) over the rows that have one; absent when none. */
  intervalScore?: number;
}

/** Median and worst |error| and mean coverage per (flavor, metric kind), flavors and kinds in a fixed order. */
export function summarize(rows: readonly ValidationRow[]): SummaryLine[] {
  const out: SummaryLine[] = [];
  const flavors = [...new Set(rows.map((r) => r.flavor ?? 'unknown'))].sort();
  for (const flavor of flavors) {
    for (const kind of METRIC_KINDS) {
      const mine = rows.filter((r) => (r.flavor ?? 'unknown') === flavor && kindOf(r.metric) === kind);
      if (!mine.length) continue;
      const worst = mine.reduce((a, b) => (Math.abs(b.errorPct) > Math.abs(a.errorPct) ? b : a));
      const withCov = mine.filter((r) => r.coveragePct !== undefined);
      const mean = (f: (r: ValidationRow) => number | undefined) => {
        const xs = withCov.map(f).filter((x): x is number => x !== undefined);
        return xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 1) : undefined;
      };
      const cov = {
        coveragePct: mean((r) => r.coveragePct),
        coverageNominalPct: mean((r) => r.coverageNominalPct),
        coverageBelowPct: mean((r) => r.coverageBelowPct),
        coverageAbovePct: mean((r) => r.coverageAbovePct),
        intervalScore: mean((r) => r.intervalScore),
      };
      out.push({
        flavor,
        kind,
        n: mine.length,
        medianAbsPct: round(median(mine.map((r) => Math.abs(r.errorPct))), 2),
        worst: { scenario: worst.scenario, metric: worst.metric, errorPct: worst.errorPct },
        failed: mine.filter((r) => r.pass === false).length,
        ...Object.fromEntries(Object.entries(cov).filter(([, v]) => v !== undefined)),
      });
    }
  }
  return out;
}

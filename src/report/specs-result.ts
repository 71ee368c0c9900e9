/**
 * Figures from Result documents: latency percentiles, latency CDF, per-op breakdown, and for run
 * sets each run's p50 and p99 (coloured by regime when the runs split, DS3020).
 *
 * Phase: report. Data are precomputed here (cumulative fractions, µs conversions) so the specs
 * need no Vega expressions. Each run is labelled `#k scenario (source)`; the `#k` keeps labels
 * distinct when two inputs share a scenario name.
 */
import type { Result } from '../schema/result.js';
import { distinct, originOf, sizedChart, type Figure } from './figure.js';

export interface LabelledResult {
  label: string;
  result: Result;
}

const PERCENTILES = ['p50', 'p90', 'p99', 'p999', 'max'] as const;

export function labelResults(results: readonly Result[]): LabelledResult[] {
  return results.map((result, i) => ({ label: `#${i + 1} ${result.scenario.name} (${result.source})`, result }));
}

export function latencyFigure(runs: readonly LabelledResult[]): Figure {
  const values = runs.flatMap(({ label, result }) =>
    PERCENTILES.map((p) => ({ run: label, percentile: p, us: result.latencyUs[p] })),
  );
  return {
    id: 'latency-percentiles',
    title: 'Latency percentiles (µs)',
    explain:
      'Per record, from its batch leaving the source to the end of its processing: the median record (p50), ' +
      'the slowest 10 %, 1 % and 0.1 % (p90, p99, p999) and the slowest. For a run set, each figure is the ' +
      'median across its runs (the spread across runs is in the next chart).',
    sources: distinct(runs.map((r) => originOf(r.result))),
    spec: {
      ...sizedChart(values),
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'percentile', type: 'nominal', sort: [...PERCENTILES], title: 'percentile', axis: { labelAngle: 0 } },
        xOffset: { field: 'run', type: 'nominal' },
        y: { field: 'us', type: 'quantitative', title: 'latency (µs)' },
        color: { field: 'run', type: 'nominal', title: 'run' },
      },
    },
  };
}

/** Cumulative fraction of records at or below each bucket's upper edge, from `[lowNs, count]` buckets. */
export function cdfPoints(buckets: readonly (readonly [number, number])[]): { us: number; fraction: number }[] {
  const total = buckets.reduce((s, b) => s + b[1], 0);
  if (total <= 0) return [];
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const out: { us: number; fraction: number }[] = [];
  let seen = 0;
  for (let i = 0; i < sorted.length; i++) {
    seen += sorted[i][1];
    // A bucket's records lie below the next bucket's low edge; the last bucket has no upper edge.
    const upperNs = i + 1 < sorted.length ? sorted[i + 1][0] : sorted[i][0];
    out.push({ us: upperNs / 1000, fraction: seen / total });
  }
  return out;
}

export function cdfFigure(runs: readonly LabelledResult[]): Figure | undefined {
  const values = runs.flatMap(({ label, result }) => cdfPoints(result.latencyBuckets).map((p) => ({ run: label, ...p })));
  if (values.length === 0) return undefined;
  return {
    id: 'latency-cdf',
    title: 'Latency CDF (from the streaming histogram)',
    sources: distinct(runs.filter((r) => r.result.latencyBuckets.length > 0).map((r) => originOf(r.result))),
    spec: {
      ...sizedChart(values),
      mark: { type: 'line', interpolate: 'step-after', point: false, tooltip: true },
      encoding: {
        x: { field: 'us', type: 'quantitative', scale: { type: 'symlog' }, title: 'latency (µs)' },
        y: { field: 'fraction', type: 'quantitative', scale: { domain: [0, 1] }, title: 'fraction of records ≤ latency' },
        color: { field: 'run', type: 'nominal', title: 'run' },
      },
    },
  };
}

export function breakdownFigure(runs: readonly LabelledResult[]): Figure | undefined {
  const values = runs.flatMap(({ label, result }) =>
    Object.keys(result.breakdownUs)
      .sort()
      .map((op) => ({ run: label, op, us: result.breakdownUs[op] })),
  );
  if (values.length === 0) return undefined;
  return {
    id: 'breakdown',
    title: 'Time per operation kind (µs, stacked)',
    sources: distinct(runs.map((r) => originOf(r.result))),
    spec: {
      ...sizedChart(values),
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'run', type: 'nominal', title: 'run' },
        x: { field: 'us', type: 'quantitative', stack: 'zero', title: 'time (µs)' },
        color: { field: 'op', type: 'nominal', title: 'operation', scale: { scheme: 'tableau20' } },
      },
    },
  };
}

/** Each run's p50 and p99, one row per Result with a run set; undefined when none has two runs. */
export function runsFigure(runs: readonly LabelledResult[]): Figure | undefined {
  const sets = runs.filter((r) => (r.result.runs?.count ?? 1) > 1);
  if (!sets.length) return undefined;
  const values = sets.flatMap(({ label, result }) => {
    const rs = result.runs!;
    const regimeOf = (k: number): string => {
      const g = rs.regimes?.groups.findIndex((x) => x.runs.includes(k)) ?? -1;
      return g < 0
        ? 'one regime'
        : `regime ${g + 1} of ${rs.regimes!.metric} (${rs.regimes!.groups[g].runs.length} of ${rs.count} runs)`;
    };
    return (['p50Us', 'p99Us'] as const).flatMap((metric) =>
      (rs.metrics[metric]?.values ?? []).map((us, k) => ({
        run: label,
        metric: metric.replace('Us', ''),
        k,
        us,
        regime: regimeOf(k),
      })),
    );
  });
  return {
    id: 'runs-spread',
    title: 'Across runs: each run’s p50 and p99 (µs, log scale)',
    sources: distinct(sets.map((r) => `${originOf(r.result)} · ${r.result.runs!.count} runs`)),
    spec: {
      ...sizedChart(values),
      mark: { type: 'point', filled: true, tooltip: true },
      encoding: {
        x: { field: 'us', type: 'quantitative', scale: { type: 'log' }, title: 'latency (µs)' },
        y: { field: 'run', type: 'nominal', title: 'result' },
        yOffset: { field: 'metric', type: 'nominal' },
        shape: { field: 'metric', type: 'nominal', title: 'metric' },
        color: { field: 'regime', type: 'nominal', title: 'regime' },
      },
    },
  };
}

/** How many cores each run keeps busy on average, split into useful work, waiting and the scheduler. */
export function coresFigure(runs: readonly LabelledResult[]): Figure | undefined {
  const parts = [
    ['useful', 'useful work'],
    ['waiting', 'waiting (yield/spin)'],
    ['scheduler', 'scheduler'],
  ] as const;
  const withCores = runs.filter((r) => r.result.coresBusy);
  const values = withCores.flatMap(({ label, result }) =>
    parts.map(([k, words], order) => ({
      run: `${label}, of ${result.coresBusy!.of} core(s)`,
      part: words,
      order,
      cores: result.coresBusy![k],
    })),
  );
  if (values.length === 0) return undefined;
  const approx = withCores.filter((r) => !r.result.coresBusy!.basis.startsWith('simulated'));
  return {
    id: 'cores-busy',
    title: 'Cores busy (average over the run)',
    explain:
      'CPU in use on average, in cores: CPU time over the length of the run. Useful work is the records themselves; waiting is ' +
      'CPU burnt in yield_now()/spin loops that find nothing to do; scheduler is polls, driver polls, steals and wake-ups.' +
      (approx.length ? ` Approximate for ${approx.map((r) => r.label).join(', ')}: ${approx[0].result.coresBusy!.basis}.` : ''),
    sources: distinct(withCores.map((r) => originOf(r.result))),
    spec: {
      ...sizedChart(values, Math.max(120, 40 * withCores.length)),
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'run', type: 'nominal', title: 'run' },
        x: { field: 'cores', type: 'quantitative', stack: 'zero', title: 'cores busy (cores)' },
        color: {
          field: 'part',
          type: 'nominal',
          title: 'CPU spent on',
          sort: parts.map((p) => p[1]),
          scale: { domain: parts.map((p) => p[1]), range: ['#4575b4', '#fdae61', '#999999'] },
        },
        order: { field: 'order', type: 'quantitative' },
      },
    },
  };
}

/**
 * Comparing two answers metric by metric — two Results, two points of a sweep, or a plan's
 * configurations — the way hyperfine and criterion compare two commands: the ratio, which is
 * better, and whether the difference stands out from the run-to-run spread.
 *
 * Phase: sweep (reads Result, sweep and plan documents; pure). A side with a confidence interval
 * (a sweep point over several runs: mean, lo, hi) lets the comparison say when the intervals
 * overlap, i.e. the runs do not separate the two; a side without one (n = 1) says so.
 */
import type { Result } from '../schema/result.js';
import type { Interval, SweepDoc } from '../schema/sweep-doc.js';
import type { PlanDoc } from '../schema/plan-doc.js';
import { LABELS, formatValue } from '../schema/labels.js';
import { metricsOf } from './run-point.js';

/** One side: a name, and each metric's mean with its interval when there is one. */
export interface Side {
  name: string;
  origin: string;
  metrics: Record<string, Interval>;
}

/** Metrics compared, and which way is better. */
export const COMPARED: Array<{ metric: string; better: 'lower' | 'higher' }> = [
  { metric: 'recordsPerSec', better: 'higher' },
  { metric: 'p50Us', better: 'lower' },
  { metric: 'p90Us', better: 'lower' },
  { metric: 'p99Us', better: 'lower' },
  { metric: 'p999Us', better: 'lower' },
  { metric: 'maxUs', better: 'lower' },
  { metric: 'meanUs', better: 'lower' },
  { metric: 'coresBusy', better: 'lower' },
  { metric: 'coresUseful', better: 'lower' },
  { metric: 'coresWaiting', better: 'lower' },
  { metric: 'coresScheduler', better: 'lower' },
  { metric: 'yieldsPerRecord', better: 'lower' },
];

const point = (v: number, n = 1): Interval => ({ mean: v, lo: v, hi: v, n });

export function sideOfResult(r: Result, name: string): Side {
  const m = metricsOf(r);
  return {
    name,
    origin: `${r.scenario.name}: ${r.source} · model ${r.model.name} (${r.model.profile}, ${r.model.provenance})`,
    metrics: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, point(v)])),
  };
}

export function sideOfSweepPoint(doc: SweepDoc, index: number, name: string): Side | undefined {
  const p = doc.points.find((x) => x.index === index);
  const s = p?.summary.simulated ?? p?.summary.analytic;
  if (!p || !s) return undefined;
  const config = doc.grid.map((a, i) => `${LABELS[a.label]?.words ?? a.label} ${String(p.values[i])}`).join(' · ');
  return { name, origin: `${doc.scenario.name} point ${index} (${config}) · model ${doc.model.name}`, metrics: { ...s } };
}

export function sideOfPlan(doc: PlanDoc, which: string, name: string): Side | undefined {
  const c =
    which === 'answer' ? doc.answer : which === 'runnerUp' ? doc.runnerUp : doc.tried.find((t) => String(t.index) === which);
  if (!c) return undefined;
  const config = doc.axes.map((a, i) => `${LABELS[a.label]?.words ?? a.label} ${String(c.values[i])}`).join(' · ');
  return {
    name,
    origin: `${doc.scenario.name} plan ${which} (${config}) · model ${doc.model.name}`,
    metrics: Object.fromEntries(Object.entries(c.metrics).map(([k, v]) => [k, point(v, c.replications)])),
  };
}

export interface MetricComparison {
  metric: string;
  label: string;
  a: Interval;
  b: Interval;
  /** a.mean / b.mean (undefined when b is 0). */
  ratio?: number;
  /** "A is 1.12× lower (better)", "about the same", or why it cannot be told. */
  verdict: string;
}

/** Relative differences below this are "about the same" (the simulator's output rounding, not a finding). */
export const SAME = 0.005;

export function compareSides(a: Side, b: Side): MetricComparison[] {
  const out: MetricComparison[] = [];
  for (const { metric, better } of COMPARED) {
    const x = a.metrics[metric];
    const y = b.metrics[metric];
    if (!x || !y) continue;
    const ratio = y.mean !== 0 ? x.mean / y.mean : undefined;
    const label = LABELS[metric]?.words ?? metric;
    let verdict: string;
    if (x.mean === y.mean || (ratio !== undefined && Math.abs(ratio - 1) < SAME)) verdict = 'about the same';
    else if (x.n > 1 && y.n > 1 && x.lo <= y.hi && y.lo <= x.hi)
      verdict = `not separated: the 95% intervals overlap (${x.n} and ${y.n} runs)`;
    else {
      const higher = x.mean > y.mean;
      const f = ratio === undefined || ratio === 0 ? '∞' : (higher ? ratio : 1 / ratio).toFixed(2);
      const good = (better === 'higher') === higher;
      verdict = `A is ${f}× ${higher ? 'higher' : 'lower'} (${good ? 'better' : 'worse'})`;
    }
    out.push({ metric, label, a: x, b: y, ...(ratio !== undefined ? { ratio } : {}), verdict });
  }
  return out;
}

const cell = (metric: string, v: Interval) =>
  v.n > 1 && v.hi > v.lo
    ? `${formatValue(metric, v.mean)} [${+v.lo.toPrecision(4)}–${+v.hi.toPrecision(4)}]`
    : formatValue(metric, v.mean);

/** The table `dispatchsim compare` prints. */
export function formatComparison(a: Side, b: Side, rows: readonly MetricComparison[]): string {
  const L = [`A: ${a.name} — ${a.origin}`, `B: ${b.name} — ${b.origin}`, ''];
  const w = Math.max(...rows.map((r) => r.label.length), 6);
  L.push(`  ${'metric'.padEnd(w)}  ${'A'.padStart(24)}  ${'B'.padStart(24)}  ${'A/B'.padStart(7)}  verdict`);
  for (const r of rows)
    L.push(
      `  ${r.label.padEnd(w)}  ${cell(r.metric, r.a).padStart(24)}  ${cell(r.metric, r.b).padStart(24)}  ${(r.ratio === undefined ? '—' : r.ratio.toFixed(3)).padStart(7)}  ${r.verdict}`,
    );
  if (rows.some((r) => r.a.n <= 1 || r.b.n <= 1))
    L.push('', 'One run on a side: no interval, so a small ratio may be run-to-run noise; --runs N gives 95% intervals.');
  return L.join('\n') + '\n';
}

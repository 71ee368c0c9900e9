/**
 * Analytic pruning for the SLO search: may the simulator skip a configuration because the analytic
 * model already shows it misses a target?
 *
 * Phase: sweep. Two kinds of analytic answer prune:
 *   - a prediction, when the metric's approximation band (`bandFor` in src/analytic/bands.ts) is no
 *     wider than PRUNE_MARGIN, the prediction misses the target by more than PRUNE_MARGIN, and even
 *     the favourable edge of the band (less the absolute latency floor) still misses it. Metrics
 *     without a stated band (p999, max) and wide bands (heuristic answers) never prune.
 *   - an overload refusal (DS4004): latency grows without limit, so every latency target fails; a
 *     throughput target fails when it is above the throughput bound the refusal states.
 * Other refusals (DS4001–DS4003: no closed form) leave the decision to the simulator.
 */
import { LATENCY_FLOOR_NS, type Band } from '../analytic/bands.js';
import type { Diagnostic } from '../schema/diagnostics.js';
import { margin, type Slo } from './slo.js';

/** The analytic model is trusted to ±25% here: only points beyond that are pruned. */
export const PRUNE_MARGIN = 0.25;

/** What the analytic model said about one configuration, and whether that prunes it. */
export type AnalyticVerdict =
  | { kind: 'predicted'; approximation: string; metrics: Record<string, number>; prune: boolean }
  | { kind: 'refused'; code: string; message: string; prune: boolean };

/** The relative band of a sweep metric, or undefined when the model states none for it. */
export function bandOfMetric(band: Band, metric: string): number | undefined {
  switch (metric) {
    case 'recordsPerSec':
      return band.throughput;
    case 'meanUs':
      return band.mean;
    case 'p50Us':
      return band.p50;
    case 'p90Us':
      return Math.max(band.p50, band.p99); // between the two stated percentiles: the wider band
    case 'p99Us':
      return band.p99;
    default:
      return undefined;
  }
}

/** Does a prediction `metrics` (with its approximation's band, if any) prune the point? */
export function prunesOnPrediction(slos: readonly Slo[], metrics: Record<string, number>, band: Band | undefined): boolean {
  if (!band) return false;
  return slos.some((s) => {
    const b = bandOfMetric(band, s.metric);
    const v = metrics[s.metric];
    if (b === undefined || b > PRUNE_MARGIN || !Number.isFinite(v)) return false;
    const edge = s.op === '<=' ? v * (1 - b) - LATENCY_FLOOR_NS / 1e3 : v * (1 + b);
    return margin(s, v) < -PRUNE_MARGIN && margin(s, edge) < 0;
  });
}

/** Does a refusal prune the point? Only an overload (DS4004) does, as the module comment says. */
export function prunesOnRefusal(slos: readonly Slo[], refusal: readonly Diagnostic[]): boolean {
  const overload = refusal.find((d) => d.code === 'DS4004');
  if (!overload) return false;
  const capacity = Number(overload.params?.capacity);
  return slos.some((s) => (s.metric === 'recordsPerSec' ? Number.isFinite(capacity) && s.target > capacity : s.op === '<='));
}

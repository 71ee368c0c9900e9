/**
 * Per-configuration fits of probe output, as `Estimate`s that carry their bootstrap replicates.
 *
 * Phase: calibrate. A configuration is one (bench, params) pair. Slope-type configurations are
 * fitted by least squares of totalNs on iters (criterion's method) and bootstrapped by
 * resampling their (iters, totalNs) points; latency-type configurations keep their quantiles.
 * Derived parameters (differences, fits across configurations) are computed replicate by
 * replicate with `combine`, so their confidence intervals propagate the measurement noise of
 * every input instead of being guessed.
 */
import { Prng } from '../engine/prng.js';
import type { WindowCalibration } from './window.js';
import { matchesFilter, paramsKey, type BenchParams, type ParamValue, type ProbeOutput } from './probe-output.js';
import {
  bootstrap,
  canFitLine,
  farFence,
  fitLine,
  fitLineRobust,
  mad,
  median,
  quantiles,
  tukeyOutliers,
  type Point,
} from './stats.js';

export interface Estimate {
  value: number;
  /** Bootstrap replicates of `value` (may be empty for a single-number import). */
  boot: number[];
  samples: number;
  outliers: number;
  /** MAD of the per-iteration costs (slope-type) or of the observations (latency-type). */
  mad?: number;
  /** Smallest R² among the slope fits this estimate rests on. */
  r2?: number;
  /** Where it came from, e.g. `poll_self{driver=none flavor=ct k=1} OLS slope`. */
  source: string;
  /** Latency-type: empirical quantiles. */
  distribution?: { p: number[]; ns: number[] };
  /** The probe runs (header indices) this estimate rests on (for profile-mixing checks). */
  headers: number[];
  /** A 95% interval given by the source (criterion import) instead of bootstrap replicates. */
  ci95?: [number, number];
}

export type Filter = Readonly<Record<string, ParamValue>>;

/** Probabilities stored for latency-type distributions (p[0] = 0, last = 1 as the schema asks). */
export const DISTRIBUTION_PS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

export interface FitOptions {
  seed: number;
  resamples: number;
  /**
   * Write worker_wake_preempt / worker_wake_preempt_latency / worker_wake_preempt_hold (calibrate
   * --worker-packing). Off by default: with the hold assumed (until the woken worker parks) it put
   * multi_thread p50s off; steal_hold measures the hold now, not yet checked on a quiet machine
   * (docs/calibration.md).
   */
  workerPacking?: boolean;
  /** Earlier calibrations of this machine (calibrate --windows): window_speed_sd (window.ts). */
  windows?: readonly WindowCalibration[];
}

export const DEFAULT_FIT_OPTIONS: FitOptions = { seed: 1, resamples: 1000 };

/** Fits on demand and caches per configuration; one PRNG stream per configuration. */
export class Fitter {
  private readonly slopeCache = new Map<string, Estimate | undefined>();
  constructor(
    readonly output: ProbeOutput,
    readonly options: FitOptions = DEFAULT_FIT_OPTIONS,
  ) {}

  /** Distinct parameter sets of `bench` whose params match `filter`, in first-seen order. */
  configs(bench: string, filter: Filter = {}): BenchParams[] {
    const seen = new Map<string, BenchParams>();
    for (const r of [...this.output.samples, ...this.output.latencies, ...this.output.summaries]) {
      if (r.bench === bench && matchesFilter(r.params, filter) && !seen.has(paramsKey(r.params)))
        seen.set(paramsKey(r.params), r.params);
    }
    return [...seen.values()];
  }

  /**
   * Per-iteration cost of the configurations matching `filter`: the Theil–Sen slope of one
   * configuration, or the median of the slopes when several match (e.g. k = 1, 4, 16 of a cost
   * that should not depend on k). Undefined when nothing matches or nothing can be fitted.
   */
  slope(bench: string, filter: Filter = {}): Estimate | undefined {
    const ests = this.configs(bench, filter)
      .map((p) => this.configSlope(bench, p))
      .filter((e): e is Estimate => e !== undefined);
    if (ests.length === 0) return undefined;
    if (ests.length === 1) return ests[0];
    const est = combine(ests, (v) => median(v));
    return { ...est, source: `median of ${ests.length} slopes: ${ests.map((e) => e.source).join('; ')}` };
  }

  private configSlope(bench: string, params: BenchParams): Estimate | undefined {
    const key = `${bench}|${paramsKey(params)}`;
    if (this.slopeCache.has(key)) return this.slopeCache.get(key);
    const recs = this.output.samples.filter((s) => s.bench === bench && paramsKey(s.params) === paramsKey(params));
    const pts: Point[] = recs.map((s) => ({ x: s.iters, y: s.totalNs }));
    let est: Estimate | undefined;
    if (canFitLine(pts)) {
      const fit = fitLineRobust(pts);
      const prng = new Prng(this.options.seed, `slope:${key}`);
      const boot = bootstrap(pts, (s) => (canFitLine(s) ? fitLineRobust(s).slope : undefined), prng, this.options.resamples);
      const perIter = pts.map((p) => (p.y - fit.intercept) / p.x);
      est = {
        value: fit.slope,
        boot,
        samples: pts.length,
        outliers: tukeyOutliers(perIter).mild,
        mad: mad(perIter),
        r2: fit.r2,
        source: `${bench}{${paramsKey(params)}} Theil–Sen slope`,
        headers: [...new Set(recs.map((r) => r.header))],
      };
    }
    this.slopeCache.set(key, est);
    return est;
  }

  /** Latency observations of the configurations matching `filter`, pooled. */
  latencyValues(bench: string, filter: Filter = {}): { values: number[]; headers: number[]; configs: number } {
    const recs = this.output.latencies.filter((l) => l.bench === bench && matchesFilter(l.params, filter));
    return {
      values: recs.map((r) => r.ns),
      headers: [...new Set(recs.map((r) => r.header))],
      configs: new Set(recs.map((r) => paramsKey(r.params))).size,
    };
  }

  /** Latency-type estimate of the pooled observations (see `latencyEstimate`, `trimFarOut` too). */
  latency(bench: string, filter: Filter = {}, trimFarOut = false): Estimate | undefined {
    const { values, headers } = this.latencyValues(bench, filter);
    if (values.length < 2) return undefined;
    const source = `${bench}{${paramsKey(filter as BenchParams)}} quantiles`;
    return latencyEstimate(values, source, headers, this.options, bench, trimFarOut);
  }

  /** Numeric summary fields named `field` of matching configurations. */
  summaryValues(bench: string, field: string, filter: Filter = {}): number[] {
    return this.output.summaries
      .filter((s) => s.bench === bench && matchesFilter(s.params, filter))
      .map((s) => s.fields[field])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  }
}

/**
 * Latency-type estimate: median value, bootstrapped median, stored quantiles. `trimFarOut`:
 * leave out observations above Tukey's far fence (Q3 + 3·IQR), for OS latencies whose far-out
 * values are another mechanism: a park's overshoot includes sleeps whose deadline crossed one
 * more 1 ms tick (the simulator's timer grid makes those itself; kept, they would count twice),
 * and both it and the wake-ups include the VM descheduling the parked thread, which comes in
 * bad minutes (2 of 5 calibration runs here: xwake p99 400–700 µs against 55–92 µs) and is no
 * part of the path being measured. `outliers` then counts what was left out and `source` says so.
 */
export function latencyEstimate(
  values: number[],
  source: string,
  headers: number[],
  options: FitOptions,
  stream: string,
  trimFarOut = false,
): Estimate {
  const prng = new Prng(options.seed, `latency:${stream}:${source}`);
  let outliers = tukeyOutliers(values).severe;
  if (trimFarOut) {
    const fence = farFence(values);
    const kept = values.filter((v) => v <= fence);
    outliers = values.length - kept.length;
    if (outliers > 0) source += `; ${outliers} of ${values.length} above Q3 + 3·IQR (${Math.round(fence)} ns) left out`;
    values = kept;
  }
  return {
    value: median(values),
    boot: bootstrap(values, (s) => median(s), prng, Math.min(options.resamples, 400)),
    samples: values.length,
    outliers,
    mad: mad(values),
    source,
    distribution: { p: [...DISTRIBUTION_PS], ns: quantiles(values, DISTRIBUTION_PS) },
    headers,
  };
}

/**
 * Applies `f` to the values of `inputs` and, replicate by replicate, to their bootstrap
 * replicates (inputs resampled independently, so replicate i of each input pairs up).
 */
export function combine(inputs: readonly Estimate[], f: (values: number[]) => number, source = ''): Estimate {
  const nBoot = inputs.length === 0 ? 0 : Math.min(...inputs.map((e) => e.boot.length));
  const boot: number[] = [];
  for (let i = 0; i < nBoot; i++) boot.push(f(inputs.map((e) => e.boot[i])));
  return {
    value: f(inputs.map((e) => e.value)),
    boot,
    samples: inputs.reduce((a, e) => a + e.samples, 0),
    outliers: inputs.reduce((a, e) => a + e.outliers, 0),
    // R² is not propagated: a non-linear input is flagged once, on the parameter fitted from it.
    source,
    headers: [...new Set(inputs.flatMap((e) => e.headers))],
  };
}

/**
 * Slope of per-iteration cost against x itself over configurations (x = the number of tasks K
 * sharing a round): cost(x) = base + c·x, so c is the cost each of them adds to the round. Needs
 * at least two distinct x.
 */
export function fitLinear(points: ReadonlyArray<{ x: number; est: Estimate }>, source: string): Estimate | undefined {
  return fitSlopeOver(points, (x) => x, source);
}

/**
 * Slope of per-iteration cost against 1/x over configurations (x = event_interval or
 * global_queue_interval): cost(x) = base + c/x, so c is the cost of the thing done every x
 * iterations. Needs at least two distinct x.
 */
export function fitReciprocal(points: ReadonlyArray<{ x: number; est: Estimate }>, source: string): Estimate | undefined {
  return fitSlopeOver(points, (x) => 1 / x, source);
}

/** Slope of the estimates against `at(x)` (bootstrapped through `combine`), with the line's r². */
function fitSlopeOver(
  points: ReadonlyArray<{ x: number; est: Estimate }>,
  at: (x: number) => number,
  source: string,
): Estimate | undefined {
  const xs = points.map((p) => at(p.x));
  if (!canFitLine(xs.map((x) => ({ x, y: 0 })))) return undefined;
  const est = combine(
    points.map((p) => p.est),
    (v) => fitLine(v.map((y, i) => ({ x: xs[i], y }))).slope,
    source,
  );
  const line = fitLine(points.map((p, i) => ({ x: xs[i], y: p.est.value })));
  return { ...est, r2: line.r2 };
}

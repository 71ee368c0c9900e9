/**
 * A run set: N independent simulations of one Plan that vary what a real run does not control —
 * the PRNG streams (one seed per run), tokio's timer phase (unless the scenario pins it) and,
 * through each run's seed, the platform-noise draws — folded into one Result whose headline
 * figures are medians across the runs and carry their spread (`runs`), with warning DS3020 when
 * the runs split into separated regimes.
 *
 *   Plan ─► runVariants (seed_k, phase_k) ─► simulate each (simulate-runs.ts: worker threads)
 *        ─► foldRuns: per-metric values, median, p10–p90; representative run; regimes
 *
 * Phase: sweep (pure: no threads or I/O here). The fold depends only on the runs' Results in
 * run order, never on which thread ran them, so the document is byte-identical for any `jobs`.
 * `measure` folds a measurement's repeats with the same `acrossRuns`, so predicted and measured
 * run sets compare like with like (validate's coverage).
 */
import { Prng } from '../engine/prng.js';
import type { Plan } from './types.js';
import { hostPolls, type RunLevelFactors } from './runtime-costs.js';
import type { AcrossRuns, Result, RunsBlock } from '../schema/result.js';
import { METRICS, type MetricName } from '../schema/sweep-metrics.js';

/** What run `index` of a run set varies: its PRNG seed and the timer phase (Plan convention, ns). */
export interface RunVariant {
  index: number;
  seed: number;
  timerPhaseNs: number;
  /** Standard normal draws of the run's level (run_speed_sd, run_wake_sd scale them; docs/semantics.md). */
  speedZ: number;
  wakeZ: number;
  /** The run's noise level (run_noise_sd scales it; drawn after speedZ and wakeZ, so they did not move). */
  noiseZ: number;
}

/** Most runs one run set may ask for (`--runs`). */
export const MAX_RUNS = 1000;

/** Warning code: the runs split into separated regimes (docs/errors.md). */
export const REGIME_CODE = 'DS3020';

/**
 * The variants of runs 0..runs−1: run 0 keeps the Plan's seed, later runs take distinct seeds
 * from a stream of it (`replicationSeeds`, as sweep replications do); each run's timer phase is
 * the scenario's when it pins one, else uniform over the tick from the run's own 'timer-phase'
 * stream, so run k is the same whatever N is.
 */
export function runVariants(plan: Plan, runs: number): RunVariant[] {
  return replicationSeeds(plan.seed, runs).map((seed, index) => variantOf(plan, index, seed));
}

/** Run `index` with `seed`: the timer phase pinned by the Plan, else drawn from the seed's own stream. */
export function variantOf(plan: Plan, index: number, seed: number): RunVariant {
  const res = plan.runtime.timerResolutionNs;
  // The run's level: its own stream, so adding it moved no other draw of the run.
  const level = new Prng(seed, 'run-level');
  const speedZ = level.normal();
  const wakeZ = level.normal();
  const noiseZ = level.normal();
  return {
    index,
    seed,
    timerPhaseNs: plan.runtime.timerPhaseNs ?? new Prng(seed, 'timer-phase').nextInt(res),
    speedZ,
    wakeZ,
    noiseZ,
  };
}

/** The Plan of one run. */
export function planOfRun(plan: Plan, v: RunVariant): Plan {
  return {
    ...plan,
    seed: v.seed,
    runtime: {
      ...plan.runtime,
      timerPhaseNs: v.timerPhaseNs,
      runLevel: { speedZ: v.speedZ, wakeZ: v.wakeZ, ...(plan.runtime.noise ? { noiseZ: v.noiseZ } : {}) },
    },
  };
}

/** A Result's headline metrics (the `runs.metrics` keys, the sweep's METRICS). */
export function headlineOf(r: Result): Record<MetricName, number> {
  return {
    recordsPerSec: r.throughput.recordsPerSec,
    p50Us: r.latencyUs.p50,
    p90Us: r.latencyUs.p90,
    p99Us: r.latencyUs.p99,
    p999Us: r.latencyUs.p999,
    maxUs: r.latencyUs.max,
    meanUs: r.latencyUs.mean,
    yieldsPerRecord: r.yieldsPerRecord,
    cpuUs: r.cpuUs.total,
    records: r.records,
    coresBusy: r.coresBusy?.busy ?? 0,
    coresUseful: r.coresBusy?.useful ?? 0,
    coresWaiting: r.coresBusy?.waiting ?? 0,
    coresScheduler: r.coresBusy?.scheduler ?? 0,
  };
}

/** 12 significant digits: drops float noise from the document, keeps precision. */
const round12 = (x: number): number => Number(x.toPrecision(12));

/** The q-quantile (0..1) of `xs`, linear between order statistics (type 7); NaN when empty. */
export function quantileOf(xs: readonly number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

/** One metric across runs. */
export function acrossOf(values: readonly number[]): AcrossRuns {
  return {
    values: [...values],
    median: round12(quantileOf(values, 0.5)),
    p10: round12(quantileOf(values, 0.1)),
    p90: round12(quantileOf(values, 0.9)),
  };
}

/** Every headline metric across `results` (in run order). */
export function acrossRuns(results: readonly Result[]): Record<string, AcrossRuns> {
  const each = results.map(headlineOf);
  const out: Record<string, AcrossRuns> = {};
  for (const k of METRICS) out[k] = acrossOf(each.map((m) => m[k]));
  return out;
}

/**
 * The run that stands for the set: the lower median of p50 (ties: the earlier run). Its tasks,
 * workers, breakdown and latency buckets are the Result's body.
 */
export function representativeRun(results: readonly Result[]): number {
  const order = results.map((_, i) => i).sort((a, b) => results[a].latencyUs.p50 - results[b].latencyUs.p50 || a - b);
  return order[Math.floor((order.length - 1) / 2)];
}

/** Clusters closer than this (µs) are not regimes, whatever their ratio (sub-µs latencies). */
const MIN_REGIME_GAP_US = 1;

export interface Regimes {
  /** The two clusters, higher median first: run indices and the cluster's median. */
  groups: { runs: number[]; median: number }[];
}

/**
 * Fewest runs a regime holds when the set has MIN_RUNS_FOR_PAIRS runs or more: one run apart from
 * the others is an outlier run, not a regime — on this project's VM one measured repeat in 7
 * often has a p99 of 1–2 ms where the others have 0.2–0.6 ms (a VM pause of a millisecond or more
 * hit that run), and 15 of session 6's 39 measured scenarios were flagged for it, which buried the
 * one warning that means something. With 2 or 3 runs a lone run is all a split can show (the
 * issue's real runs: p50 0.5 ms, 77 ms and 59 ms).
 */
export const MIN_REGIME_RUNS = 2;
const MIN_RUNS_FOR_PAIRS = 4;

/**
 * Two separated clusters of per-run values, or undefined. Sorted values split at their widest
 * ratio gap; they are regimes when the clusters' medians differ ≥ `minRatio`× and the gap is at
 * least 2× and wider than either cluster's own spread (so a smooth spread never splits), the
 * medians are ≥ 1 µs apart, and (4 runs or more) each cluster holds MIN_REGIME_RUNS runs or more
 * (the cut is then the widest gap that leaves that many on each side). Values ≤ 0 (no records)
 * leave the set undecided.
 */
export function detectRegimes(values: readonly number[], minRatio = 3, minRuns = MIN_REGIME_RUNS): Regimes | undefined {
  if (values.length < 2 || values.some((v) => !(v > 0))) return undefined;
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const v = order.map((i) => values[i]);
  const least = v.length >= MIN_RUNS_FOR_PAIRS ? minRuns : 1;
  if (v.length < 2 * least) return undefined;
  let cut = least - 1;
  for (let i = cut + 1; i < v.length - least; i++) if (v[i + 1] / v[i] > v[cut + 1] / v[cut]) cut = i;
  const gap = v[cut + 1] / v[cut];
  const low = v.slice(0, cut + 1);
  const high = v.slice(cut + 1);
  const spread = Math.max(low[low.length - 1] / low[0], high[high.length - 1] / high[0]);
  const lowMed = quantileOf(low, 0.5);
  const highMed = quantileOf(high, 0.5);
  if (highMed / lowMed < minRatio || highMed - lowMed < MIN_REGIME_GAP_US || gap < 2 || gap <= spread) return undefined;
  const idx = (from: number, to: number) => order.slice(from, to).sort((a, b) => a - b);
  return {
    groups: [
      { runs: idx(cut + 1, v.length), median: round12(highMed) },
      { runs: idx(0, cut + 1), median: round12(lowMed) },
    ],
  };
}

/** `µs` as a short human figure with 2 significant digits: 0.5 ms, 60 ms, 41 µs. */
export function shortUs(us: number): string {
  const sig = (x: number) => String(Number(x.toPrecision(2)));
  return us >= 1000 ? `${sig(us / 1000)} ms` : `${sig(us)} µs`;
}

/** A rate as a short human figure with 2 significant digits: 63 records/s, 100k records/s. */
export function shortRate(perSec: number): string {
  const sig = (x: number) => String(Number(x.toPrecision(2)));
  const f = perSec >= 1e6 ? `${sig(perSec / 1e6)}M` : perSec >= 1e3 ? `${sig(perSec / 1e3)}k` : sig(perSec);
  return `${f} records/s`;
}

const LABEL: Partial<Record<MetricName, string>> = { p50Us: 'p50', p99Us: 'p99', recordsPerSec: 'throughput' };

/**
 * The DS3020 message: both regimes and their shares. With the runs' `metrics`, a throughput split
 * also gives each regime's median p50 (a starved regime's few records are fast: its p50 alone
 * would read as the better regime).
 */
export function regimeMessage(metric: MetricName, r: Regimes, n: number, metrics?: Record<string, AcrossRuns>): string {
  const label = LABEL[metric] ?? metric;
  const fmt = metric === 'recordsPerSec' ? shortRate : shortUs;
  const p50 = metric === 'recordsPerSec' ? metrics?.p50Us?.values : undefined;
  const also = (runs: readonly number[]) =>
    p50
      ? ` (p50 ${shortUs(
          quantileOf(
            runs.map((k) => p50[k]),
            0.5,
          ),
        )})`
      : '';
  const parts = r.groups.map(
    (g, i) =>
      (i === 0 ? `${g.runs.length} of ${n} runs: ${label} ≈ ` : `${g.runs.length} of ${n}: ≈ `) + fmt(g.median) + also(g.runs),
  );
  return `the runs split into two regimes: ${parts.join('; ')} (runs ${r.groups[0].runs.join(', ')} vs ${r.groups[1].runs.join(', ')}); the median hides both, read the regimes`;
}

/**
 * Regimes of throughput, else p50, else p99. Throughput first: runs that starve (a start-up race
 * leaves a spinner holding the worker the others need) deliver a fraction of the records, and that
 * is the split a user must see; their p50 may not split at all (a starved run's few records can
 * be as fast as the others'). One run apart is a regime for throughput: a VM pause of a few ms
 * moves a run's throughput by a few per cent, not 3× (the outlier rule, MIN_REGIME_RUNS, is
 * for latency percentiles, which one pause can move that far).
 */
export function findRegimes(metrics: Record<string, AcrossRuns>): { metric: MetricName; regimes: Regimes } | undefined {
  for (const metric of ['recordsPerSec', 'p50Us', 'p99Us'] as const) {
    const m = metrics[metric];
    const regimes = m ? detectRegimes(m.values, 3, metric === 'recordsPerSec' ? 1 : MIN_REGIME_RUNS) : undefined;
    if (regimes) return { metric, regimes };
  }
  return undefined;
}

/** Warnings of every run, once each; one that not every run gave says in how many it came. */
export function unionWarnings(results: readonly Result[]): Result['warnings'] {
  const seen = new Map<string, { w: Result['warnings'][number]; runs: number }>();
  for (const r of results) {
    const mine = new Set<string>();
    for (const w of r.warnings) {
      const key = `${w.code} ${w.message}`;
      if (mine.has(key)) continue;
      mine.add(key);
      const e = seen.get(key);
      if (e) e.runs++;
      else seen.set(key, { w, runs: 1 });
    }
  }
  const n = results.length;
  return [...seen.values()].map(({ w, runs }) =>
    runs < n ? { code: w.code, message: `${w.message} (in ${runs} of ${n} runs)` } : w,
  );
}

/** Median of each derived output over the runs that have it. */
function medianOutputs(results: readonly Result[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(results[0].outputs)) {
    const xs = results.map((r) => r.outputs[k]).filter((x): x is number => typeof x === 'number');
    if (xs.length) out[k] = round12(quantileOf(xs, 0.5));
  }
  return out;
}

export interface FoldContext {
  plan: Plan;
  /** The model's run-level dispersions (absent: unknown), for `runs.runLevel`. */
  runLevelSd?: { speed?: number; wake?: number; noise?: number; window?: number };
  /** The model's halt_poll_run_share (with halt_poll_max) when below 1: each run's host-polls draw goes in `runs.runLevel`. */
  haltPollRunShare?: number;
  /**
   * Host-contention episodes (model with episode_*, platform effects on): the calibrated rate, how
   * many each run met, and each run's own rate (the rate's posterior draw, runtime-costs.ts).
   */
  episodes?: { rate: number; counts: number[]; rates?: number[] };
  /**
   * Each run's level factors as the simulator applied them (runLevelFactors: the point sd widened
   * by its own uncertainty); without them `runs.runLevel` shows exp(sd · z).
   */
  factors?: readonly RunLevelFactors[];
  variants: readonly RunVariant[];
  /** Wall time of the whole set (ms): runs overlap on worker threads. */
  wallMs: number;
  /** Why this many runs (`--runs auto`, simulate-runs.ts), for `runs.why`. */
  why?: string;
  /** How the runs after run 0 were run (simulate-runs.ts), for `engine.threads`. */
  threads?: { workers: number; why: string; speedup?: number };
}

/**
 * One Result from a run set: the representative run's body (records, tasks, workers, CPU,
 * breakdown, latency buckets); the headline figures (throughput, latency percentiles,
 * yields/record) and derived outputs are medians across the runs; `runs` holds every run's headline values; warnings are the union, plus DS3020 when
 * the runs split into regimes. Memory: the runs' Results are read, not kept.
 */
export function foldRuns(results: readonly Result[], ctx: FoldContext): Result {
  if (!results.length) throw new Error('internal: foldRuns needs at least one run');
  const n = results.length;
  const rep = representativeRun(results);
  const base = results[rep];
  const metrics = acrossRuns(results);
  const med = (k: MetricName) => metrics[k].median;
  const res = ctx.plan.runtime.timerResolutionNs;
  const runs: RunsBlock = {
    count: n,
    ...(ctx.why !== undefined ? { why: ctx.why } : {}),
    representative: rep,
    seeds: ctx.variants.map((v) => v.seed),
    timerPhaseUs: ctx.variants.map((v) => ((res - (v.timerPhaseNs % res)) % res) / 1000),
    timerPhase: ctx.plan.runtime.timerPhaseNs === undefined ? 'uniform' : 'pinned',
    noise: ctx.plan.runtime.noise,
    ...(ctx.runLevelSd
      ? {
          runLevel: runLevelBlock(
            ctx.runLevelSd,
            ctx.variants,
            ctx.plan.runtime.noise,
            ctx.haltPollRunShare,
            ctx.episodes,
            ctx.factors,
          ),
        }
      : {}),
    metrics,
  };
  const warnings = unionWarnings(results);
  const split = n > 1 ? findRegimes(metrics) : undefined;
  if (split) {
    runs.regimes = { metric: split.metric, groups: split.regimes.groups };
    warnings.push({ code: REGIME_CODE, message: regimeMessage(split.metric, split.regimes, n, metrics) });
  }
  let events = 0;
  let jumps = 0;
  let skippedUs = 0;
  for (const r of results) {
    events += r.engine.events;
    jumps += r.engine.fastForward?.jumps ?? 0;
    skippedUs += r.engine.fastForward?.skippedUs ?? 0;
  }
  const { runs: _old, warnings: _w, engine: _e, ...body } = base;
  void _old;
  void _w;
  void _e;
  return {
    ...body,
    seed: ctx.plan.seed,
    throughput: { recordsPerSec: med('recordsPerSec') },
    latencyUs: {
      ...base.latencyUs,
      p50: med('p50Us'),
      p90: med('p90Us'),
      p99: med('p99Us'),
      p999: med('p999Us'),
      max: med('maxUs'),
      mean: med('meanUs'),
    },
    yieldsPerRecord: med('yieldsPerRecord'),
    outputs: medianOutputs(results),
    runs,
    warnings,
    engine: {
      events,
      eventsPerSec: ctx.wallMs > 0 ? Math.round((events / ctx.wallMs) * 1000) : 0,
      wallMs: Math.round(ctx.wallMs * 1000) / 1000,
      ...(jumps > 0 ? { fastForward: { jumps, skippedUs: round12(skippedUs) } } : {}),
      ...(ctx.threads
        ? {
            threads: {
              workers: ctx.threads.workers,
              why: ctx.threads.why,
              ...(ctx.threads.speedup !== undefined ? { speedup: round12(ctx.threads.speedup) } : {}),
            },
          }
        : {}),
    },
  };
}

/**
 * `runs.runLevel`: each run's factors where the model has the dispersion, else it is unknown
 * (run_noise_sd only matters, and is only named, when noise is on).
 */
function runLevelBlock(
  sd: { speed?: number; wake?: number; noise?: number; window?: number },
  variants: readonly RunVariant[],
  noiseOn: boolean,
  haltPollRunShare?: number,
  episodes?: { rate: number; counts: number[]; rates?: number[] },
  applied?: readonly RunLevelFactors[],
): NonNullable<RunsBlock['runLevel']> {
  const unknown = [
    sd.speed === undefined ? 'run_speed_sd' : '',
    sd.window === undefined ? 'window_speed_sd' : '',
    sd.wake === undefined ? 'run_wake_sd' : '',
    noiseOn && sd.noise === undefined ? 'run_noise_sd' : '',
  ].filter((x) => x);
  const factors = (s: number, z: (v: RunVariant) => number, k: 'speed' | 'wake' | 'noise') =>
    variants.map((v, i) => round12(applied?.[i] ? applied[i][k] : Math.exp(s * z(v))));
  return {
    ...(sd.speed !== undefined ? { speedSd: sd.speed } : {}),
    ...(sd.window !== undefined ? { windowSpeedSd: sd.window } : {}),
    ...(sd.speed !== undefined || sd.window !== undefined
      ? { speed: factors(Math.hypot(sd.speed ?? 0, sd.window ?? 0), (v) => v.speedZ, 'speed') }
      : {}),
    ...(sd.wake !== undefined ? { wakeSd: sd.wake, wake: factors(sd.wake, (v) => v.wakeZ, 'wake') } : {}),
    ...(noiseOn && sd.noise !== undefined ? { noiseSd: sd.noise, noise: factors(sd.noise, (v) => v.noiseZ, 'noise') } : {}),
    ...(haltPollRunShare !== undefined && haltPollRunShare < 1
      ? { hostPolls: variants.map((v) => hostPolls({ haltPollRunShare }, true, v.seed)) }
      : {}),
    ...(episodes
      ? {
          episodeRate: episodes.rate,
          episodes: episodes.counts,
          ...(episodes.rates ? { episodeRates: episodes.rates.map(round12) } : {}),
        }
      : {}),
    ...(unknown.length ? { unknown } : {}),
  };
}

/**
 * Seeds of N replications (sweep) or runs (run sets): the first is the base seed (so run 0
 * reproduces `simulate`), later ones come from a PRNG stream of the base seed, distinct by
 * construction. The same list is used at every point (common random numbers).
 */
export function replicationSeeds(baseSeed: number, replications: number): number[] {
  const seeds = [baseSeed];
  const prng = new Prng(baseSeed, 'sweep-replications');
  while (seeds.length < replications) {
    const s = prng.nextU32();
    if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds.slice(0, replications);
}

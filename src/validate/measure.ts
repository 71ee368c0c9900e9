/**
 * measure: folds the repeats of a Plan run on real tokio (probe/execute.ts) into one measured
 * Result.
 *
 *   probe execute × repeat ─► combineRuns: median of each figure over the repeats, spread (min/max) kept
 *
 * Phase: validate. The combined Result has the
 * simulator's key order; its `outputs` hold the scenario's derived outputs evaluated on the
 * medians, plus `spread.<metric>.min|max` for every compared figure and
 * `measure.runQueueWaitPct` (machine load during the runs) and `measure.sourceApart` (1: the
 * source thread had a CPU of its own in every run, 0: not in some; absent without a source), all
 * read back by measured-input.ts, so a saved measurement keeps its spread and its context.
 */
import type { Plan } from '../plan/types.js';
import { coresBusyOf, resultHeader } from '../plan/result-parts.js';
import { modelledVersionOf } from '../plan/tokio-versions.js';
import type { Result, TaskResult } from '../schema/result.js';
import { evaluateOutputs } from '../plan/result-parts.js';
import { executePlan, probeThreads, type ExecuteOptions, type ProbeRun, type ProbeTrace } from '../probe/execute.js';
import { figuresOf, median } from './compare.js';
import { acrossRuns, findRegimes, REGIME_CODE, regimeMessage } from '../plan/run-set.js';
import type { RunsBlock } from '../schema/result.js';
import type { MetricName } from '../schema/sweep-metrics.js';

/** What measurePlan takes: the probe's execute options. */
export type MeasureOptions = ExecuteOptions;

export interface Measurement {
  result: Result;
  runs: ProbeRun[];
  header: Record<string, unknown>;
  /** Median share (%) of the probe's runnable time spent waiting for a CPU; undefined if unknown. */
  runQueueWaitPct?: number;
  /** The polls of the run with the median throughput (the one whose latency buckets are kept), when traced. */
  trace?: ProbeTrace;
}

/**
 * How much the machine's other load got in the way: the median over runs of
 * wait / (cpu + wait), in %. A busy-spin `compute` is stretched by the same share.
 */
export function runQueueWaitPct(runs: readonly ProbeRun[]): number | undefined {
  const xs = runs.flatMap((r) =>
    r.probe.sched && r.probe.sched.cpuMs + r.probe.sched.runQueueWaitMs > 0
      ? [(100 * r.probe.sched.runQueueWaitMs) / (r.probe.sched.cpuMs + r.probe.sched.runQueueWaitMs)]
      : [],
  );
  return xs.length ? Math.round(median(xs) * 10) / 10 : undefined;
}

/** 1 when the source thread had a CPU of its own in every run, 0 when not in some; undefined without a source or from an older probe. */
export function sourceApart(runs: readonly ProbeRun[]): number | undefined {
  const kinds = runs.map((r) => r.probe.placement);
  if (!kinds.length || kinds.some((k) => k === undefined || k === 'none')) return undefined;
  return kinds.every((k) => k === 'apart') ? 1 : 0;
}

/** Runs the plan with the probe binary and combines the repeats into one measured Result. */
export async function measurePlan(plan: Plan, binary: string, o: MeasureOptions): Promise<Measurement> {
  const { header, runs } = await executePlan(plan, binary, o);
  const wait = runQueueWaitPct(runs);
  const trace = runs[medianRunIndex(runs.map((r) => r.result))].trace;
  const result = combineRuns(
    runs.map((r) => r.result),
    plan,
    runs,
    typeof header.cpus === 'number' ? header.cpus : undefined,
  );
  stampProbeTokio(result, plan, header);
  stampProbeProfile(result, header);
  return {
    result,
    runs,
    header,
    ...(wait !== undefined ? { runQueueWaitPct: wait } : {}),
    ...(trace ? { trace } : {}),
  };
}

/**
 * A measured Result's runtime.tokio is the release the probe was built against (its header); when
 * that is not the version the plan models, DS1815 says so (the figures are another runtime's).
 */
export function stampProbeTokio(result: Result, plan: Plan, header: Record<string, unknown>): void {
  const built = typeof header.tokio === 'string' && header.tokio ? header.tokio : 'unknown';
  result.runtime.tokio = built;
  if (modelledVersionOf(built) !== plan.runtime.tokio)
    result.warnings.push({
      code: 'DS1815',
      message: `the probe ran tokio ${built}, the scenario models tokio ${plan.runtime.tokio}: the measurement is of another version's scheduler`,
    });
}

/**
 * A measured Result's model.profile is the build profile of the probe that ran (its header: the
 * figures are a release or a debug build's), not the profile of the scenario's cost model, which
 * measuring never reads. A header without one (an old probe) leaves the plan's.
 */
export function stampProbeProfile(result: Result, header: Record<string, unknown>): void {
  if (header.profile === 'release' || header.profile === 'debug') result.model.profile = header.profile;
}

const med = (xs: number[]) => median(xs);

/** The run with the median throughput (the lower middle one of an even count): its buckets, workers and trace are kept. */
export function medianRunIndex(runs: readonly Result[]): number {
  const order = runs.map((_, i) => i).sort((a, b) => runs[a].throughput.recordsPerSec - runs[b].throughput.recordsPerSec);
  return order[Math.floor((order.length - 1) / 2)];
}

/**
 * One Result from several measured runs: the median of every figure (each percentile on its
 * own), the latency buckets, workers and breakdown of the run with the median throughput, the
 * union of warnings, and the spread of every compared figure in `outputs`.
 * `cpus`: the CPUs the probe could use (its header), so that a run whose own threads outnumber
 * them is not blamed on other processes.
 */
export function combineRuns(runs: Result[], plan: Plan, probeRuns?: ProbeRun[], cpus?: number): Result {
  if (!runs.length) throw new Error('internal: combineRuns needs at least one run');
  const pick = (f: (r: Result) => number) => med(runs.map(f));
  const mid = runs[medianRunIndex(runs)];
  const tasks: Record<string, TaskResult> = {};
  for (const name of Object.keys(runs[0].tasks)) {
    const ts = runs.map((r) => r.tasks[name]).filter((t): t is TaskResult => t !== undefined);
    tasks[name] = {
      elapsedUs: med(ts.map((t) => t.elapsedUs)),
      busyUs: med(ts.map((t) => t.busyUs)),
      polls: med(ts.map((t) => t.polls)),
      yields: med(ts.map((t) => t.yields)),
      waitUs: {},
      completed: ts.every((t) => t.completed),
    };
  }
  const warnings = new Map<string, { code: string; message: string }>();
  for (const r of runs) for (const w of r.warnings) warnings.set(`${w.code} ${w.message}`, w);
  if (probeRuns?.length) {
    const late = med(probeRuns.map((p) => p.probe.sourceLatenessUs.p50));
    const lateMax = Math.max(...probeRuns.map((p) => p.probe.sourceLatenessUs.max));
    const wait = runQueueWaitPct(probeRuns);
    if (wait !== undefined && wait >= 5)
      warnings.set('DS1811', {
        code: 'DS1811',
        message:
          cpus !== undefined && probeThreads(plan) > cpus
            ? `the probe's threads spent a median ${wait}% of their runnable time waiting for a CPU: its own ${probeThreads(plan)} threads (runtime and sources) share ${cpus} CPU(s), and other processes may add to it; busy-wait compute and latencies are stretched accordingly`
            : `the machine was busy: the probe's threads spent a median ${wait}% of their runnable time waiting for a CPU (other processes' load); busy-wait compute and latencies are stretched accordingly`,
      });
    if (late > 0)
      warnings.set('DS1810', {
        code: 'DS1810',
        message: `the source thread sent batches a median ${late} µs (max ${lateMax} µs) after their planned time (OS sleep overshoot); latencies start when a batch was really sent`,
      });
  }
  const result: Result = {
    ...resultHeader(plan, 'measured'),
    seed: plan.seed,
    records: pick((r) => r.records),
    recordsInFlight: pick((r) => r.recordsInFlight),
    simulatedUs: pick((r) => r.simulatedUs),
    throughput: { recordsPerSec: pick((r) => r.throughput.recordsPerSec) },
    latencyUs: {
      p50: pick((r) => r.latencyUs.p50),
      p90: pick((r) => r.latencyUs.p90),
      p99: pick((r) => r.latencyUs.p99),
      p999: pick((r) => r.latencyUs.p999),
      max: pick((r) => r.latencyUs.max),
      mean: pick((r) => r.latencyUs.mean),
      count: pick((r) => r.latencyUs.count),
    },
    latencyBuckets: mid.latencyBuckets,
    yieldsPerRecord: pick((r) => r.yieldsPerRecord),
    tasks,
    workers: mid.workers,
    breakdownUs: mid.breakdownUs,
    cpuUs: mid.cpuUs,
    outputs: {},
    runs: measuredRuns(runs, mid),
    warnings: [...warnings.values()],
    engine: { events: 0, eventsPerSec: 0, wallMs: Math.round(runs.reduce((s, r) => s + r.engine.wallMs, 0) * 1000) / 1000 },
  };
  if (result.runs?.regimes) {
    const { metric, groups } = result.runs.regimes;
    result.warnings.push({
      code: REGIME_CODE,
      message: regimeMessage(metric as MetricName, { groups }, runs.length, result.runs.metrics),
    });
  }
  result.coresBusy = coresBusyOf(result);
  result.outputs = evaluateOutputs(plan.outputs, result);
  const wait = probeRuns ? runQueueWaitPct(probeRuns) : undefined;
  if (wait !== undefined) result.outputs['measure.runQueueWaitPct'] = wait;
  const apart = probeRuns ? sourceApart(probeRuns) : undefined;
  if (apart !== undefined) result.outputs['measure.sourceApart'] = apart;
  Object.assign(result.outputs, timerOutputs(runs, plan));
  const each = runs.map((r) => figuresOf(r));
  for (const name of figuresOf(result).keys()) {
    const xs = each.map((f) => f.get(name)?.value).filter((x): x is number => x !== undefined);
    if (!xs.length) continue;
    result.outputs[`spread.${name}.min`] = Math.min(...xs);
    result.outputs[`spread.${name}.max`] = Math.max(...xs);
  }
  return result;
}

/** The measured repeats as a run set (Result.runs), with their regimes when they split (DS3020). */
function measuredRuns(runs: readonly Result[], mid: Result): RunsBlock {
  const metrics = acrossRuns(runs);
  const block: RunsBlock = { count: runs.length, representative: runs.indexOf(mid), metrics };
  const split = runs.length > 1 ? findRegimes(metrics) : undefined;
  if (split) block.regimes = { metric: split.metric, groups: split.regimes.groups };
  return block;
}

/** The plan's timer phase in the scenario's convention: how far into a tick t = 0 falls (µs). */
export function plannedTimerPhaseUs(plan: Plan): number {
  const res = plan.runtime.timerResolutionNs;
  return ((res - ((plan.runtime.timerPhaseNs ?? 0) % res)) % res) / 1000;
}

/** a − b on the 1000 µs circle of timer phases, in [−500, 500). */
export function phaseDiffUs(a: number, b: number): number {
  return ((((a - b) % 1000) + 1500) % 1000) - 500;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * `measure.timerPhaseUs` (the phase the runs achieved: the median of their deviations from
 * the planned phase, taken on the circle so that 999.9 and 0.1 average to 0),
 * `measure.timerStartUncertaintyUs` (median duration of the runtime's build, inside which
 * tokio's time driver read its start) and `measure.timerStartUs` (median of where in the
 * build the start was placed), from each run's outputs; none when the probe did not report them.
 */
export function timerOutputs(runs: readonly Result[], plan: Plan): Record<string, number> {
  const got = (k: string) => runs.map((r) => r.outputs[k]).filter((x): x is number => typeof x === 'number');
  const phases = got('measure.timerPhaseUs');
  if (!phases.length) return {};
  const planned = plannedTimerPhaseUs(plan);
  const out: Record<string, number> = {
    'measure.timerPhaseUs': r3((planned + med(phases.map((p) => phaseDiffUs(p, planned))) + 1000) % 1000),
  };
  const gap = got('measure.timerStartUncertaintyUs');
  if (gap.length) out['measure.timerStartUncertaintyUs'] = r3(med(gap));
  const start = got('measure.timerStartUs');
  if (start.length) out['measure.timerStartUs'] = r3(med(start));
  return out;
}

/**
 * A line for `validate`/`measure` when the measured runs' timer phase is more than `tolUs`
 * off the plan's (the simulator and tokio then round sleeps to different ticks); undefined
 * when it is within, or when the measurement does not say.
 */
export function timerPhaseNote(plan: Plan, measured: Result, tolUs = 20): string | undefined {
  const achieved = measured.outputs['measure.timerPhaseUs'];
  if (achieved === undefined) return undefined;
  const planned = plannedTimerPhaseUs(plan);
  const off = phaseDiffUs(achieved, planned);
  if (Math.abs(off) <= tolUs) return undefined;
  const gap = measured.outputs['measure.timerStartUncertaintyUs'];
  return `${plan.scenario.name}: tokio's 1 ms timer grid was at phase ${achieved} µs in the measured runs, the plan's is ${planned} µs (${off > 0 ? '+' : ''}${r3(off)} µs${gap !== undefined ? `; the runtime's build, inside which its time driver started, took ${gap} µs` : ''}): sleeps round to different ticks on the two sides`;
}

/**
 * The timer phase (the Plan's `timerPhaseNs` convention) to predict a measured scenario at: the
 * phase its measured runs had (`measure.timerPhaseUs`, how far into a tick t = 0 fell) when the
 * scenario pins none; undefined when it pins one (the probe aligned to it) or the measurement
 * does not say (a CSV of figures, an older probe).
 */
export function measuredPhaseNs(plan: Plan, measured: Result | undefined): number | undefined {
  if (plan.runtime.timerPhaseNs !== undefined) return undefined;
  const us = measured?.outputs['measure.timerPhaseUs'];
  if (typeof us !== 'number' || !Number.isFinite(us)) return undefined;
  const res = plan.runtime.timerResolutionNs;
  return (res - (Math.round(us * 1000) % res)) % res;
}

/** Says that predictions were made at the measured runs' timer phase, not over a uniform one. */
export function phaseNote(phased: number, total: number): string {
  return `${phased} of ${total} scenarios pin no timer phase: each was predicted at the phase its measured runs had (measure.timerPhaseUs: the probe places t = 0 on tokio's 1 ms grid at the plan's phase, 0 unless pinned), not over the uniform phase simulate draws for a real program, whose source threads meet the tick at any offset`;
}

/**
 * measure: runs a Plan on real tokio with the probe's `execute` and folds the repeats into one
 * measured Result.
 *
 *   Plan ─► temp file ─► [taskset -c cores] probe execute --plan f --repeat n --warmup w
 *        ─► JSON lines: header, one `result` per repeat (stderr: progress)
 *        ─► combineRuns: median of each figure over the repeats, spread (min/max) kept
 *
 * Phase: validate (I/O: writes a temp file, spawns the probe). The combined Result has the
 * simulator's key order; its `outputs` hold the scenario's derived outputs evaluated on the
 * medians, plus `spread.<metric>.min|max` for every compared figure and
 * `measure.runQueueWaitPct` (machine load during the runs) and `measure.sourceApart` (1: the
 * source thread had a CPU of its own in every run, 0: not in some; absent without a source), all
 * read back by measured-input.ts, so a saved measurement keeps its spread and its context.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../plan/types.js';
import { coresBusyOf, resultHeader } from '../plan/result-parts.js';
import { modelledVersionOf, TOKIO_RELEASE } from '../plan/tokio-versions.js';
import type { Result, TaskResult } from '../schema/result.js';
import { diag, EXIT, InputError } from '../schema/diagnostics.js';
import { evaluateOutputs } from '../plan/result-parts.js';
import { buildProbe, variantName } from '../calibrate/probe-build.js';
import { spawnProbe } from '../calibrate/probe-run.js';
import { figuresOf, median } from './compare.js';
import { acrossRuns, findRegimes, REGIME_CODE, regimeMessage } from '../plan/run-set.js';
import type { RunsBlock } from '../schema/result.js';
import type { TraceRecord } from '../schema/trace-events.js';

export interface ProbeVariant {
  profile: 'release' | 'debug';
  features: string[];
  unstable: boolean;
  /** The tokio release to build against (plan/tokio-versions.ts TOKIO_RELEASE). */
  tokio?: string;
}

/**
 * The probe build a plan needs: always `io` (so `timer_io` works), tokio_unstable when the LIFO slot
 * is off, against the release of the tokio version the plan models.
 */
export function variantFor(plan: Plan, profile: 'release' | 'debug'): ProbeVariant {
  return { profile, features: ['io'], unstable: plan.runtime.lifoSlot === false, tokio: TOKIO_RELEASE[plan.runtime.tokio] };
}

/** Builds each probe variant once per process. */
export class ProbeBuilds {
  private readonly built = new Map<string, Promise<string>>();
  constructor(
    private readonly onLog: (line: string) => void,
    private readonly probeDir?: string,
  ) {}
  binary(v: ProbeVariant): Promise<string> {
    const key = variantName(v);
    let p = this.built.get(key);
    if (!p) {
      p = buildProbe({
        ...v,
        onLog: (l) => (l.startsWith('probe:') ? this.onLog(l) : undefined),
        ...(this.probeDir ? { probeDir: this.probeDir } : {}),
      });
      this.built.set(key, p);
    }
    return p;
  }
}

export interface MeasureOptions {
  repeat: number;
  warmup: number;
  timeoutS: number;
  /** taskset -c list, e.g. "0,1"; undefined = not pinned. */
  cores?: string;
  /**
   * Where the probe puts its source thread (execute --place): `apart` on a CPU of its own, the
   * runtime's threads on the others, when there are more allowed CPUs than runtime threads;
   * `os` (and undefined): wherever the OS puts it. Each measured Result says which (DS1814).
   */
  place?: 'apart' | 'os';
  /** Task polls the probe records per measured run (0 or undefined: none), for `measure --trace`. */
  traceSpans?: number;
  onProgress?: (done: number, total: number) => void;
  onLog: (line: string) => void;
}

/**
 * The task polls of one traced run: `threads` names the OS threads in the order of their first
 * poll; each span is [thread index, task definition index (0xffffffff: a source's send), start ns, end ns] since t = 0.
 */
export interface ProbeTrace {
  threads: string[];
  spans: [number, number, number, number][];
  dropped: number;
}

export interface ProbeRun {
  result: Result;
  /** Present when the probe ran with --trace-spans. */
  trace?: ProbeTrace;
  probe: {
    sourceLatenessUs: { p50: number; p99: number; max: number };
    /** Where the source thread ran (execute --place): its own CPU, the OS's choice, or no source. Absent from older probes. */
    placement?: 'apart' | 'os' | 'none';
    droppedBatches: number;
    wallMs: number;
    /** CPU time of the probe's threads and their time waiting for a CPU (Linux schedstat); null elsewhere. */
    sched: { cpuMs: number; runQueueWaitMs: number } | null;
    /**
     * Where t = 0 fell on tokio's 1 ms timer grid: `phaseUs` (the scenario's timerPhaseUs
     * convention), the build's duration `buildGapUs` (the time driver started inside it),
     * the driver start `originUs` after the build began, whether it was measured from timer
     * wake-ups, and how late the root future started after t = 0. Absent from older probes.
     */
    timer?: { phaseUs: number; buildGapUs: number; originUs: number; originMeasured: boolean; startLateUs: number };
  };
}

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

/** Probe argv for executing a plan file (exported for tests). */
export function executeCommand(
  binary: string,
  planFile: string,
  o: Pick<MeasureOptions, 'repeat' | 'warmup' | 'timeoutS' | 'cores' | 'traceSpans' | 'place'>,
): { cmd: string; args: string[] } {
  const args = [
    'execute',
    '--plan',
    planFile,
    '--repeat',
    String(o.repeat),
    '--warmup',
    String(o.warmup),
    '--timeout-s',
    String(o.timeoutS),
    ...(o.traceSpans ? ['--trace-spans', String(o.traceSpans)] : []),
    ...(o.place === 'apart' ? ['--place', 'apart'] : []),
  ];
  return o.cores ? { cmd: 'taskset', args: ['-c', o.cores, binary, ...args] } : { cmd: binary, args };
}

/** Parses the probe's stdout: the header and every `result` line. */
export function parseExecuteOutput(text: string, source: string): { header: Record<string, unknown>; runs: ProbeRun[] } {
  let header: Record<string, unknown> = {};
  const runs: ProbeRun[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new InputError([diag('DS1807', source, '', { detail: `not a JSON line: ${line.slice(0, 80)}` })], EXIT.io);
    }
    if (v.type === 'header') header = v;
    else if (v.type === 'result')
      runs.push({
        result: v.result as Result,
        probe: v.probe as ProbeRun['probe'],
        ...(v.trace ? { trace: v.trace as ProbeTrace } : {}),
      });
  }
  if (!runs.length) throw new InputError([diag('DS1807', source, '', { detail: 'the probe printed no result' })], EXIT.io);
  return { header, runs };
}

/** Runs the plan with the probe binary; resolves with every repeat. */
export async function measurePlan(plan: Plan, binary: string, o: MeasureOptions): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-measure-'));
  const planFile = join(dir, 'plan.json');
  try {
    writeFileSync(planFile, JSON.stringify(plan));
    const text = await runExecute(binary, planFile, o);
    const { header, runs } = parseExecuteOutput(text, binary);
    const wait = runQueueWaitPct(runs);
    const trace = runs[medianRunIndex(runs.map((r) => r.result))].trace;
    const result = combineRuns(
      runs.map((r) => r.result),
      plan,
      runs,
      typeof header.cpus === 'number' ? header.cpus : undefined,
    );
    stampProbeTokio(result, plan, header);
    return {
      result,
      runs,
      header,
      ...(wait !== undefined ? { runQueueWaitPct: wait } : {}),
      ...(trace ? { trace } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

async function runExecute(binary: string, planFile: string, o: MeasureOptions): Promise<string> {
  const { cmd, args } = executeCommand(binary, planFile, o);
  const { code, stdout, errTail } = await spawnProbe(cmd, args, {
    onProgress: (p) => o.onProgress?.(p.done, p.total),
    onLog: o.onLog,
  });
  if (code === 0) return stdout;
  const message = errTail
    .map((l) => (l.startsWith('{') ? ((JSON.parse(l) as { message?: string }).message ?? l) : l))
    .join(' | ');
  throw new InputError(
    [diag('DS1807', binary, '', { detail: `exit ${code ?? 'signal'}: ${message || 'no message'}` })],
    code === 3 ? EXIT.invalidInput : EXIT.io,
  );
}

const med = (xs: number[]) => median(xs);

/** The run with the median throughput (the lower middle one of an even count): its buckets, workers and trace are kept. */
export function medianRunIndex(runs: readonly Result[]): number {
  const order = runs.map((_, i) => i).sort((a, b) => runs[a].throughput.recordsPerSec - runs[b].throughput.recordsPerSec);
  return order[Math.floor((order.length - 1) / 2)];
}

/** The task index of a source's send in a probe trace (a zero-length span on the source thread: an instant). */
const SOURCE_SEND = 0xffffffff;

/**
 * A traced run's polls as trace records (`simulate --trace`'s format, for toChromeTrace), with
 * a name per thread: tokio's workers are all called tokio-runtime-worker, so each gets its
 * order of first poll (#1, #2, …); block_on polls run on the probe's main thread; a source's
 * sends are instants (`kind: 'send'`, toChromeTrace's `batch sent` events) on its thread
 * (latencies start there). The probe records no wakers, so a measured trace has no wake arrows.
 */
export function traceRecords(trace: ProbeTrace, plan: Plan): { records: TraceRecord[]; names: string[] } {
  const seen = new Map<string, number>();
  const names = trace.threads.map((t) => {
    const k = (seen.get(t) ?? 0) + 1;
    seen.set(t, k);
    return trace.threads.filter((x) => x === t).length > 1 ? `${t} #${k}` : t;
  });
  const source = plan.sources.length === 1 ? plan.sources[0].name : 'source';
  const records = trace.spans.map(([thread, def, startNs, endNs]) =>
    def === SOURCE_SEND
      ? { thread, task: source, startNs, endNs: startNs, kind: 'send' }
      : { thread, task: plan.tasks[def]?.name ?? `task ${def}`, startNs, endNs, kind: 'poll' },
  );
  return { records, names };
}

/**
 * One Result from several measured runs: the median of every figure (each percentile on its
 * own), the latency buckets, workers and breakdown of the run with the median throughput, the
 * union of warnings, and the spread of every compared figure in `outputs`.
 */
/** Threads of a measured run that want a CPU: the runtime's (multi_thread: workers, + the block_on thread when a task runs there), and one per source. */
export function probeThreads(plan: Plan): number {
  const rt = plan.runtime;
  const blockOn = plan.tasks.some((t) => t.start === 'block_on') ? 1 : 0;
  return (rt.flavor === 'multi_thread' ? rt.workers + blockOn : 1) + plan.sources.length;
}

/**
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
    result.warnings.push({ code: REGIME_CODE, message: regimeMessage(metric as 'p50Us', { groups }, runs.length) });
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

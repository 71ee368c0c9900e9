/**
 * The probe's `execute`: runs a Plan on real tokio and reads back one Result per repeat.
 *
 *   Plan ─► temp file ─► [taskset -c cores] probe execute --plan f --repeat n --warmup w
 *        ─► JSON lines: header, one `result` per repeat (stderr: progress)
 *
 * Phase: probe (I/O: writes a temp file, spawns the probe). Which build a Plan needs
 * (`variantFor`, built once per process by `ProbeBuilds`), the command line, the parse of its
 * output and of a traced run's polls; folding the repeats into one measured Result is
 * validate/measure.ts's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../plan/types.js';
import { TOKIO_RELEASE } from '../plan/tokio-versions.js';
import type { Result } from '../schema/result.js';
import { diag, EXIT, InputError } from '../schema/diagnostics.js';
import type { TraceRecord } from '../schema/trace-events.js';
import { buildProbe, variantName } from './build.js';
import { spawnProbe } from './run.js';

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

export interface ExecuteOptions {
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
 * poll; each span is [thread index, task definition index (0xffffffff: a source's send), start ns, end ns] since t = 0,
 * then (probes since session 13) the CPU the poll began on (`sched_getcpu`; 2^64 − 1 where unknown).
 */
export interface ProbeTrace {
  threads: string[];
  spans: [number, number, number, number, number?][];
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

/** Probe argv for executing a plan file (exported for tests). */
export function executeCommand(
  binary: string,
  planFile: string,
  o: Pick<ExecuteOptions, 'repeat' | 'warmup' | 'timeoutS' | 'cores' | 'traceSpans' | 'place'>,
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

/** Runs the plan with the probe binary; resolves with the probe's header and every repeat. */
export async function executePlan(
  plan: Plan,
  binary: string,
  o: ExecuteOptions,
): Promise<{ header: Record<string, unknown>; runs: ProbeRun[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-measure-'));
  const planFile = join(dir, 'plan.json');
  try {
    writeFileSync(planFile, JSON.stringify(plan));
    const text = await runExecute(binary, planFile, o);
    return parseExecuteOutput(text, binary);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runExecute(binary: string, planFile: string, o: ExecuteOptions): Promise<string> {
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
  const records = trace.spans.map(([thread, def, startNs, endNs, cpu]) =>
    def === SOURCE_SEND
      ? { thread, task: source, startNs, endNs: startNs, kind: 'send' as const }
      : {
          thread,
          task: plan.tasks[def]?.name ?? `task ${def}`,
          startNs,
          endNs,
          kind: 'poll' as const,
          ...(cpu !== undefined && cpu < 2 ** 32 ? { cpu } : {}),
        },
  );
  return { records, names };
}

/** Threads of a measured run that want a CPU: the runtime's (multi_thread: workers, + the block_on thread when a task runs there), and one per source. */
export function probeThreads(plan: Plan): number {
  const rt = plan.runtime;
  const blockOn = plan.tasks.some((t) => t.start === 'block_on') ? 1 : 0;
  return (rt.flavor === 'multi_thread' ? rt.workers + blockOn : 1) + plan.sources.length;
}

/**
 * What an analytic evaluation produces (plain numbers, ns), and its conversion into the Result
 * document every back-end writes (`source: 'analytic'`, µs, stable key order).
 *
 * Phase: analyze. Fields the model cannot know exactly (per-worker polls, waits per reason) are
 * filled with the estimates its own formulas imply, never left as simulator-only blanks.
 */
import { setOwn } from '../plan/result-parts.js';
import type { Plan } from '../plan/types.js';
import { coresBusyOf, evaluateOutputs, FIXED_CATEGORIES, resultHeader, splitCpu } from '../plan/result-parts.js';
import { versionWarnings } from '../plan/tokio-versions.js';
import { NOISE_NOTE } from './applicability.js';
import type { Result, TaskResult, WorkerResult } from '../schema/result.js';
import { diag, EXIT, InputError, type Code } from '../schema/diagnostics.js';

export const WAIT_KEYS = ['sleep', 'recv', 'join', 'lock', 'send', 'runnable', 'deferred'] as const;
export type WaitKey = (typeof WAIT_KEYS)[number];

export interface TaskPrediction {
  elapsedNs: number;
  busyNs: number;
  polls: number;
  yields: number;
  wait: Partial<Record<WaitKey, number>>;
}

export interface WorkerPrediction {
  name: string;
  busyNs: number;
  spinNs: number;
  idleNs: number;
  polls: number;
  driverPolls: number;
  parks: number;
  unparks: number;
  steals: number;
}

export interface LatencyPrediction {
  meanNs: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
}

export interface Prediction {
  /** Which formula family produced the numbers, e.g. `exact: yield rounds`. */
  approximation: string;
  /** coordinator | partition | cores | timer | channel | lock | runtime | source. */
  bottleneck: string;
  records: number;
  endNs: number;
  latency: LatencyPrediction;
  yields: number;
  tasks: TaskPrediction[];
  workers: WorkerPrediction[];
  breakdownNs: Record<string, number>;
  warnings: string[];
}

/** Categories counted as CPU burnt while waiting, and as scheduler overhead (same split as the simulator). */

const us = (ns: number) => Math.round(ns) / 1000;

export const zeroLatency = (): LatencyPrediction => ({ meanNs: 0, p50Ns: 0, p90Ns: 0, p99Ns: 0, p999Ns: 0, maxNs: 0 });

export function emptyTask(): TaskPrediction {
  return { elapsedNs: 0, busyNs: 0, polls: 0, yields: 0, wait: {} };
}

export function emptyWorker(name: string): WorkerPrediction {
  return { name, busyNs: 0, spinNs: 0, idleNs: 0, polls: 0, driverPolls: 0, parks: 0, unparks: 0, steals: 0 };
}

/** Builds the Result document. */
export function toResult(plan: Plan, p: Prediction): Result {
  const tasks: Record<string, TaskResult> = {};
  plan.tasks.forEach((def, i) => {
    const t = p.tasks[i] ?? emptyTask();
    const waitUs: Record<string, number> = {};
    for (const k of WAIT_KEYS) waitUs[k] = us(Math.max(0, t.wait[k] ?? 0));
    setOwn(tasks, def.name, {
      elapsedUs: us(t.elapsedNs),
      busyUs: us(t.busyNs),
      polls: Math.round(t.polls),
      yields: Math.round(t.yields),
      waitUs,
      completed: true,
    });
  });
  const workers: WorkerResult[] = p.workers.map((w) => ({
    name: w.name,
    busyUs: us(w.busyNs),
    spinUs: us(w.spinNs),
    idleUs: us(Math.max(0, w.idleNs)),
    descheduledUs: 0,
    polls: Math.round(w.polls),
    driverPolls: Math.round(w.driverPolls),
    steals: Math.round(w.steals),
    parks: Math.round(w.parks),
    unparks: Math.round(w.unparks),
    noopWakes: 0,
    lifoHits: 0,
    injectPops: 0,
  }));
  const breakdownUs: Record<string, number> = {};
  for (const k of FIXED_CATEGORIES) breakdownUs[k] = us(p.breakdownNs[k] ?? 0);
  for (const [k, v] of Object.entries(p.breakdownNs)) if (!(k in breakdownUs)) breakdownUs[k] = us(v);
  const { useful, waiting, scheduler } = splitCpu(Object.entries(p.breakdownNs));
  const l = p.latency;
  const count = p.records;
  const result: Result = {
    ...resultHeader(plan, 'analytic'),
    seed: plan.seed,
    records: Math.round(p.records),
    recordsInFlight: 0,
    simulatedUs: us(p.endNs),
    throughput: { recordsPerSec: p.endNs > 0 ? Math.round((p.records / p.endNs) * 1e9 * 1000) / 1000 : 0 },
    latencyUs:
      count > 0
        ? {
            p50: us(l.p50Ns),
            p90: us(l.p90Ns),
            p99: us(l.p99Ns),
            p999: us(l.p999Ns),
            max: us(l.maxNs),
            mean: us(l.meanNs),
            count,
          }
        : { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 },
    latencyBuckets: [],
    yieldsPerRecord: p.records > 0 ? Math.round((p.yields / p.records) * 1e6) / 1e6 : 0,
    tasks,
    workers,
    breakdownUs,
    cpuUs: { useful: us(useful), waiting: us(waiting), scheduler: us(scheduler), total: us(useful + waiting + scheduler) },
    outputs: {},
    approximation: p.approximation,
    bottleneck: p.bottleneck,
    warnings: [
      ...versionWarnings(plan),
      ...p.warnings.map((m) => ({ code: 'DS4090', message: m })),
      ...(plan.runtime.noise ? [{ code: 'DS4090', message: NOISE_NOTE }] : []),
    ],
    engine: { events: 0, eventsPerSec: 0, wallMs: 0 },
  };
  result.coresBusy = coresBusyOf(result);
  result.outputs = evaluateOutputs(plan.outputs, result);
  return result;
}

/**
 * Refuses a plan with one diagnostic whose code (DS4001–DS4004) says why; callers recognize any
 * DS40xx code as "not applicable" (sweep's run-point, plan search).
 */
export function refuse(plan: Plan, code: Code, params: Record<string, unknown>): never {
  throw new InputError([diag(code, plan.scenario.file ?? plan.scenario.name, '', params)], EXIT.notApplicable);
}

/**
 * simulate(plan, model) → Result.
 *
 *   1. pick the scheduler model for the plan's flavor (current_thread / multi_thread)
 *   2. run the event loop until the block_on future completes, every task and source is done,
 *      nothing more can happen, or a limit is hit (then the Result is marked `truncated`)
 *   3. fold the streamed statistics into the Result document (stable key order, µs rounded to ns)
 *   4. evaluate the scenario's derived outputs (mathjs expressions over the Result)
 *
 * Phase: simulate. Pure with respect to I/O; wall-clock time is only read for the `engine` block
 * and the wall-time limit.
 */
import { coresBusyOf, evaluateOutputs, resultHeader, setOwn, splitCpu } from '../plan/result-parts.js';
import { versionWarnings } from '../plan/tokio-versions.js';
import type { CostModel } from '../schema/model.js';
import type { Plan } from '../plan/types.js';
import type { Result, TaskResult, WorkerResult } from '../schema/result.js';
import * as S from './state.js';
import { CurrentThreadSim } from './current-thread.js';
import { MultiThreadSim } from './multi-thread.js';
import type { SimOptions, Simulator, Span } from './simulator.js';

export type { SimOptions, Span } from './simulator.js';

const us = (ns: number) => Math.round(ns) / 1000;

export function createSimulator(plan: Plan, model: CostModel, opts: SimOptions = {}): Simulator {
  return plan.runtime.flavor === 'current_thread'
    ? new CurrentThreadSim(plan, model, opts)
    : new MultiThreadSim(plan, model, opts);
}

/** Runs one simulation. Memory is bounded by the task/channel state, not by the record count. */
export function simulate(plan: Plan, model: CostModel, opts: SimOptions = {}): Result {
  return simulateWithTrace(plan, model, opts).result;
}

/** Runs one simulation with its trace on (`opts.traceSpans`); `truncated`: the cap dropped events. */
export function simulateWithTrace(
  plan: Plan,
  model: CostModel,
  opts: SimOptions = {},
): { result: Result; spans: Span[]; truncated: boolean } {
  const wall0 = performance.now();
  const sim = createSimulator(plan, model, opts);
  sim.run();
  const wallMs = performance.now() - wall0;
  return { result: buildResult(sim, plan, opts.seed ?? plan.seed, wallMs), spans: sim.spans, truncated: sim.traceFull };
}

function buildResult(sim: Simulator, plan: Plan, seed: number, wallMs: number): Result {
  const end = sim.endNs;
  const h = sim.hist;
  const tasks: Record<string, TaskResult> = {};
  const tk = sim.tasks;
  plan.tasks.forEach((def, d) => {
    let first = Infinity;
    let last = 0;
    let busy = 0;
    let polls = 0;
    let yields = 0;
    let done = true;
    let any = false;
    const wait = new Float64Array(S.WAIT_NAMES.length);
    for (let i = 0; i < tk.n; i++) {
      if (tk.def[i] !== d) continue;
      any = true;
      first = Math.min(first, tk.startNs[i]);
      const e = tk.endNs[i] >= 0 ? tk.endNs[i] : end;
      if (tk.endNs[i] < 0) done = false;
      last = Math.max(last, e);
      busy += tk.busyNs[i];
      polls += tk.polls[i];
      yields += tk.yields[i];
      for (let w = 0; w < S.WAIT_NAMES.length; w++) wait[w] += tk.waitNs[i * S.WAIT_NAMES.length + w];
    }
    const waitUs: Record<string, number> = {};
    S.WAIT_NAMES.forEach((n, w) => (waitUs[n] = us(wait[w])));
    setOwn(tasks, def.name, {
      elapsedUs: any ? us(last - first) : 0,
      busyUs: us(busy),
      polls,
      yields,
      waitUs,
      completed: any && done,
    });
  });
  const workers: WorkerResult[] = [];
  for (let th = 0; th < sim.nThreads; th++) {
    workers.push({
      name: sim.threadName(th),
      busyUs: us(sim.stBusy[th]),
      spinUs: us(sim.stSpin[th]),
      idleUs: us(sim.stIdle[th]),
      descheduledUs: us(sim.stDesched[th]),
      polls: sim.stPolls[th],
      driverPolls: sim.stDriver[th],
      steals: sim.stSteals[th],
      parks: sim.stParks[th],
      unparks: sim.stUnparks[th],
      noopWakes: sim.stNoop[th],
      lifoHits: sim.stLifo[th],
      injectPops: sim.stInject[th],
      ...(sim.plan.runtime.noise ? { noisePauses: sim.stNoisePauses[th] } : {}),
    });
  }
  const breakdownUs: Record<string, number> = {};
  sim.categories.forEach((name, i) => (breakdownUs[name] = us(sim.breakdown[i])));
  const { useful, waiting, scheduler } = splitCpu(sim.categories.map((name, i): [string, number] => [name, sim.breakdown[i]]));
  let yieldsTotal = 0;
  for (let i = 0; i < tk.n; i++) yieldsTotal += tk.yields[i];
  let inFlightExact = 0n;
  for (const ch of sim.channels) inFlightExact += ch.q.queuedRecords();
  // Records a task took from a channel but had not finished when the run ended.
  for (let i = 0; i < tk.n; i++)
    if (tk.state[i] !== S.T_DONE && tk.hasItem[i]) inFlightExact += BigInt(Math.max(0, tk.itemRecords[i] - tk.doneOfItem[i]));
  // JSON numbers are doubles: past 2⁵³ the Result's figure is the nearest one, and says so.
  const inFlight = Number(inFlightExact);
  if (inFlightExact > BigInt(Number.MAX_SAFE_INTEGER))
    sim.warnings.push({
      code: 'DS3006',
      message: `${inFlightExact} records were in flight, more than 2^53 − 1: recordsInFlight (${inFlight}) is the nearest double, not the exact count`,
    });
  const result: Result = {
    ...resultHeader(plan, 'simulated'),
    seed,
    records: sim.records,
    recordsInFlight: inFlight,
    simulatedUs: us(end),
    throughput: { recordsPerSec: end > 0 ? Math.round((sim.records / end) * 1e9 * 1000) / 1000 : 0 },
    latencyUs: {
      p50: us(h.quantile(0.5)),
      p90: us(h.quantile(0.9)),
      p99: us(h.quantile(0.99)),
      p999: us(h.quantile(0.999)),
      max: us(h.count ? h.max : 0),
      mean: us(h.mean()),
      count: h.count,
    },
    latencyBuckets: h.buckets(),
    yieldsPerRecord: sim.records > 0 ? Math.round((yieldsTotal / sim.records) * 1e6) / 1e6 : 0,
    tasks,
    workers,
    breakdownUs,
    cpuUs: { useful: us(useful), waiting: us(waiting), scheduler: us(scheduler), total: us(useful + waiting + scheduler) },
    outputs: {},
    warnings: [...versionWarnings(plan), ...sim.warnings, ...sim.fallbackWarnings()],
    engine: {
      events: sim.events,
      eventsPerSec: wallMs > 0 ? Math.round((sim.events / wallMs) * 1000) : 0,
      wallMs: Math.round(wallMs * 1000) / 1000,
      ...(sim.ff.jumps > 0 ? { fastForward: { jumps: sim.ff.jumps, skippedUs: sim.ff.skippedNs / 1000 } } : {}),
    },
  };
  if (sim.truncated) result.truncated = { reason: sim.truncated };
  result.coresBusy = coresBusyOf(result);
  result.outputs = evaluateOutputs(plan.outputs, result);
  return result;
}

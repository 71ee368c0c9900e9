/**
 * Closed forms for the microbenchmark shapes on tokio's current_thread scheduler
 * (tokio-mechanics.md §1; the simulator's `runtime/current-thread.ts` rules):
 *
 *   yield round of K yield_now spinners = K·(poll + yield_extra) + driver poll + remote check
 *     (+ K/31 remote checks on global-queue ticks); the block_on future's round adds the
 *     block_on waker's driver.unpark() (eventfd write with the I/O driver)
 *   self-wake: poll + remote check/31 + driver poll/61 per poll (no round)
 *   spawn + join, bulk: spawn + child poll + join per task, the block_on future polled once per
 *     61 child polls
 *
 * The producer → consumer shapes are in current-thread-producer.ts.
 *
 * Phase: analyze. Every function returns a Prediction in ns.
 */
import type { Ctx } from './context.js';
import { add, addWork, recordRefs, workNs } from './context.js';
import type { MultiYieldShape, SpawnJoinShape, StraightShape, YieldLoopShape } from './plan-shape.js';
import { emptyTask, emptyWorker, zeroLatency, type LatencyPrediction, type Prediction } from './prediction.js';

/** Messages a consumer drains per poll (tokio's coop budget). */
export const COOP_BUDGET = 128;

/** Latency that is the same for every record. */
export function constLatency(ns: number): LatencyPrediction {
  return { meanNs: ns, p50Ns: ns, p90Ns: ns, p99Ns: ns, p999Ns: ns, maxNs: ns };
}

export function ctWorker(busyNs: number, polls: number, driverPolls: number, parks = 0): Prediction['workers'] {
  const w = emptyWorker('current_thread');
  w.busyNs = busyNs;
  w.polls = polls;
  w.driverPolls = driverPolls;
  w.parks = parks;
  return [w];
}

/** One task that only computes: elapsed = (remote check) + poll + work. Exact on both flavors. */
export function ctStraight(ctx: Ctx, s: StraightShape): Prediction {
  const c = ctx.c;
  const spawned = s.start !== 'block_on';
  const work = workNs(ctx, s.work);
  const end = (spawned ? c.remoteCheck : 0) + c.poll + work;
  const bd: Record<string, number> = { poll: c.poll };
  if (spawned) add(bd, 'remote', c.remoteCheck);
  addWork(ctx, bd, s.work, 1);
  const tasks = ctx.plan.tasks.map(() => emptyTask());
  tasks[s.task] = {
    elapsedNs: end - (spawned ? 0 : 0),
    busyNs: c.poll + work,
    polls: 1,
    yields: 0,
    wait: { runnable: spawned ? c.remoteCheck : 0 },
  };
  const workers = ctx.plan.runtime.flavor === 'current_thread' ? ctWorker(end, 1, 0) : mtStraightWorkers(ctx, s, end);
  return {
    approximation: 'exact: straight-line work',
    bottleneck: 'runtime',
    records: 0,
    endNs: end,
    latency: zeroLatency(),
    yields: 0,
    tasks,
    workers,
    breakdownNs: bd,
    warnings: [],
  };
}

function mtStraightWorkers(ctx: Ctx, s: StraightShape, end: number): Prediction['workers'] {
  const W = ctx.plan.runtime.workers;
  const out = Array.from({ length: W }, (_, i) => emptyWorker(`worker-${i}`));
  if (s.start === 'block_on') {
    const bo = emptyWorker('block_on');
    bo.busyNs = end;
    bo.polls = 1;
    out.push(bo);
  } else {
    out[0].busyNs = end;
    out[0].polls = 1;
  }
  return out;
}

/** Cost of one yield round of K spinners (ns), and driver polls per round. */
export function ctYieldRound(
  ctx: Ctx,
  K: number,
  blockOn: boolean,
): { roundNs: number; driverPolls: number; remoteChecks: number } {
  const c = ctx.c;
  const rt = ctx.plan.runtime;
  if (blockOn)
    return { roundNs: c.poll + c.yieldExtra + c.remoteCheck + c.driverPoll + c.driverUnparkIo, driverPolls: 1, remoteChecks: 1 };
  if (K < rt.eventInterval) {
    // K polls, one empty tick (remote check), one driver poll; K of the K+1 ticks may land on a global-queue tick.
    const rcs = 1 + K / rt.globalQueueInterval;
    return { roundNs: K * (c.poll + c.yieldExtra) + c.driverPoll + c.remoteCheck * rcs, driverPolls: 1, remoteChecks: rcs };
  }
  // More spinners than event_interval: the queue never drains; a driver poll every 61 polls.
  const dps = K / rt.eventInterval;
  const rcs = K / rt.globalQueueInterval;
  return { roundNs: K * (c.poll + c.yieldExtra) + dps * c.driverPoll + rcs * c.remoteCheck, driverPolls: dps, remoteChecks: rcs };
}

/** A lone task yielding Y times per record (yield_now or self-wake). Exact. */
export function ctYieldLoop(ctx: Ctx, s: YieldLoopShape): Prediction {
  const c = ctx.c;
  const rt = ctx.plan.runtime;
  const blockOn = s.start === 'block_on';
  const recs = recordRefs(ctx, s.perRecord, true);
  const work = workNs(ctx, recs);
  const n = s.records * s.yieldsPerRecord;
  let per: number;
  let dps: number;
  let rcs: number;
  let unparks = 0;
  if (!s.selfWake) {
    const r = ctYieldRound(ctx, 1, blockOn);
    per = r.roundNs;
    dps = r.driverPolls;
    rcs = r.remoteChecks;
    if (blockOn) unparks = 1;
  } else if (blockOn) {
    // tokio: the block_on waker sets `woken` and unparks the driver; the park after the empty tick returns at once.
    per = c.poll + c.remoteCheck + c.driverPoll + c.driverUnparkIo;
    dps = 1;
    rcs = 1;
    unparks = 1;
  } else {
    per = c.poll + c.remoteCheck / rt.globalQueueInterval + c.driverPoll / rt.eventInterval;
    dps = 1 / rt.eventInterval;
    rcs = 1 / rt.globalQueueInterval;
  }
  const first = (blockOn ? 0 : c.remoteCheck) + c.poll;
  const recordNs = work + s.yieldsPerRecord * per;
  const end = first + s.records * recordNs;
  const bd: Record<string, number> = {};
  add(bd, 'poll', (n + 1) * c.poll);
  if (!s.selfWake) add(bd, 'yield', n * c.yieldExtra);
  add(bd, 'driver', n * dps * c.driverPoll);
  add(bd, 'remote', n * rcs * c.remoteCheck + (blockOn ? 0 : c.remoteCheck));
  if (unparks) add(bd, 'unpark', n * c.driverUnparkIo);
  addWork(ctx, bd, recs, s.records);
  const tasks = ctx.plan.tasks.map(() => emptyTask());
  const busy = (n + 1) * c.poll + (s.selfWake ? 0 : n * c.yieldExtra) + s.records * work;
  tasks[s.task] = {
    elapsedNs: end,
    busyNs: busy,
    polls: n + 1,
    yields: n,
    wait: s.selfWake ? { runnable: end - busy } : { deferred: end - busy },
  };
  return {
    approximation: s.selfWake ? 'exact: self-wake polls (driver every event_interval)' : 'exact: yield rounds',
    bottleneck: 'runtime',
    records: s.records,
    endNs: end,
    latency: constLatency(recordNs),
    yields: n,
    tasks,
    workers: ctWorker(end, n + 1, n * dps),
    breakdownNs: bd,
    warnings: [],
  };
}

/** K spawned tasks yielding in rounds, joined by the block_on future. Exact. */
export function ctMultiYield(ctx: Ctx, s: MultiYieldShape): Prediction {
  const c = ctx.c;
  const K = s.children.length;
  const recs = recordRefs(ctx, s.perRecord, true);
  const work = workNs(ctx, recs);
  const r = ctYieldRound(ctx, K, false);
  const rounds = s.records * s.yieldsPerRecord;
  const recordNs = s.yieldsPerRecord * r.roundNs + K * work;
  const start = c.poll + K * c.spawn;
  // The last round ends the children instead of yielding; the block_on future then wakes, the
  // park returns at once (driver poll), and it joins every child.
  const body = s.records * recordNs - K * c.yieldExtra;
  const end = start + body + c.driverUnparkIo + c.remoteCheck + c.driverPoll + c.poll + K * c.join;
  const yields = K * rounds;
  const bd: Record<string, number> = {};
  add(bd, 'poll', (yields + K + 2) * c.poll);
  add(bd, 'yield', yields * c.yieldExtra);
  add(bd, 'driver', rounds * r.driverPolls * c.driverPoll);
  add(bd, 'remote', rounds * r.remoteChecks * c.remoteCheck);
  add(bd, 'spawn', K * c.spawn);
  add(bd, 'join', K * c.join);
  add(bd, 'unpark', c.driverUnparkIo);
  addWork(ctx, bd, recs, K * s.records);
  const tasks = ctx.plan.tasks.map(() => emptyTask());
  tasks[s.main] = {
    elapsedNs: end,
    busyNs: 2 * c.poll + K * (c.spawn + c.join),
    polls: 2,
    yields: 0,
    wait: { join: end - 2 * c.poll - K * (c.spawn + c.join) },
  };
  s.children.forEach((t, i) => {
    const busy = (rounds + 1) * c.poll + rounds * c.yieldExtra + s.records * work;
    const elapsed = end - (c.poll + K * c.join) - (c.poll + (i + 1) * c.spawn);
    tasks[t] = { elapsedNs: elapsed, busyNs: busy, polls: rounds + 1, yields: rounds, wait: { deferred: elapsed - busy } };
  });
  return {
    approximation: 'exact: yield rounds',
    bottleneck: 'runtime',
    records: K * s.records,
    endNs: end,
    latency: constLatency(recordNs),
    yields,
    tasks,
    workers: ctWorker(end, yields + K + 2, rounds * r.driverPolls),
    breakdownNs: bd,
    warnings: [],
  };
}

/** Spawn n empty children and join them (bulk: all spawns first; hot: spawn+join each). */
export function ctSpawnJoin(ctx: Ctx, s: SpawnJoinShape): Prediction {
  const c = ctx.c;
  const rt = ctx.plan.runtime;
  const n = s.n;
  const EI = rt.eventInterval;
  const GQ = rt.globalQueueInterval;
  const blockOn = s.start === 'block_on';
  let mainPolls: number;
  let driverPolls: number;
  let remoteChecks: number;
  let unparks = 0;
  if (s.mode === 'bulk' && blockOn) {
    // The block_on future is looked at once per outer iteration: every 61 child polls.
    mainPolls = 1 + n / EI;
    driverPolls = n / EI;
    remoteChecks = n / GQ;
    unparks = n / EI;
  } else if (s.mode === 'bulk') {
    // The first child to finish wakes main behind all other children; main then joins 128 per poll.
    mainPolls = 1 + Math.ceil(n / COOP_BUDGET);
    driverPolls = (n + mainPolls) / EI;
    remoteChecks = 1 + (n + mainPolls) / GQ;
  } else if (blockOn) {
    // Each child's completion wakes the block_on future; the empty queue parks, and the park
    // returns at once (driver.unpark()) after a driver poll.
    mainPolls = 1 + n;
    driverPolls = n;
    remoteChecks = n + n / GQ;
    unparks = n;
  } else {
    mainPolls = 1 + n;
    driverPolls = (2 * n) / EI;
    remoteChecks = 1 + (2 * n) / GQ;
  }
  const end =
    n * (c.spawn + c.poll + c.join) +
    mainPolls * c.poll +
    driverPolls * c.driverPoll +
    remoteChecks * c.remoteCheck +
    unparks * c.driverUnparkIo;
  const bd: Record<string, number> = {
    poll: (n + mainPolls) * c.poll,
    driver: driverPolls * c.driverPoll,
    spawn: n * c.spawn,
    join: n * c.join,
    unpark: unparks * c.driverUnparkIo,
    remote: remoteChecks * c.remoteCheck,
  };
  const tasks = ctx.plan.tasks.map(() => emptyTask());
  const mainBusy = mainPolls * c.poll + n * (c.spawn + c.join);
  tasks[s.main] = { elapsedNs: end, busyNs: mainBusy, polls: mainPolls, yields: 0, wait: { join: end - mainBusy } };
  tasks[s.child] = { elapsedNs: end - c.poll - c.spawn, busyNs: n * c.poll, polls: n, yields: 0, wait: {} };
  return {
    approximation: 'exact: spawn/join sequence',
    bottleneck: 'runtime',
    records: 0,
    endNs: end,
    latency: zeroLatency(),
    yields: 0,
    tasks,
    workers: ctWorker(end, n + mainPolls, driverPolls),
    breakdownNs: bd,
    warnings: [],
  };
}

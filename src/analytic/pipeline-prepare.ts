/**
 * The pipeline model, step 1 (once per plan + model; pipeline.ts has the rest): recognise what
 * can be modelled (one wait strategy for every stage, stages doing the same work, no small
 * bounded channels, …), then the per-batch quantities — jobs (records per partition message),
 * the coordinator's CPU per batch, each job's CPU, the per-record cost and its second moment,
 * the arrival process (rate λ and c_a²), the pickup-delay distribution — and each job's record
 * offsets inside a batch (rate-independent).
 *
 * Phase: analyze. Formulas: docs/analytic.md.
 */
import type { Ctx } from './context.js';
import { recordRefs, workM2, workNs } from './context.js';
import type { PipelineShape, StageShape } from './plan-shape.js';
import type { PlanSource } from '../plan/types.js';
import {
  cdfMean,
  cdfMeanBetween,
  cdfOf,
  cdfQuantile,
  convolveAt,
  FastLatency,
  IdleMixture,
  LatencyDist,
  plF,
  type PiecewiseCdf,
} from './percentiles.js';
import type { PlanCost } from '../plan/types.js';
import type { LatencyPrediction } from './prediction.js';
import { costMoments } from './costs.js';
import { arrivalScv } from './queueing.js';
import { ctYieldRound } from './current-thread.js';
import { listSchedule } from './multi-thread.js';
import { hostPolls } from '../plan/runtime-costs.js';

export type WaitKind = 'await' | 'yield' | 'sleep';

interface Job {
  stage: number;
  records: number;
  /** CPU of the stage's poll for this message (ns). */
  serviceNs: number;
  /** From the poll's start to the first record's start (ns). */
  leadNs: number;
}

export interface PreparedPipeline {
  ctx: Ctx;
  /** Set when the plan has no closed form unless it is overloaded: evaluate refuses with it (DS4003) after the load check. */
  refusal?: string;
  shape: PipelineShape;
  mt: boolean;
  wait: WaitKind;
  sleepNs: number;
  /** Batches per ns, and squared coefficient of variation of inter-arrival times. */
  lambda: number;
  ca2: number;
  periodic: boolean;
  batches: number;
  firstArrivalNs: number;
  recordsPerBatch: number;
  coordNs: number;
  coordBlockOn: boolean;
  recordNs: number;
  recordM2: number;
  jobs: Job[];
  /** Idle cost of one stage poll that finds nothing (yield spinners), ns. */
  idlePollNs: number;
  roundNs: number;
  threads: number;
  wakeMean: number;
  wakeM2: number;
  /**
   * Wake-ups of a worker by another worker (the multi_thread wake chain) at WAKE_POINTS equally
   * likely quantiles, ns: the helper's arrival is often bimodal (soon, or after the batch), which
   * its mean would blur into a late arrival every time.
   */
  workerWakeGaps: Float64Array;
  overshootMean: number;
  lockHoldNs: number;
  dist: LatencyDist;
  approx: string;
  /** Filled at prepare: rate-independent per-batch quantities. */
  batchCpuNs: number;
  maxStageNs: number;
  recordVarNs2: number;
  setupShiftNs: number;
  /** The idle component's constant shift: setupShiftNs, less the notifies when their draws are in its distribution (notifies 'chain'). */
  idleShiftNs: number;
  /**
   * multi_thread: what a worker pays to unpark another (unpark_halted's mean — unpark_remote
   * without it — once the other's vCPU has halted between batches, else unpark_worker;
   * docs/semantics.md, Notify).
   */
  unparkNs: number;
  /** The same as a distribution (unpark_halted's, drawn per notify by the simulator; a constant otherwise). */
  unparkCost: PlanCost;
  /**
   * How the notifies of a batch reach its records: 'chain' (multi_thread await, coordinator on a
   * worker or none, ≥ 2 workers): the woken searcher's notify before the coordinator and, when
   * the helper it woke re-parks first, the LIFO displacement's, drawn (prepareNotifyChain);
   * 'none' (one worker: no one to notify); 'mean' (the rest: one notify at its mean in the shift).
   */
  notifies: 'chain' | 'none' | 'mean';
  /**
   * The coordinator's expected notify time inside its poll per batch (the displacement's second
   * notify, drawn there by the simulator, so counted in the coordinator's busy time): in its load
   * and the batch's CPU, at the mean.
   */
  coordNotifyNs: number;
  /** Notifies by workers per batch (the wake chain's, plus the displacement's expected count): the unpark breakdown. */
  notifiesPerBatch: number;
  /** The pickup wake-up's CDF (the idle component's random part before the notifies). */
  wakeCdf: PiecewiseCdf;
  offEndNs: number;
  /**
   * multi_thread forks (await): first and second moment over the wake quantiles of a batch's
   * makespan (coordinator start to last job end). A helper that wakes late leaves the batch to
   * one worker, so this, not batch CPU / workers, is how long the pool is taken. 0 otherwise.
   */
  forkSpanMean: number;
  forkSpanM2: number;
  fast: FastLatency | undefined;
  out: PipelineCore;
}

/** The numbers an evaluation produces (ns), written in place by `evaluatePipelineCore`. */
export interface PipelineCore extends LatencyPrediction {
  overloaded: boolean;
  resource: string;
  rho: number;
  endNs: number;
  records: number;
  pBusy: number;
  bottleneck: string;
}

/** Returns a prepared pipeline, or the reason it cannot be modelled. */
export function preparePipeline(ctx: Ctx, shape: PipelineShape): PreparedPipeline | { shape: string; detail: string } {
  const { plan, c } = ctx;
  const rt = plan.runtime;
  const mt = rt.flavor === 'multi_thread';
  const src = plan.sources[shape.source];
  const flavor = rt.flavor;
  const no = (detail: string) => ({ shape: 'this pipeline', detail: `${detail} (${flavor})` });

  const w = waitOf(shape, mt, rt.driver === 'none');
  if (typeof w === 'string') return no(w);
  const { wait, sleepNs } = w;
  // A bounded channel only differs (beyond its costs) when it fills: refuse small capacities,
  // where back-pressure would stall the coordinator; below overload the queues stay short.
  if (shape.stages.some((s) => plan.channels[s.channel].kind === 'bounded' && plan.channels[s.channel].capacity < 16))
    return no('bounded partition channels with capacity < 16 (back-pressure stalls the coordinator)');

  const arr = arrivalsOf(src);
  if (typeof arr === 'string') return no(arr);
  const { lambda, ca2, batches, first, recordsPerBatch } = arr;
  const a = src.arrival;

  const co = shape.coordinator;
  const P = shape.stages.length;
  const { coordNs, jobsRecords } = coordinatorOf(ctx, shape, recordsPerBatch);
  // Stages: the per-record cost must be the same for every stage (the template's partitions are).
  const st0 = shape.stages[0];
  const recKey = (s: StageShape) =>
    JSON.stringify([s.perRecord, s.recordLocks.length, s.pre, s.post, s.writer?.hold ?? [], s.ack !== undefined]);
  if (shape.stages.some((s) => recKey(s) !== recKey(st0))) return no('stages do different work');
  // A stage's records are stamped by their sender; each ends with record_end (recordRefs).
  const st0Rec = recordRefs(ctx, st0.perRecord, false);
  const recordNs = workNs(ctx, st0Rec) + st0.recordLocks.length * c.mutex;
  const recordM2 =
    workM2(ctx, st0Rec) + (st0.recordLocks.length * c.mutex) ** 2 + 2 * workNs(ctx, st0Rec) * st0.recordLocks.length * c.mutex;
  const sharedRecordLock =
    st0.recordLocks.length > 0 && shape.stages.some((s, i) => i > 0 && s.recordLocks.some((m) => st0.recordLocks.includes(m)));
  if (sharedRecordLock && mt) return no('a per-record lock shared by stages on several workers (lock convoys)');
  const chKind = plan.channels[st0.channel].kind;
  const recv = chKind === 'unbounded' ? c.recvU : chKind === 'bounded' ? c.recvB : c.lfPop;
  const tryRecv = chKind === 'unbounded' ? c.tryRecvU : chKind === 'bounded' ? c.tryRecvB : c.lfPop;
  const pickRecv = wait === 'await' ? recv : tryRecv;
  const tail = wait === 'await' ? c.wakerRegister : wait === 'yield' ? tryRecv + c.yieldExtra : tryRecv + c.timerRegister;
  const pre = workNs(ctx, st0.pre);
  const post =
    workNs(ctx, st0.post) + (st0.writer ? c.mutex + workNs(ctx, st0.writer.hold) : 0) + (st0.ack !== undefined ? c.sendU : 0);
  const lockHoldNs = st0.writer ? workNs(ctx, st0.writer.hold) : 0;
  const lead = c.poll + pickRecv + pre;
  const jobs: Job[] = jobsRecords.map(([stage, n]) => ({
    stage,
    records: n,
    leadNs: lead,
    serviceNs: lead + n * recordNs + post + tail,
  }));

  const idlePollNs = c.poll + tryRecv + c.yieldExtra;
  const roundNs = wait === 'yield' && !mt ? ctYieldRound(ctx, P, false).roundNs + P * tryRecv : 0;
  const threads = mt ? Math.min(rt.workers, rt.cores) : 1;
  if (mt && wait === 'yield' && rt.workers + (co?.start === 'block_on' ? 1 : 0) > rt.cores)
    return no(
      `yield-spinning stages on ${rt.workers} workers${co?.start === 'block_on' ? ' plus the block_on thread' : ''} over ${rt.cores} core(s): OS time slicing decides who runs`,
    );
  // Random arrivals under adaptive halt-polling have no closed form for their wake-ups; the
  // refusal waits for the loads, so that an overloaded plan is refused as overloaded (DS4004,
  // which a plan search prunes on) whatever its wake-ups are.
  const wakeRefusal =
    c.haltPollMax > 0 && a.kind !== 'periodic'
      ? `${a.kind} arrivals under adaptive halt-polling (halt_poll_max): whether a wake-up is warm depends on the lengths of the runtime's recent parks, not derived here (${flavor})`
      : undefined;
  const batchBusyNs = coordNs + jobs.reduce((t, j) => t + j.serviceNs, 0) / threads;
  const parkedWake = wakeRefusal ? c.wakeLatency : warmOrCold(c, a.kind === 'periodic', lambda, batchBusyNs);
  // multi_thread whose workers (and block_on thread) fill the cores: the source has no CPU of its
  // own and wakes a parked thread on its own vCPU (wake_latency_packed; docs/semantics.md).
  const sourceShares = mt && rt.workers + (co?.start === 'block_on' ? 1 : 0) >= rt.cores && c.wakeLatencyPacked !== null;
  const outsideWake = sourceShares ? c.wakeLatencyPacked! : parkedWake;
  // Parked between batches past the poll window, the other workers' vCPUs have halted (yield
  // spinners never park).
  const halted =
    wait !== 'yield' &&
    (c.haltPollMax > 0 || c.haltPollWindow > 0) &&
    (parkedWake === c.wakeLatency || parkedWake === c.wakeLatencyNoPoll);
  // A warm/cold mixture (halt_poll_warm_share below 1) is drawn per wake-up in a run: over a few
  // hundred batches the share of cold ones, and so the tail, is itself a sample (docs/analytic.md).
  const mixedWake = !sourceShares && outsideWake !== c.wakeLatency && outsideWake !== c.wakeLatencyWarm && c.haltPollMax > 0;
  // The source thread exits after its last delivery (docs/semantics.md, "The source thread's
  // exit"): where it shares the vCPUs, the last batch is picked up by that exit's wake-up
  // (source_exit_latency), one batch in `batches`.
  const exitLast = sourceShares && c.sourceExitLatency !== null && batches > 0;
  // multi_thread start-up (docs/semantics.md, "Start-up and the run's end"): the workers start
  // parked, their vCPUs halted, and a coordinator spawned at start is picked up by a cold wake-up
  // from the main thread, so the first batch's pickup is that wake-up: one batch in `batches`.
  const startCold = mt && co?.start === 'spawn' && wait === 'await' && batches > 0;
  const coldStart = c.haltPollMax > 0 && !hostPolls(c, false, 0) ? (c.wakeLatencyNoPoll ?? c.wakeLatency) : c.wakeLatency;
  // Both: the first batch cold, the last the exit's, the others `outsideWake` (1/batches each).
  const restWake = exitLast
    ? mixCosts(c.sourceExitLatency!, outsideWake, 1 / Math.max(1, batches - (startCold ? 1 : 0)))
    : outsideWake;
  const pickupWake = startCold ? mixCosts(coldStart, restWake, 1 / batches) : restWake;
  const wk = costMoments(pickupWake);
  const ov = costMoments(c.parkOvershoot);
  // Pickup of a batch: an OS wake-up when the runtime parks between batches; for yield spinners
  // the rest of the current round (current_thread) or of a worker's 61-tick inject interval.
  const mtSpinPickup = (61 * idlePollNs) / Math.max(1, Math.min(rt.workers, rt.cores));
  let wake = cdfOf(pickupWake);
  if (wait === 'yield') wake = cdfOf({ dist: 'uniform', minNs: 0, maxNs: Math.round(mt ? mtSpinPickup : roundNs) });
  // Sleep polling: the random part is the OS overshoot of the timed park that ends a stage's sleep.
  if (wait === 'sleep') wake = cdfOf(c.parkOvershoot);
  const approx =
    wait === 'sleep'
      ? 'approx: timer polling on the 1 ms grid (residual of the phase-locked sleep period)'
      : mt
        ? wait === 'yield'
          ? 'heuristic: multi_thread spinners (inject checked every 61 ticks), list scheduling'
          : 'approx: multi_thread fork over a wake chain (list scheduling), Kingman on the worker pool'
        : a.kind === 'periodic'
          ? wait === 'yield'
            ? 'exact: periodic arrivals, yield rounds (pickup uniform over a round)'
            : mixedWake
              ? 'approx: periodic arrivals, no queueing, warm/cold wake-up mixture (sampled per wake-up)'
              : 'exact: periodic arrivals, no queueing (wake latency from the model)'
          : 'approx: M/G/1 with setup times (Welch), exponential waiting tail';
  const pp: PreparedPipeline = {
    ctx,
    refusal: wakeRefusal,
    shape,
    mt,
    wait,
    sleepNs,
    lambda,
    ca2,
    periodic: a.kind === 'periodic',
    batches,
    firstArrivalNs: first,
    recordsPerBatch,
    coordNs,
    coordBlockOn: co?.start === 'block_on',
    recordNs,
    recordM2,
    jobs,
    idlePollNs,
    roundNs,
    threads,
    wakeMean: wait === 'yield' ? (mt ? mtSpinPickup : roundNs) / 2 : wk.mean,
    wakeM2: wait === 'yield' ? (mt ? mtSpinPickup : roundNs) ** 2 / 3 : wk.m2,
    workerWakeGaps: wakeGaps(c.workerWakeLatency),
    overshootMean: ov.mean,
    lockHoldNs,
    dist: new LatencyDist(wake),
    approx,
    batchCpuNs: 0,
    maxStageNs: 0,
    recordVarNs2: Math.max(0, recordM2 - recordNs * recordNs),
    setupShiftNs: 0,
    idleShiftNs: 0,
    unparkNs: halted ? (c.unparkHalted ? costMoments(c.unparkHalted).mean : c.unparkRemote) : c.unparkWorker,
    unparkCost: halted ? (c.unparkHalted ?? { dist: 'const', ns: c.unparkRemote }) : { dist: 'const', ns: c.unparkWorker },
    notifies: !mt ? 'mean' : wait === 'await' && co?.start !== 'block_on' ? (rt.workers >= 2 ? 'chain' : 'none') : 'mean',
    notifiesPerBatch: mt ? Math.min(threads - 1, jobs.length) : 0,
    coordNotifyNs: 0,
    wakeCdf: wake,
    offEndNs: 0,
    forkSpanMean: 0,
    forkSpanM2: 0,
    fast: undefined,
    out: {
      overloaded: false,
      resource: '',
      rho: 0,
      endNs: 0,
      records: 0,
      meanNs: 0,
      p50Ns: 0,
      p90Ns: 0,
      p99Ns: 0,
      p999Ns: 0,
      maxNs: 0,
      pBusy: 0,
      bottleneck: '',
    },
  };
  // Per-stage CPU per batch (a sticky route sends each batch to one stage in turn).
  const perStage = new Float64Array(P);
  let totalJobNs = 0;
  for (const j of jobs) {
    perStage[j.stage] += j.serviceNs * (co?.route.policy === 'sticky' ? 1 / P : 1);
    totalJobNs += j.serviceNs;
  }
  pp.maxStageNs = Math.max(...perStage);
  // current_thread: the source's wake is a pop of a non-empty remote queue (the lock), then a look
  // at the empty one (free from tokio 1.29: ctx.c.remoteCheck).
  const pickupNs = mt ? c.remoteCheck : c.driverPoll + (pp.coordBlockOn ? 0 : ctx.remotePopNs);
  pp.batchCpuNs = pickupNs + coordNs + totalJobNs + (mt ? 0 : c.remoteCheck);
  pp.setupShiftNs = mt ? c.remoteCheck + (wait === 'yield' || pp.notifies === 'none' ? 0 : pp.unparkNs) : pickupNs;
  pp.idleShiftNs = pp.setupShiftNs;
  if (pp.notifies === 'none') pp.notifiesPerBatch = 0;
  if (pp.notifies === 'chain') prepareNotifyChain(pp);
  else prepareOffsets(pp);
  return pp;
}

/** The stages' wait strategy (one step, the same for every stage), or why it cannot be modelled. */
function waitOf(shape: PipelineShape, mt: boolean, noDriver: boolean): { wait: WaitKind; sleepNs: number } | string {
  const w0 = JSON.stringify(shape.stages[0].wait);
  if (shape.stages.some((s) => JSON.stringify(s.wait) !== w0)) return 'stages wait in different ways';
  const step = shape.stages[0].wait;
  if (step.length !== 1)
    return `a back-off sequence of ${step.length} wait steps (${step.map((s) => s.kind).join(' → ')}): how long each step lasts depends on arrival phases`;
  const s0 = step[0];
  if (s0.kind === 'await_recv') return { wait: 'await', sleepNs: 0 };
  if (s0.kind === 'yield_spin' && s0.times < 0) return { wait: 'yield', sleepNs: 0 };
  if (s0.kind === 'sleep') {
    if (noDriver) return 'sleep without the timer driver';
    if (mt)
      return "sleep-polling stages: which worker fires a stage's timer depends on who holds the shared driver and when workers park";
    return { wait: 'sleep', sleepNs: s0.ns };
  }
  return `the '${s0.kind}' wait step: a spinning stage holds its thread for an arrival-phase-dependent time`;
}

/**
 * The outside wake-up of a runtime parked between batches (docs/semantics.md, *Warm wake-ups*):
 * parked less than halt_poll_window, it wakes in wake_latency_warm. Periodic arrivals park it
 * for the interval minus the batch's work (`busyNs`) and the wake-up; Poisson-like ones for an
 * exponential time (memoryless), so the two latencies mix with P(park < window).
 */
function warmOrCold(c: Ctx['c'], periodic: boolean, lambda: number, busyNs: number): PlanCost {
  if (c.haltPollMax > 0) {
    // A single run is the typical run (runtime-costs.ts hostPolls): a host that does not poll
    // wakes every outside wake-up in wake_latency_nopoll.
    if (!hostPolls(c, false, 0 /* a single run: no draw */)) return c.wakeLatencyNoPoll ?? c.wakeLatency;
    // Adaptive (KVM) window, periodic arrivals only (the caller refuses the others): from a cold
    // start it grows while a park plus its cold wake-up stays under halt_poll_max, and once it
    // covers the park a wake-up is warm with probability halt_poll_warm_share (the expected
    // mixture; a cold one inside the window leaves it as it is); past that, each halt shrinks it
    // and all stay cold.
    const parked = 1 / lambda - busyNs - costMoments(c.wakeLatencyWarm).mean;
    if (parked + costMoments(c.wakeLatency).mean >= c.haltPollMax) return c.wakeLatency;
    return c.haltPollWarmShare >= 1 ? c.wakeLatencyWarm : mixCosts(c.wakeLatencyWarm, c.wakeLatency, c.haltPollWarmShare);
  }
  if (c.haltPollWindow <= 0) return c.wakeLatency;
  if (periodic) {
    const parked = 1 / lambda - busyNs - costMoments(c.wakeLatencyWarm).mean;
    return parked < c.haltPollWindow ? c.wakeLatencyWarm : c.wakeLatency;
  }
  return mixCosts(c.wakeLatencyWarm, c.wakeLatency, 1 - Math.exp(-lambda * c.haltPollWindow));
}

/**
 * The distribution drawing `a` with probability `pa`, else `b`, as quantiles. A point mass (a
 * constant, a jump in a quantile table) stays one: at each support point both the CDF's left
 * limit and its value are kept, so the quantile function is flat across the jump.
 */
function mixCosts(a: PlanCost, b: PlanCost, pa: number): PlanCost {
  const ca = cdfOf(a);
  const cb = cdfOf(b);
  /** F(x) (`left` false) or F(x−) (`left` true) of a piecewise-linear CDF whose xs may repeat (jumps). */
  const at = (cdf: ReturnType<typeof cdfOf>, x: number, left: boolean): number => {
    const { xs, ps } = cdf;
    const n = xs.length;
    if (x < xs[0] || (left && x === xs[0])) return 0;
    if (x > xs[n - 1] || (!left && x === xs[n - 1])) return 1;
    if (left) {
      let k = 0;
      while (xs[k] < x) k++;
      // xs[k] is the first point at x: the left limit is the value reached there from below.
      return k === 0 ? 0 : ps[k - 1] + ((ps[k] - ps[k - 1]) * (x - xs[k - 1])) / (xs[k] - xs[k - 1] || 1);
    }
    let k = n - 1;
    while (xs[k] > x) k--;
    // xs[k] is the last point at or below x.
    return k === n - 1 || xs[k] === x ? ps[k] : ps[k] + ((ps[k + 1] - ps[k]) * (x - xs[k])) / (xs[k + 1] - xs[k]);
  };
  const xs = [...new Set([...ca.xs, ...cb.xs])].sort((x, y) => x - y);
  const p: number[] = [];
  const ns: number[] = [];
  for (const x of xs) {
    for (const left of [true, false]) {
      const f = pa * at(ca, x, left) + (1 - pa) * at(cb, x, left);
      if (p.length > 0 && f < p[p.length - 1]) continue;
      if (p.length > 0 && f === p[p.length - 1] && x === ns[ns.length - 1]) continue;
      p.push(f);
      ns.push(x);
    }
  }
  if (p.length < 2) return b;
  p[0] = 0;
  p[p.length - 1] = 1;
  return { dist: 'quantiles', p, ns };
}

interface Arrivals {
  /** Batches per ns, and the squared coefficient of variation of inter-arrival times. */
  lambda: number;
  ca2: number;
  batches: number;
  first: number;
  recordsPerBatch: number;
}

/** The source's arrival process as a rate, a variability and a batch count, or why not. */
function arrivalsOf(src: PlanSource): Arrivals | string {
  const a = src.arrival;
  let lambda: number;
  let ca2: number;
  let batches: number;
  let first = 0;
  let recordsPerBatch = src.records;
  switch (a.kind) {
    case 'periodic':
      lambda = 1 / a.intervalNs;
      ca2 = 0;
      first = a.phaseNs;
      batches = src.batches >= 0 ? src.batches : Math.floor((src.durationNs - a.phaseNs) / a.intervalNs) + 1;
      if (src.batches >= 0 && src.durationNs >= 0)
        batches = Math.min(batches, Math.floor((src.durationNs - a.phaseNs) / a.intervalNs) + 1);
      break;
    case 'poisson':
      lambda = a.ratePerSec / 1e9;
      ca2 = 1;
      batches = src.batches >= 0 ? src.batches : Math.round(lambda * src.durationNs);
      if (src.batches >= 0 && src.durationNs >= 0) batches = Math.min(batches, Math.round(lambda * src.durationNs));
      first = 1 / lambda;
      break;
    case 'bursty': {
      const onFrac = a.onNs / (a.onNs + a.offNs);
      lambda = (a.ratePerSec / 1e9) * onFrac;
      ca2 = arrivalScv('bursty', a.onNs, a.offNs, a.ratePerSec);
      batches = src.batches >= 0 ? src.batches : Math.round(lambda * src.durationNs);
      first = 1e9 / a.ratePerSec;
      break;
    }
    case 'trace': {
      const n = a.timesNs.length;
      if (n < 2) return 'a trace with fewer than two arrivals';
      const span = a.timesNs[n - 1] - a.timesNs[0];
      lambda = (n - 1) / span;
      let m = 0;
      let m2 = 0;
      for (let i = 1; i < n; i++) {
        const d = a.timesNs[i] - a.timesNs[i - 1];
        m += d;
        m2 += d * d;
      }
      m /= n - 1;
      m2 /= n - 1;
      ca2 = m > 0 ? Math.max(0, m2 / (m * m) - 1) : 0;
      batches = src.batches >= 0 ? Math.min(src.batches, n) : n;
      first = a.timesNs[0];
      recordsPerBatch = a.records.reduce((x, y) => x + y, 0) / n;
      break;
    }
  }
  if (!(batches >= 1)) return 'the source delivers no batch';
  return { lambda, ca2, batches, first, recordsPerBatch };
}

/**
 * The coordinator's CPU per batch and the messages it sends: [stage, records] per partition
 * message of a batch (one message with the whole batch when there is no coordinator).
 */
function coordinatorOf(
  ctx: Ctx,
  shape: PipelineShape,
  recordsPerBatch: number,
): { coordNs: number; jobsRecords: Array<[number, number]> } {
  const { plan, c } = ctx;
  const co = shape.coordinator;
  const inputRecv = c.recvU; // the input channel is an unbounded mpsc (template), or the stage's own channel
  let coordNs = 0;
  const P = shape.stages.length;
  const jobsRecords: Array<[number, number]> = []; // [stage, records] per message of a batch
  if (co) {
    const route = co.route;
    const perRoute = ctx.costs[route.cost].mean;
    const chKind = plan.channels[route.channel].kind;
    const send = chKind === 'unbounded' ? c.sendU : chKind === 'bounded' ? c.sendB : c.lfPush;
    const B = recordsPerBatch;
    switch (route.policy) {
      case 'round_robin': {
        const m = Math.min(P, B);
        for (let p = 0; p < m; p++) jobsRecords.push([p, B / m]);
        break;
      }
      case 'hash': {
        let tot = 0;
        for (let p = 0; p < P; p++) tot += 1 / Math.pow(p + 1, route.skew);
        for (let p = 0; p < P; p++) jobsRecords.push([p, (B * (1 / Math.pow(p + 1, route.skew))) / tot]);
        break;
      }
      case 'sticky':
        jobsRecords.push([0, B]);
        break;
      case 'all_to_one':
        jobsRecords.push([Number(0xcbf29ce484222325n % BigInt(P)), B]);
        break;
    }
    coordNs = c.poll + inputRecv + workNs(ctx, co.pre) + B * perRoute + jobsRecords.length * send + c.wakerRegister;
    if (co.barrier) coordNs += c.poll + co.barrier.acks * c.recvU + c.wakerRegister;
  } else jobsRecords.push([0, recordsPerBatch]);

  return { coordNs, jobsRecords };
}

/** Quantile points of the worker-to-worker wake-up the analytic fork averages over. */
const WAKE_POINTS = 8;

/** The wake-up latency at WAKE_POINTS equally likely quantiles ((k + ½)/K), ns. */
function wakeGaps(c: PlanCost): Float64Array {
  const cdf = cdfOf(c);
  return Float64Array.from({ length: WAKE_POINTS }, (_, k) => cdfQuantile(cdf, (k + 0.5) / WAKE_POINTS));
}

/** Rate-independent, so done once here: each job's record offsets inside a batch and the batch's makespan (pipeline.ts, step 2). */
function prepareOffsets(pp: PreparedPipeline): void {
  const { ctx, jobs } = pp;
  const c = ctx.c;
  const d = pp.dist;
  const P = pp.shape.stages.length;
  d.reset();
  let offEnd = 0;
  let spanMean = 0;
  let spanM2 = 0;
  const coordEnd = pp.coordNs;
  // Sleep-polling stages see a message only at their next timer expiry: the batch's records are
  // shifted by that residual (a few discrete values, see sleepShifts).
  // Multi_thread forks: one schedule per quantile of the helper's wake-up, equally weighted.
  const nShift = pp.wait === 'sleep' ? sleepShifts(pp) : pp.mt && pp.wait !== 'yield' ? WAKE_POINTS : 1;
  for (let k = 0; k < nShift; k++) {
    const shift = pp.wait === 'sleep' ? shiftBuf[k] : 0;
    let end = 0;
    if (!pp.mt) {
      let t = coordEnd + c.remoteCheck + shift;
      if (pp.wait === 'yield') t += c.driverPoll + c.remoteCheck; // partitions are deferred: released by the driver poll
      for (const j of jobs) {
        const s = t + j.leadNs;
        d.addSegment(s + pp.recordNs * 0.5, s + pp.recordNs * (j.records + 0.5), j.records / nShift);
        t += j.serviceNs;
      }
      if (pp.wait === 'yield') t += (P - jobs.length) * pp.idlePollNs; // spinners without a message poll once more
      end = t;
    } else {
      // The first worker runs the coordinator; helpers arrive one wake latency apart (the
      // "last searcher wakes another" chain), or at once when they spin.
      const gap = pp.wait === 'yield' ? 0 : pp.workerWakeGaps[k] + c.steal;
      const start0 = coordEnd + (pp.wait === 'yield' ? pp.idlePollNs / 2 : 0) + shift;
      end = listSchedule(jobs, pp.threads, start0, gap, coordEnd, pp.recordNs, pp.wait === 'yield' ? 0 : pp.unparkNs, d, nShift);
      spanMean += end / nShift;
      spanM2 += (end * end) / nShift;
    }
    offEnd += end / nShift;
  }
  pp.offEndNs = offEnd;
  if (pp.mt && pp.wait !== 'yield') {
    pp.forkSpanMean = spanMean;
    pp.forkSpanM2 = spanM2;
  }
  d.setIdle(1, 0);
  const [lo, hi] = d.segmentRange();
  pp.fast = new FastLatency(d, lo, hi, d.wakeMax());
}

const shiftBuf = new Float64Array(16);

/**
 * Residual waits of a batch for a sleep(d)-polling stage, into `shiftBuf`; returns how many
 * (equally likely). The stages' timers phase-lock to the 1 ms grid with period
 * Π = ⌈(d + timer registration)/1 ms⌉ ms (the park overshoot of expiries on an idle runtime is
 * the distribution's random part, see evaluatePipeline). Arrivals on the grid (periodic, interval and phase whole ms) land at the
 * instant the stages poll, after them in the run queue: they wait Π, Π − T, …; arrivals at any
 * other phase wait a residual uniform on (0, Π].
 */
function sleepShifts(pp: PreparedPipeline): number {
  const res = pp.ctx.plan.runtime.timerResolutionNs;
  const period = res * Math.ceil((pp.sleepNs + pp.ctx.c.timerRegister) / res);
  const a = pp.ctx.plan.sources[pp.shape.source].arrival;
  const aligned = a.kind === 'periodic' && a.intervalNs % res === 0 && a.phaseNs % res === 0;
  if (aligned) {
    const step = Math.min(a.intervalNs, res);
    const n = Math.max(1, Math.min(shiftBuf.length, Math.round(period / step)));
    for (let k = 0; k < n; k++) shiftBuf[k] = period - k * step;
    return n;
  }
  const n = 8;
  for (let k = 0; k < n; k++) shiftBuf[k] = ((k + 0.5) / n) * period;
  return n;
}

/**
 * multi_thread await pipelines whose coordinator (or only stage) runs on a worker, ≥ 2 workers:
 * the record offsets and the idle latency component with the batch's notifies drawn, as the
 * simulator draws them (src/runtime/multi-thread.ts, notifyParked; docs/analytic.md, "The notify
 * chain"). The worker A woken for the batch leaves the searching state as the last searcher and
 * notifies a parked worker B before it polls the coordinator: one draw u₁ of the notify cost
 * (unpark_halted when B's vCPU has halted), on the path of every record. B, woken at that
 * instant, arrives after its wake-up g (worker_wake_latency); if that is before the coordinator's
 * LIFO displacement (its second send, ≈ the end of its poll: g < u₁ + C) B finds nothing and
 * parks again, nobody is searching at the displacement, and A notifies again: a second draw u₂
 * inside the coordinator's poll, on the path of everything A runs after it, and B comes back one
 * more wake-up g₂ after the displacement. Otherwise B arrives g − u₁ after the coordinator's
 * start and takes the displaced message. Over the wake quantiles of g (and g₂) this is a mixture
 * of components (no re-park: u₁ | u₁ ≤ g − C; re-park: (u₁ | u₁ > g − C) + u₂), each with its
 * own schedule; their delays keep their distributions (IdleMixture), their schedules use the
 * delays' conditional means. Utilisation and the breakdown take the mean count of notifies.
 */
function prepareNotifyChain(pp: PreparedPipeline): void {
  const { ctx, jobs } = pp;
  const c = ctx.c;
  const K = WAKE_POINTS;
  const U = cdfOf(pp.unparkCost);
  const uLo = U.xs[0] - 1;
  const uHi = U.xs[U.xs.length - 1];
  const uMean = cdfMean(U);
  const coordEnd = pp.coordNs;
  // The coordinator's message that notifies: the second (the first takes the LIFO slot), or the first without it.
  const displaces = ctx.plan.runtime.lifoSlot ? jobs.length >= 2 : jobs.length >= 1;
  const segA: number[] = [];
  const segB: number[] = [];
  const segW: number[] = [];
  // Schedules of one component that put a job's records at the same times (the helper came too
  // late to matter) share one segment.
  let compFrom = 0;
  const sink = {
    addSegment(a: number, b: number, w: number): void {
      for (let i = compFrom; i < segA.length; i++)
        if (segA[i] === a && segB[i] === b) {
          segW[i] += w;
          return;
        }
      segA.push(a);
      segB.push(b);
      segW.push(w);
    },
  };
  // Per wake stratum k (quantiles k/K … (k+1)/K of g): whether B re-parks is decided at J
  // sub-points g_j of the stratum (g_j < u₁ + C), so its probability follows g's table, not only
  // the stratum's midpoint; the stratum's schedules take the midpoint (the chain's later gaps) and
  // the g of each branch's mean.
  const J = 8;
  const G = cdfOf(c.workerWakeLatency);
  const taus = new Float64Array(J);
  // One steal_wake draw (docs/semantics.md, "One draw for the notify and the wake-up"): where both
  // are quantile tables the simulator takes the notify u at quantile q and the woken worker's wake-up
  // g at 1 − q, so u₁ given g in sub-point j's quantile band [p₀, p₁] lies in U's band [1 − p₁, 1 − p₀]
  // (aq, bq); drawn independently, U's whole range ([0, 1]).
  const coupled = pp.unparkCost.dist === 'quantiles' && c.workerWakeLatency.dist === 'quantiles';
  const aq = new Float64Array(J);
  const bq = new Float64Array(J).fill(1);
  const comps: Array<{
    w: number;
    taus: Float64Array;
    aq: Float64Array;
    bq: Float64Array;
    reparks: boolean;
    xMean: number;
    from: number;
    to: number;
  }> = [];
  /** E[u | U's quantile band [a, b]]: the notify of a wake-up drawn in the complementary band. */
  const bandMean = (a: number, b: number): number => {
    const m = cdfMeanBetween(U, cdfQuantile(U, a), cdfQuantile(U, b));
    return Number.isFinite(m) ? m : cdfQuantile(U, (a + b) / 2);
  };
  let offEnd = 0;
  let spanMean = 0;
  let spanM2 = 0;
  let pCond = 0;
  // The first helper at `firstHelper` (after the coordinator's start), the later ones a wake-up `gap` apart.
  const schedule = (w: number, gap: number, firstHelper: number): void => {
    const end = listSchedule(jobs, pp.threads, coordEnd, gap, coordEnd, pp.recordNs, pp.unparkNs, sink, 1 / w, firstHelper);
    offEnd += w * end;
    spanMean += w * end;
    spanM2 += w * end * end;
  };
  for (let k = 0; k < K; k++) {
    const g = pp.workerWakeGaps[k] + c.steal;
    let stay = 0; // Σ_j P(u₁ ≤ τ_j): B arrives after the displacement
    let stayU = 0; // Σ_j E[u₁; u₁ ≤ τ_j]
    let stayG = 0; // Σ_j g_j·P(u₁ ≤ τ_j)
    let back = 0; // Σ_j P(u₁ > τ_j): B re-parks
    let backU = 0;
    for (let j = 0; j < J; j++) {
      const gj = cdfQuantile(G, (k + (j + 0.5) / J) / K) + c.steal;
      const tau = displaces ? gj - coordEnd : Infinity;
      taus[j] = tau;
      if (!coupled) {
        const f = plF(U, tau);
        stay += f;
        stayG += f * gj;
        if (f > 0) stayU += f * (Number.isFinite(tau) ? cdfMeanBetween(U, uLo, tau) : uMean);
        if (f < 1) {
          back += 1 - f;
          backU += (1 - f) * cdfMeanBetween(U, Math.max(uLo, tau), uHi);
        }
        continue;
      }
      const a = 1 - (k + (j + 1) / J) / K;
      const b = 1 - (k + j / J) / K;
      aq[j] = a;
      bq[j] = b;
      const ft = plF(U, tau);
      const f = Math.min(1, Math.max(0, (ft - a) / (b - a)));
      stay += f;
      stayG += f * gj;
      if (f > 0) stayU += f * bandMean(a, Math.min(b, ft));
      if (f < 1) {
        back += 1 - f;
        backU += (1 - f) * bandMean(Math.max(a, ft), b);
      }
    }
    if (stay > 0) {
      // B arrives after the displacement: g after the notify, u₁ before the coordinator's start.
      const w = stay / J / K;
      const xMean = stayU / stay;
      const from = (compFrom = segA.length);
      schedule(w, g, Math.max(0, stayG / stay - xMean));
      comps.push({ w, taus: taus.slice(), aq: aq.slice(), bq: bq.slice(), reparks: false, xMean, from, to: segA.length });
    }
    if (back > 0) {
      // B re-parked: notified again at the displacement, back one wake-up later; A lost u₂ there.
      const w = back / J / K;
      pCond += w;
      const xMean = backU / back + uMean;
      const from = (compFrom = segA.length);
      for (let k2 = 0; k2 < K; k2++) {
        const g2 = pp.workerWakeGaps[k2] + c.steal;
        // Coupled, B's second wake-up in stratum k2 comes with the notify of the complementary band.
        const u2 = coupled ? bandMean(1 - (k2 + 1) / K, 1 - k2 / K) : uMean;
        schedule(w / K, g2, Math.max(0, coordEnd + g2 - u2));
      }
      comps.push({ w, taus: taus.slice(), aq: aq.slice(), bq: bq.slice(), reparks: true, xMean, from, to: segA.length });
    }
  }
  const d = new LatencyDist(pp.wakeCdf, Math.max(1, segA.length));
  for (let i = 0; i < segA.length; i++) d.addSegment(segA[i], segB[i], segW[i]);
  pp.dist = d;
  let maxB = 0;
  for (const b of segB) if (b > maxB) maxB = b;
  const mix = new IdleMixture((pCond > 0 ? 2 : 1) * Math.max(0, uHi) + maxB + 1);
  // u₂'s CDF and its integral on the mixture's grid (looked up once per sub-point and grid point).
  const u2 = mix.grid((v) => plF(U, v));
  const FU = (v: number) => plF(U, v);
  const GU = u2.G;
  const FU2 = u2.F;
  for (const q of comps) {
    // The stratum's branch: u₁ ≤ τ_j (stays) or u₁ > τ_j then + u₂ (re-parks), over its sub-points.
    const t = q.taus;
    if (coupled) {
      mix.add(q.w, bandBranch(U, t, q.aq, q.bq, q.reparks, FU2, GU), q.xMean, segA, segB, segW, q.from, q.to);
      continue;
    }
    const ft = Array.from(t, (x) => plF(U, x));
    const mass = ft.reduce((x, f) => x + (q.reparks ? 1 - f : f), 0);
    const first = q.reparks ? clippedMixture(U, t, ft, mass) : null;
    const fx = q.reparks
      ? first
        ? (v: number) => convolveAt(v, first, FU2, GU)
        : (v: number) => {
            let s = 0;
            for (let j = 0; j < J; j++) if (ft[j] < 1) s += convolveAt(v, U, FU2, GU, t[j]);
            return s / mass;
          }
      : (v: number) => {
          const fv = FU(v);
          let s = 0;
          for (let j = 0; j < J; j++) s += Math.min(fv, ft[j]);
          return s / mass;
        };
    mix.add(q.w, fx, q.xMean, segA, segB, segW, q.from, q.to);
  }
  pp.offEndNs = offEnd;
  pp.forkSpanMean = spanMean;
  pp.forkSpanM2 = spanM2;
  const extra = uMean * pCond;
  pp.setupShiftNs += extra;
  // The displacement's notify is drawn inside the coordinator's poll (when there is one).
  if (pp.shape.coordinator) {
    pp.coordNotifyNs = extra;
    pp.batchCpuNs += extra;
  }
  pp.idleShiftNs = c.remoteCheck;
  pp.notifiesPerBatch += pCond;
  d.setIdle(1, 0);
  const [lo, hi] = d.segmentRange();
  pp.fast = new FastLatency(d, lo, hi, d.wakeMax(), mix.finish(pp.wakeCdf));
}

/**
 * The CDF of a component's delay when u₁ and the helper's wake-up are one draw: over the sub-points
 * j, u₁ uniform in U's quantile band [a_j, b_j] and in the branch (stays: u₁ ≤ τ_j; re-parks:
 * u₁ > τ_j, then + u₂ ~ U, independent). Stays: Σ_j (clamp(min(F(v), F(τ_j)), a_j, b_j) − a_j) /
 * Σ_j P_j; re-parks: u₁'s clipped mixture (one piecewise-linear CDF on U's knots and the band
 * edges) convolved with u₂.
 */
function bandBranch(
  U: PiecewiseCdf,
  t: Float64Array,
  aq: Float64Array,
  bq: Float64Array,
  reparks: boolean,
  FU2: (v: number) => number,
  GU: (v: number) => number,
): (v: number) => number {
  const J = t.length;
  const ft = Array.from(t, (x) => plF(U, x));
  const lo = ft.map((f, j) => (reparks ? Math.min(bq[j], Math.max(aq[j], f)) : aq[j]));
  const hi = ft.map((f, j) => (reparks ? bq[j] : Math.max(aq[j], Math.min(bq[j], f))));
  const wd = Array.from(aq, (a, j) => bq[j] - a);
  let mass = 0;
  for (let j = 0; j < J; j++) mass += (hi[j] - lo[j]) / wd[j];
  if (!reparks)
    return (v: number) => {
      const fv = plF(U, v);
      let s = 0;
      for (let j = 0; j < J; j++) s += (Math.min(hi[j], Math.max(lo[j], fv)) - lo[j]) / wd[j];
      return s / mass;
    };
  const knots = [...U.xs];
  for (let j = 0; j < J; j++) knots.push(cdfQuantile(U, lo[j]), cdfQuantile(U, hi[j]));
  knots.sort((a, b) => a - b);
  const ns: number[] = [];
  const p: number[] = [];
  for (const x of knots) {
    if (ns.length > 0 && !(x > ns[ns.length - 1])) continue;
    const f = plF(U, x);
    let m = 0;
    for (let j = 0; j < J; j++) m += (Math.min(hi[j], Math.max(lo[j], f)) - lo[j]) / wd[j];
    ns.push(x);
    p.push(Math.min(1, Math.max(p.length ? p[p.length - 1] : 0, m / mass)));
  }
  p[0] = 0;
  p[p.length - 1] = 1;
  const first = cdfOf({ dist: 'quantiles', p, ns });
  return (v: number) => convolveAt(v, first, FU2, GU);
}

/**
 * The draw u₁ of a re-park component: u₁ | u₁ > τ_j over the sub-points j, as one piecewise-linear
 * CDF (Σ_j (F(x) − F(τ_j))⁺ / mass, linear between U's knots and the τ_j), so that adding u₂ is
 * one convolution; null when U has a point mass (the caller sums over j instead).
 */
function clippedMixture(U: PiecewiseCdf, taus: Float64Array, ft: number[], mass: number): PiecewiseCdf | null {
  const { xs, ps } = U;
  if (ps[0] > 0 || !(mass > 0)) return null;
  for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1])) return null;
  const lo = xs[0];
  const hi = xs[xs.length - 1];
  const knots = [...xs];
  for (const t of taus) if (t > lo && t < hi) knots.push(t);
  knots.sort((a, b) => a - b);
  const ns: number[] = [];
  const p: number[] = [];
  for (const x of knots) {
    if (ns.length > 0 && x === ns[ns.length - 1]) continue;
    const f = plF(U, x);
    let m = 0;
    for (let j = 0; j < taus.length; j++) if (x > taus[j]) m += f - ft[j];
    ns.push(x);
    p.push(Math.min(1, Math.max(p.length ? p[p.length - 1] : 0, m / mass)));
  }
  p[0] = 0;
  p[p.length - 1] = 1;
  return cdfOf({ dist: 'quantiles', p, ns });
}

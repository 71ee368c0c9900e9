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
import { cdfOf, cdfQuantile, FastLatency, LatencyDist } from './percentiles.js';
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
  /**
   * multi_thread: what a worker pays to unpark another (unpark_halted's mean — unpark_remote
   * without it — once the other's vCPU has halted between batches, else unpark_worker;
   * docs/semantics.md, Notify).
   */
  unparkNs: number;
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
    unparkNs: halted ? (c.unparkHalted ? costMoments(c.unparkHalted).mean : c.unparkRemote) : c.unparkWorker,
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
  pp.setupShiftNs = mt ? c.remoteCheck + (wait === 'yield' ? 0 : pp.unparkNs) : pickupNs;
  prepareOffsets(pp);
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

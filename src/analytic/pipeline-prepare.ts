/**
 * The pipeline model, step 1 (once per plan + model; pipeline.ts has the rest): recognise what
 * can be modelled (one wait strategy for every stage, stages doing the same work, no small
 * bounded channels, …), then the per-batch quantities — jobs (records per partition message),
 * the coordinator's CPU per batch, each job's CPU, the per-record cost and its second moment,
 * the arrival process (rate λ and c_a²), the pickup-delay distribution — and each job's record
 * offsets inside a batch (rate-independent).
 *
 * Phase: analyze. Formulas: docs/analytic.md.
 *
 * This module recognises the shape and assembles the PreparedPipeline; the source's arrivals and
 * pickup wake-up are in pipeline-arrivals.ts, the record offsets in pipeline-offsets.ts, and the
 * multi_thread notify chain in pipeline-notify-chain.ts.
 */
import type { Ctx } from './context.js';
import { recordRefs, workM2, workNs } from './context.js';
import type { PipelineShape, StageShape } from './plan-shape.js';
import { cdfOf, LatencyDist, type FastLatency, type PiecewiseCdf } from './percentiles.js';
import type { PlanCost } from '../plan/types.js';
import type { LatencyPrediction } from './prediction.js';
import { costMoments } from './costs.js';
import { ctYieldRound } from './current-thread.js';
import { hostPolls } from '../plan/runtime-costs.js';
import { arrivalsOf, mixCosts, warmOrCold } from './pipeline-arrivals.js';
import { prepareOffsets, wakeGaps } from './pipeline-offsets.js';
import { prepareNotifyChain } from './pipeline-notify-chain.js';

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

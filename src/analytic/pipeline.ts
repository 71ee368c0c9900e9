/**
 * The pipeline model: a source delivering batches of B records, an optional coordinator that
 * routes each batch to P partition channels, and stages that receive with a wait strategy and
 * process each record (the `pipeline` and `sequential` templates).
 *
 *   1. prepare (once per plan + model): per-batch jobs (records per partition message), the
 *      coordinator's CPU per batch C, each job's CPU S_j, per-record cost r, the arrival process
 *      (rate λ and c_a²), the pickup-delay distribution (wake-up, or yield-round residual)
 *   2. evaluate (hot path, plain arithmetic): utilizations → refuse when ρ ≥ 1 (DS4004);
 *      queueing delay (exact for periodic arrivals that never queue; M/G/1 with setup times —
 *      Welch — for a current_thread runtime that parks; Kingman on the worker pool for
 *      multi_thread); record offsets inside a batch (current_thread: the batch's jobs run back to
 *      back; multi_thread: list scheduling over the workers that the wake chain brings in, one
 *      wake latency apart); percentiles of delay + offset
 *
 * Phase: analyze. Formulas and bands: docs/analytic.md.
 */
import type { Ctx } from './context.js';
import { add, addWork, workM2, workNs } from './context.js';
import type { PipelineShape, StageShape } from './plan-shape.js';
import { emptyTask, emptyWorker, type Prediction, type TaskPrediction } from './prediction.js';
import { cdfOf, FastLatency, LatencyDist } from './percentiles.js';
import { costMoments } from './costs.js';
import { arrivalScv, kingmanWaitMean, mg1SetupBusyProb, mg1SetupWaitMean } from './queueing.js';
import { ctYieldRound } from './current-thread.js';
import { listSchedule } from './multi-thread.js';

type WaitKind = 'await' | 'yield' | 'sleep';

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
  overshootMean: number;
  lockHoldNs: number;
  dist: LatencyDist;
  approx: string;
  /** Filled at prepare: rate-independent per-batch quantities. */
  batchCpuNs: number;
  maxStageNs: number;
  recordVarNs2: number;
  setupShiftNs: number;
  offEndNs: number;
  fast: FastLatency | undefined;
  out: PipelineCore;
}

/** Returns a prepared pipeline, or the reason it cannot be modelled. */
export function preparePipeline(ctx: Ctx, shape: PipelineShape): PreparedPipeline | { shape: string; detail: string } {
  const { plan, c } = ctx;
  const rt = plan.runtime;
  const mt = rt.flavor === 'multi_thread';
  const src = plan.sources[shape.source];
  const flavor = rt.flavor;
  const no = (detail: string) => ({ shape: 'this pipeline', detail: `${detail} (${flavor})` });

  // Wait strategy: one step, the same for every stage.
  const w0 = JSON.stringify(shape.stages[0].wait);
  if (shape.stages.some((s) => JSON.stringify(s.wait) !== w0)) return no('stages wait in different ways');
  const step = shape.stages[0].wait;
  if (step.length !== 1)
    return no(
      `a back-off sequence of ${step.length} wait steps (${step.map((s) => s.kind).join(' → ')}): how long each step lasts depends on arrival phases`,
    );
  let wait: WaitKind;
  let sleepNs = 0;
  const s0 = step[0];
  if (s0.kind === 'await_recv') wait = 'await';
  else if (s0.kind === 'yield_spin' && s0.times < 0) wait = 'yield';
  else if (s0.kind === 'sleep') {
    wait = 'sleep';
    sleepNs = s0.ns;
    if (rt.driver === 'none') return no('sleep without the timer driver');
    if (mt)
      return no(
        "sleep-polling stages: which worker fires a stage's timer depends on who holds the shared driver and when workers park",
      );
  } else return no(`the '${s0.kind}' wait step: a spinning stage holds its thread for an arrival-phase-dependent time`);
  // A bounded channel only differs (beyond its costs) when it fills: refuse small capacities,
  // where back-pressure would stall the coordinator; below overload the queues stay short.
  if (shape.stages.some((s) => plan.channels[s.channel].kind === 'bounded' && plan.channels[s.channel].capacity < 16))
    return no('bounded partition channels with capacity < 16 (back-pressure stalls the coordinator)');

  // Arrivals.
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
      if (n < 2) return no('a trace with fewer than two arrivals');
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
  if (!(batches >= 1)) return no('the source delivers no batch');

  // Coordinator.
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

  // Stages: the per-record cost must be the same for every stage (the template's partitions are).
  const st0 = shape.stages[0];
  const recKey = (s: StageShape) =>
    JSON.stringify([s.perRecord, s.recordLocks.length, s.pre, s.post, s.writer?.hold ?? [], s.ack !== undefined]);
  if (shape.stages.some((s) => recKey(s) !== recKey(st0))) return no('stages do different work');
  const recordNs = workNs(ctx, st0.perRecord) + st0.recordLocks.length * c.mutex;
  const recordM2 =
    workM2(ctx, st0.perRecord) +
    (st0.recordLocks.length * c.mutex) ** 2 +
    2 * workNs(ctx, st0.perRecord) * st0.recordLocks.length * c.mutex;
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
  const wk = costMoments(c.wakeLatency);
  const ov = costMoments(c.parkOvershoot);
  // Pickup of a batch: an OS wake-up when the runtime parks between batches; for yield spinners
  // the rest of the current round (current_thread) or of a worker's 61-tick inject interval.
  const mtSpinPickup = (61 * idlePollNs) / Math.max(1, Math.min(rt.workers, rt.cores));
  let wake = cdfOf(c.wakeLatency);
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
            : 'exact: periodic arrivals, no queueing (wake latency from the model)'
          : 'approx: M/G/1 with setup times (Welch), exponential waiting tail';
  const pp: PreparedPipeline = {
    ctx,
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
    overshootMean: ov.mean,
    lockHoldNs,
    dist: new LatencyDist(wake),
    approx,
    batchCpuNs: 0,
    maxStageNs: 0,
    recordVarNs2: Math.max(0, recordM2 - recordNs * recordNs),
    setupShiftNs: 0,
    offEndNs: 0,
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
  const pickupNs = mt ? c.remoteCheck : c.driverPoll + (pp.coordBlockOn ? 0 : c.remoteCheck);
  pp.batchCpuNs = pickupNs + coordNs + totalJobNs + (mt ? 0 : c.remoteCheck);
  pp.setupShiftNs = mt ? c.remoteCheck + (wait === 'yield' ? 0 : c.unparkWorker) : pickupNs;
  prepareOffsets(pp);
  return pp;
}

/** Utilization of each resource; the largest is the bottleneck. */
export interface Loads {
  coordinator: number;
  partition: number;
  cores: number;
  lock: number;
}

/** The numbers an evaluation produces (ns), written in place by `evaluatePipelineCore`. */
export interface PipelineCore {
  overloaded: boolean;
  resource: string;
  rho: number;
  endNs: number;
  records: number;
  meanNs: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
  pBusy: number;
  bottleneck: string;
}

/** Step 2 of the module comment, rate-independent: each job's record offsets, the batch's makespan. */
function prepareOffsets(pp: PreparedPipeline): void {
  const { ctx, jobs } = pp;
  const c = ctx.c;
  const d = pp.dist;
  const P = pp.shape.stages.length;
  d.reset();
  let offEnd = 0;
  const coordEnd = pp.coordNs;
  // Sleep-polling stages see a message only at their next timer expiry: the batch's records are
  // shifted by that residual (a few discrete values, see sleepShifts).
  const nShift = pp.wait === 'sleep' ? sleepShifts(pp) : 1;
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
      const gap = pp.wait === 'yield' ? 0 : pp.wakeMean + c.steal;
      const start0 = coordEnd + (pp.wait === 'yield' ? pp.idlePollNs / 2 : 0) + shift;
      end = listSchedule(
        jobs,
        pp.threads,
        start0,
        gap,
        coordEnd,
        pp.recordNs,
        pp.wait === 'yield' ? 0 : c.unparkWorker,
        d,
        nShift,
      );
    }
    offEnd += end / nShift;
  }
  pp.offEndNs = offEnd;
  d.setIdle(1, 0);
  const [lo, hi] = d.segmentRange();
  pp.fast = new FastLatency(d, lo, hi, d.wakeMax());
}

/**
 * Step 3, the hot path: loads → overload; queueing delay; percentiles; time line. Writes into
 * `pp.out` (no allocation) and returns it.
 */
export function evaluatePipelineCore(pp: PreparedPipeline): PipelineCore {
  const { ctx, jobs } = pp;
  const out = pp.out;
  const lambda = pp.lambda;
  const B = pp.recordsPerBatch;
  // 1. Loads (per-stage CPU per batch was summed at prepare).
  const batchCpu = pp.batchCpuNs;
  let bottleneck = 'cores';
  let rho = pp.mt ? (lambda * batchCpu) / pp.threads : lambda * batchCpu;
  const lc = lambda * pp.coordNs;
  const lp = lambda * pp.maxStageNs;
  const ll = lambda * jobs.length * pp.lockHoldNs;
  if (lc > rho) {
    bottleneck = 'coordinator';
    rho = lc;
  }
  if (lp > rho) {
    bottleneck = 'partition';
    rho = lp;
  }
  if (ll > rho) {
    bottleneck = 'lock';
    rho = ll;
  }
  out.resource = bottleneck;
  out.rho = rho;
  out.records = pp.batches * B;
  if (rho >= 1) {
    out.overloaded = true;
    return out;
  }
  out.overloaded = false;
  out.bottleneck = pp.wait === 'sleep' ? 'timer' : bottleneck;
  // 2. Delay before the coordinator starts: wake-up from idle, queueing when busy.
  const sMean = batchCpu / (pp.mt ? Math.max(1, Math.min(pp.threads, jobs.length)) : 1);
  const sM2 = sMean * sMean + B * pp.recordVarNs2;
  const uMean = pp.wakeMean;
  const uM2 = pp.wakeM2;
  let waitMean: number;
  let pBusy: number;
  if (pp.periodic) {
    // Deterministic arrivals that never find the previous batch still in progress: no queue.
    if (pp.offEndNs + uMean < 1 / lambda) {
      waitMean = 0;
      pBusy = 0;
    } else {
      const s = sMean + uMean;
      waitMean = kingmanWaitMean(lambda, s, 0, (uM2 - uMean * uMean) / (s * s));
      pBusy = Math.min(1, lambda * s);
    }
  } else if (!pp.mt && pp.wait === 'await') {
    pBusy = mg1SetupBusyProb(lambda, sMean, uMean);
    waitMean = mg1SetupWaitMean(lambda, sMean, sM2, uMean, uM2) - (1 - pBusy) * uMean;
  } else {
    waitMean = kingmanWaitMean(lambda, sMean, pp.ca2, sM2 / (sMean * sMean) - 1);
    pBusy = Math.min(1, lambda * sMean);
  }
  out.pBusy = pBusy;
  const f = pp.fast!;
  const shift = pp.setupShiftNs;
  if (pp.wait === 'sleep') {
    // A stage's timer expires on an idle runtime (overshoot added) unless an arrival's wake-up
    // polls the driver first: idle share 1 − λ·1 ms. Queueing is negligible next to the grid.
    const idleShare = Math.max(0, 1 - lambda * ctx.plan.runtime.timerResolutionNs);
    f.set(1 - idleShare, 0, shift + waitMean, shift + waitMean);
  } else f.set(pBusy, pBusy > 0 ? Math.max(0, waitMean) / pBusy : 0, shift, shift);
  // 3. Percentiles.
  out.meanNs = f.mean();
  out.p50Ns = f.quantile(0.5);
  out.p90Ns = f.quantile(0.9, out.p50Ns);
  out.p99Ns = f.quantile(0.99, out.p90Ns);
  out.p999Ns = f.quantile(0.999, out.p99Ns);
  out.maxNs = out.records > 0 ? f.quantile(Math.max(0.999, 1 - 0.5 / out.records), out.p999Ns) : out.p999Ns;
  // 4. Time line: the last batch arrives, waits, and is processed; sleep-polling stages notice
  // the close only at their next expiry.
  const lastArrival = pp.firstArrivalNs + (pp.batches - 1) / lambda;
  out.endNs = lastArrival + uMean + shift + waitMean + pp.offEndNs + (pp.wait === 'sleep' ? sleepPeriod(pp) : 0);
  return out;
}

/** Evaluates a prepared pipeline into a Prediction, or the overload refusal's parameters. */
export function evaluatePipeline(
  pp: PreparedPipeline,
): Prediction | { resource: string; rho: number; capacity: number; offered: number } {
  const o = evaluatePipelineCore(pp);
  const B = pp.recordsPerBatch;
  if (o.overloaded)
    return { resource: o.resource, rho: o.rho, capacity: (B / (o.rho / pp.lambda)) * 1e9, offered: pp.lambda * B * 1e9 };
  const latency = { meanNs: o.meanNs, p50Ns: o.p50Ns, p90Ns: o.p90Ns, p99Ns: o.p99Ns, p999Ns: o.p999Ns, maxNs: o.maxNs };
  return buildPrediction(pp, {
    endNs: o.endNs,
    records: o.records,
    latency,
    bottleneck: o.bottleneck,
    batchCpu: pp.batchCpuNs,
    totalJobNs: 0,
    offEnd: pp.offEndNs,
    pBusy: o.pBusy,
  });
}

/** Expected period of a sleep(d) polling loop on an idle runtime: grid-rounded deadline + overshoot. */
function sleepPeriod(pp: PreparedPipeline): number {
  const res = pp.ctx.plan.runtime.timerResolutionNs;
  return res + pp.ctx.c.timerRegister + pp.sleepNs + pp.overshootMean;
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

interface EvalParts {
  endNs: number;
  records: number;
  latency: Prediction['latency'];
  bottleneck: string;
  batchCpu: number;
  totalJobNs: number;
  offEnd: number;
  pBusy: number;
}

function buildPrediction(pp: PreparedPipeline, e: EvalParts): Prediction {
  const { ctx, shape, jobs } = pp;
  const c = ctx.c;
  const N = pp.batches;
  const B = pp.recordsPerBatch;
  const P = shape.stages.length;
  const end = e.endNs;
  const bd: Record<string, number> = {};
  const tasks: TaskPrediction[] = ctx.plan.tasks.map(() => emptyTask());
  const co = shape.coordinator;
  // Coordinator.
  if (co) {
    const busy = N * pp.coordNs;
    tasks[co.task] = { elapsedNs: end, busyNs: busy, polls: N + 1, yields: 0, wait: { recv: end - busy } };
    add(bd, 'poll', N * c.poll);
    add(bd, 'recv', N * (c.recvU + c.wakerRegister));
    add(bd, 'send', N * jobs.length * c.sendU);
    add(bd, 'spawn', P * c.spawn);
    add(bd, 'join', P * c.join);
    const route = co.route;
    const cat = ctx.plan.costs[route.cost].category;
    add(bd, cat, N * B * ctx.costs[route.cost].mean);
    addWork(ctx, bd, co.pre, N);
  }
  // Stages.
  let yields = 0;
  let idleSpinNs = 0;
  const spinners = pp.wait === 'yield';
  const cpuBusy = N * e.batchCpu;
  // Idle rounds of yield spinners fill the time the batches leave free.
  const freeNs = Math.max(0, end * pp.threads - cpuBusy);
  const idlePolls = spinners ? freeNs / (pp.mt ? pp.idlePollNs + c.driverPoll / 1 : pp.roundNs / P) : 0;
  shape.stages.forEach((st, p) => {
    let msgs = 0;
    let recs = 0;
    let busy = 0;
    for (const j of jobs)
      if (j.stage === p || shape.coordinator?.route.policy === 'sticky') {
        const share = shape.coordinator?.route.policy === 'sticky' ? 1 / P : 1;
        msgs += N * share;
        recs += N * share * j.records;
        busy += N * share * j.serviceNs;
      }
    const myIdle = spinners ? idlePolls / P : 0;
    const y = spinners ? myIdle + msgs : 0;
    yields += y;
    busy += spinners ? myIdle * pp.idlePollNs : 0;
    idleSpinNs += spinners ? myIdle * pp.idlePollNs : 0;
    const w: TaskPrediction['wait'] = spinners
      ? { deferred: end - busy }
      : pp.wait === 'sleep'
        ? { sleep: end - busy }
        : { recv: end - busy };
    tasks[st.task] = {
      elapsedNs: end,
      busyNs: busy,
      polls: msgs + (spinners ? myIdle : pp.wait === 'sleep' ? end / sleepPeriod(pp) : 1),
      yields: y,
      wait: w,
    };
    add(bd, 'poll', (msgs + (spinners ? myIdle : 0)) * c.poll);
    add(bd, 'recv', msgs * (pp.wait === 'await' ? c.recvU + c.wakerRegister : 2 * c.tryRecvU));
    addWork(ctx, bd, st.perRecord, recs);
    addWork(ctx, bd, st.pre, msgs);
    addWork(ctx, bd, st.post, msgs);
    if (st.writer) addWork(ctx, bd, st.writer.hold, msgs);
    if (st.writer) add(bd, 'lock', msgs * c.mutex);
    if (st.recordLocks.length) add(bd, 'lock', recs * st.recordLocks.length * c.mutex);
    if (st.ack !== undefined) add(bd, 'send', msgs * c.sendU);
    if (spinners) {
      add(bd, 'yield', y * c.yieldExtra);
      add(bd, 'recv', myIdle * c.tryRecvU);
    }
    if (pp.wait === 'sleep') add(bd, 'timer', (end / sleepPeriod(pp)) * c.timerRegister);
  });
  // Runtime overheads.
  const driverPolls = spinners && !pp.mt ? idlePolls / P + N : N;
  add(bd, 'driver', driverPolls * c.driverPoll);
  add(bd, 'remote', N * 2 * c.remoteCheck);
  if (pp.mt) add(bd, 'unpark', N * c.unparkWorker * Math.min(pp.threads - 1, jobs.length));
  const workers: Prediction['workers'] = [];
  const T = pp.threads;
  const busyTotal = cpuBusy + idleSpinNs;
  if (!pp.mt) {
    const w = emptyWorker('current_thread');
    w.busyNs = Math.min(end, busyTotal);
    w.spinNs = 0;
    w.idleNs = Math.max(0, end - w.busyNs);
    w.polls = N * (1 + jobs.length) + (spinners ? idlePolls : 0);
    w.driverPolls = driverPolls;
    w.parks = spinners ? 0 : N;
    w.unparks = spinners ? 0 : N;
    workers.push(w);
  } else {
    for (let i = 0; i < ctx.plan.runtime.workers; i++) {
      const w = emptyWorker(`worker-${i}`);
      const share = i < T ? 1 / T : 0;
      w.busyNs = busyTotal * share;
      w.idleNs = Math.max(0, end - w.busyNs);
      w.polls = (N * (1 + jobs.length) + (spinners ? idlePolls : 0)) * share;
      w.driverPolls = driverPolls * share;
      w.parks = spinners ? 0 : N * share * Math.min(T, jobs.length);
      w.unparks = w.parks;
      w.steals = spinners ? 0 : N * share * Math.max(0, Math.min(T, jobs.length) - 1);
      workers.push(w);
    }
    if (co?.start === 'block_on') workers.push(emptyWorker('block_on'));
  }
  const warnings: string[] = [];
  if (spinners && pp.mt)
    warnings.push(
      "yields/record of yield-spinning stages on multi_thread is a rough estimate (a spinner's cycle depends on steals and on which worker holds the driver); latency and throughput are the predictions",
    );
  if (e.pBusy > 0.7)
    warnings.push(
      `high load (arrivals find the runtime busy ${(e.pBusy * 100).toFixed(0)}% of the time): the queueing tail is an approximation`,
    );
  return {
    approximation: pp.approx,
    bottleneck: e.bottleneck,
    records: e.records,
    endNs: end,
    latency: e.latency,
    yields,
    tasks,
    workers,
    breakdownNs: bd,
    warnings,
  };
}

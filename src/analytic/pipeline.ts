/**
 * The pipeline model: a source delivering batches of B records, an optional coordinator that
 * routes each batch to P partition channels, and stages that receive with a wait strategy and
 * process each record (the `pipeline` and `sequential` templates).
 *
 *   1. prepare (once per plan + model; pipeline-prepare.ts): per-batch jobs (records per partition message), the
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
import { add, addWork, recordRefs } from './context.js';
import { emptyTask, emptyWorker, type Prediction, type TaskPrediction } from './prediction.js';
import { kingmanWaitMean, mg1SetupBusyProb, mg1SetupWaitMean } from './queueing.js';
import type { PipelineCore, PreparedPipeline } from './pipeline-prepare.js';

/** Utilization of each resource; the largest is the bottleneck. */
export interface Loads {
  coordinator: number;
  partition: number;
  cores: number;
  lock: number;
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
  const lc = lambda * (pp.coordNs + pp.coordNotifyNs);
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
  // The pool is taken for a batch's makespan when helpers wake late (forkSpan), at least its
  // CPU spread over the workers.
  const spread = batchCpu / (pp.mt ? Math.max(1, Math.min(pp.threads, jobs.length)) : 1);
  const sMean = Math.max(spread, pp.forkSpanMean);
  const sM2 = Math.max(spread * spread, pp.forkSpanM2) + B * pp.recordVarNs2;
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
  } else f.set(pBusy, pBusy > 0 ? Math.max(0, waitMean) / pBusy : 0, pp.idleShiftNs, shift);
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
    const busy = N * (pp.coordNs + pp.coordNotifyNs);
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
    addWork(ctx, bd, recordRefs(ctx, st.perRecord, false), recs);
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
  // A pop of the woken task (the lock) and a look at the emptied queue (free on current_thread from 1.29).
  add(bd, 'remote', N * ((pp.mt ? c.remoteCheck : pp.ctx.remotePopNs) + c.remoteCheck));
  if (pp.mt) add(bd, 'unpark', N * pp.unparkNs * pp.notifiesPerBatch);
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

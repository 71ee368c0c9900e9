/**
 * Closed forms for a block_on producer sending to a spawned consumer on tokio's current_thread
 * scheduler (tokio-mechanics.md §1; the simulator's `runtime/current-thread.ts` rules):
 *
 *   without waiting: all sends in one poll, then the consumer drains 128 messages per poll
 *     (coop budget)
 *   a sleeping producer on an idle runtime: period = 1 ms + (time to the deadline) + E[park
 *     overshoot] (phase on the 1 ms grid uniform)
 *   a yield-paced producer: Y block_on yield rounds per message, the sending round also polling
 *     the consumer
 *
 * Phase: analyze. Every function returns a Prediction in ns (or why there is no closed form).
 */
import type { Ctx } from './context.js';
import { add, addWork, recordRefs, workNs } from './context.js';
import { RECORD_CATEGORY } from '../plan/result-parts.js';
import type { ProducerConsumerShape } from './plan-shape.js';
import { emptyTask, type LatencyPrediction, type Prediction } from './prediction.js';
import { LatencyDist } from './percentiles.js';
import { costMoments } from './costs.js';
import { constLatency, COOP_BUDGET, ctWorker, ctYieldRound } from './current-thread.js';

/** The block_on future sends messages to a spawned consumer, optionally sleeping before each. */
export function ctProducerConsumer(ctx: Ctx, s: ProducerConsumerShape): Prediction | string {
  if (s.recordStart && s.perRecord.some((r) => ctx.plan.costs[r.cost].cost.dist !== 'const'))
    return "records timed from record_start take their work's own distribution; only constant per-record work has a closed form here";
  if (s.pace.kind === 'sleep' && s.pace.ns > 0) return ctTimedProducer(ctx, s);
  if (s.tailSleepNs > 0)
    return 'a sleep after a send loop that does not sleep: it starts while the consumer may still be busy, so the timer can fire on a busy runtime';
  if (s.pace.kind === 'yield') return ctYieldPacedProducer(ctx, s);
  return ctBurstProducer(ctx, s);
}

/**
 * When each record of a message ends, from the send's timestamp (the send op's start): the
 * consumer's first receive ends at `base`; item i's record k (1-based) at
 * `base + i·(recv + recs·work) + k·work` — point masses for up to 200 records a message, else one
 * uniform segment per item. Records timed from `record_start` take exactly their own work.
 */
function messageLatency(ctx: Ctx, s: ProducerConsumerShape, base: number, work: number, records: number): LatencyPrediction {
  if (s.recordStart) return constLatency(work);
  const recs = s.messageIsRecord ? 1 : s.recordsPerItem;
  const items = s.itemsPerSend;
  const step = ctx.c.recvU + recs * work;
  const dist = new LatencyDist(null);
  dist.reset();
  if (items * recs <= 200)
    for (let i = 0; i < items; i++)
      for (let k = 1; k <= recs; k++) dist.addSegment(base + i * step + k * work, base + i * step + k * work, 1);
  else if (items <= 200)
    for (let i = 0; i < items; i++) dist.addSegment(base + i * step + work, base + i * step + recs * work, recs);
  else dist.addSegment(base + work, base + (items - 1) * step + recs * work, 1);
  return latencyOf(dist, records);
}

/** The producer's `record_start` before each send (0 when it has none or the model charges none). */
function stampNs(ctx: Ctx, s: ProducerConsumerShape): number {
  return s.stampsSends ? ctx.c.recordStart : 0;
}

/** No sleep: every send happens in the producer's first poll; the consumer drains afterwards. */
function ctBurstProducer(ctx: Ctx, s: ProducerConsumerShape): Prediction {
  const c = ctx.c;
  const EI = ctx.plan.runtime.eventInterval;
  const items = s.messages * s.itemsPerSend;
  const recs = s.messageIsRecord ? 1 : s.recordsPerItem;
  const recRefs = recordRefs(ctx, s.perRecord, s.recordStart);
  // A record_start right before each send: its cost per message, spread over the message's items.
  const sendU = c.sendU + stampNs(ctx, s) / s.itemsPerSend;
  const work = workNs(ctx, recRefs);
  const perItem = c.recvU + recs * work;
  const sendsEnd = c.poll + c.spawn + items * sendU; // the close costs nothing
  const consumerPolls = Math.ceil(items / COOP_BUDGET) + 1;
  const perPoll = c.poll + c.driverPoll / EI;
  // Record k (0-based over all items) ends at consumerStart + (polls so far)·poll + (k+1)·perItem.
  const consumerStart = sendsEnd + c.remoteCheck;
  const dist = new LatencyDist(null);
  dist.reset();
  const groups = Math.min(s.messages, 200);
  for (let g = 0; g < groups; g++) {
    const m0 = Math.floor((g * s.messages) / groups);
    const m1 = Math.floor(((g + 1) * s.messages) / groups) - 1;
    const first = m0 * s.itemsPerSend;
    const last = (m1 + 1) * s.itemsPerSend - 1;
    const endOf = (k: number) => consumerStart + (1 + Math.floor(k / COOP_BUDGET)) * perPoll + (k + 1) * perItem;
    const tsOf = (m: number) => c.poll + c.spawn + m * s.itemsPerSend * sendU;
    const lo = Math.min(endOf(first) - tsOf(m0), endOf(m1 * s.itemsPerSend) - tsOf(m1));
    const hi = Math.max(endOf(last) - tsOf(m1), endOf((m0 + 1) * s.itemsPerSend - 1) - tsOf(m0));
    dist.addSegment(lo, hi, (last - first + 1) * recs);
  }
  const consumerEnd = consumerStart + consumerPolls * perPoll + items * perItem;
  const end = consumerEnd + c.driverUnparkIo + c.remoteCheck + c.driverPoll + c.poll + c.join;
  const records = items * recs;
  const bd: Record<string, number> = {
    poll: (consumerPolls + 2) * c.poll,
    driver: (consumerPolls / EI + 1) * c.driverPoll,
    send: items * c.sendU,
    recv: items * c.recvU,
    spawn: c.spawn,
    join: c.join,
    unpark: c.driverUnparkIo,
    remote: 2 * c.remoteCheck,
  };
  addWork(ctx, bd, recRefs, records);
  if (stampNs(ctx, s) > 0) add(bd, RECORD_CATEGORY, s.messages * stampNs(ctx, s));
  const tasks = ctx.plan.tasks.map(() => emptyTask());
  tasks[s.producer] = {
    elapsedNs: end,
    busyNs: sendsEnd + c.poll + c.join,
    polls: 2,
    yields: 0,
    wait: { join: end - sendsEnd - c.poll - c.join },
  };
  tasks[s.consumer] = {
    elapsedNs: consumerEnd - (c.poll + c.spawn),
    busyNs: consumerPolls * c.poll + items * perItem,
    polls: consumerPolls,
    yields: 0,
    wait: { runnable: consumerStart - c.poll - c.spawn },
  };
  return {
    approximation: 'exact: burst of sends, coop-budget drain',
    bottleneck: channelOrRuntime(bd),
    records,
    endNs: end,
    latency: s.recordStart ? constLatency(work) : latencyOf(dist, records),
    yields: 0,
    tasks,
    workers: ctWorker(end, consumerPolls + 2, consumerPolls / EI + 1),
    breakdownNs: bd,
    warnings: [],
  };
}

/**
 * Producer sleeps before (or after) each send on an otherwise idle runtime: a timer-bound loop.
 * Either order is the same cycle — wake-up, the producer's poll (send, register the next sleep),
 * the consumer's poll, park — and differs only in the first send (in the first poll) and in what
 * follows the last sleep (send first: nothing; else the last message). A sleep after the loop is
 * one more cycle of its own length.
 */
function ctTimedProducer(ctx: Ctx, s: ProducerConsumerShape): Prediction | string {
  const c = ctx.c;
  const res = ctx.plan.runtime.timerResolutionNs;
  if (ctx.plan.runtime.driver === 'none') return 'sleep needs the timer driver';
  const recs = s.messageIsRecord ? 1 : s.recordsPerItem;
  const recRefs = recordRefs(ctx, s.perRecord, s.recordStart);
  // A record_start right before each send: its cost per message, spread over the message's items.
  const sendU = c.sendU + stampNs(ctx, s) / s.itemsPerSend;
  const work = workNs(ctx, recRefs);
  const Y = s.yieldsPerMessage;
  const yr = ctYieldRound(ctx, 1, false);
  const overshoot = costMoments(c.parkOvershoot).mean;
  // From the wake-up to the sleep's deadline: driver poll (fires the timer; the block_on waker
  // unparks), the producer's poll, its send, the timer registration, the sleep itself.
  const toSleep = c.driverPoll + c.driverUnparkIo + c.poll + s.itemsPerSend * sendU;
  const a = toSleep + c.timerRegister + s.sleepNs;
  // Busy time after the wake-up until the runtime parks again.
  const consumerNs = c.remoteCheck + c.poll + s.itemsPerSend * (c.recvU + recs * work) + Y * yr.roundNs + c.wakerRegister;
  // Each sleep is registered with no timer pending (the driver poll that fired the last one left
  // next_wake empty): reregister unparks the driver — an eventfd write with the I/O driver — and
  // the next park returns at once after a driver poll (a yield's driver poll takes it when Y > 0).
  const reg = c.timerRegister + ctx.timerUnparkNs;
  const notifiedPark = Y === 0 ? c.driverPoll + c.remoteCheck : 0;
  // Driver polls a message: the park's and one a yield; without a yield, the notified park's too.
  const driverPolls = Y === 0 ? 2 : 1 + Y;
  const busy = toSleep + reg + consumerNs + c.remoteCheck + notifiedPark;
  if (busy >= s.sleepNs + c.timerRegister)
    return "the consumer is still busy when the producer's timer is due: the timer fires on a busy runtime";
  if (s.tailSleepNs > 0 && busy >= s.tailSleepNs + c.timerRegister)
    return "the consumer is still busy when the producer's last sleep is due: the timer fires on a busy runtime";
  // Phase on the grid uniform ⇒ E[tick − floor(now)] = res + a − busy ⇒ period = res + a + E[overshoot].
  const period = res + a + overshoot;
  const M = s.messages;
  // After the last wake-up: the last message (sleep first), or only the close (send first, where
  // the first message went out in the first poll, during the first sleep).
  const closeNs = c.driverPoll + c.driverUnparkIo + c.poll + c.remoteCheck;
  const lastNs = s.sendFirst ? closeNs : busy;
  // A sleep after the loop: registered at the end of the last producer poll.
  const tailA = s.tailSleepNs > 0 ? (s.sendFirst ? closeNs : toSleep) + c.timerRegister + s.tailSleepNs : 0;
  const tailPeriod = s.tailSleepNs > 0 ? res + tailA + overshoot : 0;
  const end = M * period + tailPeriod + (s.tailSleepNs > 0 ? closeNs : lastNs);
  const records = M * s.itemsPerSend * recs;
  // A record ends after the producer's remaining poll (timer registration), the consumer's poll,
  // its receive, and the work of the records before it in the message.
  const base = s.itemsPerSend * sendU + reg + c.poll + c.recvU;
  const yields = M * Y;
  const sleeps = M + (s.tailSleepNs > 0 ? 1 : 0);
  const bd: Record<string, number> = {
    poll: M * (2 + Y) * c.poll,
    yield: yields * c.yieldExtra,
    driver: M * driverPolls * c.driverPoll,
    send: M * s.itemsPerSend * c.sendU,
    recv: M * (s.itemsPerSend * c.recvU + c.wakerRegister),
    timer: sleeps * c.timerRegister,
    unpark: M * c.driverUnparkIo + sleeps * ctx.timerUnparkNs,
    remote: M * ((Y === 0 ? 3 : 2) + Y * yr.remoteChecks) * c.remoteCheck,
    spawn: c.spawn,
    join: c.join,
  };
  addWork(ctx, bd, recRefs, records);
  if (stampNs(ctx, s) > 0) add(bd, RECORD_CATEGORY, M * stampNs(ctx, s));
  const tasks = ctx.plan.tasks.map(() => emptyTask());
  const pBusy = M * (c.poll + s.itemsPerSend * sendU) + sleeps * reg;
  tasks[s.producer] = {
    elapsedNs: end,
    busyNs: pBusy,
    polls: sleeps + 2,
    yields: 0,
    wait: { sleep: end - pBusy - busy },
  };
  const cBusy = M * (consumerNs - c.remoteCheck - Y * (c.driverPoll + c.remoteCheck));
  tasks[s.consumer] = {
    elapsedNs: end - c.poll - c.spawn,
    busyNs: cBusy,
    polls: M * (1 + Y) + 1,
    yields,
    wait: { recv: end - M * consumerNs },
  };
  const wk = ctWorker(M * busy, M * (2 + Y), M * driverPolls, sleeps);
  wk[0].idleNs = end - M * busy;
  return {
    approximation: 'timer grid: idle park, phase uniform on the 1 ms grid',
    bottleneck: 'timer',
    records,
    endNs: end,
    latency: messageLatency(ctx, s, base, work, records),
    yields,
    tasks,
    workers: wk,
    breakdownNs: bd,
    warnings: [],
  };
}

/**
 * The block_on producer yields Y times per message (before or after its send) and the consumer
 * awaits each message. Every yield is a block_on yield round — the poll, `yield_now`, an empty
 * tick, the driver poll that wakes the deferred future (and its unpark) — and the round that
 * sends also polls the consumer, which the send put on the local queue:
 * `cycle = Y·R_bo + items·send + poll + items·(recv + recs·work) + waker_register`. Exact.
 */
function ctYieldPacedProducer(ctx: Ctx, s: ProducerConsumerShape): Prediction | string {
  const c = ctx.c;
  const rt = ctx.plan.runtime;
  if (s.pace.kind !== 'yield') throw new Error('internal: ctYieldPacedProducer without a yield pace');
  if (s.yieldsPerMessage > 0)
    return 'the producer and the consumer both yield: which of them the driver poll wakes first follows the defer list, not a closed form here';
  const Y = s.pace.n;
  const M = s.messages;
  const items = s.itemsPerSend;
  const recs = s.messageIsRecord ? 1 : s.recordsPerItem;
  const recRefs = recordRefs(ctx, s.perRecord, s.recordStart);
  // A record_start right before each send: its cost per message, spread over the message's items.
  const sendU = c.sendU + stampNs(ctx, s) / s.itemsPerSend;
  const work = workNs(ctx, recRefs);
  const R = ctYieldRound(ctx, 1, true);
  const consumerPoll = c.poll + items * (c.recvU + recs * work) + c.wakerRegister;
  // One pick in Y + 1 is the consumer's; a pick on a global-queue tick looks at the remote queue first.
  const dueNs = c.remoteCheck / rt.globalQueueInterval;
  const cycle = Y * R.roundNs + items * sendU + consumerPoll + dueNs;
  // Before the loop: the spawn, and (yield first) the consumer's first poll finding nothing.
  const startNs = c.spawn + (s.sendFirst ? 0 : c.remoteCheck + c.poll + c.wakerRegister);
  // After it: the close and the join, the consumer's last poll seeing the channel closed.
  const closeNs = 2 * c.poll + c.join + c.remoteCheck + c.driverPoll + c.driverUnparkIo;
  const end = startNs + M * cycle + closeNs;
  const records = M * items * recs;
  const yields = M * Y;
  const producerPolls = yields + 2;
  // Yield first: one poll finds nothing; the message polls follow, the last of which sees the close.
  // Send first: the first poll takes the first message; one more sees the close.
  const consumerPolls = M + 1;
  const base = items * sendU + c.yieldExtra + c.poll + c.recvU;
  const bd: Record<string, number> = {
    poll: (producerPolls + consumerPolls) * c.poll,
    yield: yields * c.yieldExtra,
    driver: (yields + 1) * c.driverPoll,
    send: M * items * c.sendU,
    recv: M * (items * c.recvU + c.wakerRegister),
    remote: (yields + 2 + M / rt.globalQueueInterval) * c.remoteCheck,
    unpark: (yields + 1) * c.driverUnparkIo,
    spawn: c.spawn,
    join: c.join,
  };
  addWork(ctx, bd, recRefs, records);
  if (stampNs(ctx, s) > 0) add(bd, RECORD_CATEGORY, M * stampNs(ctx, s));
  const tasks = ctx.plan.tasks.map(() => emptyTask());
  const pBusy = producerPolls * c.poll + c.spawn + M * items * sendU + yields * c.yieldExtra + c.join;
  tasks[s.producer] = { elapsedNs: end, busyNs: pBusy, polls: producerPolls, yields, wait: { deferred: end - pBusy } };
  const cBusy = consumerPolls * c.poll + M * (items * (c.recvU + recs * work) + c.wakerRegister);
  const cElapsed = end - c.poll - c.spawn;
  tasks[s.consumer] = { elapsedNs: cElapsed, busyNs: cBusy, polls: consumerPolls, yields: 0, wait: { recv: cElapsed - cBusy } };
  return {
    approximation: 'exact: yield-paced sends, one consumer poll per message',
    bottleneck: channelOrRuntime(bd),
    records,
    endNs: end,
    latency: messageLatency(ctx, s, base, work, records),
    yields,
    tasks,
    workers: ctWorker(end, producerPolls + consumerPolls, yields + 1),
    breakdownNs: bd,
    warnings: [],
  };
}

/** `channel` when sends and receives are at least half of the CPU time, else `runtime`. */
function channelOrRuntime(bd: Record<string, number>): 'channel' | 'runtime' {
  let total = 0;
  for (const v of Object.values(bd)) total += v;
  return (bd.send ?? 0) + (bd.recv ?? 0) >= 0.5 * total ? 'channel' : 'runtime';
}

/** Percentiles of a filled distribution; max = the quantile at 1 − 1/(2n). */
export function latencyOf(d: LatencyDist, n: number): LatencyPrediction {
  const p50 = d.quantile(0.5);
  const p90 = d.quantile(0.9, p50);
  const p99 = d.quantile(0.99, p90);
  const p999 = d.quantile(0.999, p99);
  const max = n > 0 ? d.quantile(Math.max(0.999, 1 - 0.5 / n), p999) : p999;
  return { meanNs: d.mean(), p50Ns: p50, p90Ns: p90, p99Ns: p99, p999Ns: p999, maxNs: max };
}

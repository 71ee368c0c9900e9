/**
 * tokio's multi_thread scheduler (tokio-mechanics.md §2), 1.24 rules.
 *
 * N workers, each with a LIFO slot (never stolen) and a 256-slot local queue (overflow: half to
 * the inject queue). Worker loop: tick; maintenance every event_interval (61) ticks = a
 * non-blocking driver poll if the shared driver's try_lock succeeds, then deferred wakers; next
 * task: every global_queue_interval (61) ticks inject → LIFO → local, otherwise LIFO → local →
 * inject; else steal half from a random victim (searcher limit 2·searching < workers); else a
 * non-blocking driver poll if yielders wait, else park (in the driver if it is free, timed by the
 * timer wheel; otherwise on the worker's condvar). Wakes from a worker go to its LIFO slot (the
 * displaced task to the back of the local queue + notify); yields/self-wakes to the back of the
 * local queue + notify; wakes from outside to the inject queue + notify. notify_parked wakes the
 * most recently parked worker only if nobody is searching; leaving the searching state as the
 * last searcher notifies another worker. The block_on future runs on its own thread (not a
 * worker). Unpark latencies are drawn from the model's wake_latency distribution.
 *
 * Cores: when runnable threads outnumber `cores`, threads get cores in FIFO order and a running
 * thread is preempted after `timesliceNs` if another waits (round-robin; see docs/semantics.md).
 *
 * Versions (plan.runtime.semantics, plan/tokio-versions.ts): from tokio 1.29 a LIFO chain is capped
 * at MAX_LIFO_POLLS_PER_TICK polls, the global queue interval is tuned from an EWMA of poll times
 * (gqi-tuning.ts), an idle worker takes a batch from the inject queue, and (1.52) overflow moves
 * the local queue's second half. docs/semantics.md, "tokio versions".
 *
 * Phase: simulate.
 */
import { quantileAt } from './costs.js';
import { mix, mixRing, type StateWalk } from './fast-forward.js';
import type { CostModel } from '../schema/model.js';
import type { Plan, PlanCost } from '../plan/types.js';
import { IntRing } from './rings.js';
import { K as S } from './state.js';
import {
  HIT_CLOCK_READ,
  HIT_REWAKE,
  HIT_UNPARK_HALTED,
  HIT_UNPARK_REMOTE,
  HIT_WORKER_WAKE_PACK,
  HIT_YIELD_PARALLEL,
  type SimOptions,
} from './simulator.js';
import { Ev as E } from './events.js';
import { PollingSimulator } from './poll.js';
import { Code as O, spinYieldSteps, yieldLoopSteps } from './code.js';
import { EWMA_SEED_NS, tunedInterval, updatedEwma } from './gqi-tuning.js';
import { chargeSourceHold } from './source-hold.js';

const COOP_BUDGET = 128;
const LOCAL_CAP = 256;

export class MultiThreadSim extends PollingSimulator {
  private readonly W: number;
  private readonly bo: number; // block_on thread id, or -1
  private readonly local: IntRing[];
  private readonly lifo: Int32Array;
  private readonly inject = new IntRing(64);
  /**
   * Tasks in all local queues together (PERF, issue 20: a steal attempt that every other queue
   * would refuse skips the scan; kept as the queues change, which a fast-forward jump does not).
   */
  private nLocal = 0;
  private readonly tick: Int32Array;
  /**
   * Per worker: tick % event_interval and tick % the global queue interval in force, kept as the
   * tick moves (PERF: two integer divisions per tick otherwise); walkFlavor recomputes them after
   * a fast-forward jump moves the tick.
   */
  private readonly tickEi: Int32Array;
  private readonly tickGqi: Int32Array;
  private readonly searching: Uint8Array;
  private readonly parked: Uint8Array;
  private readonly inDriver: Uint8Array;
  private readonly sleepers = new IntRing(16);
  private numSearching = 0;
  private numUnparked: number;
  private driverOwner = -1;
  private boNotified = false;
  private readonly pickedTask: Uint8Array; // polled something since the last unpark (no-op wake accounting)
  /** Per task definition: yieldLoopSteps of its program (yieldStep's common poll, PERF). */
  private readonly yieldLoops = this.codes.map(yieldLoopSteps);
  /** Per task definition: spinYieldSteps of its program (yieldStep's yield-spin poll, PERF). */
  private readonly spinYields = this.codes.map(spinYieldSteps);
  /** Per task definition: per pc, the yield that the jump there goes to after a yield-spin's try_recv, else -1 (spinStep). */
  private readonly spinJumps = this.spinYields.map((ys) => {
    const out = new Int32Array(ys.length).fill(-1);
    for (let pc = 0; pc + 1 < ys.length; pc++) if (ys[pc] >= 0) out[pc + 1] = ys[pc];
    return out;
  });
  // Cores.
  private readonly cores: number;
  private coresFree: number;
  private readonly onCore: Uint8Array;
  private readonly waitingCore = new IntRing(8);
  private readonly sliceStart: Float64Array;
  private readonly readySince: Float64Array;
  // Version semantics, read once (never a version string in the loop).
  private readonly lifoCap: number; // 0 = no cap (1.24)
  private readonly lifoSlot: boolean;
  private readonly eventInterval: number;
  private readonly gqiTuned: boolean;
  /** 1.29+: clock reads when a worker stops / starts processing scheduled tasks (Stats, MetricsBatch). */
  private readonly statsClock: boolean;
  private readonly injectBatch: boolean;
  private readonly overflowSecondHalf: boolean;
  /** Per worker: LIFO polls in the current run_task, and whether the slot is disabled for the rest of it. */
  private readonly lifoPolls: Int32Array;
  private readonly lifoOff: Uint8Array;
  /** Per worker: the global queue interval in force, the poll-time EWMA, the current batch's start and polls. */
  private readonly gqi: Int32Array;
  private readonly ewma: Float64Array;
  private readonly batchStart: Float64Array;
  private readonly batchPolls: Float64Array;
  private readonly overflowScratch = new Int32Array(LOCAL_CAP / 2);
  /**
   * Fast-forward (tuned interval only): counts the moments where the phase of `tick % interval`
   * could change what happens — a pick while the inject queue is not empty, or an EWMA that would
   * retune the interval. While it stays put, a global-queue tick behaves as any other tick.
   */
  private gqiPhaseMattered = 0;

  constructor(plan: Plan, model: CostModel, opts: SimOptions) {
    const W = plan.runtime.workers;
    const hasBo = plan.tasks.some((t) => t.start === 'block_on');
    super(plan, model, opts, W + (hasBo ? 1 : 0));
    this.W = W;
    this.remoteFrom = W;
    this.bo = hasBo ? W : -1;
    this.local = Array.from({ length: W }, () => new IntRing(LOCAL_CAP));
    this.lifo = new Int32Array(W).fill(-1);
    this.tick = new Int32Array(W);
    this.tickEi = new Int32Array(W);
    this.tickGqi = new Int32Array(W);
    this.searching = new Uint8Array(W);
    this.parked = new Uint8Array(this.nThreads);
    this.inDriver = new Uint8Array(W);
    this.numUnparked = W;
    this.pickedTask = new Uint8Array(W);
    this.cores = plan.runtime.cores;
    this.coresFree = this.cores;
    this.onCore = new Uint8Array(this.nThreads);
    this.sliceStart = new Float64Array(this.nThreads);
    this.readySince = new Float64Array(this.nThreads);
    const sem = plan.runtime.semantics;
    this.lifoCap = sem.lifoPollsPerTick;
    this.lifoSlot = plan.runtime.lifoSlot;
    this.eventInterval = plan.runtime.eventInterval;
    this.gqiTuned = sem.gqiTuned;
    this.statsClock = sem.statsClock;
    this.injectBatch = sem.injectBatch;
    this.overflowSecondHalf = sem.overflowSecondHalf;
    this.lifoPolls = new Int32Array(W);
    this.lifoOff = new Uint8Array(W);
    this.gqi = new Int32Array(W).fill(plan.runtime.globalQueueInterval);
    this.ewma = new Float64Array(W).fill(EWMA_SEED_NS);
    this.batchStart = new Float64Array(W);
    this.batchPolls = new Float64Array(W);
  }

  override threadName(th: number): string {
    return th === this.bo ? 'block_on' : `worker-${th}`;
  }

  start(): void {
    this.spawnInitialTasks((id) => this.inject.pushBack(id));
    // The workers are idle when the root future first runs (docs/semantics.md, "Start-up"): each
    // found nothing after Runtime::build and parked — the first to park holds the driver, the last
    // is the first a notify pops — and their vCPUs halted long before t = 0 (the probe idles ≥ 300
    // µs there). The tasks spawned at start are spawned by the root future on the main thread:
    // inject queue + notify_parked (one worker while it searches), a cold wake-up from outside.
    for (let w = 0; w < this.W; w++) {
      this.numUnparked--;
      this.sleepers.pushBack(w);
      this.parked[w] = 1;
      this.thrPos[w] = E.P_PARKED;
      this.thrParkStart[w] = 0;
      this.stParks[w]++; // counted, so that every unpark has its park
      this.haltBegan(w, -Infinity);
    }
    if (this.W > 0) this.parkInDriver(0, 0);
    for (let i = 0; i < this.inject.length; i++) this.notifyParked(-1);
    if (this.bo >= 0) {
      this.tasks.state[this.blockOnTask] = S.T_QUEUED;
      this.thrPos[this.bo] = E.P_OUTER;
      this.requestCore(this.bo, 0);
    }
  }

  // ---- cores (OS scheduling) -----------------------------------------------------------------

  /** A thread became runnable at `t`: give it a core, or queue it until one frees up. */
  private requestCore(th: number, t: number): void {
    if (this.onCore[th]) {
      this.wakeThreadAt(th, t);
      return;
    }
    if (this.coresFree > 0) {
      this.coresFree--;
      this.onCore[th] = 1;
      this.sliceStart[th] = t;
      if (this.waitingCore.length > 0 || this.needSlices())
        this.q.push(t + this.plan.runtime.timesliceNs, E.EV_SLICE, th, this.thrGen[th] + 1);
      this.wakeThreadAt(th, t);
      return;
    }
    this.readySince[th] = t;
    ++this.thrGen[th]; // nothing runs until a core is granted
    if (this.thrPos[th] === E.P_PARKED) {
      // Wake-up preemption (Linux CFS/EEVDF): a thread woken from a sleep does not wait for a
      // running thread's slice to end; it takes the core of the thread that has run longest, at
      // once. Threads preempted at a slice's end wait their turn behind it (FIFO).
      this.waitingCore.pushFront(th);
      const v = this.preemptionVictim();
      if (v >= 0) {
        this.forcePreempt[v] = 1;
        this.q.push(t, E.EV_SLICE, v, -1);
      }
    } else this.waitingCore.pushBack(th);
    this.armSlices(t);
  }

  /** The running thread that has been on its core longest and is not already being preempted, or -1. */
  private preemptionVictim(): number {
    let v = -1;
    for (let o = 0; o < this.nThreads; o++)
      if (this.onCore[o] && !this.forcePreempt[o] && (v < 0 || this.sliceStart[o] < this.sliceStart[v])) v = o;
    return v;
  }

  private needSlices(): boolean {
    return this.nThreads > this.cores;
  }

  /** Arm slice expiries on running threads when someone waits for a core. */
  private armSlices(t: number): void {
    for (let th = 0; th < this.nThreads; th++) {
      if (this.onCore[th]) this.q.push(Math.max(t, this.sliceStart[th] + this.plan.runtime.timesliceNs), E.EV_SLICE, th, -1);
    }
  }

  /** A thread parks: free its core for a waiting thread. */
  private releaseCore(th: number, t: number): void {
    if (!this.onCore[th]) {
      // Preempted by a packed wake-up, it parked before handing back: it parks instead of waiting.
      if (this.packPreempted[th] === 1) {
        this.packPreempted[th] = 0;
        this.waitingCore.remove(th);
      }
      return;
    }
    this.onCore[th] = 0;
    this.coresFree++;
    this.grantWaiting(t);
  }

  private grantWaiting(t: number): void {
    while (this.coresFree > 0 && this.waitingCore.length > 0) {
      const next = this.waitingCore.popFront();
      // A thread may have asked for a core from a future instant (an unpark with wake latency):
      // it cannot start before that instant, and it was not descheduled before it either.
      const start = Math.max(t, this.readySince[next]);
      this.noteDescheduled(next, start);
      // Preempted by a packed wake-up: it runs again (its hand-back, if still queued, is stale).
      this.packPreempted[next] = 0;
      this.coresFree--;
      this.onCore[next] = 1;
      this.sliceStart[next] = start;
      this.thrT[next] = Math.max(this.thrT[next], start + this.preemptedAhead[next]);
      this.preemptedAhead[next] = 0;
      this.resched(next);
    }
  }

  /**
   * Thread `th`, runnable since readySince, gets a core at `start`: the wait is descheduled time,
   * and only that. A thread woken from a park was idle until it became runnable (its park ends
   * there, not when it got the core); a poll or spin wait it was preempted in did not run while
   * it waited (their starts move by the wait, so the poll's busy time excludes it).
   */
  private noteDescheduled(th: number, start: number): void {
    const ready = this.readySince[th];
    const wait = start - ready;
    this.stDesched[th] += wait;
    if (this.thrPos[th] === E.P_PARKED) {
      this.stIdle[th] += ready - this.thrParkStart[th];
      this.thrParkStart[th] = start;
      this.parkCounted[th] = 1;
    } else if (this.thrTask[th] >= 0) {
      this.thrPollStart[th] += wait;
      if (this.thrPos[th] === E.P_SPIN) this.thrSpinStart[th] += wait;
    }
  }

  /** The run ended: a thread still waiting for a core was descheduled until the end. */
  override settleFlavor(end: number): void {
    // Granted a core ahead of its wake-up (an unpark with wake latency): its idle time was
    // counted up to that wake-up, which may lie past the end.
    for (let th = 0; th < this.nThreads; th++)
      if (this.thrPos[th] === E.P_PARKED && this.parkCounted[th] && this.thrParkStart[th] > end) {
        this.stIdle[th] -= this.thrParkStart[th] - end;
        this.thrParkStart[th] = end;
      }
    for (let i = 0; i < this.waitingCore.length; i++) {
      const th = this.waitingCore.at(i);
      if (end > this.readySince[th]) this.noteDescheduled(th, end);
      this.readySince[th] = end;
      // As if granted at the end: the work a preemption left on its clock runs after it.
      this.thrT[th] = Math.max(this.thrT[th], end + this.preemptedAhead[th]);
    }
  }

  /** Time slice over: if a thread waits for a core, preempt this one (round-robin). */
  override onSlice(th: number): void {
    const now = this.q.timeNs;
    const forced = this.forcePreempt[th] === 1;
    this.forcePreempt[th] = 0;
    if (!this.onCore[th] || this.waitingCore.length === 0) return;
    if (!forced && now - this.sliceStart[th] < this.plan.runtime.timesliceNs) return;
    // Preempt: the work already charged to its clock resumes when it gets a core back.
    this.preemptedAhead[th] = Math.max(0, this.thrT[th] - now);
    this.onCore[th] = 0;
    this.coresFree++;
    ++this.thrGen[th];
    this.readySince[th] = now;
    this.waitingCore.pushBack(th);
    this.grantWaiting(now);
    this.armSlices(now);
  }

  /**
   * A parked thread is unparked: counted. A worker parked in the driver keeps the driver until it
   * runs again: tokio 1.24.2's `Parker::park` holds the driver's `TryLock` guard across
   * `driver.park` (which fires the expired timers before it returns) and drops it only on return
   * (`multi_thread/park.rs` 99–104, 148–176; 1.53.1 the same). So until the woken worker gets a
   * core (`afterPark`), another worker that parks finds the driver locked and parks on its condvar,
   * and a `park_timeout(0)` polls nothing.
   */
  private leavePark(th: number): void {
    this.parked[th] = 0;
    // A new wake-up: a waker's park no longer speaks for it (notifyParked sets it again).
    this.packWaker[th] = -1;
    this.packAt[th] = -1;
    this.stUnparks[th]++;
    if (th < this.W && this.inDriver[th]) {
      this.inDriver[th] = 0;
      this.wokeFromDriver[th] = 1;
    }
  }

  /**
   * A running worker `w` wakes the parked thread `th`
   * with a futex wake, and the guest places `th` on `w`'s vCPU (docs/semantics.md, "vCPU
   * packing"): the block_on thread woken by a worker (`boWake`: block_on_wake_preempt,
   * block_on_wake_latency), a worker woken by another worker (`workerWake`: worker_wake_preempt,
   * worker_wake_preempt_latency). With probability `pk.preempt`, drawn per
   * wake-up, `th` preempts `w` at once: `w` stops where it is — it hands back at its next check,
   * mid-poll too — and waits at the front of the queue for a core (`th`'s, when it parks, or any
   * released first; never the idle one, whose halted vCPU does not pull it), while `th` takes
   * `w`'s core and runs `pk.latency` (a draw) later (the switch). Otherwise `th` waits for a core
   * the same way: `w`'s when it parks, any other released first, or one freed at a running
   * thread's slice end — not one that is idle now. This is Linux's wake-up preemption on one
   * vCPU; `requestCore`'s `forcePreempt` is the same rule where every vCPU is busy and the woken
   * thread's vCPU is not chosen by its waker (a wake from outside the runtime). With `pk.hold`
   * (worker_wake_preempt_hold, measured by steal_hold), the preempted waker is held at most a
   * drawn hold: then the guest's load balancer moves one of the two to a vCPU that is free, and
   * the waker runs there (`onHold`).
   */
  private packedUnpark(
    th: number,
    w: number,
    now: number,
    pk: { preempt: number; latency: PlanCost; hold: PlanCost | null },
    owes = false,
  ): void {
    this.leavePark(th);
    const t = Math.max(now, this.thrParkStart[th]) + this.latency(pk.latency);
    // The share is drawn whatever `owes` says, so a run where no debt is ever owed draws as before.
    const preempt = (pk.preempt >= 1 || (pk.preempt > 0 && this.rngLatency.nextFloat() < pk.preempt)) && !owes;
    this.readySince[th] = t;
    if (!preempt) {
      ++this.thrGen[th];
      this.waitingCore.pushBack(th);
      this.armSlices(t);
      return;
    }
    // The core passes from w to th now; th runs once the switch is done.
    this.noteDescheduled(th, t);
    this.onCore[th] = 1;
    this.sliceStart[th] = now;
    this.thrT[th] = Math.max(this.thrT[th], t);
    this.wakeThreadAt(th, this.thrT[th]);
    this.onCore[w] = 0;
    ++this.thrGen[w];
    this.readySince[w] = now;
    this.preemptedAhead[w] = 0;
    this.waitingCore.pushFront(w);
    this.packPreempted[w] = 1;
    if (pk.hold !== null) {
      const at = now + this.latency(pk.hold);
      this.holdAt[w] = at;
      this.q.push(at, E.EV_HOLD, w, 0);
    }
    // Make w's loop hand back at its next check (handBackSlow re-queues it; runThread then finds
    // it off its core and leaves it waiting).
    this.eventsYield = this.events;
    this.armSlices(now);
  }

  /**
   * A packed wake-up's hold on the waker `th` ends (EV_HOLD): if it still waits for a core and one
   * is free (the idle vCPU, which a halted vCPU does not pull by itself), the guest's balancer
   * gives it that one now. Stale holds (a later preemption re-armed it) are ignored.
   */
  override onHold(th: number): void {
    const now = this.q.timeNs;
    if (this.holdAt[th] !== now) return;
    this.holdAt[th] = -1;
    if (this.onCore[th] || this.coresFree === 0 || !this.waitingCore.has(th)) return;
    this.waitingCore.remove(th);
    this.waitingCore.pushFront(th);
    if (this.readySince[th] > now) this.readySince[th] = now;
    this.grantWaiting(now);
  }

  /** Per thread: when its packed wake-up hold ends (EV_HOLD), -1 without one. */
  private readonly holdAt = new Float64Array(this.nThreads).fill(-1);

  /** The source thread woke at `t` without a CPU of its own: source_hold on a busy thread (source-hold.ts). */
  override sourceHold(t: number): void {
    this.sourceHoldTurn = chargeSourceHold(this, this.onCore, this.coresFree, t, this.sourceHoldTurn);
  }

  /** Which on-core thread the next source_hold falls on (in turn). */
  private sourceHoldTurn = 0;

  /**
   * Whether a wake of parked `th` by `from` is packed onto `from`'s vCPU: `from` is a runtime
   * thread on its core (not preempted already), and `th` neither holds a core nor waits for one
   * (its own timer fired meanwhile: it is woken as before).
   */
  private packs(th: number, from: number): boolean {
    return from >= 0 && from < this.nThreads && this.onCore[from] === 1 && this.onCore[th] === 0 && !this.waitingCore.has(th);
  }

  /** Per thread: preempted by a packed wake-up and still running its loop until its next check. */
  private readonly packPreempted = new Uint8Array(this.nThreads);
  /** Per worker: a notify_parked deferred until it runs again (preempted by a packed block_on wake-up). */
  private readonly notifyOnResume = new Uint8Array(this.nThreads);

  private readonly preemptedAhead = new Float64Array(this.nThreads);
  /** A woken thread is taking this thread's core (wake-up preemption): its EV_SLICE preempts at once. */
  private readonly forcePreempt = new Uint8Array(this.nThreads);
  /** The thread's current park was counted as idle up to its park start (noteDescheduled). */
  private readonly parkCounted = new Uint8Array(this.nThreads);

  // ---- wakes -------------------------------------------------------------------------------

  schedule(task: number, from: number, isYield: boolean): void {
    if (from >= 0 && from < this.W && !this.parked[from]) {
      if (isYield || !this.lifoSlot || this.lifoOff[from]) {
        this.pushLocal(from, task);
        this.notifyParked(from);
        return;
      }
      const prev = this.lifo[from];
      this.lifo[from] = task;
      if (prev >= 0) {
        this.pushLocal(from, prev);
        this.notifyParked(from);
      }
      return;
    }
    this.inject.pushBack(task);
    this.notifyParked(from);
  }

  private pushLocal(w: number, task: number): void {
    const l = this.local[w];
    if (l.length >= LOCAL_CAP) {
      if (this.overflowSecondHalf) {
        // 1.52+: the second half (the newest) goes, in queue order.
        const half = this.overflowScratch;
        for (let i = half.length - 1; i >= 0; i--) half[i] = l.popBack();
        for (let i = 0; i < half.length; i++) this.inject.pushBack(half[i]);
      } else for (let i = 0; i < LOCAL_CAP / 2; i++) this.inject.pushBack(l.popFront());
      this.nLocal -= LOCAL_CAP / 2;
      this.inject.pushBack(task);
      return;
    }
    l.pushBack(task);
    this.nLocal++;
  }

  /** idle.worker_to_notify: wake the most recently parked worker unless someone searches. */
  private notifyParked(from: number): void {
    if (from >= 0 && this.packPreempted[from] === 1) {
      // A packed wake-up preempted this worker at its futex wake: what it does next
      // (the rest of the fired timers, the notify when its park returns: worker.rs 808, 573–574)
      // happens when it runs again.
      this.notifyOnResume[from] = 1;
      return;
    }
    if (this.numSearching > 0 || this.numUnparked >= this.W || this.sleepers.length === 0) return;
    const w = this.sleepers.popBack();
    this.numUnparked++;
    this.numSearching++;
    this.searching[w] = 1;
    if (w === from) return; // notified itself while parking: park returns at once
    const now = this.nowOf(from);
    // The yield cycle: a worker yield-spinning since before `w` parked re-wakes it (its
    // transition_from_searching as the last searcher, every round `w` is parked) — what the probe
    // measured, a park no older than a re-wake itself (a longer one, e.g. `w` parked through a
    // long poll of the spinner, is woken as any other).
    const rewake =
      from >= 0 &&
      from < this.W &&
      this.yieldSince[from] >= 0 &&
      this.thrParkStart[w] >= this.yieldSince[from] &&
      now - this.thrParkStart[w] <= this.c.workerRewakeAge;
    let coupledWake = -1;
    if (from >= 0) {
      // The block_on thread (not a worker) pays unpark_remote (spawn_remote load=idle: a spawn from
      // outside the runtime that unparks a worker parked long). A worker whose target's vCPU has
      // halted pays unpark_halted, drawn (steal_wake: a worker's notifying send less its plain
      // one; unpark_remote without it); unpark_worker in the yield cycle, its target parked a
      // moment ago.
      let u = this.c.unparkWorker;
      if (from >= this.W) {
        u = this.c.unparkRemote;
        this.hitOptional[HIT_UNPARK_REMOTE] = 1;
      } else if (!rewake && this.vcpuHalted(w, now)) {
        const h = this.c.unparkHalted;
        const ww = this.c.workerWakeLatency;
        if (h !== null && h.dist === 'quantiles' && ww.dist === 'quantiles') {
          // One steal_wake wake-up, drawn once (docs/semantics.md, "One draw for the notify and the
          // wake-up"): its notifying call and the woken worker's latency are two sides of the same
          // event — a woken worker that preempts its waker makes the waker's call long (and holds
          // it off its vCPU) and runs within a few µs; one that does not leaves the call short and
          // waits. So the waker's cost is unpark_halted at quantile q and the woken worker's
          // latency worker_wake_latency at 1 − q (countermonotone), not two independent draws.
          const q = this.rngLatency.nextFloat();
          u = quantileAt(h, q);
          coupledWake = 1 - q;
        } else if (h !== null) u = this.latency(h);
        else {
          u = this.c.unparkRemote;
          this.hitOptional[HIT_UNPARK_REMOTE] = 1;
        }
        this.hitOptional[HIT_UNPARK_HALTED] = 1;
      }
      this.thrT[from] += u;
      this.breakdown[S.C_UNPARK] += u;
      // Inside a poll the poll's duration counts it; between polls it is busy time of its own.
      if (this.thrTask[from] < 0) {
        this.stBusy[from] += u;
        this.schedNoise(from, u);
      }
    }
    // steal_wake measured a worker's notify from inside a poll; the block_on thread's (from >= W)
    // is woken as before, and so is a yield-spinning worker's: mt_yield_cycle found the worker it
    // wakes back within a few µs, on the spinner's vCPU, in 14 of 16 runs (not steal_wake's split).
    let packed = false;
    if (!rewake && from < this.W && this.yieldSince[from] < 0 && this.packs(w, from)) {
      if (this.c.workerWake !== null) {
        this.packedUnpark(w, from, now, this.c.workerWake);
        return;
      }
      this.hitOptional[HIT_WORKER_WAKE_PACK] = 1;
      packed = true;
    }
    this.coupledWakeP = coupledWake;
    this.coupledWakeUsed = false;
    const at = this.unparkThread(w, now, from >= 0 && from < this.W, rewake);
    this.coupledWakeP = -1;
    if (packed && this.coupledWakeUsed && this.c.workerWakeLatency.dist === 'quantiles') {
      // The wake-up's slow mode is the time the woken worker waits for its waker's vCPU (steal_wake:
      // the waker spins 300 µs): it ends when the waker parks, one switch later (the fast mode's
      // switch, at the mirror quantile of the joint draw). docs/semantics.md, "The slow mode ends
      // when the waker parks".
      this.packWaker[w] = from;
      this.packAt[w] = at;
      this.packSwitch[w] = quantileAt(this.c.workerWakeLatency, Math.min(coupledWake, 1 - coupledWake));
    }
    this.coupledWakeUsed = false;
  }

  /**
   * Per worker woken by a busy worker's notify on the waker's vCPU (no `worker_wake_preempt` in the
   * model): the waker (-1: none), the drawn instant it runs at, and the switch onto the waker's vCPU
   * when the waker parks first (`wakerParks`).
   */
  private readonly packWaker = new Int32Array(this.nThreads).fill(-1);
  private readonly packAt = new Float64Array(this.nThreads).fill(-1);
  private readonly packSwitch = new Float64Array(this.nThreads);

  /**
   * Worker `th` parks (or re-parks) at `t`: a worker it woke on its vCPU that has not run yet runs
   * now, one switch later, if that is before its drawn wake-up.
   */
  private wakerParks(th: number, t: number): void {
    for (let w = 0; w < this.W; w++) {
      if (this.packWaker[w] !== th) continue;
      this.packWaker[w] = -1;
      const at = t + this.packSwitch[w];
      const drawn = this.packAt[w];
      this.packAt[w] = -1;
      // Already running, parked again, or due first anyway.
      if (this.thrPos[w] !== E.P_PARKED || this.parked[w] || at >= drawn) continue;
      if (this.onCore[w]) this.wakeThreadAt(w, at);
      else if (this.readySince[w] > at) this.readySince[w] = at;
    }
  }

  /**
   * Whether parked worker `w`'s vCPU has halted by `now`: parked past its halt-poll window (adaptive,
   * halt_poll_max; else the fixed halt_poll_window), or in a run whose host does not poll. False
   * without a halt-poll model (no notion of a halted vCPU: unpark_worker as before).
   */
  private vcpuHalted(w: number, now: number): boolean {
    return (this.c.haltPollMax > 0 || this.c.haltPollWindow > 0) && !this.inPollWindow(w, now);
  }

  /**
   * `byWorker`: woken by another worker (worker_wake_latency), else from outside (wake_latency);
   * `rewake`: by a worker yield-spinning since before it parked (worker_rewake_latency).
   */
  private unparkThread(th: number, now: number, byWorker = false, rewake = false): number {
    if (!this.parked[th]) return -1;
    this.leavePark(th);
    const t = Math.max(now, this.thrParkStart[th]);
    if (rewake && !(this.epRng !== null && this.inEpisode(t))) {
      if (this.c.absent.workerRewake) this.hitOptional[HIT_REWAKE] = 1;
      else {
        // Measured as a whole (mt_yield_cycle: whatever the host did with the vCPU), so no warm
        // or cold draw of its own; the vCPU's halt-poll window still sees the halt.
        const lat = this.latency(this.c.workerRewakeLatency);
        this.haltEnded(th, t - this.thrHaltStart[th] + lat);
        this.requestCore(th, t + lat);
        return t + lat;
      }
    }
    const at = t + this.unparkLatency(th, t, byWorker ? this.c.workerWakeLatency : this.c.wakeLatency);
    this.requestCore(th, at);
    return at;
  }

  /**
   * Per worker: when its current stretch of yield rounds began (the first park_timeout(0) for
   * deferred yielders since it last parked or found its queues dry without deferred tasks), -1
   * outside one.
   */
  private readonly yieldSince = new Float64Array(this.nThreads).fill(-1);

  private readonly wokeFromDriver = new Uint8Array(this.nThreads);

  wakeBlockOn(from: number): void {
    if (this.bo < 0) return;
    if (!this.parked[this.bo]) this.boNotified = true;
    else if (this.c.boWake !== null && from >= 0 && from < this.W && this.packs(this.bo, from)) {
      this.packedUnpark(this.bo, from, this.thrT[from], this.c.boWake, this.boOwes(from));
      if (this.onCore[this.bo]) {
        this.boRanOver = from;
        this.boRanFrom = this.thrT[from];
      } else this.boDebt[from] = 0; // it waits for `from`'s core: even again (or owed)
    } else this.unparkThread(this.bo, this.nowOf(from));
  }

  /**
   * No block_on task: the main thread, parked in block_on since it spawned the tasks at t = 0, is
   * woken by the worker that finished the last one (the JoinHandle's or Notify's waker: a futex
   * wake from another thread) and ends the run when it runs — a wake-up from outside of a thread
   * parked far longer than any halt-poll window (docs/semantics.md, "Start-up and the run's end").
   */
  override rootWakeNs(t: number): number {
    const c = this.c;
    if (this.epRng !== null && this.inEpisode(t)) return this.latency(c.episode!.wake);
    if (c.haltPollMax > 0 && !this.hostPolls) return this.latency(c.wakeLatencyNoPoll ?? c.wakeLatency);
    return this.latency(c.wakeLatency);
  }

  // ---- EEVDF lag between the block_on thread and the worker that woke it ------------------------
  // (docs/semantics.md, "Who runs first at a shared tick"). A packed wake-up shares the waker's
  // vCPU; Linux's EEVDF (kernel/sched/fair.c: place_entity keeps a sleeper's lag, pick_eevdf lets
  // a woken task preempt only when it is eligible) lets the block_on thread preempt its waker only
  // when it does not owe it CPU time: when, at their last meeting, it took the worker's core and
  // ran while the worker waited, it is not eligible at its next wake-up until the worker has run
  // as long since. Then it waits for the worker's core (the partition the worker just woke polls
  // first), and after that wait it is owed, so its next wake-up preempts: the traces' alternation.

  /** Per worker: how long the block_on thread last ran on that worker's core while it waited (ns, 0: nothing owed). */
  private readonly boDebt = new Float64Array(this.nThreads);
  /** Per worker: its running time (runningNs) when the debt was set. */
  private readonly boMark = new Float64Array(this.nThreads);
  /** The worker whose core the block_on thread took at a packed wake-up, until it parks (-1: none), and when. */
  private boRanOver = -1;
  private boRanFrom = 0;

  /** A thread's running time so far: its clock less idle and descheduled time (current while it runs or waits). */
  private runningNs(th: number): number {
    return this.thrT[th] - this.stIdle[th] - this.stDesched[th];
  }

  /** Whether the block_on thread still owes worker `w` the time it ran on `w`'s core at their last meeting. */
  private boOwes(w: number): boolean {
    const d = this.boDebt[w];
    if (d <= 0) return false;
    if (this.runningNs(w) - this.boMark[w] < d) return true;
    this.boDebt[w] = 0;
    return false;
  }

  /**
   * The block_on thread parks after taking worker `w`'s core at a packed wake-up: it owes `w` the
   * time it held the core, and `w` (still waiting for it) resumes one switch later — the way back
   * of the switch block_on_wake_latency times on the way in. Returns when the core is free again.
   */
  private boParks(t: number): number {
    const w = this.boRanOver;
    this.boRanOver = -1;
    if (!this.waitingCore.has(w)) return t;
    this.boDebt[w] = t - this.boRanFrom;
    this.boMark[w] = this.runningNs(w);
    return t + this.latency(this.c.boWake!.latency);
  }

  timerRegistered(tickNs: number, from: number): void {
    // A timer whose tick is earlier than the tick the driver owner parked for unparks the driver
    // (it re-parks with the new timeout): model as an unpark of the owner. tokio compares ticks,
    // `when < next_wake` (1.24.2 runtime/time/mod.rs `reregister` 339–392; 1.53.1 398–451), not
    // the owner's wake time: that lies past the tick by the park's sub-ms lateness and overshoot, so
    // a timer for the same tick must not unpark it.
    const o = this.driverOwner;
    if (o >= 0 && o !== from && this.parked[o] && tickNs < this.ownerTick[o]) {
      this.parked[o] = 0;
      this.inDriver[o] = 0;
      this.wokeFromDriver[o] = 1; // it keeps the driver until it runs (leavePark)
      this.stUnparks[o]++;
      const t = this.nowOf(from);
      this.requestCore(o, t + this.unparkLatency(o, t, this.c.wakeLatency));
    }
  }

  private readonly plannedWake = new Float64Array(this.nThreads).fill(Infinity);
  /** The tick (ns) a worker parked in the driver sleeps for: tokio's `next_wake`; Infinity: none. */
  private readonly ownerTick = new Float64Array(this.nThreads).fill(Infinity);
  private readonly stealSeed = this.rngSteal.nextU32();
  private readonly stealCount = new Float64Array(this.nThreads);

  // ---- thread loops --------------------------------------------------------------------------

  flavorSignature(): number {
    const rt = this.plan.runtime;
    let h = mix(mixRing(0, this.inject), this.driverOwner);
    for (let v = 0; v < this.W; v++) {
      h = mix(mixRing(mixRing(h, this.local[v]), this.defer[v]), this.lifo[v]);
      h = mix(h, this.tick[v] % rt.eventInterval);
      if (!this.gqiTuned) h = mix(h, this.tick[v] % this.gqi[v]);
      h = mix(h, this.lifoPolls[v] | (this.lifoOff[v] << 8));
      h = mix(h, this.searching[v] | (this.parked[v] << 1));
    }
    return h;
  }

  walkFlavor(w: StateWalk): void {
    const rt = this.plan.runtime;
    for (let v = 0; v < this.W; v++) {
      w.ex(this.lifo[v]);
      w.ring(this.local[v]);
      this.tick[v] += w.ac(this.tick[v]);
      this.tickEi[v] = this.tick[v] % rt.eventInterval;
      this.tickGqi[v] = this.tick[v] % this.gqi[v];
      w.ex(this.tick[v] % rt.eventInterval);
      // A tuned interval (1.29+, often 127 against event_interval 61) would make the joint period of
      // the tick residues 61·127 ticks: too long to find. Its phase is left out when no tick of the
      // stretch could have told it (gqiPhaseMattered, walked below, did not move).
      if (!this.gqiTuned) w.ex(this.tick[v] % this.gqi[v]);
      w.ex(this.gqi[v]);
      w.ex(this.ewma[v]);
      this.batchStart[v] += w.tm(this.batchStart[v]);
      w.ex(this.batchPolls[v]);
      w.ex(this.lifoPolls[v]);
      w.ex(this.lifoOff[v]);
      w.ex(this.searching[v]);
      w.ex(this.inDriver[v]);
      w.ex(this.pickedTask[v]);
      this.stealCount[v] += w.ac(this.stealCount[v]);
    }
    // A steal whose victim depended on the attempt's hash is like a random draw: a stretch that
    // made one is not a cycle (the skipped attempts would hash differently).
    w.ex(this.ffChoices);
    w.ex(this.gqiPhaseMattered);
    for (let th = 0; th < this.nThreads; th++) {
      w.ex(this.parked[th]);
      w.ex(this.onCore[th]);
      this.sliceStart[th] += w.tm(this.sliceStart[th]);
      this.readySince[th] += w.tm(this.readySince[th]);
      w.ex(this.preemptedAhead[th]);
      w.ex(this.wokeFromDriver[th]);
      w.ex(this.parkCounted[th]);
      w.ex(this.notifyOnResume[th]);
      w.ex(this.packPreempted[th]);
      this.plannedWake[th] += w.tm(this.plannedWake[th]);
      this.ownerTick[th] += w.tm(this.ownerTick[th]);
      this.yieldSince[th] += w.tm(this.yieldSince[th]);
      this.holdAt[th] += w.tm(this.holdAt[th]);
      w.ex(this.packWaker[th]);
      this.packAt[th] += w.tm(this.packAt[th]);
      w.ex(this.packSwitch[th]);
    }
    w.ring(this.inject);
    w.ring(this.sleepers);
    w.ring(this.waitingCore);
    w.ex(this.numSearching);
    w.ex(this.numUnparked);
    w.ex(this.driverOwner);
    w.ex(this.boNotified ? 1 : 0);
    w.ex(this.coresFree);
    for (let th = 0; th < this.nThreads; th++) {
      w.ex(this.boDebt[th]);
      // What is owed depends on how long the worker ran since the mark: equal in both snapshots,
      // and the mark (a running time) moves on with the worker's running time, n cycles of it.
      w.ex(this.boDebt[th] > 0 ? this.runningNs(th) - this.boMark[th] : 0);
      this.boMark[th] += w.ac(this.boMark[th]);
    }
    w.ex(this.boRanOver);
    this.boRanFrom += w.tm(this.boRanFrom);
  }

  runThread(th: number): void {
    if (!this.onCore[th]) {
      // Preempted by a packed block_on wake-up while it ran: what it did until it handed back ran
      // before it lost the core, so it waits for one from there (its books stay exact).
      if (this.packPreempted[th] === 1) {
        this.packPreempted[th] = 0;
        if (this.thrT[th] > this.readySince[th]) this.readySince[th] = this.thrT[th];
      }
      // A parked thread's own timeout (the driver owner's timer) fires: it needs a core again.
      // Any other off-core thread waits for a core and is resumed by grantWaiting.
      if (this.thrPos[th] === E.P_PARKED && this.parked[th]) this.requestCore(th, this.thrT[th]);
      return;
    }
    if (this.notifyOnResume[th] === 1) {
      this.notifyOnResume[th] = 0;
      // A worker's notify is for its stealable queue; the block_on thread's for the inject queue.
      if (th < this.W ? this.local[th].length > 0 : this.inject.length > 0) this.notifyParked(th);
    }
    if (th === this.bo) this.runBlockOn();
    else this.runWorker(th);
  }

  private runBlockOn(): void {
    const th = this.bo;
    for (;;) {
      if (this.finished) return;
      if (this.handBack(th)) return;
      const pos: number = this.thrPos[th];
      if (pos === E.P_PARKED) {
        this.stIdle[th] += this.thrT[th] - this.thrParkStart[th];
        this.thrPos[th] = E.P_OUTER;
      } else if (pos === E.P_OUTER) {
        const task = this.blockOnTask;
        if (this.tasks.state[task] === S.T_DONE) return;
        if (this.tasks.state[task] !== S.T_QUEUED && !this.boNotified) {
          this.parkThread(th);
          return;
        }
        this.boNotified = false;
        this.beginPoll(th, task);
        this.thrBudget[th] = COOP_BUDGET;
        if (!this.pollStep(th)) return;
      } else if (pos === E.P_POLL || pos === E.P_SPIN) {
        if (pos === E.P_SPIN) this.endSpin(th);
        if (!this.pollStep(th)) return;
      } else return;
    }
  }

  /** Runs the current poll on `th`; returns false when the thread must stop (ahead, spinning, done). */
  private pollStep(th: number): boolean {
    // A trace records every poll through the generic path (and so compares the two: yield-step.test.ts).
    let r = this.maxSpans === 0 ? this.yieldStep(th) : -1;
    if (r < 0) r = this.execPoll(th);
    if (r === E.R_AHEAD) {
      this.thrPos[th] = E.P_POLL; // already re-queued
      return false;
    }
    if (r === E.R_SPIN) return false;
    const task = this.thrTask[th];
    const out = this.finishPoll(th, r);
    if (th === this.bo) {
      // block_on thread: yield_now is deferred and woken just before park → polled again at once.
      if (out === E.R_YIELD || out === E.R_SELF) {
        this.tasks.state[task] = S.T_QUEUED;
        this.boNotified = true;
      }
      this.thrPos[th] = out === E.R_DONE ? E.P_DONE : E.P_OUTER;
      return out !== E.R_DONE;
    }
    if (out === E.R_YIELD) this.defer[th].pushBack(task);
    else if (out === E.R_SELF) this.schedule(task, th, true);
    this.thrPos[th] = E.P_OUTER;
    // LIFO chaining under the same budget; from 1.29 the MAX_LIFO_POLLS_PER_TICK-th chained poll
    // disables the slot until the chain ends (its wakes go to the back of the local queue).
    const l = this.lifo[th];
    if (l >= 0 && this.lifoSlot) {
      this.lifo[th] = -1;
      if (this.thrBudget[th] > 0) {
        this.stLifo[th]++;
        if (this.lifoCap > 0 && ++this.lifoPolls[th] >= this.lifoCap) this.lifoOff[th] = 1;
        this.beginPoll(th, l);
        return true;
      }
      this.pushLocal(th, l);
    }
    this.lifoOff[th] = 0; // the chain ended: reset_lifo_enabled
    return true;
  }

  /**
   * PERF (issue 20): the common poll of a yield loop — resumed at the loop's step back, with more
   * rounds to go — without the interpreter. It makes execPoll's checks before each op, in its
   * order (noise pause due, then hand-back), at the same clocks: the step (a jump back to the
   * yield), then the yield. Returns R_YIELD, or R_AHEAD where execPoll would have handed back
   * (the task's pc left where execPoll leaves it), or -1, having changed nothing since the last
   * op it ran, where the poll is another one or a noise pause is due: execPoll goes on from the
   * task's pc exactly as if it had run the ops before.
   */
  private yieldStep(th: number): number {
    const tk = this.tasks;
    const task = this.thrTask[th];
    const pc = tk.pc[task];
    const def = tk.def[task];
    const sl = this.yieldLoops[def][pc];
    if (sl < 0) return this.spinStep(th, task, def, pc);
    const slot = task * tk.slotsPerTask + sl;
    if (tk.slots[slot] <= 1) return -1;
    const t = this.thrT[th];
    if (t - this.thrPollStart[th] >= this.noiseLeft[th]) return -1;
    if (this.handBack(th)) return E.R_AHEAD;
    // The step: back to the yield (pc − 1).
    this.events++;
    tk.slots[slot]--;
    // The yield, at the same clock: no pause can be due that was not; the hand-back's event budget may run out.
    if (this.handBack(th)) {
      tk.pc[task] = pc - 1;
      return E.R_AHEAD;
    }
    this.events++;
    tk.yields[task]++;
    const y = this.c.yieldExtra;
    this.thrT[th] = t + y;
    this.breakdown[S.C_YIELD] += y;
    // The yield leaves the task at the step again.
    tk.pc[task] = pc;
    return E.R_YIELD;
  }

  /**
   * PERF (issue 20): yieldStep's other common poll, a yield-spin on an empty open channel — resumed
   * at a `try_recv` whose next op jumps to the yield (spinYieldSteps), or at that jump (a poll handed
   * back after its try_recv, spinJumps) — with execPoll's checks before each op, as yieldStep does.
   * Returns as yieldStep.
   */
  private spinStep(th: number, task: number, def: number, pc: number): number {
    const tk = this.tasks;
    let target = this.spinYields[def][pc];
    const ps = this.thrPollStart[th];
    const nl = this.noiseLeft[th];
    if (target >= 0) {
      const ch = this.channels[this.codes[def][pc * O.W + 1]];
      if (ch.q.length > 0 || ch.closed) return -1;
      if (this.thrT[th] - ps >= nl) return -1;
      if (this.handBack(th)) return E.R_AHEAD;
      // try_recv: nothing yet.
      this.events++;
      const c = this.c;
      const cost = ch.kind === 0 ? c.tryRecvU : ch.kind === 1 ? c.tryRecvB : c.lfPop;
      this.thrT[th] += cost;
      this.breakdown[S.C_RECV] += cost;
      ch.rxTask = task; // the receiving task, as the generic try_recv notes it (conc_send_*)
      pc++;
    } else {
      target = this.spinJumps[def][pc];
      if (target < 0) return -1;
    }
    // The jump to the yield.
    if (this.thrT[th] - ps >= nl) {
      tk.pc[task] = pc;
      return -1;
    }
    if (this.handBack(th)) {
      tk.pc[task] = pc;
      return E.R_AHEAD;
    }
    this.events++;
    // The yield, at the same clock.
    if (this.handBack(th)) {
      tk.pc[task] = target;
      return E.R_AHEAD;
    }
    this.events++;
    tk.yields[task]++;
    const y = this.c.yieldExtra;
    this.thrT[th] += y;
    this.breakdown[S.C_YIELD] += y;
    tk.pc[task] = target + 1;
    return E.R_YIELD;
  }

  private runWorker(w: number): void {
    for (;;) {
      if (this.finished) return;
      if (this.handBack(w)) return;
      const pos: number = this.thrPos[w];
      if (pos === E.P_PARKED) {
        if (!this.afterPark(w)) return; // woken by its timer with nothing to do: parked again
        continue;
      }
      if (pos === E.P_SPIN) {
        this.endSpin(w);
        if (!this.pollStep(w)) return;
        continue;
      }
      if (pos === E.P_POLL) {
        if (!this.pollStep(w)) return;
        continue;
      }
      // P_OUTER: one iteration of the worker loop.
      ++this.tick[w];
      if (++this.tickEi[w] === this.eventInterval) this.tickEi[w] = 0;
      if (++this.tickGqi[w] === this.gqi[w]) this.tickGqi[w] = 0;
      this.events++;
      if (this.tickEi[w] === 0) this.maintenance(w);
      const task = this.nextTask(w);
      if (task >= 0) {
        this.runTask(w, task);
        if (!this.pollStep(w)) return;
        continue;
      }
      this.endProcessing(w);
      const stolen = this.steal(w);
      if (stolen >= 0) {
        this.startProcessing(w);
        this.runTask(w, stolen);
        if (!this.pollStep(w)) return;
        continue;
      }
      if (this.defer[w].length > 0) {
        if (this.yieldSince[w] < 0) this.yieldSince[w] = this.thrT[w];
        this.parkTimeout0(w);
        this.startProcessing(w);
        // A round boundary (the yielders were just woken): idle spinning may be skipped from
        // here when the workers' joint state recurs (ff-checkpoint.ts).
        this.ffCheckpoint(w);
        continue;
      }
      this.yieldSince[w] = -1; // queues dry and nothing deferred: the yield stretch ended
      if (this.park(w)) return;
      this.startProcessing(w);
    }
  }

  private runTask(w: number, task: number): void {
    if (this.searching[w]) {
      this.searching[w] = 0;
      this.numSearching--;
      if (this.numSearching === 0) this.notifyParked(w);
    }
    this.pickedTask[w] = 1;
    this.lifoPolls[w] = 0;
    if (this.gqiTuned || this.statsClock) this.batchPolls[w]++;
    this.beginPoll(w, task);
    this.thrBudget[w] = COOP_BUDGET;
  }

  private nextTask(w: number): number {
    if (this.gqiTuned && this.inject.length > 0) this.gqiPhaseMattered++;
    if (this.tickGqi[w] === 0) {
      if (this.gqiTuned) {
        this.gqi[w] = tunedInterval(this.gqi[w], this.ewma[w]);
        this.tickGqi[w] = this.tick[w] % this.gqi[w];
      }
      const i = this.popInject(w);
      if (i >= 0) return i;
    }
    const l = this.lifo[w];
    if (l >= 0) {
      this.lifo[w] = -1;
      this.stLifo[w]++;
      return l;
    }
    const t = this.local[w].popFront();
    if (t >= 0) {
      this.nLocal--;
      return t;
    }
    return this.injectBatch ? this.popInjectBatch(w) : this.popInject(w);
  }

  /** 1.29+: an idle worker takes min(inject/workers + 1, 128) tasks (one lock): runs one, queues the rest. */
  private popInjectBatch(w: number): number {
    const len = this.inject.length;
    if (len === 0) return -1;
    const free = LOCAL_CAP - this.local[w].length;
    const n = Math.max(1, Math.min(Math.floor(len / this.W) + 1, Math.min(free, LOCAL_CAP / 2), len));
    const first = this.popInject(w);
    const l = this.local[w];
    for (let k = 1; k < n; k++) l.pushBack(this.inject.popFront());
    this.nLocal += n - 1;
    return first;
  }

  /**
   * stats.end_processing_scheduled_tasks (1.29+): MetricsBatch's busy duration reads the clock, and
   * so does the poll-time EWMA when a task was polled since the start; then the EWMA fold (tuned).
   */
  private endProcessing(w: number): void {
    if (this.statsClock) this.readClock(w, this.batchPolls[w] > 0 ? 2 : 1);
    if (this.gqiTuned) this.endBatch(w);
  }

  /**
   * stats.start_processing_scheduled_tasks: two clock reads on 1.29+ (MetricsBatch, Stats); the
   * batch of polls restarts (its start time matters only to the tuned interval's EWMA).
   */
  private startProcessing(w: number): void {
    if (this.statsClock) this.readClock(w, 2);
    if (this.gqiTuned) this.batchStart[w] = this.thrT[w];
    this.batchPolls[w] = 0;
  }

  /** `n` clock reads on worker `w` between polls: the worker loop's own time (breakdown 'poll'). */
  private readClock(w: number, n: number): void {
    const d = n * this.c.clockRead;
    this.thrT[w] += d;
    this.breakdown[S.C_POLL] += d;
    this.stBusy[w] += d;
    this.hitOptional[HIT_CLOCK_READ] = 1;
    this.schedNoise(w, d);
  }

  /** The worker stops processing scheduled tasks: fold the batch's mean poll time into its EWMA. */
  private endBatch(w: number): void {
    if (this.batchPolls[w] > 0) {
      this.ewma[w] = updatedEwma(this.ewma[w], this.thrT[w] - this.batchStart[w], this.batchPolls[w]);
      if (tunedInterval(this.gqi[w], this.ewma[w]) !== this.gqi[w]) this.gqiPhaseMattered++;
    }
    this.batchPolls[w] = 0;
  }

  private popInject(w: number): number {
    if (this.inject.length === 0) return -1; // atomic length check: no lock
    this.thrT[w] += this.c.remoteCheck;
    this.breakdown[S.C_REMOTE] += this.c.remoteCheck;
    this.stBusy[w] += this.c.remoteCheck;
    this.stInject[w]++;
    const t = this.inject.popFront();
    this.schedNoise(w, this.c.remoteCheck);
    return t;
  }

  private steal(w: number): number {
    if (!this.searching[w]) {
      if (2 * this.numSearching >= this.W) return this.popInject(w);
      this.searching[w] = 1;
      this.numSearching++;
    }
    const W = this.W;
    // Every other local queue is empty (the scan below would find no victim): the same draw is
    // used up, and the inject queue is tried.
    if (this.nLocal === this.local[w].length) {
      if (W > 2) this.stealCount[w]++;
      return this.popInject(w);
    }
    // tokio draws the first victim from the worker's own FastRand; here a hash of (seed, worker,
    // attempt), a per-worker stream too. With two workers there is one candidate: no draw.
    const start = W > 2 ? stealStart(this.stealSeed, w, this.stealCount[w]++, W) : 0;
    for (let i = 0; i < W; i++) {
      const v = (start + i) % W;
      if (v === w) continue;
      const victim = this.local[v];
      if (victim.length === 0) continue;
      // The victim depended on `start` when another was non-empty too. Only the fast-forward reads
      // it, and only a steal that found a victim scans (an idle worker's attempt finds none).
      if (this.ffOn && W > 2 && this.nonEmptyVictims(w) > 1) this.ffChoices++;
      const n = victim.length - Math.floor(victim.length / 2);
      this.thrT[w] += this.c.steal;
      this.breakdown[S.C_STEAL] += this.c.steal;
      this.stBusy[w] += this.c.steal;
      this.stSteals[w]++;
      this.schedNoise(w, this.c.steal);
      const first = victim.popFront();
      for (let k = 1; k < n; k++) this.local[w].pushBack(victim.popFront());
      this.nLocal--;
      return first;
    }
    return this.popInject(w);
  }

  private nonEmptyVictims(w: number): number {
    let n = 0;
    for (let v = 0; v < this.W; v++) if (v !== w && this.local[v].length > 0) n++;
    return n;
  }

  private maintenance(w: number): void {
    this.endProcessing(w);
    this.parkTimeout0(w);
    this.startProcessing(w);
  }

  /** park_timeout(0): poll the driver if try_lock succeeds, then wake deferred tasks (→ LIFO). */
  private parkTimeout0(w: number): void {
    if (this.driverOwner < 0) {
      this.driverPoll(w);
      if (this.otherSpinning(w)) this.sharedDriverPoll(w);
    } else {
      this.events++;
    }
    this.wakeDeferred(w);
  }

  /** Park the worker. Returns true when it really parked. */
  private park(w: number): boolean {
    if (this.lifo[w] >= 0 || this.local[w].length > 0) return false;
    const now = this.thrT[w];
    if (this.searching[w]) {
      this.searching[w] = 0;
      this.numSearching--;
      this.numUnparked--;
      this.sleepers.pushBack(w);
      if (this.numSearching === 0 && this.workPending()) {
        this.notifyParked(w);
        if (!this.sleepers.has(w)) return false; // notified itself: park returns at once
      }
    } else {
      this.numUnparked--;
      this.sleepers.pushBack(w);
    }
    if (!this.pickedTask[w] && this.stUnparks[w] > 0) this.stNoop[w]++;
    this.pickedTask[w] = 0;
    this.parkThread(w);
    if (this.driverOwner < 0 && !this.spinnerHoldsDriver(w)) this.parkInDriver(w, now);
    else this.plannedWake[w] = Infinity;
    return true;
  }

  /**
   * Worker `w` parks in the driver at `now`: it owns the driver, sleeps for the earliest timer's tick
   * (tokio's `next_wake`, which timerRegistered compares with) and wakes at parkWakeTime. Returns
   * whether a timed wake-up was scheduled (none: no timer pending).
   */
  private parkInDriver(w: number, now: number): boolean {
    this.driverOwner = w;
    this.inDriver[w] = 1;
    const wake = this.parkWakeTime(now);
    this.plannedWake[w] = wake;
    this.ownerTick[w] = this.timers.size > 0 ? this.timers.peekTime() : Infinity;
    if (wake < Infinity) this.wakeThreadAt(w, wake);
    return wake < Infinity;
  }

  /**
   * Whether worker `w`'s `try_lock` of the driver, as it parks, meets another worker's
   * `park_timeout(0)`: a worker in a yield stretch polls the driver every round and holds its lock
   * through each poll (`Parker::park_timeout` → `park_driver`; 1.24.2 `multi_thread/park.rs` 71–78,
   * 1.53.1 84–94). Taken as always held (the round's driver poll, `driver_poll_timer`, is its
   * largest part): `w` parks on its condvar, and the spinner fires the timers.
   */
  private spinnerHoldsDriver(w: number): boolean {
    for (let v = 0; v < this.W; v++) if (v !== w && this.yieldSince[v] >= 0 && !this.parked[v]) return true;
    return false;
  }

  private parkThread(th: number): void {
    this.parkCounted[th] = 0;
    this.parked[th] = 1;
    this.stParks[th]++;
    this.thrParkStart[th] = this.thrT[th];
    this.haltBegan(th, this.thrT[th]);
    this.thrPos[th] = E.P_PARKED;
    ++this.thrGen[th];
    if (th < this.W) this.wakerParks(th, this.thrT[th]);
    this.releaseCore(th, th === this.bo && this.boRanOver >= 0 ? this.boParks(this.thrT[th]) : this.thrT[th]);
  }

  private workPending(): boolean {
    if (this.inject.length > 0) return true;
    for (let v = 0; v < this.W; v++) if (this.local[v].length > 0) return true;
    return false;
  }

  /**
   * The worker resumes after a park: driver work if it parked in the driver, then decide.
   * Returns false when it found nothing to do and parked again.
   */
  /** Whether a worker other than `w` is in a yield stretch (its every round polls the driver too). */
  private otherSpinning(w: number): boolean {
    for (let o = 0; o < this.W; o++) if (o !== w && this.yieldSince[o] >= 0 && this.thrPos[o] !== E.P_PARKED) return true;
    return false;
  }

  /**
   * A driver poll while another worker yield-spins: the shared driver's cache lines (the Parker's
   * TryLock, the time driver's lock and wheel) come from the other CPU, which polls it every round
   * too: yield_round_parallel more (docs/semantics.md, "Two yield loops at once"). A model without
   * it charges nothing, with DS3030.
   */
  private sharedDriverPoll(w: number): void {
    const x = this.c.yieldParallel;
    if (this.c.absent.yieldParallel) this.hitOptional[HIT_YIELD_PARALLEL] = 1;
    if (x <= 0) return;
    this.thrT[w] += x;
    this.breakdown[S.C_DRIVER] += x;
    this.stBusy[w] += x;
    this.schedNoise(w, x);
  }

  private afterPark(w: number): boolean {
    this.stIdle[w] += this.thrT[w] - this.thrParkStart[w];
    const fromTimer = this.parked[w] === 1; // still marked parked: its own timer woke it
    if (fromTimer) {
      this.haltEnded(w, this.thrT[w] - this.thrHaltStart[w]);
      this.parked[w] = 0;
      this.inDriver[w] = 0;
      this.driverOwner = -1;
      this.wokeFromDriver[w] = 1;
    }
    if (this.wokeFromDriver[w]) {
      this.wokeFromDriver[w] = 0;
      this.driverPoll(w);
      // Back from driver.park: the driver's lock is dropped (leavePark).
      if (this.driverOwner === w) this.driverOwner = -1;
    }
    this.wakeDeferred(w);
    // transition_from_parked: still in the sleeper list → woken by its timer, not by a notifier.
    if (this.sleepers.has(w)) {
      if (this.lifo[w] < 0 && this.local[w].length === 0) {
        this.stNoop[w]++;
        this.thrPos[w] = E.P_PARKED;
        this.parked[w] = 1;
        this.parkCounted[w] = 0;
        this.thrParkStart[w] = this.thrT[w];
        this.haltBegan(w, this.thrT[w]);
        // In the driver if it is free (a timed wake-up when a timer is pending), else on its condvar.
        const timed = this.driverOwner < 0 && !this.spinnerHoldsDriver(w) && this.parkInDriver(w, this.thrT[w]);
        if (!timed) ++this.thrGen[w];
        this.wakerParks(w, this.thrT[w]);
        this.releaseCore(w, this.thrT[w]);
        return false;
      }
      this.sleepers.remove(w);
      this.numUnparked++;
    }
    this.thrPos[w] = E.P_OUTER;
    this.startProcessing(w);
    return true;
  }
}

/** First steal victim for worker `w`'s `attempt`-th steal: a 32-bit integer hash, uniform over W. */
function stealStart(seed: number, w: number, attempt: number, W: number): number {
  let h = (seed ^ Math.imul(w + 1, 0x9e3779b1) ^ Math.imul(attempt | 0, 0x85ebca77) ^ Math.floor(attempt / 4294967296)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) % W;
}

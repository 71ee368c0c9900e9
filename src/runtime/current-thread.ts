/**
 * tokio's current_thread scheduler (tokio-mechanics.md §1).
 *
 * One thread (id 0) runs everything: the block_on future (polled at the top of the outer loop
 * when woken), then up to `event_interval` (61) task polls, taking from the remote queue first on
 * every `global_queue_interval`-th (31) tick and when the local FIFO is empty; a non-blocking
 * driver poll after 61 polls or when the queue drains with deferred yielders; a blocking park
 * (timer-timed, plus OS overshoot) when nothing is runnable. Wakes on the runtime thread are local
 * push_backs; wakes from other threads go to the remote queue and unpark the thread.
 *
 * Versions (plan.runtime.semantics): from tokio 1.29 an empty remote queue is seen without a lock
 * and the tick is incremented before the `% global_queue_interval` check; from 1.50 the block_on
 * waker does not unpark the driver when already woken or when called on the runtime thread.
 *
 * Phase: simulate.
 */
import { mix, mixRing, type StateWalk } from './fast-forward.js';
import type { CostModel } from '../schema/model.js';
import type { Plan } from '../plan/types.js';
import { IntRing } from './rings.js';
import { K as S } from './state.js';
import { HIT_TIMER_UNPARK, type SimOptions } from './simulator.js';
import { Ev as E } from './events.js';
import { Code as O, yieldLoopSteps } from './code.js';
import { PollingSimulator } from './poll.js';

const COOP_BUDGET = 128;

export class CurrentThreadSim extends PollingSimulator {
  /** The local run queue (yieldRun trades it with the defer list's ring). */
  private local = new IntRing(64);
  private readonly remote = new IntRing(16);
  /** The scheduler tick modulo global_queue_interval (the tick count itself is never needed). */
  private tickRes = 0;
  private readonly gqi: number;
  private readonly eventInterval: number;
  private inner = 0;
  private woken = true; // the block_on future is polled on the first outer iteration
  private driverNotified = false; // driver.unpark() was called: the next park returns at once
  /**
   * The time driver's `next_wake` (tokio's runtime/time/mod.rs): the earliest timer tick still
   * pending after the last driver poll, Infinity for none (tokio's `None`, also before the first
   * poll). A timer registered for an earlier tick unparks the driver (`reregister`).
   */
  private nextWake = Infinity;
  private parked = false;
  private pollAfter = E.P_INNER;
  private readonly remoteFastPath: boolean;
  /**
   * yieldLoopSteps of every task definition's program, one after the other (yieldRun's common
   * poll, PERF): a task's entry for pc is at ylBase[task] + pc, two loads from the task id.
   */
  private readonly ylFlat: Int32Array;
  /** Per task instance: where its definition's table starts in ylFlat (the first ylKnown tasks). */
  private ylBase = new Int32Array(64);
  /** Per task instance: the pc its stepSlot is for (-1: none yet), and the slot's index in Tasks.slots (-1: not a yield loop's step). */
  private stepPc = new Int32Array(64).fill(-1);
  private stepSlot = new Int32Array(64);
  private ylKnown = 0;
  private readonly ylOff: Int32Array;
  private readonly blockOnWakeNoSelfUnpark: boolean;
  /** 1.50+ with the I/O driver and a model without timer_unpark_io: its fallback is ≈ 0 (DS3030). */
  private readonly timerUnparkFallback: boolean;

  constructor(plan: Plan, model: CostModel, opts: SimOptions) {
    super(plan, model, opts, 1);
    this.gqi = plan.runtime.globalQueueInterval;
    this.eventInterval = plan.runtime.eventInterval;
    const sem = plan.runtime.semantics;
    this.remoteFastPath = sem.remoteFastPath;
    this.blockOnWakeNoSelfUnpark = sem.blockOnWakeNoSelfUnpark;
    this.timerUnparkFallback = sem.blockOnWakeNoSelfUnpark && plan.runtime.driver === 'timer_io' && this.c.absent.timerUnparkIo;
    // 1.29+: the tick is incremented before the check, so the first pick checks tick 1.
    if (sem.tickBeforeCheck) this.tickRes = 1 % this.gqi;
    const tables = this.codes.map(yieldLoopSteps);
    this.ylOff = new Int32Array(tables.length);
    this.ylFlat = new Int32Array(tables.reduce((a, x) => a + x.length, 0));
    let off = 0;
    tables.forEach((x, d) => {
      this.ylOff[d] = off;
      this.ylFlat.set(x, off);
      off += x.length;
    });
  }

  /** ylBase for the tasks spawned since the last call. */
  private knowTasks(): void {
    const tk = this.tasks;
    if (this.ylBase.length < tk.n) {
      const n = Math.max(tk.n, 2 * this.ylBase.length);
      const b = new Int32Array(n);
      b.set(this.ylBase);
      this.ylBase = b;
      const p = new Int32Array(n).fill(-1);
      p.set(this.stepPc);
      this.stepPc = p;
      const q = new Int32Array(n);
      q.set(this.stepSlot);
      this.stepSlot = q;
    }
    for (let i = this.ylKnown; i < tk.n; i++) this.ylBase[i] = this.ylOff[tk.def[i]];
    this.ylKnown = tk.n;
  }

  start(): void {
    this.spawnInitialTasks((id) => this.local.pushBack(id));
    if (this.blockOnTask >= 0) this.tasks.state[this.blockOnTask] = S.T_QUEUED;
    this.thrPos[0] = E.P_OUTER;
    this.resched(0);
  }

  schedule(task: number, from: number, _isYield: boolean): void {
    if (from === 0 && !this.parked) {
      this.local.pushBack(task);
      return;
    }
    // From another thread (a source), or while the runtime thread is parked.
    this.remote.pushBack(task);
    this.unparkRuntime(from);
  }

  wakeBlockOn(from: number): void {
    if (this.blockOnWakeNoSelfUnpark) {
      // 1.50+: no driver.unpark() when already woken, nor on the runtime thread (its loop sees
      // `woken` and does a non-blocking driver poll instead of parking: has_pending_work).
      const already = this.woken;
      this.woken = true;
      if (already) return;
      if (from === 0) {
        this.driverNotified = true;
        return;
      }
      this.driverNotified = true;
      this.unparkRuntime(from);
      return;
    }
    this.woken = true;
    // The block_on waker always calls driver.unpark(): an eventfd write with the I/O driver.
    if (from === 0) {
      this.thrT[0] += this.c.driverUnparkIo;
      this.breakdown[S.C_UNPARK] += this.c.driverUnparkIo;
    }
    this.driverNotified = true;
    this.unparkRuntime(from);
  }

  timerRegistered(tickNs: number, _from: number): void {
    // The runtime thread registers its own timers while running, so it is never parked here. But
    // tokio's `reregister` (runtime/time/mod.rs, 1.24 to 1.53) calls driver.unpark() when the
    // new tick is earlier than the driver's `next_wake`, or there is none — which is the case
    // after a driver poll that left no timer pending: the next park returns at once, and with
    // the I/O driver the unpark is an eventfd write on this thread (timer_unpark_io; a model
    // without it charges the block_on waker's driver_unpark_io, the same syscall — which a 1.50+
    // calibration measures ≈ 0, as that waker no longer unparks: DS3030 there).
    if (tickNs >= this.nextWake) return;
    if (this.c.timerUnparkIo > 0) {
      this.thrT[0] += this.c.timerUnparkIo;
      this.breakdown[S.C_UNPARK] += this.c.timerUnparkIo;
    }
    if (this.timerUnparkFallback) this.hitOptional[HIT_TIMER_UNPARK] = 1;
    this.driverNotified = true;
  }

  private unparkRuntime(from: number): void {
    if (!this.parked) return;
    this.parked = false;
    this.stUnparks[0]++;
    const now = this.nowOf(from);
    const t = Math.max(now, this.thrParkStart[0]);
    this.wakeThreadAt(0, t + this.unparkLatency(0, t, this.c.wakeLatency));
  }

  flavorSignature(): number {
    let h = mixRing(mixRing(0, this.local), this.defer[0]);
    h = mix(h, this.remote.length);
    h = mix(h, this.tickRes);
    h = mix(h, this.inner);
    h = mix(h, this.nextWake === Infinity ? -1 : this.nextWake);
    return mix(h, (this.woken ? 1 : 0) | (this.driverNotified ? 2 : 0) | (this.parked ? 4 : 0) | (this.pollAfter << 3));
  }

  walkFlavor(w: StateWalk): void {
    w.ring(this.local);
    w.ring(this.remote);
    w.ex(this.tickRes);
    w.ex(this.inner);
    w.ex(this.woken ? 1 : 0);
    w.ex(this.driverNotified ? 1 : 0);
    w.ex(this.parked ? 1 : 0);
    w.ex(this.pollAfter);
    w.ex(this.nextWake === Infinity ? -1 : this.nextWake);
  }

  runThread(th: number): void {
    const thrT = this.thrT;
    for (;;) {
      if (this.finished) return;
      if (this.handBack(0)) return;
      switch (this.thrPos[0]) {
        case E.P_PARKED: {
          // Woken from a blocking park: the driver poll that ends the park fires timers and
          // deferred wakers. Still marked parked: its own timer woke it (an unpark clears it).
          if (this.parked) this.haltEnded(0, thrT[0] - this.thrHaltStart[0]);
          this.parked = false;
          this.stIdle[0] += thrT[0] - this.thrParkStart[0];
          this.afterDriver();
          this.thrPos[0] = E.P_OUTER;
          break;
        }
        case E.P_SPIN:
          this.endSpin(0);
          this.continuePoll();
          if (!this.atLoop()) return;
          break;
        case E.P_POLL:
          this.continuePoll();
          if (!this.atLoop()) return;
          break;
        case E.P_OUTER:
          this.ffCheckpoint(0); // a round boundary: idle spinning may be skipped from here
          this.inner = 0;
          if (this.blockOnTask >= 0 && this.woken && this.tasks.state[this.blockOnTask] !== S.T_DONE) {
            this.woken = false;
            if (this.tasks.state[this.blockOnTask] === S.T_QUEUED) {
              this.pollAfter = E.P_INNER;
              this.startPoll(this.blockOnTask);
              this.continuePoll();
              if (!this.atLoop()) return;
              break;
            }
          }
          this.thrPos[0] = E.P_INNER;
          break;
        case E.P_INNER: {
          // PERF (issue 20): the polls of yield loops, and their rounds, in a tight loop.
          if (this.maxSpans === 0 && this.yieldRun()) break;
          if (this.inner >= this.eventInterval) {
            this.afterDriver();
            this.thrPos[0] = E.P_OUTER;
            break;
          }
          const task = this.nextTask();
          if (task < 0) {
            if (this.defer[0].length > 0) {
              this.afterDriver();
              this.thrPos[0] = E.P_OUTER;
              break;
            }
            if (this.park()) return;
            this.thrPos[0] = E.P_OUTER;
            break;
          }
          this.inner++;
          this.pollAfter = E.P_INNER;
          this.startPoll(task);
          this.continuePoll();
          if (!this.atLoop()) return;
          break;
        }
        default:
          throw new Error(`internal: current_thread position ${this.thrPos[th]}`);
      }
    }
  }

  /**
   * PERF (issue 20): from the top of the inner loop, runs the polls that only yield — a task at
   * `yield_now`, or at the loop step back to one — and the round boundaries between them (the
   * driver poll that wakes the deferred yielders, the outer loop's top), in a tight loop, for as
   * long as the generic path would run them without handing back: every check's clock at or
   * before the next event, the event budget not reached. Each step has the generic path's effects
   * on the same state; the thread's sums (polls, busy time, the breakdown, events) are added once
   * at the end, which gives the same numbers (integer ns). A yielder woken at a round boundary is
   * accounted when it is polled (its deferred wait, then its run-queue wait, as wakeDeferred and
   * beginPoll would), or at the end for those still queued. Leaves the rest to the generic path,
   * at the top of the inner loop: any other op (a record's end, a finished loop), the event
   * interval's maintenance, a due timer, the block_on future woken or deferred, a noise pause
   * falling in the poll, the remote queue not empty, the fast-forward's round boundary, a trace
   * (not called then). Returns true when it ran anything.
   *
   * Layout (PERF): an inner loop without calls runs the common polls (the loop step back to a
   * yield, found through the per-task stepSlot cache) and the driver polls, on locals: the run
   * queue's and the defer list's ring state, the clock, the counts; every per-poll account (the
   * waits, the task's counters) is written in it, once. A poll with other ops up to its yield
   * (a record's end and start, checkYieldPoll/runYieldPoll) leaves it for the outer loop, which
   * checks and runs it and hands its end clock and op count back to the inner loop to account.
   */
  private yieldRun(): boolean {
    if (this.remote.length !== 0) return false;
    const tk = this.tasks;
    if (this.ylKnown < tk.n) this.knowTasks();
    // The task arrays stay put: nothing in here spawns (Tasks.grow replaces them).
    const state = tk.state;
    const reason = tk.blockReason;
    const since = tk.blockedSince;
    const waitNs = tk.waitNs;
    const pcs = tk.pc;
    const slots = tk.slots;
    const notified = tk.notified;
    const tPolls = tk.polls;
    const tYields = tk.yields;
    const tBusy = tk.busyNs;
    const lastWorker = tk.lastWorker;
    const spt = tk.slotsPerTask;
    const ylFlat = this.ylFlat;
    const ylBase = this.ylBase;
    const stepPc = this.stepPc;
    const stepSlot = this.stepSlot;
    const c = this.c;
    const P = c.poll;
    const Y = c.yieldExtra;
    const PY = P + Y;
    const dp = c.driverPoll;
    // 1.24 takes the remote queue's lock on a due tick even when it is empty; 1.29+ does not.
    const rcDue = this.remoteFastPath ? 0 : c.remoteCheck;
    const peek = this.q.peekTime();
    const evMax = this.eventsYield;
    const gqi = this.gqi;
    const eventInterval = this.eventInterval;
    const lifo = this.deferLifo;
    const bo = this.blockOnTask;
    const hasDriver = this.hasDriver;
    // A timer on the wheel: a driver poll checks it (fireTimers); none, the wheel needs nothing
    // but its floor, which only grows with the clock: the last driver poll's, set at the end.
    const nextTimer = hasDriver ? this.timers.peekTime() : Infinity;
    const timerSet = nextTimer !== Infinity;
    const phase = this.phase;
    const res = this.res;
    // A driver poll in here wakes the deferred yielders; not with the fast-forward on (it checks
    // the round boundary), the block_on future woken (polled at the outer loop's top) or in the
    // defer list (woken by it: it never gets there in here, nothing in here polls it). Otherwise
    // the driver poll runs when it ends at or before the next event (`peekDriver`).
    const roundsOk = !this.ffOn && !(this.woken && bo >= 0 && tk.state[bo] !== S.T_DONE) && !(bo >= 0 && this.defer[0].has(bo));
    const peekDriver = roundsOk ? peek : -Infinity;
    // The run queue and the defer list, their state in locals (written back at the end). Tasks
    // only move between the two in here, so with room for all of them in each ring neither grows.
    // LIFO: a driver poll's wake makes the run queue the defer list reversed: the rings trade
    // places and the run queue is read from its back (`rev`) until written back.
    let lq = this.local;
    let dq = this.defer[0];
    // Both rings the same size (one mask), with room for every task in either.
    const room = Math.max(lq.length + dq.length, lq.buf.length, dq.buf.length);
    lq.reserve(room);
    dq.reserve(room);
    const mask = lq.mask;
    let lBuf = lq.buf;
    let lHead = lq.head;
    let lLen = lq.length;
    let dBuf = dq.buf;
    let dHead = dq.head;
    let dLen = dq.length;
    let rev = false;
    const t0 = this.thrT[0];
    let t = t0;
    let ev = this.events;
    let nl = this.noiseLeft[0];
    let tick = this.tickRes;
    let inner = this.inner;
    let polls = 0;
    let drivers = 0;
    let remote = 0;
    let lastStart = 0;
    // The front `lazy` tasks of the run queue were woken at `wakeT` and not yet accounted.
    let lazy = 0;
    let wakeT = 0;
    // A poll of the front task other than the loop step, checked and run by the outer loop; the
    // inner loop accounts it (its end clock, its ops).
    let pendOps = 0; // 0: none
    let pendEnd = 0;
    outer: for (;;) {
      // PERF: no call in the inner loop (a call makes V8 reload every array's fields per poll).
      for (;;) {
        // The top of the inner loop: where the generic path checks whether to hand back (the
        // clock and the events are checked below, against the next step's, which are no less).
        if (inner >= eventInterval) break outer;
        if (lLen === 0) {
          // nextTask finds nothing (it looks at the remote queue too), the deferred yielders
          // wait: a driver poll wakes them, then the outer loop's top, where the generic path
          // checks twice (outer, inner) with the same clock and events.
          if (dLen === 0) break outer;
          // Due or not, an empty run queue sends nextTask to the remote queue once.
          const td = t + rcDue + dp;
          // The remote check and the driver poll are running time: a noise pause due in them is
          // the generic path's (schedNoise).
          if (td > peekDriver || ev + 1 >= evMax || td - t >= nl) break outer;
          // fireTimers: no timer due at the wheel's floor (floorTick).
          if (timerSet && nextTimer <= Math.floor((td - phase) / res) * res + phase) break outer;
          if (++tick === gqi) tick = 0;
          remote += rcDue;
          drivers++;
          ev++;
          nl -= td - t;
          t = td;
          // wakeDeferred into an empty run queue: the two rings trade places.
          const q = dq;
          dq = lq;
          lq = q;
          const b = dBuf;
          dBuf = lBuf;
          lBuf = b;
          lHead = dHead;
          lLen = dLen;
          dHead = 0;
          dLen = 0;
          rev = lifo;
          lazy = lLen;
          wakeT = t;
          inner = 0;
          continue;
        }
        const task = rev ? lBuf[(lHead + lLen - 1) & mask] : lBuf[lHead];
        const start = tick === 0 ? t + rcDue : t;
        let end = start + PY;
        let ops = 2;
        if (pendOps > 0) {
          end = pendEnd;
          ops = pendOps;
          pendOps = 0;
        } else {
          // The loop step back to a yield, the yield: the common poll.
          // The task's loop slot, cached for its pc (one load from the task id, not two).
          const pc = pcs[task];
          let slot = stepSlot[task];
          if (stepPc[task] !== pc) {
            const sl = ylFlat[ylBase[task] + pc];
            slot = sl < 0 ? -1 : task * spt + sl;
            stepSlot[task] = slot;
            stepPc[task] = pc;
          }
          if (slot < 0 || slots[slot] <= 1) break; // another poll: the outer loop checks it
          // The checks before each op: the clock after beginPoll, the events counted so far;
          // the poll must end before the noise's next pause (finishPoll takes it otherwise), which
          // the due tick's remote check before it (running time too) brings nearer.
          if (start + P > peek || ev + 2 >= evMax || start - t + PY >= nl) break outer;
          slots[slot]--;
          tYields[task]++; // the pc is back at the loop step
        }
        if (!rev) lHead = (lHead + 1) & mask;
        lLen--;
        remote += start - t;
        if (++tick === gqi) tick = 0;
        inner++;
        // wakeDeferred (a lazy one) and beginPoll's run-queue wait, the ops, finishPoll (deferred).
        const w = task * S.W_N;
        if (lazy > 0) {
          lazy--;
          waitNs[w + S.W_DEFERRED] += wakeT - since[task];
          waitNs[w + S.W_RUNNABLE] += start - wakeT;
        } else {
          if (state[task] === S.T_QUEUED) waitNs[w + reason[task]] += start - since[task];
          state[task] = S.T_DEFERRED;
          reason[task] = S.W_DEFERRED;
        }
        // After two driver polls every queued task was polled in here: these are 0 already.
        if (drivers < 2) {
          notified[task] = 0;
          lastWorker[task] = 0;
        }
        tPolls[task]++;
        const d = end - start;
        tBusy[task] += d;
        nl -= end - t; // the poll and the remote check before it
        t = end;
        since[task] = t;
        dBuf[(dHead + dLen++) & mask] = task;
        lastStart = start;
        ev += ops + 1;
        polls++;
      }
      // Other ops without effects outside the task (a record's end and start, a loop's end, a
      // constant compute) up to the next yield: checked, then run (the inner loop accounts it).
      const task = rev ? lBuf[(lHead + lLen - 1) & mask] : lBuf[lHead];
      this.ypStart = tick === 0 ? t + rcDue : t;
      this.ypPeek = peek;
      this.ypEvLeft = evMax - ev;
      this.ypNoise = nl - (this.ypStart - t); // from the poll's start, past the remote check
      const n = this.checkYieldPoll(task);
      if (n < 0) break;
      this.runYieldPoll(task);
      pendEnd = this.ypEnd;
      pendOps = n;
    }
    if (polls === 0 && drivers === 0) return false;
    if (rev) {
      // The run queue back in its order, front first.
      for (let i = 0, j = lLen - 1; i < j; i++, j--) {
        const a = (lHead + i) & mask;
        const b = (lHead + j) & mask;
        const x = lBuf[a];
        lBuf[a] = lBuf[b];
        lBuf[b] = x;
      }
    }
    lq.head = lHead;
    lq.length = lLen;
    dq.head = dHead;
    dq.length = dLen;
    this.local = lq;
    this.defer[0] = dq;
    // Yielders woken and still queued: what wakeDeferred did to them.
    for (let i = 0; i < lazy; i++) {
      const task = lBuf[(lHead + i) & mask];
      waitNs[task * S.W_N + S.W_DEFERRED] += wakeT - since[task];
      state[task] = S.T_QUEUED;
      reason[task] = S.W_RUNNABLE;
      since[task] = wakeT;
    }
    if (drivers > 0) {
      this.driverNotified = false;
      // Nothing in here registers or fires a timer: the driver polls left next_wake there.
      this.nextWake = nextTimer;
      if (hasDriver) {
        const floor = Math.floor((wakeT - phase) / res) * res + phase;
        if (floor > this.lastTickNs) this.lastTickNs = floor;
        this.lastTimerPollNs = wakeT;
      }
    }
    const bd = this.breakdown;
    this.thrT[0] = t;
    this.events = ev;
    this.noiseLeft[0] = nl;
    this.tickRes = tick;
    this.inner = inner;
    this.stPolls[0] += polls;
    this.stDriver[0] += drivers;
    // Every ns of the clock's advance in here was busy (integer ns: the sum of the steps, exactly).
    this.stBusy[0] += t - t0;
    bd[S.C_POLL] += polls * P;
    bd[S.C_YIELD] += polls * Y;
    bd[S.C_REMOTE] += remote;
    bd[S.C_DRIVER] += drivers * dp;
    if (polls > 0) {
      this.thrPollStart[0] = lastStart;
      this.thrBudget[0] = COOP_BUDGET;
      this.pollAfter = E.P_INNER;
    }
    return true;
  }

  /**
   * checkYieldPoll's and runYieldPoll's clocks, in fields (PERF: a double passed to or returned
   * from a call that is not inlined is boxed, an allocation).
   */
  private ypStart = 0.5;
  private ypPeek = 0.5;
  private ypEvLeft = 0.5;
  private ypNoise = 0.5;
  private ypEnd = 0.5;

  /** Scratch of checkYieldPoll: a slot the poll sets or steps, and its value then (two at most). */
  private ovSlot0 = -1;
  private ovVal0 = 0;
  private ovSlot1 = -1;
  private ovVal1 = 0;

  /**
   * yieldRun's check of a poll of `task` starting at `start` (before beginPoll's cost), without
   * effects: its ops up to its yield are loop steps and jumps, a record's start and end,
   * constant computes and try_recvs that find their channel empty and open (a yield-spin's look),
   * at most 16, and before each op the generic path would go on — the clock
   * at or before `peek`, fewer than `evLeft` events counted since the top of the loop, the noise's
   * next pause (`nl` running ns from the poll's start) not reached — and the poll ends before that
   * pause. `start`, `peek`, `evLeft` and `nl` are read from the fields ypStart, ypPeek, ypEvLeft
   * and ypNoise. Returns the ops it runs, or -1.
   */
  private checkYieldPoll(task: number): number {
    const start = this.ypStart;
    const peek = this.ypPeek;
    const evLeft = this.ypEvLeft;
    const nl = this.ypNoise;
    const tk = this.tasks;
    const c = this.c;
    const code = this.codes[tk.def[task]];
    let pc = tk.pc[task];
    let x = start + c.poll;
    let e = 1;
    let itemRecords = tk.itemRecords[task];
    this.ovSlot0 = -1;
    this.ovSlot1 = -1;
    for (let ops = 1; ops <= 16; ops++) {
      if (x > peek || e >= evLeft || x - start >= nl) return -1;
      e++;
      const o = pc * O.W;
      switch (code[o]) {
        case O.OP_YIELD:
          return x + c.yieldExtra - start >= nl ? -1 : ops;
        case O.OP_LOOP_NEXT: {
          const i = task * tk.slotsPerTask + code[o + 1];
          const v = (i === this.ovSlot0 ? this.ovVal0 : i === this.ovSlot1 ? this.ovVal1 : tk.slots[i]) - 1;
          if (!this.override(i, v)) return -1;
          pc = v > 0 ? code[o + 2] : pc + 1;
          break;
        }
        case O.OP_JUMP:
          pc = code[o + 1];
          break;
        case O.OP_LOOP_INIT: {
          const n = code[o + 2] < 0 ? itemRecords : code[o + 2];
          if (n <= 0) pc = code[o + 3];
          else {
            if (!this.override(task * tk.slotsPerTask + code[o + 1], n)) return -1;
            pc++;
          }
          break;
        }
        case O.OP_RECORD_START:
          itemRecords = 0;
          if (c.recordStart > 0) x += c.recordStart;
          pc++;
          break;
        case O.OP_RECORD_END:
          if (c.recordEnd > 0) x += c.recordEnd;
          pc++;
          break;
        case O.OP_TRY_RECV: {
          // A yield-spin's look at its channel: nothing there and open, else another poll.
          const ch = this.channels[code[o + 1]];
          if (ch.q.length > 0 || ch.closed) return -1;
          x += ch.kind === 0 ? c.tryRecvU : ch.kind === 1 ? c.tryRecvB : c.lfPop;
          pc++;
          break;
        }
        case O.OP_COMPUTE: {
          const k = this.costConst[code[o + 1]];
          if (k < 0) return -1; // a drawn cost: a random stream, not the task's alone
          const d = k * code[o + 2];
          x += d;
          if (c.computeOp > 0 && d > 0) x += c.computeOp;
          pc++;
          break;
        }
        default:
          return -1;
      }
    }
    return -1;
  }

  /** checkYieldPoll's slot scratch: records slot `i`'s value `v`; false when a third slot would be needed. */
  private override(i: number, v: number): boolean {
    if (this.ovSlot0 < 0 || this.ovSlot0 === i) {
      this.ovSlot0 = i;
      this.ovVal0 = v;
    } else if (this.ovSlot1 < 0 || this.ovSlot1 === i) {
      this.ovSlot1 = i;
      this.ovVal1 = v;
    } else return false;
    return true;
  }

  /**
   * yieldRun's run of a poll checkYieldPoll accepted: the ops' effects (execPoll's) from its start
   * (ypStart) and beginPoll's cost up to and with its yield. Sets ypEnd, the clock at its end.
   */
  private runYieldPoll(task: number): void {
    let x = this.ypStart + this.c.poll;
    const tk = this.tasks;
    const c = this.c;
    const bd = this.breakdown;
    const code = this.codes[tk.def[task]];
    let pc = tk.pc[task];
    for (;;) {
      const o = pc * O.W;
      switch (code[o]) {
        case O.OP_YIELD:
          tk.yields[task]++;
          tk.pc[task] = pc + 1;
          this.ypEnd = x + c.yieldExtra;
          return;
        case O.OP_LOOP_NEXT:
          if (--tk.slots[task * tk.slotsPerTask + code[o + 1]] > 0) pc = code[o + 2];
          else pc++;
          break;
        case O.OP_JUMP:
          pc = code[o + 1];
          break;
        case O.OP_LOOP_INIT: {
          const n = code[o + 2] < 0 ? tk.itemRecords[task] : code[o + 2];
          if (n <= 0) pc = code[o + 3];
          else {
            tk.slots[task * tk.slotsPerTask + code[o + 1]] = n;
            pc++;
          }
          break;
        }
        case O.OP_RECORD_START:
          tk.itemTs[task] = x;
          tk.itemRecords[task] = 0;
          tk.hasItem[task] = 1;
          if (c.recordStart > 0) {
            x += c.recordStart;
            bd[this.cRecord] += c.recordStart;
          }
          pc++;
          break;
        case O.OP_RECORD_END:
          this.hist.record(x - tk.itemTs[task]);
          this.records++;
          tk.doneOfItem[task]++;
          if (c.recordEnd > 0) {
            x += c.recordEnd;
            bd[this.cRecord] += c.recordEnd;
          }
          pc++;
          break;
        case O.OP_TRY_RECV: {
          const ch = this.channels[code[o + 1]];
          const cost = ch.kind === 0 ? c.tryRecvU : ch.kind === 1 ? c.tryRecvB : c.lfPop;
          x += cost;
          bd[S.C_RECV] += cost;
          ch.rxTask = task; // as the generic try_recv notes it (the fast-forward's state)
          pc++;
          break;
        }
        case O.OP_COMPUTE: {
          const ci = code[o + 1];
          const d = this.costConst[ci] * code[o + 2];
          bd[this.costCat[ci]] += d;
          x += d;
          if (c.computeOp > 0 && d > 0) {
            x += c.computeOp;
            bd[this.cRecord] += c.computeOp;
          }
          pc++;
          break;
        }
        default:
          throw new Error(`internal: yieldRun ran op ${code[o]}`);
      }
    }
  }

  /** True when the thread is back in its scheduler loop (not parked, spinning or mid-poll). */
  private atLoop(): boolean {
    const p: number = this.thrPos[0];
    return p === E.P_OUTER || p === E.P_INNER;
  }

  private nextTask(): number {
    const due = this.tickRes === 0;
    if (++this.tickRes === this.gqi) this.tickRes = 0;
    if (due) {
      const r = this.popRemote();
      if (r >= 0) return r;
      return this.local.popFront();
    }
    const l = this.local.popFront();
    if (l >= 0) return l;
    return this.popRemote();
  }

  private popRemote(): number {
    // 1.29+: the inject list's atomic length says "empty" without a lock.
    if (this.remoteFastPath && this.remote.length === 0) return -1;
    // Every remote check takes the mutex (tokio 1.24: no lock-free fast path).
    this.thrT[0] += this.c.remoteCheck;
    this.breakdown[S.C_REMOTE] += this.c.remoteCheck;
    this.stBusy[0] += this.c.remoteCheck;
    this.schedNoise(0, this.c.remoteCheck);
    const r = this.remote.popFront();
    if (r >= 0) this.stInject[0]++;
    return r;
  }

  private startPoll(task: number): void {
    this.beginPoll(0, task);
    this.thrBudget[0] = COOP_BUDGET;
  }

  /** Runs the current poll; on completion routes the task and sets the next position. */
  private continuePoll(): void {
    const r = this.execPoll(0);
    if (r === E.R_AHEAD) {
      this.thrPos[0] = E.P_POLL; // already re-queued
      return;
    }
    if (r === E.R_SPIN) return; // thrPos = P_SPIN; a push or the time-out resumes it
    const task = this.thrTask[0];
    const out = this.finishPoll(0, r);
    if (out === E.R_YIELD) this.defer[0].pushBack(task);
    else if (out === E.R_SELF) {
      if (task === this.blockOnTask) {
        if (r === E.R_SELF) {
          // It woke itself (its coop budget spent, a self-wake): its own waker on the runtime
          // thread — `woken`, and its version's driver unpark (1.24/1.47: an eventfd write with the
          // I/O driver; 1.53: none), so the next park returns at once.
          this.wakeBlockOn(0);
        } else {
          // Woken while it ran, from another thread (a source), which paid the unpark.
          this.woken = true;
          this.driverNotified = true;
        }
      } else this.local.pushBack(task);
    } else if (out === E.R_BLOCK || out === E.R_DONE) {
      /* waits for its waker, or finished */
    }
    this.thrPos[0] = this.pollAfter;
  }

  /** A driver poll, then what follows it; its `process()` leaves `next_wake` at the earliest pending timer. */
  private afterDriver(): void {
    this.driverPoll(0);
    this.nextWake = this.timers.size > 0 ? this.timers.peekTime() : Infinity;
    this.afterDriverDeferred();
  }

  private afterDriverDeferred(): void {
    this.driverNotified = false;
    this.wakeDeferred(0);
  }

  /** Blocking park. Returns true when the thread really parked (the caller must return). */
  private park(): boolean {
    if (this.local.length > 0 || this.remote.length > 0) return false;
    if (this.driverNotified) {
      // driver.unpark() happened: the park returns at once after a driver poll.
      this.afterDriver();
      return false;
    }
    const now = this.thrT[0];
    const wake = this.parkWakeTime(now);
    this.parked = true;
    this.stParks[0]++;
    this.thrParkStart[0] = now;
    this.haltBegan(0, now);
    this.thrPos[0] = E.P_PARKED;
    if (wake < Infinity) this.wakeThreadAt(0, wake);
    else ++this.thrGen[0];
    return true;
  }
}

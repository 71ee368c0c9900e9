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
import { type SimOptions } from './simulator.js';
import { Ev as E } from './events.js';
import { PollingSimulator } from './poll.js';

const COOP_BUDGET = 128;

export class CurrentThreadSim extends PollingSimulator {
  private readonly local = new IntRing(64);
  private readonly remote = new IntRing(16);
  /** The scheduler tick modulo global_queue_interval (the tick count itself is never needed). */
  private tickRes = 0;
  private readonly gqi: number;
  private readonly eventInterval: number;
  private inner = 0;
  private woken = true; // the block_on future is polled on the first outer iteration
  private driverNotified = false; // driver.unpark() was called: the next park returns at once
  private parked = false;
  private pollAfter = E.P_INNER;
  private readonly remoteFastPath: boolean;
  private readonly blockOnWakeNoSelfUnpark: boolean;

  constructor(plan: Plan, model: CostModel, opts: SimOptions) {
    super(plan, model, opts, 1);
    this.gqi = plan.runtime.globalQueueInterval;
    this.eventInterval = plan.runtime.eventInterval;
    const sem = plan.runtime.semantics;
    this.remoteFastPath = sem.remoteFastPath;
    this.blockOnWakeNoSelfUnpark = sem.blockOnWakeNoSelfUnpark;
    // 1.29+: the tick is incremented before the check, so the first pick checks tick 1.
    if (sem.tickBeforeCheck) this.tickRes = 1 % this.gqi;
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

  timerRegistered(_tickNs: number, _from: number): void {
    // The runtime thread registers its own timers while running, so it is never parked here.
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
          if (this.inner >= this.eventInterval) {
            this.driverPoll(0);
            this.afterDriverDeferred();
            this.thrPos[0] = E.P_OUTER;
            break;
          }
          const task = this.nextTask();
          if (task < 0) {
            if (this.defer[0].length > 0) {
              this.driverPoll(0);
              this.afterDriverDeferred();
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

  private afterDriver(): void {
    this.driverPoll(0);
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

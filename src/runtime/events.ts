/**
 * The simulator's event kinds and thread positions: plain constants that the event loop
 * (simulator.ts) and the rooms it calls (ff-checkpoint.ts, source-delivery.ts, the schedulers)
 * share. In a file of their own so that those rooms need not import simulator.ts back for them
 * (test/unit/cycles.test.ts).
 *
 * Phase: simulate.
 */

/**
 * The constants of this file, and the outcomes of a poll (simulator.ts exports them as R_*), as
 * one const enum: tsc writes each `Ev.X` as its number, so the event loop and the thread loops
 * (which import it as `E`) compare and switch over literals, not module-cell loads (PERF, issue 20).
 */
/* eslint-disable @typescript-eslint/no-duplicate-enum-values -- named numbers, not a type: the groups reuse values */
export const enum Ev {
  EV_THREAD = 1,
  EV_SOURCE = 2,
  EV_SLICE = 3,
  EV_LIMIT = 4,
  /** A waker preempted by a packed wake-up: the guest moves it to a free vCPU (worker_wake_preempt_hold). */
  EV_HOLD = 5,
  P_OUTER = 0,
  P_INNER = 1,
  P_POLL = 2,
  P_PARKED = 3,
  P_SPIN = 4,
  P_DONE = 5,
  /** yield_now: deferred until the next driver poll */
  R_YIELD = 0,
  /** self-wake / coop budget exhausted: requeued at once */
  R_SELF = 1,
  /** parked on a resource */
  R_BLOCK = 2,
  R_DONE = 3,
  /** handed back mid-poll (past the next event or the event budget; re-queued): continue later */
  R_AHEAD = 4,
  /** entered a spin wait */
  R_SPIN = 5,
}
/* eslint-enable @typescript-eslint/no-duplicate-enum-values */

/** Event kinds in the event queue. */
export const EV_THREAD = Ev.EV_THREAD;
export const EV_SOURCE = Ev.EV_SOURCE;
export const EV_SLICE = Ev.EV_SLICE;
/** Just past the simulated-time limit: a thread running ahead hands back there (see handBack). */
export const EV_LIMIT = Ev.EV_LIMIT;
/** A packed wake-up's hold on its preempted waker ends (multi_thread, worker_wake_preempt_hold). */
export const EV_HOLD = Ev.EV_HOLD;

/** Thread positions (where a thread's loop resumes). */
export const P_OUTER = Ev.P_OUTER; // current_thread: top of the outer loop; multi_thread: top of the worker loop
export const P_INNER = Ev.P_INNER; // current_thread inner loop
export const P_POLL = Ev.P_POLL; // in the middle of a task poll
export const P_PARKED = Ev.P_PARKED;
export const P_SPIN = Ev.P_SPIN; // inside a spin_wait
export const P_DONE = Ev.P_DONE;

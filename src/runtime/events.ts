/**
 * The simulator's event kinds and thread positions: plain constants that the event loop
 * (simulator.ts) and the rooms it calls (ff-checkpoint.ts, source-delivery.ts, the schedulers)
 * share. In a file of their own so that those rooms need not import simulator.ts back for them
 * (test/unit/cycles.test.ts).
 *
 * Phase: simulate.
 */

/** Event kinds in the event queue. */
export const EV_THREAD = 1;
export const EV_SOURCE = 2;
export const EV_SLICE = 3;
/** Just past the simulated-time limit: a thread running ahead hands back there (see handBack). */
export const EV_LIMIT = 4;

/** Thread positions (where a thread's loop resumes). */
export const P_OUTER = 0; // current_thread: top of the outer loop; multi_thread: top of the worker loop
export const P_INNER = 1; // current_thread inner loop
export const P_POLL = 2; // in the middle of a task poll
export const P_PARKED = 3;
export const P_SPIN = 4; // inside a spin_wait
export const P_DONE = 5;

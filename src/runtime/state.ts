/**
 * Simulation state in struct-of-arrays form: task instances, threads (workers), channels,
 * mutexes, and the per-op accounting the Result reports.
 *
 * Phase: simulate. Task instances are created by spawns, so their arrays grow by doubling; every
 * field is a typed array indexed by task id (no object per task, no allocation per event).
 */
import { IntRing, MsgRing } from './rings.js';

/**
 * The constants of this file as one const enum. tsc writes each `K.X` as its number, so the hot
 * loops (poll.ts, simulator.ts, the scheduler flavors import it as `S`) store and compare
 * literals: an imported `const` is a load from its module cell at each use, and a `switch` over
 * such labels tests them one by one (PERF, issue 20). The named exports below are the same
 * numbers, for everything else.
 */
/* eslint-disable @typescript-eslint/no-duplicate-enum-values -- named numbers, not a type: the groups reuse values */
export const enum K {
  T_NEW = 0,
  T_QUEUED = 1,
  T_RUNNING = 2,
  T_BLOCKED = 3,
  T_DEFERRED = 4,
  T_DONE = 5,
  W_SLEEP = 0,
  W_RECV = 1,
  W_JOIN = 2,
  W_LOCK = 3,
  W_SEND = 4,
  W_RUNNABLE = 5,
  W_DEFERRED = 6,
  /** WAIT_NAMES.length: the stride of Tasks.waitNs. */
  W_N = 7,
  C_POLL = 0,
  C_YIELD = 1,
  C_DRIVER = 2,
  C_SEND = 3,
  C_RECV = 4,
  C_SPAWN = 5,
  C_JOIN = 6,
  C_LOCK = 7,
  C_TIMER = 8,
  C_SPIN = 9,
  C_STEAL = 10,
  C_UNPARK = 11,
  C_REMOTE = 12,
}
/* eslint-enable @typescript-eslint/no-duplicate-enum-values */

/** Task states (tokio's task state, reduced to what scheduling needs). */
export const T_NEW = K.T_NEW;
export const T_QUEUED = K.T_QUEUED;
export const T_RUNNING = K.T_RUNNING;
export const T_BLOCKED = K.T_BLOCKED;
export const T_DEFERRED = K.T_DEFERRED;
export const T_DONE = K.T_DONE;

/** Why a task is blocked (index into the wait accounting). */
export const W_SLEEP = K.W_SLEEP;
export const W_RECV = K.W_RECV;
export const W_JOIN = K.W_JOIN;
export const W_LOCK = K.W_LOCK;
export const W_SEND = K.W_SEND;
export const W_RUNNABLE = K.W_RUNNABLE;
export const W_DEFERRED = K.W_DEFERRED;
export const WAIT_NAMES = ['sleep', 'recv', 'join', 'lock', 'send', 'runnable', 'deferred'];
if (WAIT_NAMES.length !== K.W_N) throw new Error('internal: K.W_N is not WAIT_NAMES.length');

/** Breakdown categories of CPU time (ns), fixed ones first; compute labels are appended. */
export const C_POLL = K.C_POLL;
export const C_YIELD = K.C_YIELD;
export const C_DRIVER = K.C_DRIVER;
export const C_SEND = K.C_SEND;
export const C_RECV = K.C_RECV;
export const C_SPAWN = K.C_SPAWN;
export const C_JOIN = K.C_JOIN;
export const C_LOCK = K.C_LOCK;
export const C_TIMER = K.C_TIMER;
export const C_SPIN = K.C_SPIN;
export const C_STEAL = K.C_STEAL;
export const C_UNPARK = K.C_UNPARK;
export const C_REMOTE = K.C_REMOTE;
/** Breakdown category names, indexed by the C_* constants above (one list for every back-end). */
export { FIXED_CATEGORIES } from '../plan/result-parts.js';

export class Tasks {
  n = 0;
  def: Int32Array;
  state: Int32Array;
  pc: Int32Array;
  notified: Uint8Array;
  itemRecords: Float64Array;
  itemTs: Float64Array;
  hasItem: Uint8Array;
  sendLeft: Float64Array;
  doneOfItem: Float64Array; // records of the held message already processed
  joiner: Int32Array;
  blockReason: Int32Array;
  blockedSince: Float64Array;
  startNs: Float64Array;
  endNs: Float64Array;
  polls: Float64Array;
  yields: Float64Array;
  busyNs: Float64Array;
  waitNs: Float64Array; // n × WAIT_NAMES.length
  slots: Float64Array; // n × slotsPerTask
  lastWorker: Int32Array;
  constructor(
    cap: number,
    readonly slotsPerTask: number,
  ) {
    this.def = new Int32Array(cap);
    this.state = new Int32Array(cap);
    this.pc = new Int32Array(cap);
    this.notified = new Uint8Array(cap);
    this.itemRecords = new Float64Array(cap);
    this.itemTs = new Float64Array(cap);
    this.hasItem = new Uint8Array(cap);
    this.sendLeft = new Float64Array(cap);
    this.doneOfItem = new Float64Array(cap);
    this.joiner = new Int32Array(cap);
    this.blockReason = new Int32Array(cap);
    this.blockedSince = new Float64Array(cap);
    this.startNs = new Float64Array(cap);
    this.endNs = new Float64Array(cap);
    this.polls = new Float64Array(cap);
    this.yields = new Float64Array(cap);
    this.busyNs = new Float64Array(cap);
    this.waitNs = new Float64Array(cap * WAIT_NAMES.length);
    this.slots = new Float64Array(cap * Math.max(1, slotsPerTask));
    this.lastWorker = new Int32Array(cap);
  }

  /** Adds a task instance of definition `def`; returns its id. */
  add(def: number, nowNs: number): number {
    if (this.n === this.def.length) this.grow();
    const id = this.n++;
    this.def[id] = def;
    this.state[id] = T_NEW;
    this.pc[id] = 0;
    this.joiner[id] = -1;
    this.startNs[id] = nowNs;
    this.endNs[id] = -1;
    this.lastWorker[id] = -1;
    return id;
  }

  private grow(): void {
    const cap = this.def.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, mult = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * mult);
      b.set(a);
      return b;
    };
    this.def = g(this.def);
    this.state = g(this.state);
    this.pc = g(this.pc);
    this.notified = g(this.notified);
    this.itemRecords = g(this.itemRecords);
    this.itemTs = g(this.itemTs);
    this.hasItem = g(this.hasItem);
    this.sendLeft = g(this.sendLeft);
    this.doneOfItem = g(this.doneOfItem);
    this.joiner = g(this.joiner);
    this.blockReason = g(this.blockReason);
    this.blockedSince = g(this.blockedSince);
    this.startNs = g(this.startNs);
    this.endNs = g(this.endNs);
    this.polls = g(this.polls);
    this.yields = g(this.yields);
    this.busyNs = g(this.busyNs);
    this.waitNs = g(this.waitNs, WAIT_NAMES.length);
    this.slots = g(this.slots, Math.max(1, this.slotsPerTask));
    this.lastWorker = g(this.lastWorker);
  }
}

export class Channel {
  readonly q = new MsgRing();
  closed = false;
  receiver = -1; // task whose waker is registered, -1 none
  /** The task that last received, polled or spin-waited on this channel (mpsc: its one receiver); -1 none. */
  rxTask = -1;
  /** The task that last sent on this channel from a runtime thread; -1 none. */
  txTask = -1;
  /** Threads spin-waiting on this channel (a lock-free queue may have several consumers). */
  readonly spinners = new IntRing(4);
  readonly senders = new IntRing(4); // tasks blocked on a full bounded channel
  constructor(
    readonly kind: number, // 0 unbounded, 1 bounded, 2 lockfree
    readonly capacity: number,
  ) {
    // PERF (V8, issue 20): stored twice, as the Simulator constructor does its end-of-run fields.
    this.closed = true;
    this.closed = false;
  }
}

export class Mutex {
  owner = -1;
  readonly waiters = new IntRing(4);
}

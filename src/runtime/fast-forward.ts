/**
 * Fast-forward over idle spinning: exact cycle skipping.
 *
 * Phase: simulate. When partitions spin on empty queues (yield loops, spin waits) between two
 * arrivals, the simulator would step through millions of identical polls. Instead, at
 * checkpoints (round boundaries of the scheduler loop) the simulator's whole mutable state is
 * walked into a flat vector now and then (an anchor), and compared with a later state whose cheap
 * signature equals the anchor's (CycleDetector). The state has
 * *cycled* when every entry is equal, except times that moved by exactly Δ (the time between the
 * two checkpoints), and no random number was drawn in between (the generators' states are part
 * of the vector). A deterministic system in such a state repeats the same Δ-long stretch until
 * something from outside (an arrival, a timer, a time slice, a run limit) intervenes, so the
 * engine adds n·Δ to every moving time and n times the counters' increase (polls, yields, driver
 * polls, busy and spin time, per-op breakdown, events) in one step, for the largest n that ends a
 * full cycle before the first outside event. The result is identical to stepping, by
 * construction; test/unit/runtime/fast-forward.test.ts runs both ways and compares the bytes.
 *
 * Several workers: the state walked is their joint state (every worker's queues, clocks and
 * pending events), compared at the round boundaries of one designated worker; it recurs when the
 * workers' loops fall into a common period (often: they phase-lock through steals and the
 * searcher limit, and the period is then a multiple of the 61-tick maintenance interval).
 *
 * What it does not skip: stretches that draw random numbers (jittered costs, wake latencies
 * drawn while spinning — a worker woken by another's search every round —, steal choices between
 * several non-empty victims) never cycle, so they are stepped, exactly; so are runs with a poll
 * trace. Platform noise: a pause is a draw, so no cycle spans one; between pauses the running
 * time each thread has left to its next pause shrinks by the same amount every cycle (it is
 * walked as a counter), and a jump stops at least one cycle before any thread's next pause
 * (ff-checkpoint.ts), so the pause is then stepped where stepping would take it. Memory: 17
 * vectors of a few numbers per task and thread.
 */

/** Checkpoints between two anchors (full state walks) while no cycle is found (at first). */
const ANCHOR_EVERY = 16;
/** The widest anchor spacing, after jumps that skipped less than their walks cost. */
const ANCHOR_EVERY_MAX = 256;
/**
 * A jump is worth its search when it skipped at least this many events per entry of one state
 * walk (a search walks the state two or three times; an event costs about what a few entries do).
 */
const WORTH_WALKS = 1;
/** Anchors kept: at the first spacing they reach ANCHOR_EVERY × (ANCHORS − 1) = 256 checkpoints back. */
const ANCHORS = 17;
/** Checkpoints without a cycle before giving up until the next outside event. */
const GIVE_UP = 1024;

const EXACT = 0;
const TIME = 1;

class Vec {
  vals = new Float64Array(256);
  kinds = new Uint8Array(256);
  n = 0;
  accs = new Float64Array(256);
  nAcc = 0;
  tNs = 0;
  /** Hash of the exact entries (times excluded): a cheap first test before a full compare. */
  hash = 0;
  constructor() {
    // PERF (V8, issue 20): doubles from the start (simulator.ts, the Simulator constructor, says why).
    this.tNs = 0.5;
    this.tNs = 0;
    this.hash = 0.5;
    this.hash = 0;
  }
  pushVal(x: number, kind: number): void {
    if (kind === EXACT) this.hash = Math.imul(this.hash ^ (x | 0) ^ ((x / 4294967296) | 0), 0x9e3779b1) + 0x7f4a7c15;
    if (this.n === this.vals.length) {
      const v = new Float64Array(this.n * 2);
      v.set(this.vals);
      this.vals = v;
      const k = new Uint8Array(this.n * 2);
      k.set(this.kinds);
      this.kinds = k;
    }
    this.vals[this.n] = x;
    this.kinds[this.n++] = kind;
  }
  pushAcc(x: number): void {
    if (this.nAcc === this.accs.length) {
      const a = new Float64Array(this.nAcc * 2);
      a.set(this.accs);
      this.accs = a;
    }
    this.accs[this.nAcc++] = x;
  }
  copyFrom(o: Vec): void {
    if (this.vals.length < o.n) {
      this.vals = new Float64Array(o.vals.length);
      this.kinds = new Uint8Array(o.vals.length);
    }
    if (this.accs.length < o.nAcc) this.accs = new Float64Array(o.accs.length);
    this.vals.set(o.vals.subarray(0, o.n));
    this.kinds.set(o.kinds.subarray(0, o.n));
    this.accs.set(o.accs.subarray(0, o.nAcc));
    this.n = o.n;
    this.nAcc = o.nAcc;
    this.tNs = o.tNs;
    this.hash = o.hash;
  }
}

/**
 * The walker the simulator's `walkState` feeds, field by field, in a fixed order. In record mode
 * it stores values; in shift mode it returns, for each field, what to add to it.
 */
export class StateWalk {
  private shifting = false;
  private cur = new Vec();
  private saved: Vec | undefined;
  private k = 0;
  private a = 0;
  private deltaNs = 0;
  private shiftNs = 0;
  private cycles = 0;
  constructor() {
    // PERF (V8, issue 20): doubles from the start (simulator.ts, the Simulator constructor, says why).
    this.deltaNs = 0.5;
    this.deltaNs = 0;
    this.shiftNs = 0.5;
    this.shiftNs = 0;
  }

  /** A value that must be equal in both snapshots. */
  ex(x: number): void {
    if (this.shifting) this.k++;
    else this.cur.pushVal(x, EXACT);
  }

  /** A point in time: equal in both snapshots (a past instant) or moved by exactly Δ. Returns the shift to add. */
  tm(x: number): number {
    if (!this.shifting) {
      this.cur.pushVal(x, TIME);
      return 0;
    }
    const k = this.k++;
    return this.cur.vals[k] - this.saved!.vals[k] === this.deltaNs ? this.shiftNs : 0;
  }

  /** A counter that only grows (polls, busy ns, …). Returns what n more cycles add to it. */
  ac(x: number): number {
    if (!this.shifting) {
      this.cur.pushAcc(x);
      return 0;
    }
    const a = this.a++;
    return (this.cur.accs[a] - this.saved!.accs[a]) * this.cycles;
  }

  /** Exact contents of an integer ring (its length, then its elements in order). */
  ring(r: { length: number; at(i: number): number }): void {
    this.ex(r.length);
    for (let i = 0; i < r.length; i++) this.ex(r.at(i));
  }

  // ---- used by the detector -------------------------------------------------------------------

  beginRecord(tNs: number): void {
    this.shifting = false;
    this.cur.n = 0;
    this.cur.nAcc = 0;
    this.cur.tNs = tNs;
    this.cur.hash = 0;
  }

  beginShift(saved: Vec, cycles: number): void {
    this.shifting = true;
    this.saved = saved;
    this.k = 0;
    this.a = 0;
    this.deltaNs = this.cur.tNs - saved.tNs;
    this.shiftNs = this.deltaNs * cycles;
    this.cycles = cycles;
  }

  endShift(): void {
    this.shifting = false;
  }

  get current(): Vec {
    return this.cur;
  }
}

/** A kept state: its walk, its cheap signature, and checkpoints since it was taken. */
interface Anchor {
  vec: Vec;
  sig: number;
  age: number;
  live: boolean;
}

/**
 * Cycle detection, so that most checkpoints cost a few operations. Each checkpoint gives a cheap
 * signature (a hash of the scheduler's positions, queues, tick residues and task program
 * counters, equal whenever the states are). The first quiet checkpoint of a stretch, and every
 * 16th after it, is an **anchor**: its full state is walked and kept (17 of them, so anchors
 * reach 256 checkpoints back). A later checkpoint whose signature equals a live anchor's is
 * walked and compared with it entry by entry — every entry equal, except times that moved by
 * exactly Δ: a proven cycle. A cycle that starts at the first quiet checkpoint (the usual case
 * on current_thread) is proven one period in; one that starts later, at most 16 checkpoints
 * plus one period after it starts. A comparison that fails (a signature collision, a transient)
 * retires that anchor. After GIVE_UP checkpoints without a cycle it stops looking until the next
 * outside event.
 */
export class CycleDetector {
  readonly walk = new StateWalk();
  private readonly anchors: Anchor[] = Array.from({ length: ANCHORS }, () => ({ vec: new Vec(), sig: 0, age: 0, live: false }));
  private nextSlot = 0;
  private sinceAnchor = 0;
  private since = 0;
  private off = false;
  // What this checkpoint asked for (onSignature), done by afterWalk.
  private sig = 0;
  private anchorHere = false;
  /** No anchor taken since the last reset (not since a draw): the next checkpoint anchors at once. */
  private fresh = true;
  /** Current anchor spacing: widened while jumps skip less than the walks that found them cost. */
  private anchorEvery = ANCHOR_EVERY;
  private matches = 0; // bit i: anchor i has this checkpoint's signature
  private liveCount = 0; // anchors alive
  jumps = 0;
  skippedNs = 0;
  /** Full state walks asked for (anchors and comparisons): what the search cost. */
  walks = 0;
  /**
   * A proven cycle had no room before the next outside event: no search pays until that event
   * (time `idleUntil`, ns) has happened, or a random draw (a noise pause) or an outside event
   * (reset) has changed the state. Infinity: until the next draw or reset. See `noRoom`.
   */
  idleUntil = 0;
  constructor() {
    // PERF (V8, issue 20): doubles from the start (simulator.ts, the Simulator constructor, says why).
    this.skippedNs = 0.5;
    this.skippedNs = 0;
    this.idleUntil = 0.5;
    this.idleUntil = 0;
  }

  /** Forget everything: something from outside happened. The next quiet checkpoint is an anchor. */
  reset(): void {
    this.forget();
    this.fresh = true;
    this.since = 0;
    this.off = false;
  }

  /**
   * A cycle was proven but not one of it fits before `untilNs` (the first outside event: an
   * arrival, a woken thread's wake-up, a timer; Infinity: a thread's next noise pause, or the event
   * limit). Later checkpoints before it would find the same cycle with less room still, each at
   * the price of a state walk or two (on 8 workers spinning between 1 ms arrivals the joint period
   * is ~0.2 ms and most checks ended so): stop searching until then. Skipping checks never
   * changes the result, only what is skipped.
   */
  noRoom(untilNs: number): void {
    this.forget();
    this.idleUntil = untilNs;
  }

  /**
   * Forget the anchors (a random draw happened: no cycle spans it) without counting towards giving
   * up. The next anchor waits the anchor spacing in draw-free checkpoints: where draws keep coming
   * (a worker woken every few rounds) an anchor right after each would cost a walk per draw.
   */
  forget(): void {
    this.idleUntil = 0;
    for (const a of this.anchors) a.live = false;
    this.liveCount = 0;
    this.sinceAnchor = 0;
    this.fresh = false;
  }

  /**
   * Before computing a checkpoint's signature: false, with the checkpoint counted, when there is
   * no anchor to compare it with and none is due — most checkpoints once anchors are sparse.
   */
  wantsSignature(): boolean {
    if (this.fresh || this.liveCount > 0 || this.sinceAnchor + 1 >= this.anchorEvery) return true;
    this.sinceAnchor++;
    if (++this.since > GIVE_UP) this.off = true;
    return false;
  }

  get enabled(): boolean {
    return !this.off;
  }

  /** A checkpoint's cheap signature. Returns true when the full state must be walked (then call afterWalk). */
  onSignature(sig: number): boolean {
    this.sig = sig;
    let any = false;
    let matches = 0;
    for (let i = 0; i < ANCHORS; i++) {
      const a = this.anchors[i];
      if (!a.live) continue;
      any = true;
      a.age++;
      if (a.sig === sig) matches |= 1 << i;
    }
    this.matches = matches;
    this.anchorHere = (!any && this.fresh) || ++this.sinceAnchor >= this.anchorEvery;
    if (++this.since > GIVE_UP) this.off = true;
    if (matches === 0 && !this.anchorHere) return false;
    this.walks++;
    return true;
  }

  /**
   * After onSignature asked for a walk and `walk` recorded the state: compare it with the anchors
   * that share its signature (the youngest that repeats wins: the shortest period, so the most
   * cycles fit before the next outside event), keep it as a new anchor when due. Returns the
   * earlier state it repeats (Δ > 0: a proven cycle), or undefined.
   */
  afterWalk(): Vec | undefined {
    const cur = this.walk.current;
    let best = -1;
    for (let i = 0; i < ANCHORS; i++) {
      if (!(this.matches & (1 << i))) continue;
      const a = this.anchors[i];
      if (repeats(cur, a.vec)) {
        if (best < 0 || a.age < this.anchors[best].age) best = i;
      } else {
        a.live = false;
        this.liveCount--;
      }
    }
    if (best >= 0) return this.anchors[best].vec;
    if (this.anchorHere) {
      const a = this.anchors[this.nextSlot];
      this.nextSlot = (this.nextSlot + 1) % ANCHORS;
      a.vec.copyFrom(cur);
      a.sig = this.sig;
      a.age = 0;
      if (!a.live) this.liveCount++;
      a.live = true;
      this.sinceAnchor = 0;
      this.fresh = false;
    }
    return undefined;
  }

  /**
   * Call after a jump: the next stretch starts a new search. `eventsSkipped` against `walkEntries`
   * (the size of one state walk): a jump that skipped fewer events than a few walks cost (short
   * cycles cut by frequent outside events) widens the anchor spacing (×2, up to 256), a worthwhile
   * one narrows it back — the checks cost less where they rarely pay.
   */
  jumped(shiftNs: number, eventsSkipped = Infinity, walkEntries = 0): void {
    this.jumps++;
    this.skippedNs += shiftNs;
    if (eventsSkipped < WORTH_WALKS * walkEntries) this.anchorEvery = Math.min(ANCHOR_EVERY_MAX, this.anchorEvery * 2);
    else this.anchorEvery = ANCHOR_EVERY;
    this.reset();
  }
}

/** `cur` repeats `s` one cycle later: Δ > 0, and every entry equal except times moved by exactly Δ. */
function repeats(cur: Vec, s: Vec): boolean {
  return cur.tNs > s.tNs && cur.hash === s.hash && same(cur, s);
}

function same(cur: Vec, s: Vec): boolean {
  if (cur.n !== s.n || cur.nAcc !== s.nAcc) return false;
  const d = cur.tNs - s.tNs;
  for (let i = 0; i < cur.n; i++) {
    if (cur.kinds[i] !== s.kinds[i]) return false;
    const a = cur.vals[i];
    const b = s.vals[i];
    if (a === b) continue;
    if (cur.kinds[i] === EXACT || a - b !== d) return false;
  }
  return true;
}

/** One step of a 32-bit multiplicative hash (for ffSignature). */
export function mix(h: number, x: number): number {
  return (Math.imul(h ^ (x | 0), 0x9e3779b1) + 0x7f4a7c15) | 0;
}

/** The hash of an integer ring's contents, mixed into `h`. */
export function mixRing(h: number, r: { length: number; at(i: number): number }): number {
  h = mix(h, r.length);
  for (let i = 0; i < r.length; i++) h = mix(h, r.at(i));
  return h;
}

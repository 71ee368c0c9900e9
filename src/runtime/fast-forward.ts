/**
 * Fast-forward over idle spinning: exact cycle skipping.
 *
 * Phase: simulate. When partitions spin on empty queues (yield loops, spin waits) between two
 * arrivals, the simulator would step through millions of identical polls. Instead, at
 * checkpoints (round boundaries of the scheduler loop) the simulator's whole mutable state is
 * walked into a flat vector and compared with the recent ones. The state has
 * *cycled* when every entry is equal, except times that moved by exactly Δ (the time between the
 * two checkpoints), and no random number was drawn in between (the generators' states are part
 * of the vector). A deterministic system in such a state repeats the same Δ-long stretch until
 * something from outside (an arrival, a timer, a time slice, a run limit) intervenes, so the
 * engine adds n·Δ to every moving time and n times the counters' increase (polls, yields, driver
 * polls, busy and spin time, per-op breakdown, events) in one step, for the largest n that ends a
 * full cycle before the first outside event. The result is identical to stepping, by
 * construction; test/unit/runtime/fast-forward.test.ts runs both ways and compares the bytes.
 *
 * What it does not skip: stretches that draw random numbers (jittered costs, wake latencies
 * drawn while spinning, steal choices between several non-empty victims) never cycle, so they
 * are stepped, exactly; so are runs with platform noise or a poll trace. Memory: two vectors of
 * a few numbers per task and thread.
 */

/** States remembered: the longest cycle found, in checkpoints (round boundaries). */
const HISTORY = 256;
/** Checkpoints without a cycle before giving up until the next outside event. */
const GIVE_UP = 4 * HISTORY;

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

/**
 * Cycle detection over state vectors taken at checkpoints: the last HISTORY states are kept;
 * a new state that equals one of them (hash of the exact entries first, then every entry, times
 * allowed to have moved by exactly Δ) closes a cycle at its first recurrence. After GIVE_UP
 * checkpoints without one, it stops looking until the next outside event.
 */
export class CycleDetector {
  readonly walk = new StateWalk();
  private readonly history: Vec[] = Array.from({ length: HISTORY }, () => new Vec());
  private count = 0; // states held in history (ring)
  private next = 0;
  private since = 0;
  private off = false;
  jumps = 0;
  skippedNs = 0;

  /** Forget everything: something from outside happened. */
  reset(): void {
    this.count = 0;
    this.next = 0;
    this.since = 0;
    this.off = false;
  }

  get enabled(): boolean {
    return !this.off;
  }

  /** After `walk` recorded the current state: the earlier state it repeats (Δ > 0), or undefined. */
  check(): Vec | undefined {
    const cur = this.walk.current;
    for (let j = 1; j <= this.count; j++) {
      const v = this.history[(this.next - j + HISTORY) % HISTORY];
      if (v.hash === cur.hash && cur.tNs > v.tNs && same(cur, v)) return v;
    }
    this.history[this.next].copyFrom(cur);
    this.next = (this.next + 1) % HISTORY;
    if (this.count < HISTORY) this.count++;
    if (++this.since > GIVE_UP) this.off = true;
    return undefined;
  }

  /** Call after a jump: the next stretch starts a new search. */
  jumped(shiftNs: number): void {
    this.jumps++;
    this.skippedNs += shiftNs;
    this.reset();
  }
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

/**
 * Fast-forward over idle spinning: exact cycle skipping.
 *
 * Phase: simulate. When partitions spin on empty queues (yield loops, spin waits) between two
 * arrivals, the simulator would step through millions of identical polls. Instead, at
 * checkpoints (round boundaries of the scheduler loop) a cheap signature of the scheduler state
 * finds a candidate period, and then the simulator's whole mutable state is walked into a flat
 * vector twice, one candidate period apart, and compared. The state has
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
 * several non-empty victims) never cycle, so they are stepped, exactly; so are runs with
 * platform noise or a poll trace. Memory: two vectors of
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

/** What the simulator must do at a checkpoint (see CycleDetector.onSignature). */
export const FF_NOTHING = 0;
export const FF_SNAPSHOT = 1;
export const FF_VERIFY = 2;

/**
 * Cycle detection in two phases, so that most checkpoints cost a few operations:
 * 1. each checkpoint gives a cheap signature (a hash of the scheduler's positions, queues, tick
 *    residues and task program counters); when one equals a signature seen L checkpoints ago,
 *    L is a candidate period and the full state is recorded (snapshot A);
 * 2. L checkpoints later the full state is recorded again and compared with A: every entry equal,
 *    except times that moved by exactly Δ. Equal closes a cycle; otherwise the search goes on.
 * After GIVE_UP checkpoints without a cycle it stops looking until the next outside event.
 */
export class CycleDetector {
  readonly walk = new StateWalk();
  private readonly sigs = new Float64Array(HISTORY);
  private count = 0; // signatures held (ring)
  private next = 0;
  private since = 0;
  private off = false;
  private readonly saved = new Vec();
  private verifyIn = -1; // checkpoints until the verification, -1 = not pending
  private pendingSig = 0; // the signature snapshot A was taken at, and the period it assumed
  private pendingPeriod = 0;
  // The signature and period of the last cycle that verified: the next quiet stretch usually
  // repeats it, so a snapshot is taken the first time that signature shows up (saves a period).
  private knownSig = 0;
  private knownPeriod = 0;
  jumps = 0;
  skippedNs = 0;

  /** Forget everything: something from outside happened. */
  reset(): void {
    this.count = 0;
    this.next = 0;
    this.since = 0;
    this.off = false;
    this.verifyIn = -1;
  }

  /**
   * Forget the signatures seen (a random draw happened: no cycle spans it) without counting
   * towards giving up, and drop a pending verification.
   */
  forget(): void {
    this.count = 0;
    this.next = 0;
    this.verifyIn = -1;
  }

  get enabled(): boolean {
    return !this.off;
  }

  /** A checkpoint's cheap signature: returns FF_NOTHING, FF_SNAPSHOT or FF_VERIFY. */
  onSignature(sig: number): number {
    let act = FF_NOTHING;
    if (this.knownPeriod > 0 && sig === this.knownSig && !(this.verifyIn > 0 && this.pendingSig === sig)) {
      // The last verified cycle's signature: snapshot now, verify one known period later (it
      // replaces a pending guess from the history, which is usually a shorter false period).
      this.verifyIn = this.knownPeriod;
      this.pendingSig = sig;
      this.pendingPeriod = this.knownPeriod;
      act = FF_SNAPSHOT;
    } else if (this.verifyIn > 0 && --this.verifyIn === 0) {
      this.verifyIn = -1;
      act = FF_VERIFY;
    } else if (this.verifyIn < 0) {
      for (let j = 1; j <= this.count; j++) {
        if (this.sigs[(this.next - j + HISTORY) % HISTORY] === sig) {
          this.verifyIn = j;
          act = FF_SNAPSHOT;
          break;
        }
      }
      if (act === FF_SNAPSHOT) {
        this.pendingSig = sig;
        this.pendingPeriod = this.verifyIn;
      }
    }
    this.sigs[this.next] = sig;
    this.next = (this.next + 1) % HISTORY;
    if (this.count < HISTORY) this.count++;
    if (++this.since > GIVE_UP) this.off = true;
    return act;
  }

  /** After FF_SNAPSHOT: keep the state `walk` just recorded. */
  keepSnapshot(): void {
    this.saved.copyFrom(this.walk.current);
  }

  /** After FF_VERIFY: the snapshot the state just recorded repeats (Δ > 0), or undefined. */
  verify(): Vec | undefined {
    const cur = this.walk.current;
    return cur.tNs > this.saved.tNs && cur.hash === this.saved.hash && same(cur, this.saved) ? this.saved : undefined;
  }

  /** Call after a jump: the next stretch starts a new search. */
  jumped(shiftNs: number): void {
    this.jumps++;
    this.skippedNs += shiftNs;
    this.knownSig = this.pendingSig;
    this.knownPeriod = this.pendingPeriod;
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

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

/** What a history-based check does at a checkpoint (see CycleDetector.onSignature). */
const FF_NOTHING = 0;
const FF_SNAPSHOT = 1;
const FF_VERIFY = 2;

/** Checkpoints after which an anchor that never recurred is moved forward (then doubled: Brent). */
const ANCHOR_FIRST_LIMIT = HISTORY;

/**
 * Cycle detection, so that most checkpoints cost a few operations. Each checkpoint gives a cheap
 * signature (a hash of the scheduler's positions, queues, tick residues and task program
 * counters); a full state walk is recorded only when a signature calls for it, and two walks
 * are compared entry by entry (every entry equal, except times that moved by exactly Δ). Two
 * ways to propose the pair:
 * 1. **an anchor**: the first quiet checkpoint's full state is kept with its signature; the first
 *    later checkpoint with the same signature is compared with it. A cycle that starts at once
 *    is thus proven one period in. An anchor whose signature does not come back is moved forward
 *    after 256, 512, … checkpoints (Brent's cycle detection: a transient of any length is
 *    left behind); a failed comparison (a hash collision) re-anchors at that state;
 * 2. **the signature history**: when a signature equals one seen L checkpoints ago, L is a
 *    candidate period: the state is recorded and compared again L checkpoints later; and the
 *    last proven cycle's signature, when it shows up again, is recorded and compared one known
 *    period later.
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
  // The anchor: a full state, its signature, checkpoints since, and when to move it forward.
  private readonly anchor = new Vec();
  private anchorSet = false;
  private anchorSig = 0;
  private anchorAge = 0;
  private anchorLimit = ANCHOR_FIRST_LIMIT;
  // What this checkpoint asked for (onSignature), done by afterWalk.
  private sig = 0;
  private histAct = FF_NOTHING;
  private anchorVerify = false;
  private anchorMove = false;
  jumps = 0;
  skippedNs = 0;

  /** Forget everything: something from outside happened. */
  reset(): void {
    this.forget();
    this.since = 0;
    this.off = false;
  }

  /**
   * Forget the signatures and the anchor (a random draw happened: no cycle spans it) without
   * counting towards giving up, and drop a pending verification.
   */
  forget(): void {
    this.count = 0;
    this.next = 0;
    this.verifyIn = -1;
    this.anchorSet = false;
    this.anchorLimit = ANCHOR_FIRST_LIMIT;
  }

  get enabled(): boolean {
    return !this.off;
  }

  /** A checkpoint's cheap signature. Returns true when the full state must be walked (then call afterWalk). */
  onSignature(sig: number): boolean {
    this.sig = sig;
    this.anchorVerify = this.anchorSet && sig === this.anchorSig;
    this.anchorMove = !this.anchorSet || (!this.anchorVerify && ++this.anchorAge >= this.anchorLimit);
    if (this.anchorVerify) this.anchorAge++;
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
    this.histAct = act;
    this.sigs[this.next] = sig;
    this.next = (this.next + 1) % HISTORY;
    if (this.count < HISTORY) this.count++;
    if (++this.since > GIVE_UP) this.off = true;
    return this.anchorVerify || this.anchorMove || act !== FF_NOTHING;
  }

  /**
   * After onSignature asked for a walk and `walk` recorded the state: compare it with the anchor
   * or the pending snapshot as asked, keep it as asked. Returns the earlier state it repeats
   * (Δ > 0: a proven cycle), or undefined.
   */
  afterWalk(): Vec | undefined {
    const cur = this.walk.current;
    if (this.anchorVerify) {
      if (repeats(cur, this.anchor)) {
        this.pendingSig = this.anchorSig;
        this.pendingPeriod = this.anchorAge;
        return this.anchor;
      }
      this.anchorMove = true; // a signature collision, or not a cycle yet: anchor here
    }
    if (this.histAct === FF_VERIFY && repeats(cur, this.saved)) return this.saved;
    if (this.histAct === FF_SNAPSHOT) this.saved.copyFrom(cur);
    if (this.anchorMove) {
      if (this.anchorSet && !this.anchorVerify) this.anchorLimit *= 2;
      this.anchor.copyFrom(cur);
      this.anchorSig = this.sig;
      this.anchorSet = true;
      this.anchorAge = 0;
    }
    return undefined;
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

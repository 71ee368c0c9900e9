/**
 * Growable ring buffers on typed arrays: run queues of task ids and channel message queues.
 *
 * Phase: simulate. No allocation per operation; capacity doubles when full (rare, amortised).
 * PERF: capacities are powers of two, so an index wraps with a mask (`& mask`), not a division.
 */

/** The least power of two ≥ n (and ≥ 1). */
function pow2(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

export class IntRing {
  /**
   * The storage, its index mask and the front's index: read and written directly by the
   * current_thread tight loop (current-thread.ts, yieldRun: the rings' state in locals, written
   * back once), after `reserve`; everything else goes through the methods.
   */
  buf: Int32Array;
  mask: number;
  head = 0;
  length = 0;
  constructor(capacity = 16) {
    this.buf = new Int32Array(pow2(capacity));
    this.mask = this.buf.length - 1;
  }
  pushBack(v: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length) & this.mask] = v;
    this.length++;
  }
  pushFront(v: number): void {
    if (this.length === this.buf.length) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = v;
    this.length++;
  }
  /** Removes and returns the front element, or -1 when empty. */
  popFront(): number {
    if (this.length === 0) return -1;
    const v = this.buf[this.head];
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return v;
  }
  popBack(): number {
    if (this.length === 0) return -1;
    this.length--;
    return this.buf[(this.head + this.length) & this.mask];
  }
  at(i: number): number {
    return this.buf[(this.head + i) & this.mask];
  }
  clear(): void {
    this.head = 0;
    this.length = 0;
  }
  /** Whether `v` is queued. O(length): for the short lists (sleepers, spinners) it serves. */
  has(v: number): boolean {
    for (let i = 0; i < this.length; i++) if (this.buf[(this.head + i) & this.mask] === v) return true;
    return false;
  }
  /** Removes every occurrence of `v`, keeping the order of the rest. O(length). */
  remove(v: number): void {
    let k = 0;
    for (let i = 0; i < this.length; i++) {
      const x = this.buf[(this.head + i) & this.mask];
      if (x !== v) this.buf[(this.head + k++) & this.mask] = x;
    }
    this.length = k;
  }
  /** Grows the storage (by doubling) until it holds at least `n` elements. */
  reserve(n: number): void {
    while (this.buf.length < n) this.grow();
  }
  private grow(): void {
    const nb = new Int32Array(this.buf.length * 2);
    for (let i = 0; i < this.length; i++) nb[i] = this.buf[(this.head + i) & this.mask];
    this.buf = nb;
    this.mask = nb.length - 1;
    this.head = 0;
  }
}

/** A partial sum below which adding one more message (≤ 2³² records) stays an exact integer double. */
const EXACT_CHUNK = Number.MAX_SAFE_INTEGER - 2 ** 32;

/** Channel messages: (records, timestamp of the batch's arrival in ns). */
export class MsgRing {
  private recs: Float64Array;
  private ts: Float64Array;
  /** The thread that sent each message (-1: a source outside the runtime). */
  private from: Int32Array;
  private mask: number;
  private head = 0;
  length = 0;
  // Scratch filled by popFront.
  outRecords = 0;
  outTs = 0;
  outFrom = -1;
  constructor(capacity = 16) {
    // PERF (V8, issue 20): doubles from the start (simulator.ts, the Simulator constructor, says why).
    this.outRecords = 0.5;
    this.outRecords = 0;
    this.outTs = 0.5;
    this.outTs = 0;
    this.recs = new Float64Array(pow2(capacity));
    this.ts = new Float64Array(this.recs.length);
    this.from = new Int32Array(this.recs.length);
    this.mask = this.recs.length - 1;
  }
  push(records: number, tsNs: number, from = -1): void {
    if (this.length === this.recs.length) this.grow();
    const i = (this.head + this.length) & this.mask;
    this.recs[i] = records;
    this.ts[i] = tsNs;
    this.from[i] = from;
    this.length++;
  }
  popFront(): boolean {
    if (this.length === 0) return false;
    this.outRecords = this.recs[this.head];
    this.outTs = this.ts[this.head];
    this.outFrom = this.from[this.head];
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return true;
  }
  /**
   * Sum of records queued (for in-flight accounting at the end of a run), exact: a message holds
   * up to 10⁹ records and a queue millions of messages, so the sum can pass 2⁵³, where a double
   * stops counting in ones (issue 18: 9.4·10¹⁵ in flight). Summed in doubles while that is exact,
   * carried into a bigint before it could round.
   */
  queuedRecords(): bigint {
    let big = 0n;
    let s = 0;
    for (let i = 0; i < this.length; i++) {
      s += this.recs[(this.head + i) & this.mask];
      if (s > EXACT_CHUNK) {
        big += BigInt(s);
        s = 0;
      }
    }
    return big + BigInt(s);
  }
  private grow(): void {
    const n = this.recs.length * 2;
    const r = new Float64Array(n);
    const t = new Float64Array(n);
    const f = new Int32Array(n);
    for (let i = 0; i < this.length; i++) {
      r[i] = this.recs[(this.head + i) & this.mask];
      t[i] = this.ts[(this.head + i) & this.mask];
      f[i] = this.from[(this.head + i) & this.mask];
    }
    this.recs = r;
    this.ts = t;
    this.from = f;
    this.mask = n - 1;
    this.head = 0;
  }
}

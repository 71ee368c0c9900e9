/**
 * Event queue for the discrete-event engine: a binary min-heap ordered by (timeNs, seq).
 *
 * Phase: simulate. Struct-of-arrays on typed arrays (after mourner's flatqueue) so that no object
 * is allocated per event; `seq` is a global insertion counter, so events with equal times pop in
 * the order they were pushed (SimPy's `eid` tie-break) and results never depend on heap internals.
 * Every event carries a numeric `kind` and two integer operands; the runtime interprets them.
 *
 * Memory: grows by doubling; never shrinks during a run. Times are integer nanoseconds held in
 * float64 (exact to 2^53 ns ≈ 104 days).
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private as: Int32Array;
  private bs: Int32Array;
  private n = 0;
  private nextSeq = 0;

  // Scratch fields filled by pop(): read them right after a pop, before the next push.
  timeNs = 0;
  kind = 0;
  a = 0;
  b = 0;

  constructor(capacity = 1024) {
    // PERF (V8, issue 20): a double from the start, so that the first non-integer time popped does
    // not change the class's field representation and throw away the optimised code that reads it.
    this.timeNs = 0.5;
    this.timeNs = 0;
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.as = new Int32Array(capacity);
    this.bs = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Earliest time in the queue, or +Infinity when empty (kept in a field: the hot loops ask per op). */
  peekTime(): number {
    return this.head;
  }

  private head = Infinity;

  push(timeNs: number, kind: number, a: number, b: number): void {
    this.pushSeq(timeNs, kind, a, b, this.nextSeq++);
  }

  /**
   * Like push, but ahead of every event already queued at the same time (a negative sequence
   * number): for a thread that only paused, so that pausing changes no order.
   */
  pushAhead(timeNs: number, kind: number, a: number, b: number): void {
    this.pushSeq(timeNs, kind, a, b, this.aheadSeq--);
  }

  private aheadSeq = -1;

  private pushSeq(timeNs: number, kind: number, a: number, b: number, seq: number): void {
    if (this.n === this.times.length) this.grow();
    // Sift up with a hole: move parents down until the new entry's place is found.
    let i = this.n++;
    const times = this.times;
    const seqs = this.seqs;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < timeNs || (pt === timeNs && seqs[p] < seq)) break;
      this.moveEntry(p, i);
      i = p;
    }
    times[i] = timeNs;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.as[i] = a;
    this.bs[i] = b;
    if (i === 0) this.head = timeNs;
  }

  /**
   * `push(timeNs, kind, a, b)` then `pop()`, in one sift: the same event comes out and the same
   * events stay queued (the order is (time, seq), seq unique, so the heap's layout never decides
   * it). PERF: a thread handing back to the event loop (simulator.ts) pays one sift, not two, and
   * none when it is itself the earliest.
   */
  pushPop(timeNs: number, kind: number, a: number, b: number): void {
    const seq = this.nextSeq++;
    // The new entry's seq is the largest yet: it comes out first only when strictly earlier.
    if (this.n === 0 || timeNs < this.times[0]) {
      this.timeNs = timeNs;
      this.kind = kind;
      this.a = a;
      this.b = b;
      return;
    }
    this.timeNs = this.times[0];
    this.kind = this.kinds[0];
    this.a = this.as[0];
    this.b = this.bs[0];
    // The new entry takes the root's place and sinks.
    const n = this.n;
    const times = this.times;
    const seqs = this.seqs;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (times[r] < times[c] || (times[r] === times[c] && seqs[r] < seqs[c]))) c = r;
      if (timeNs < times[c] || (timeNs === times[c] && seq < seqs[c])) break;
      this.moveEntry(c, i);
      i = c;
    }
    times[i] = timeNs;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.as[i] = a;
    this.bs[i] = b;
    this.head = times[0];
  }

  /** Removes the earliest event and copies it into timeNs/kind/a/b. Returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.timeNs = this.times[0];
    this.kind = this.kinds[0];
    this.a = this.as[0];
    this.b = this.bs[0];
    this.dropTop();
    return true;
  }

  /** Removes the earliest event without reading it (timeNs/kind/a/b keep the last popped one). */
  dropTop(): void {
    if (this.n === 0) return;
    const last = --this.n;
    if (last === 0) this.head = Infinity;
    if (last > 0) {
      const t = this.times[last];
      const s = this.seqs[last];
      const k = this.kinds[last];
      const a = this.as[last];
      const b = this.bs[last];
      const times = this.times;
      const seqs = this.seqs;
      const half = last >> 1;
      let i = 0;
      while (i < half) {
        let c = 2 * i + 1;
        const r = c + 1;
        if (r < last && (times[r] < times[c] || (times[r] === times[c] && seqs[r] < seqs[c]))) c = r;
        if (t < times[c] || (t === times[c] && s < seqs[c])) break;
        this.moveEntry(c, i);
        i = c;
      }
      times[i] = t;
      seqs[i] = s;
      this.kinds[i] = k;
      this.as[i] = a;
      this.bs[i] = b;
      this.head = times[0];
    }
  }

  clear(): void {
    this.n = 0;
    this.head = Infinity;
  }

  // ---- whole-queue access for the fast-forward (rare; never on the hot path) ----------------

  /** Entry `i` in heap order (0 ≤ i < size): its time, kind and operands. */
  timeAt(i: number): number {
    return this.times[i];
  }
  kindAt(i: number): number {
    return this.kinds[i];
  }
  aAt(i: number): number {
    return this.as[i];
  }
  bAt(i: number): number {
    return this.bs[i];
  }
  /** Entry `i`'s insertion sequence: the tie-break between equal times. */
  seqAt(i: number): number {
    return this.seqs[i];
  }

  /**
   * Adds `dNs` to entry `i`'s time. The caller must call `heapify()` afterwards; the relative
   * order of equal times keeps following the original insertion sequence.
   */
  shiftTimeAt(i: number, dNs: number): void {
    this.times[i] += dNs;
  }

  /** Restores the heap order after `shiftTimeAt`. O(size). */
  heapify(): void {
    for (let i = (this.n >> 1) - 1; i >= 0; i--) this.siftDown(i);
    this.head = this.n > 0 ? this.times[0] : Infinity;
  }

  private siftDown(i: number): void {
    const times = this.times;
    const seqs = this.seqs;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) return;
      const r = l + 1;
      let c = l;
      if (r < this.n && (times[r] < times[l] || (times[r] === times[l] && seqs[r] < seqs[l]))) c = r;
      if (times[i] < times[c] || (times[i] === times[c] && seqs[i] < seqs[c])) return;
      this.swap(i, c);
      i = c;
    }
  }

  private swap(i: number, j: number): void {
    const t = this.times[i];
    this.times[i] = this.times[j];
    this.times[j] = t;
    const s = this.seqs[i];
    this.seqs[i] = this.seqs[j];
    this.seqs[j] = s;
    const k = this.kinds[i];
    this.kinds[i] = this.kinds[j];
    this.kinds[j] = k;
    const a = this.as[i];
    this.as[i] = this.as[j];
    this.as[j] = a;
    const b = this.bs[i];
    this.bs[i] = this.bs[j];
    this.bs[j] = b;
  }

  private moveEntry(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.seqs[to] = this.seqs[from];
    this.kinds[to] = this.kinds[from];
    this.as[to] = this.as[from];
    this.bs[to] = this.bs[from];
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    this.times = t;
    const s = new Float64Array(cap);
    s.set(this.seqs);
    this.seqs = s;
    const k = new Int32Array(cap);
    k.set(this.kinds);
    this.kinds = k;
    const a = new Int32Array(cap);
    a.set(this.as);
    this.as = a;
    const b = new Int32Array(cap);
    b.set(this.bs);
    this.bs = b;
  }
}

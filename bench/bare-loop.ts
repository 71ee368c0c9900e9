/**
 * The ceiling for this design in JavaScript: a bare current_thread yield-round loop — a ring-buffer
 * run queue and a defer list, no metrics, no op interpretation, no event queue. K tasks each
 * `yield_now()` R times per record; a yield defers the task; when the run queue is empty the
 * driver polls (a wake-up too) and moves the defer list back. It counts what dispatchsim counts
 * as wake-ups (task polls + driver polls) and accumulates simulated nanoseconds, so nothing is
 * optimized away. `npm run bench` runs it in the same process as the engine and prints the ratio.
 */
export function bareYieldRounds(tasks: number, records: number, yieldsPerRecord: number): { wakeups: number; ns: number } {
  const cap = 1 << Math.ceil(Math.log2(tasks + 1));
  const ring = new Int32Array(cap);
  const defer = new Int32Array(tasks);
  const left = new Int32Array(tasks).fill(records * yieldsPerRecord);
  let head = 0;
  let tail = 0;
  let deferred = 0;
  let wakeups = 0;
  let ns = 0;
  for (let t = 0; t < tasks; t++) ring[tail++ & (cap - 1)] = t;
  for (;;) {
    if (head === tail) {
      if (deferred === 0) break;
      wakeups++; // driver poll: wake the deferred tasks
      ns += 400;
      for (let i = 0; i < deferred; i++) ring[tail++ & (cap - 1)] = defer[i];
      deferred = 0;
      continue;
    }
    const t = ring[head++ & (cap - 1)];
    wakeups++;
    ns += 60;
    if (--left[t] > 0) defer[deferred++] = t;
  }
  return { wakeups, ns };
}

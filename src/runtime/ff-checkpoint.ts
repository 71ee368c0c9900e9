/**
 * The simulator's side of the fast-forward (fast-forward.ts has the detector): at a round
 * boundary, the cheap signature and the full walk of every piece of mutable state, and the jump.
 *
 * Phase: simulate. Anything added to the simulator's state must be added to walkState, or the
 * fast-forward may skip a stretch that is not a cycle (test/unit/runtime/fast-forward.test.ts
 * compares it with stepping).
 */
import type { Simulator } from './simulator.js';
import { EV_THREAD, P_POLL, P_SPIN } from './events.js';
import { mix, type StateWalk } from './fast-forward.js';
import * as S from './state.js';

/** The most checkpoints skipped after a check that saw a random draw. */
const MAX_BACKOFF = 64;

/** Checkpoints of other threads after which a silent designated thread is replaced. */
const SWITCH_AFTER = 64;

/**
 * Checkpoint, called by a scheduler thread's loop at a round boundary (the top of the
 * current_thread loop; a multi_thread worker that just woke its yielders). One thread at a time
 * is the designated one whose round boundaries are compared (its clock is t); with several
 * workers the state walked is their joint state, so a cycle is a stretch after which every
 * worker, queue and pending event is where it was, Δ later. Records the state; when it repeats a
 * saved one (a cycle of idle spinning), jumps over as many whole cycles as fit before the next
 * outside event (every clock and live event moves with them). Returns the shift in ns, 0 when it
 * did not jump.
 */
export function ffCheckpoint(sim: Simulator, th: number): number {
  const ff = sim.ff;
  // Records done or tasks spawned since the last checkpoint: busy, not idle. Cheap to tell;
  // the next quiet stretch starts a new search, from the thread that noticed.
  const progress = sim.tasks.n * 1e9 + sim.tasksDone;
  if (sim.records !== sim.ffRecords || progress !== sim.ffTasks) {
    sim.ffRecords = sim.records;
    sim.ffTasks = progress;
    sim.ffThread = th;
    sim.ffOthers = 0;
    sim.ffDraws = drawFingerprint(sim);
    sim.ffBackoff = 0;
    sim.ffSkip = 0;
    ff.reset();
    return 0;
  }
  if (th !== sim.ffThread) {
    // Another worker's boundary. If the designated one stopped reaching its own (it parked, its
    // tasks were stolen), this one takes over and the search starts again.
    if (++sim.ffOthers < SWITCH_AFTER) return 0;
    sim.ffThread = th;
    ff.reset();
  }
  sim.ffOthers = 0;
  if (!ff.enabled) return 0;
  // Draws kept coming at the last checks: look again only after ffSkip checkpoints (skipping a
  // checkpoint only delays finding a cycle, it cannot make a wrong one).
  if (sim.ffSkip > 0) {
    sim.ffSkip--;
    return 0;
  }
  // A random draw since the last checkpoint (a wake latency, a jittered cost): no cycle can span
  // it, so the anchors kept so far are useless and this state is not worth walking. Where draws
  // keep coming (one spinning task on many workers wakes a parked worker every round), the
  // checks back off: 1, 2, 4, … 64 checkpoints, until a quiet one.
  const draws = drawFingerprint(sim);
  if (draws !== sim.ffDraws) {
    sim.ffDraws = draws;
    sim.ffBackoff = Math.min(MAX_BACKOFF, Math.max(1, 2 * sim.ffBackoff));
    sim.ffSkip = sim.ffBackoff - 1;
    ff.forget();
    return 0;
  }
  sim.ffBackoff = 0;
  const t = sim.thrT[th];
  if (t < ff.idleUntil) return 0; // no room for the last cycle found: wait for the outside event
  for (let i = 0; i < sim.channels.length; i++) if (sim.channels[i].q.length > 0) return 0; // work pending: not idle
  if (!ff.wantsSignature() || !ff.onSignature(ffSignature(sim))) return 0;
  const w = ff.walk;
  w.beginRecord(t);
  ffScanEvents(sim);
  walkState(sim, w, th, t);
  const saved = ff.afterWalk();
  if (!saved) return 0;
  const cur = w.current;
  const delta = t - saved.tNs;
  // The first outside event bounds the jump: arrivals, slices, timers, limits, and any
  // thread event that did not move with the cycle (a timed park).
  // A host-contention episode's start or end too (a wake-up's latency differs on its two sides).
  let horizon = Math.min(sim.evExtMin, sim.timers.peekTime(), sim.maxSimNs, sim.nextEpisodeBound(t));
  let ahead = 0;
  for (let o = 0; o < sim.nThreads; o++) {
    const k = 3 * o + 1;
    if (cur.vals[k - 1] === 0) continue;
    if (cur.vals[k] - saved.vals[k] === delta) ahead = Math.max(ahead, cur.vals[k] - t);
    else horizon = Math.min(horizon, cur.vals[k]);
    if (sim.thrT[o] > t) ahead = Math.max(ahead, sim.thrT[o] - t);
  }
  // Every clock and event of a cycle lies within [t, t + ahead + Δ] (clocks only grow, and end a
  // cycle Δ later): n cycles stay strictly before the horizon when t + ahead + n·Δ < horizon.
  let cycles = Math.ceil((horizon - t - ahead) / delta) - 1;
  // No room: until the horizon's event has happened no later checkpoint has more (noRoom).
  const until = cycles < 1 ? horizon : Infinity;
  // Platform noise: the next pause of each thread falls after `noiseLeft` more running time from
  // its poll's start (poll.ts). No pause may fall in a skipped cycle (stepping would take it there),
  // and a thread runs at most Δ per cycle: so with running time `room` left before its pause
  // (less the current poll's so far, less its lead over t) the n cycles fit while
  // (n + 2)·Δ ≤ room — one cycle of margin for a poll that straddles the checkpoint. Without
  // noise noiseLeft is Infinity and bounds nothing.
  if (sim.noiseMeanGapNs < Infinity)
    for (let o = 0; o < sim.nThreads; o++) {
      const inPoll = sim.thrPos[o] === P_POLL || sim.thrPos[o] === P_SPIN;
      const room = sim.noiseLeft[o] - (inPoll ? sim.thrT[o] - sim.thrPollStart[o] : 0) - Math.max(0, sim.thrT[o] - t);
      cycles = Math.min(cycles, Math.floor(room / delta) - 2);
    }
  const eventsPerCycle = cur.accs[0] - saved.accs[0];
  if (eventsPerCycle > 0) cycles = Math.min(cycles, Math.floor((sim.maxEvents - sim.events) / eventsPerCycle) - 1);
  if (cycles < 1) {
    // Bound by a noise pause or the event limit (until = Infinity): until the pause's draw, or a reset.
    ff.noRoom(until);
    return 0;
  }
  w.beginShift(saved, cycles);
  walkState(sim, w, th, t);
  w.endShift();
  sim.q.heapify();
  // The wheel's last tick follows the last driver poll, as stepping would have left it.
  const floor = sim.floorTick(sim.lastTimerPollNs);
  if (floor > sim.lastTickNs) sim.lastTickNs = floor;
  ff.jumped(cycles * delta, cycles * eventsPerCycle, cur.n + cur.nAcc);
  return cycles * delta;
}

/** Index in the event heap of each thread's live event; the earliest outside event. */
function ffScanEvents(sim: Simulator): void {
  const q = sim.q;
  sim.evIdx.fill(-1);
  sim.evExtMin = Infinity;
  for (let i = 0; i < q.size; i++) {
    if (q.kindAt(i) === EV_THREAD) {
      const a = q.aAt(i);
      if (q.bAt(i) === sim.thrGen[a]) sim.evIdx[a] = i;
    } else sim.evExtMin = Math.min(sim.evExtMin, q.timeAt(i));
  }
}

/**
 * Walks every piece of mutable state in a fixed order (fast-forward.ts): exact values, times
 * (shifted by the jump when they move with the cycle) and counters (grown by the jump).
 * The first 3·nThreads entries are each thread's pending event (present?, time, rank among live
 * thread events at the same time — the heap's tie-break, so equal-time wakes keep their order):
 * ffCheckpoint reads them by position. Anything added to the simulator's state must be added here.
 */
function walkState(sim: Simulator, w: StateWalk, self: number, t: number): void {
  const q = sim.q;
  for (let th = 0; th < sim.nThreads; th++) {
    if (th === self) {
      w.ex(2); // the checkpointing thread itself, running at t (its clock is walked below)
      w.tm(t);
      w.ex(0);
    } else if (sim.evIdx[th] >= 0) {
      const i = sim.evIdx[th];
      w.ex(1);
      const d = w.tm(q.timeAt(i));
      w.ex(tieRank(sim, th));
      if (d !== 0) q.shiftTimeAt(i, d);
    } else {
      w.ex(0);
      w.ex(0);
      w.ex(0);
    }
  }
  sim.events += w.ac(sim.events); // accumulator 0: ffCheckpoint bounds the jump by maxEvents
  for (const r of sim.ffRngs) {
    w.ex(r.stateWord(0));
    w.ex(r.stateWord(1));
    w.ex(r.stateWord(2));
    w.ex(r.stateWord(3));
  }
  w.ex(sim.records);
  w.ex(sim.hist.count);
  w.ex(sim.blockOnTask);
  w.ex(sim.rr);
  w.ex(sim.sticky);
  sim.lastTimerPollNs += w.tm(sim.lastTimerPollNs);
  for (let i = 0; i < sim.breakdown.length; i++) sim.breakdown[i] += w.ac(sim.breakdown[i]);
  for (let th = 0; th < sim.nThreads; th++) {
    w.ex(sim.thrPos[th]);
    w.ex(sim.thrTask[th]);
    w.ex(sim.thrBudget[th]);
    w.ex(sim.thrPos[th] === P_SPIN ? sim.thrSpinChannel[th] : -1);
    sim.thrT[th] += w.tm(sim.thrT[th]);
    sim.thrPollStart[th] += w.tm(sim.thrPollStart[th]);
    sim.thrSpinStart[th] += w.tm(sim.thrSpinStart[th]);
    sim.thrParkStart[th] += w.tm(sim.thrParkStart[th]);
    sim.thrHaltStart[th] += w.tm(sim.thrHaltStart[th]);
    w.ex(sim.thrPollWindow[th]);
    w.ring(sim.defer[th]);
    for (const a of sim.ffThreadCounters) a[th] += w.ac(a[th]);
    // Running time left to the next noise pause: shrinks by the thread's busy time each cycle.
    if (sim.noiseMeanGapNs < Infinity) sim.noiseLeft[th] += w.ac(sim.noiseLeft[th]);
  }
  const tk = sim.tasks;
  w.ex(tk.n);
  const slots = tk.slotsPerTask;
  const nWait = S.WAIT_NAMES.length;
  for (let i = 0; i < tk.n; i++) {
    w.ex(tk.state[i]);
    w.ex(tk.pc[i]);
    w.ex(tk.notified[i]);
    w.ex(tk.hasItem[i]);
    w.ex(tk.itemRecords[i]);
    if (tk.hasItem[i]) tk.itemTs[i] += w.tm(tk.itemTs[i]);
    w.ex(tk.sendLeft[i]);
    w.ex(tk.doneOfItem[i]);
    w.ex(tk.joiner[i]);
    w.ex(tk.blockReason[i]);
    tk.blockedSince[i] += w.tm(tk.blockedSince[i]);
    w.ex(tk.endNs[i]);
    w.ex(tk.lastWorker[i]);
    for (let k = 0; k < slots; k++) w.ex(tk.slots[i * slots + k]);
    tk.polls[i] += w.ac(tk.polls[i]);
    tk.yields[i] += w.ac(tk.yields[i]);
    tk.busyNs[i] += w.ac(tk.busyNs[i]);
    for (let k = 0; k < nWait; k++) tk.waitNs[i * nWait + k] += w.ac(tk.waitNs[i * nWait + k]);
  }
  for (const ch of sim.channels) {
    w.ex(ch.q.length);
    w.ex(ch.closed ? 1 : 0);
    w.ex(ch.receiver);
    w.ex(ch.rxTask);
    w.ex(ch.txTask);
    w.ring(ch.spinners);
    w.ring(ch.senders);
  }
  for (const m of sim.mutexes) {
    w.ex(m.owner);
    w.ring(m.waiters);
  }
  for (let d = 0; d < sim.instances.length; d++) w.ex(sim.instances[d].length);
  sim.walkFlavor(w);
}

/** Changes whenever any of the simulator's random streams is drawn from. */
function drawFingerprint(sim: Simulator): number {
  let h = 0;
  // Any draw changes the first state word (xoshiro128**); a missed one could only delay a cycle,
  // never make a wrong one (the walk compares whole generator states).
  for (const r of sim.ffRngs) h = mix(h, r.stateWord(0));
  return mix(h, sim.ffChoices);
}

/** How many other threads' live events share thread `th`'s event time and pop before it. */
function tieRank(sim: Simulator, th: number): number {
  const q = sim.q;
  const i = sim.evIdx[th];
  let rank = 0;
  for (let o = 0; o < sim.nThreads; o++) {
    const j = sim.evIdx[o];
    if (o !== th && j >= 0 && q.timeAt(j) === q.timeAt(i) && q.seqAt(j) < q.seqAt(i)) rank++;
  }
  return rank;
}

/**
 * A cheap hash of the state that decides what happens next (thread positions, task states and
 * program counters, the flavor's queues and tick residues): equal whenever the full state is
 * equal, so a cycle's period shows up in it first. Collisions are harmless (walkState checks).
 */
function ffSignature(sim: Simulator): number {
  let h = sim.flavorSignature();
  for (let th = 0; th < sim.nThreads; th++) h = mix(mix(h, sim.thrPos[th]), sim.thrTask[th]);
  const tk = sim.tasks;
  for (let i = 0; i < tk.n; i++) h = mix(mix(h, tk.state[i]), tk.pc[i]);
  return h;
}

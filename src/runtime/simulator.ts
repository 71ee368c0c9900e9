/**
 * The discrete-event simulator of tokio's schedulers: the core (state, event loop, wakes,
 * channels, timers, sources). The poll interpreter is poll.ts, the scheduler flavors extend it
 * (current-thread.ts, multi-thread.ts), the fast-forward is ff-checkpoint.ts.
 *
 *   events (EventQueue, (timeNs, seq) order)
 *     ├─ EV_THREAD  a thread continues: its scheduler loop (current-thread.ts / multi-thread.ts)
 *     │             picks a task and `execPoll` (poll.ts) runs the task's instructions inline while the
 *     │             thread's clock stays at or before the next event (run-ahead is causal)
 *     ├─ EV_SOURCE  an external thread delivers a batch into a channel (remote wake)
 *     ├─ EV_SLICE   OS time-slice expiry when threads outnumber cores
 *     ├─ EV_LIMIT   the simulated-time limit (threads running ahead stop there)
 *     └─ EV_HOLD    a packed wake-up's hold on its preempted waker ends (multi_thread)
 *
 * Phase: simulate. Semantics follow tokio 1.24 as tokio-mechanics.md describes it; docs/semantics.md
 * states the rules. All state lives on the instance (struct-of-arrays in state.ts); the hot loop
 * allocates nothing per event. The scheduler policies live in subclasses so each stays readable.
 */
import { nextPollWindow } from '../model/halt-poll.js';
import { EventQueue } from '../engine/event-queue.js';
import { Histogram } from '../engine/histogram.js';
import { Prng } from '../engine/prng.js';
import type { CostModel } from '../schema/model.js';
import type { Plan, PlanCost } from '../plan/types.js';
import { IntRing } from './rings.js';
import { nextEpisode, quantileAt, runtimeCosts, sampleCost, type RuntimeCosts } from './costs.js';
import { hostPolls, runLevelFactors, scaleRuntimeCosts } from '../plan/runtime-costs.js';
import { CycleDetector, type StateWalk } from './fast-forward.js';
import { ffCheckpoint } from './ff-checkpoint.js';
import { type ArrivalState } from './arrivals.js';
import { arrival, scheduleFirstArrival } from './source-delivery.js';
import { K as S, Channel, FIXED_CATEGORIES, Mutex, Tasks, WAIT_NAMES } from './state.js';
import { encodeProgram } from './code.js';
import { RECORD_CATEGORY } from '../plan/result-parts.js';

import {
  Ev as E,
  EV_THREAD,
  EV_SOURCE,
  EV_SLICE,
  EV_LIMIT,
  P_OUTER,
  P_INNER,
  P_POLL,
  P_PARKED,
  P_SPIN,
  P_DONE,
} from './events.js';
// The scheduler rooms import these from here with the rest of the simulator's vocabulary;
// ff-checkpoint.ts and source-delivery.ts import them from events.ts (no cycle through here).
export { EV_THREAD, EV_SOURCE, EV_SLICE, EV_LIMIT, P_OUTER, P_INNER, P_POLL, P_PARKED, P_SPIN, P_DONE };
/** Events a thread loop may run before handing back to the event loop (see handBack). */
const THREAD_RUN_EVENTS = 1 << 16;

/** Outcomes of executing a poll. */
export const R_YIELD = E.R_YIELD; // yield_now: deferred until the next driver poll
export const R_SELF = E.R_SELF; // self-wake / coop budget exhausted: requeued at once
export const R_BLOCK = E.R_BLOCK; // parked on a resource
export const R_DONE = E.R_DONE;
export const R_AHEAD = E.R_AHEAD; // handed back mid-poll (past the next event or the event budget; re-queued): continue later
export const R_SPIN = E.R_SPIN; // entered a spin wait

export interface SimOptions {
  seed?: number;
  maxEvents?: number;
  maxSimulatedNs?: number;
  maxWallMs?: number;
  /**
   * Record a trace of at most `traceSpans` events: polls (worker, task, start, end), a source's
   * batch sends (instants) and wakes from inside a poll (each drawn as a flow, two events).
   */
  traceSpans?: number;
  /** Skip cycles of idle spinning in one step (default true; the result is the same bytes). */
  fastForward?: boolean;
}

/**
 * One trace record (only while tracing): a poll (`kind: 'poll'`, `id` the task instance); a
 * source's batch send (`'send'`, an instant on thread `nThreads + source`, `records` delivered);
 * a wake of task instance `id` (`'wake'`, at `startNs` on the waking thread `thread`).
 */
export interface Span {
  thread: number;
  task: string;
  startNs: number;
  endNs: number;
  kind: 'poll' | 'send' | 'wake';
  id?: number;
  records?: number;
}

/** halt_poll_warm_share or halt_poll_run_share below 1: a wake-up's warmth is drawn (DS3031 on multi_thread). */
function drawsWarmth(c: { haltPollWarmShare: number; haltPollRunShare: number }): boolean {
  return c.haltPollWarmShare < 1 || c.haltPollRunShare < 1;
}

/** `Simulator.hitOptional` indices. */
export const HIT_SPAWN_REMOTE = 0;
export const HIT_UNPARK_REMOTE = 1;
export const HIT_HANDOFF_U = 2;
export const HIT_HANDOFF_B = 3;
/** A parked thread was unparked under a model with wake_latency_warm but no halt_poll_max (the fixed window). */
export const HIT_HALT_POLL = 4;
/** A 1.29+ multi_thread worker read the clock under a model without clock_read. */
export const HIT_CLOCK_READ = 5;
/** A multi_thread thread's wake-up went through halt_poll_max's mechanism (calibrated on current_thread only: DS3031). */
export const HIT_WAKE_UNCALIBRATED = 6;
/** An idle worker re-woken by a yield-spinning worker under a model without worker_rewake_latency. */
export const HIT_REWAKE = 7;
/** A parked worker woken by a worker on its core under a model without worker_wake_preempt (no vCPU packing). */
export const HIT_WORKER_WAKE_PACK = 8;
/** A source thread sharing the runtime's vCPUs woke a parked thread under a model without wake_latency_packed. */
export const HIT_WAKE_PACKED = 9;
/** A source thread sharing the runtime's vCPUs woke a parked thread with its last delivery under a model without source_exit_latency. */
export const HIT_SOURCE_EXIT = 10;
/** A worker notified a worker whose vCPU had halted (unpark_halted). */
export const HIT_UNPARK_HALTED = 11;
/** An unbounded (bounded) send or receive ran while the channel's other end worked on it at once on another thread, under a model without conc_*_unbounded (conc_*_bounded). */
export const HIT_CONC_U = 12;
export const HIT_CONC_B = 13;
/** A 1.50+ current_thread timer registration unparked the I/O driver under a model without timer_unpark_io. */
export const HIT_TIMER_UNPARK = 14;
/** Two multi_thread workers yield-spun at once under a model without yield_round_parallel. */
export const HIT_YIELD_PARALLEL = 15;
/** A source thread sharing the runtime's vCPUs woke with every vCPU busy under a model without source_hold. */
export const HIT_SOURCE_HOLD = 16;

export abstract class Simulator {
  readonly q = new EventQueue(256);
  readonly timers = new EventQueue(64);
  readonly c: RuntimeCosts;
  readonly tasks: Tasks;
  readonly channels: Channel[];
  readonly mutexes: Mutex[];
  readonly codes: Int32Array[];
  readonly extra: number[] = [];
  readonly costs: PlanCost[];
  readonly costConst: Float64Array; // ≥ 0: constant ns; -1: draw from the distribution
  readonly costCat: Int32Array;
  /**
   * Breakdown index of the record bookkeeping (RECORD_CATEGORY: record_end / record_start / compute_op), or
   * -1 when the model charges none (then nothing is charged and the Result has no such entry).
   */
  readonly cRecord: number;
  readonly categories: string[] = [...FIXED_CATEGORIES];
  breakdown: Float64Array;
  readonly hist = new Histogram();
  readonly rngCost: Prng;
  readonly rngLatency: Prng;
  /**
   * The sources' thread's own wake-ups (`sourceSendAt`): a stream of their own, so that they move
   * no draw of the runtime's threads. Drawn only at arrivals, where the fast-forward restarts, so
   * it is not among `ffRngs`.
   */
  readonly rngSourceWake: Prng;
  /** The stream `unparkLatency` draws from: rngLatency, but rngSourceWake inside `sourceSendAt`. */
  private wakeRng: Prng;
  readonly rngRoute: Prng;
  readonly rngArrival: Prng;
  readonly rngSteal: Prng;
  readonly rngNoise: Prng;

  // Threads: workers first; multi_thread adds the block_on thread last.
  readonly nThreads: number;
  readonly thrT: Float64Array;
  readonly thrPos: Int32Array;
  readonly thrGen: Int32Array;
  readonly thrTask: Int32Array;
  readonly thrBudget: Int32Array;
  readonly thrPollStart: Float64Array;
  readonly thrSpinStart: Float64Array;
  readonly thrSpinChannel: Int32Array; // the channel a thread spin-waits on (P_SPIN)
  readonly thrParkStart: Float64Array;
  /**
   * Adaptive halt-polling (halt_poll_max): when the thread's current park (its vCPU's halt) began,
   * and the thread's poll window (ns), which adapts after every halt (`haltEnded`). These two and
   * thrParkStart have one slot more than the runtime's threads: index `nThreads` is the sources'
   * OS thread, which sleeps between deliveries (`sourceSendAt`).
   */
  readonly thrHaltStart: Float64Array;
  readonly thrPollWindow: Float64Array;
  /** Whether the VM host halt-polls in this run (halt_poll_run_share; runtime-costs.ts hostPolls). */
  readonly hostPolls: boolean;
  /**
   * Host-contention episodes of this run (episode_rate/_duration/_wake_latency, platform effects
   * on): their own 'episode' stream, null without. `epBounds` holds start, end, start, end… in
   * ns, drawn in order as far as `epHorizon` (the last end): every episode that starts before it
   * is known. The schedule is a function of the seed alone, whenever it is drawn.
   */
  readonly epRng: Prng | null;
  readonly epBounds: number[] = [];
  epHorizon = 0;
  readonly defer: IntRing[];
  // Per-thread statistics.
  readonly stBusy: Float64Array;
  readonly stSpin: Float64Array;
  readonly stIdle: Float64Array;
  readonly stDesched: Float64Array;
  /** Platform noise (scenario machine.noise): pauses taken, and running ns left until the next. */
  readonly stNoisePauses: Float64Array;
  readonly noiseLeft: Float64Array;
  readonly noiseMeanGapNs: number;
  readonly stPolls: Float64Array;
  readonly stDriver: Float64Array;
  readonly stSteals: Float64Array;
  readonly stParks: Float64Array;
  readonly stUnparks: Float64Array;
  readonly stNoop: Float64Array;
  readonly stLifo: Float64Array;
  readonly stInject: Float64Array;

  readonly instances: IntRing[]; // per task definition: instance ids in spawn order
  readonly joinCursor: Int32Array;
  blockOnTask = -1;
  records = 0;
  events = 0;
  finished = false;
  endNs = 0;
  truncated: string | undefined;
  lastTickNs = 0; // last processed timer tick (ns on the 1 ms grid)
  lastTimerPollNs = 0; // the clock of the last driver poll that processed the wheel
  /**
   * Fast-forward over idle spinning (fast-forward.ts, ff-checkpoint.ts): the cycle detector (on
   * only when exact), and its working state — each thread's live event in the heap, the earliest
   * outside event, the progress seen at the last checkpoint, the streams and counters it walks.
   */
  readonly ff = new CycleDetector();
  readonly ffOn: boolean;
  readonly evIdx: Int32Array;
  evExtMin = Infinity;
  ffRecords = -1;
  ffTasks = -1;
  /** The thread whose round boundaries are the checkpoints (-1: the next one to reach one). */
  ffThread = -1;
  /** Checkpoints other threads reached since the designated thread's last one. */
  ffOthers = 0;
  /** The random streams' fingerprint at the last checkpoint (ff-checkpoint.ts). */
  ffDraws = 0;
  /** Checkpoints to skip, and the current back-off, while draws keep coming (ff-checkpoint.ts). */
  ffSkip = 0;
  ffBackoff = 0;
  /** Choices made from a hash rather than a stream (multi_thread steal victims): draws too. */
  ffChoices = 0;
  readonly ffRngs: Prng[];
  readonly ffThreadCounters: Float64Array[];
  /** Tasks that finished (a cheap sign of progress for the fast-forward). */
  tasksDone = 0;
  readonly res: number;
  /** plan.runtime's flags the hot paths read, read once (PERF: no object chain per poll). */
  readonly deferLifo: boolean;
  readonly hasDriver: boolean;
  /** Timer grid offset: ticks at phase + k·res. */
  readonly phase: number;
  rr = 0; // routing state: next round-robin partition, sticky partition
  sticky = 0;
  /** Per partition: records routed by the current batch (scratch for `route`). */
  readonly routeCounts: Float64Array;
  /** Per source: its next planned delivery (ns; −1 when done), and the batches it has sent. */
  readonly srcNext: Float64Array;
  readonly srcSent: Float64Array;
  /** When the sources' thread last sent (its latest delivery's real time; −Infinity before any). */
  srcSentAt = -Infinity;
  readonly arrivalState: ArrivalState;
  readonly warnings: Array<{ code: string; message: string }> = [];
  /**
   * Threads from this index on are not workers (multi_thread's block_on thread): a spawn there
   * pays spawn_remote, an unpark unpark_remote. current_thread has none (its one thread runs all).
   */
  remoteFrom = 1 << 30;
  /**
   * Charge points of optional parameters reached (HIT_*): with the parameter absent from the
   * model, its fallback was charged and the Result says so (`fallbackWarnings`). Set-only flags
   * that do not change what happens next, so the fast-forward's state walk leaves them out.
   */
  readonly hitOptional = new Uint8Array(17);
  /**
   * Whether the sources have no CPU of their own (multi_thread): its task-running threads (the
   * workers and the block_on thread) are at least as many as the cores, so a source
   * thread shares a vCPU with them (the probe's `--place apart` gives a source its own CPU only
   * when one is to spare). A parked thread it wakes is then placed on its vCPU (wake_latency_packed).
   */
  readonly sourceShares: boolean;
  /**
   * 1 while a source delivers (or closes its channel): the wake-ups it makes come from its thread;
   * 2 while it does so for the last time (the source thread exits after it: source-delivery.ts).
   */
  srcWaking = 0;
  readonly spans: Span[] = [];
  readonly maxSpans: number;
  /** Trace events still allowed (a wake takes two: the flow's start and finish). */
  traceRoom: number;
  /** Set when the trace cap dropped a record: the trace stops before the run did. */
  traceFull = false;
  readonly maxEvents: number;
  readonly maxSimNs: number;
  readonly maxWallMs: number;

  constructor(
    readonly plan: Plan,
    model: CostModel,
    opts: SimOptions,
    nThreads: number,
  ) {
    const seed = opts.seed ?? plan.seed;
    // A run of a run set carries its run-level draws (run-set.ts): its per-op costs and wake-ups
    // are scaled by the model's calibrated between-run dispersion (none when the model lacks it).
    const level = runLevelFactors(plan, model);
    this.c = scaleRuntimeCosts(runtimeCosts(model, plan.runtime.driver), level.speed, level.wake, level.noise, level.episode);
    this.res = plan.runtime.timerResolutionNs;
    this.phase = plan.runtime.timerPhaseNs ?? 0;
    this.deferLifo = plan.runtime.semantics.deferLifo;
    this.hasDriver = plan.runtime.driver !== 'none';
    this.lastTickNs = this.floorTick(0);
    const slots = Math.max(1, ...plan.tasks.map((t) => t.slots));
    this.tasks = new Tasks(64, slots);
    this.channels = plan.channels.map(
      (ch) => new Channel(ch.kind === 'unbounded' ? 0 : ch.kind === 'bounded' ? 1 : 2, ch.capacity),
    );
    this.mutexes = plan.mutexes.map(() => new Mutex());
    this.codes = plan.tasks.map((t) => encodeProgram(t.code, this.extra));
    this.costs = plan.costs.map((c) => c.cost);
    this.costConst = new Float64Array(plan.costs.map((c) => (c.cost.dist === 'const' ? Math.round(c.cost.ns) : -1)));
    this.costCat = new Int32Array(
      plan.costs.map((c) => {
        let i = this.categories.indexOf(c.category);
        if (i < 0) i = this.categories.push(c.category) - 1;
        return i;
      }),
    );
    // Record bookkeeping gets its own category only when the model charges it, so that a model
    // calibrated before record_end/record_start/compute_op existed gives the same Result bytes as before.
    if (this.c.recordEnd > 0 || this.c.recordStart > 0 || this.c.computeOp > 0) {
      let i = this.categories.indexOf(RECORD_CATEGORY);
      if (i < 0) i = this.categories.push(RECORD_CATEGORY) - 1;
      this.cRecord = i;
    } else this.cRecord = -1;
    this.breakdown = new Float64Array(this.categories.length);
    this.rngCost = new Prng(seed, 'cost');
    this.rngLatency = new Prng(seed, 'latency');
    this.wakeRng = this.rngLatency;
    this.rngSourceWake = new Prng(seed, 'source-wake');
    this.rngRoute = new Prng(seed, 'route');
    this.rngArrival = new Prng(seed, 'arrival');
    this.rngSteal = new Prng(seed, 'steal');
    this.rngNoise = new Prng(seed, 'noise');
    this.hostPolls = hostPolls(this.c, plan.runtime.runLevel !== undefined, seed);
    this.epRng = this.c.episode !== null && plan.runtime.noise ? new Prng(seed, 'episode') : null;
    this.nThreads = nThreads;
    // current_thread's simulator has no core model (its one thread always runs): unchanged there.
    this.sourceShares = plan.runtime.flavor === 'multi_thread' && plan.sources.length > 0 && plan.runtime.cores <= nThreads;
    const f = () => new Float64Array(nThreads);
    this.thrT = f();
    this.thrPos = new Int32Array(nThreads);
    this.thrGen = new Int32Array(nThreads);
    this.thrTask = new Int32Array(nThreads).fill(-1);
    this.thrBudget = new Int32Array(nThreads);
    this.thrPollStart = f();
    this.thrSpinStart = f();
    this.thrSpinChannel = new Int32Array(nThreads);
    this.thrParkStart = new Float64Array(nThreads + 1);
    this.thrHaltStart = new Float64Array(nThreads + 1);
    this.thrPollWindow = new Float64Array(nThreads + 1);
    this.defer = Array.from({ length: nThreads }, () => new IntRing(16));
    this.stBusy = f();
    this.stSpin = f();
    this.stIdle = f();
    this.stDesched = f();
    this.stPolls = f();
    this.stDriver = f();
    this.stSteals = f();
    this.stParks = f();
    this.stUnparks = f();
    this.stNoop = f();
    this.stLifo = f();
    this.stInject = f();
    this.stNoisePauses = f();
    // Platform noise: running time left until each thread's next OS/hypervisor pause.
    this.noiseMeanGapNs = plan.runtime.noise && this.c.noiseRate > 0 ? 1e9 / this.c.noiseRate : Infinity;
    this.noiseLeft = f().fill(Infinity);
    if (this.noiseMeanGapNs < Infinity)
      for (let th = 0; th < nThreads; th++) this.noiseLeft[th] = this.rngNoise.exponential(this.noiseMeanGapNs);
    this.instances = plan.tasks.map(() => new IntRing(4));
    this.joinCursor = new Int32Array(plan.tasks.length);
    this.routeCounts = new Float64Array(
      Math.max(1, ...plan.tasks.flatMap((t) => t.code.map((i) => (i.op === 'route' ? i.partitions : 1)))),
    );
    const ns = plan.sources.length;
    this.srcNext = new Float64Array(ns);
    this.srcSent = new Float64Array(ns);
    this.arrivalState = { phaseEndNs: new Float64Array(ns) };
    this.maxSpans = opts.traceSpans ?? 0;
    this.traceRoom = this.maxSpans;
    this.maxEvents = opts.maxEvents ?? plan.limits.maxEvents;
    this.maxSimNs = opts.maxSimulatedNs ?? plan.limits.maxSimulatedNs;
    this.maxWallMs = opts.maxWallMs ?? plan.limits.maxWallMs;
    this.evIdx = new Int32Array(nThreads);
    this.ffRngs = [this.rngCost, this.rngLatency, this.rngRoute, this.rngArrival, this.rngSteal, this.rngNoise];
    this.ffThreadCounters = [
      this.stBusy,
      this.stSpin,
      this.stIdle,
      this.stDesched,
      this.stPolls,
      this.stDriver,
      this.stSteals,
      this.stParks,
      this.stUnparks,
      this.stNoop,
      this.stLifo,
      this.stInject,
    ];
    // Traces record every poll: never skip them. Noise pauses draw random numbers, so no cycle
    // spans one, and a jump ends before the next (ff-checkpoint.ts). Several workers are skipped
    // only when their joint state recurs.
    this.ffOn = opts.fastForward !== false && this.maxSpans === 0;
    // PERF (V8, issue 20): fields that come to hold a non-integer (a clock, a count a fast-forward
    // jump moves) hold doubles from the start. V8 gives a field first stored as a small integer that
    // representation for the whole class; the first double stored later changes it for every map
    // of the hierarchy and throws away all optimised code that depends on it — the hot loops, which
    // then ran unoptimised for the rest of the run (endNs at the run's end: the next run's start;
    // events at the first fast-forward jump). Each keeps its value: a double store, then the value.
    this.events = 0.5;
    this.events = 0;
    this.endNs = 0.5;
    this.endNs = 0;
    this.lastTickNs = 0.5;
    this.lastTickNs = 0;
    this.lastTimerPollNs = 0.5;
    this.lastTimerPollNs = 0;
    this.ffTasks = 0.5;
    this.ffTasks = -1;
    this.ffRecords = 0.5;
    this.ffRecords = -1;
    this.records = 0.5;
    this.records = 0;
    this.rr = 0.5;
    this.rr = 0;
    this.sticky = 0.5;
    this.sticky = 0;
    this.handedT = 0.5;
    this.handedT = 0;
    // Likewise, fields a run first changes at its end (the source's close, the last tasks, the
    // finish) are changed once here: V8 takes a field never stored again after its initialisation
    // as constant, and optimised code relies on it; the first store then throws that code away, and
    // the next run of the process (a run set's) starts unoptimised.
    this.finished = true;
    this.finished = false;
    this.tasksDone = 1;
    this.tasksDone = 0;
    this.truncated = '';
    this.truncated = undefined;
  }

  // ---- scheduler hooks (implemented per flavor) --------------------------------------------

  /** Continue thread `th` from its position until it parks or its clock passes the next event. */
  abstract runThread(th: number): void;
  /** Schedule a runnable task; `from` is the waking thread (-1: a thread outside the runtime). */
  abstract schedule(task: number, from: number, isYield: boolean): void;
  /**
   * A thread loop runs ahead while it is the earliest thing that can happen; it also hands back to
   * the event loop after THREAD_RUN_EVENTS events, so the run limits (events, simulated and wall
   * time) are checked even when one thread runs alone for ever (a yield loop with no end), and at
   * the first check past the event limit, so that a run truncated by it ends at the same point
   * however its threads were interleaved with the event loop (a fast-forward jump moves those
   * hand-backs; the limit's stays put).
   */
  eventsYield = 0;
  /** A thread that handed back behind the next event (handBackSlow), its clock and generation; -1: none. */
  private handedTh = -1;
  private handedT = 0;
  private handedGen = 0;

  /**
   * At the top of thread `th`'s loop: when it must hand back to the event loop, re-queue it and
   * return true. Past its clock, it waits its turn; past its event budget it only pauses, queued
   * ahead of equal-time events, so that pausing changes no order.
   */
  handBack(th: number): boolean {
    // The common case, kept small enough to inline into the thread loops: nothing to hand back for.
    if (this.thrT[th] <= this.q.peekTime() && this.events < this.eventsYield) return false;
    return this.handBackSlow(th);
  }

  private handBackSlow(th: number): boolean {
    if (this.behindNextEvent(this.thrT[th])) {
      // What resched(th) does, but the event is not pushed here: the run loop's next pop is a
      // pushPop of it (one sift, not two). Every caller returns straight to the run loop.
      this.handedTh = th;
      this.handedT = this.thrT[th];
      this.handedGen = ++this.thrGen[th];
      return true;
    }
    if (this.events < this.eventsYield) return false;
    this.q.pushAhead(this.thrT[th], E.EV_THREAD, th, ++this.thrGen[th]);
    return true;
  }

  /**
   * True when the earliest live event is earlier than `t`: a thread whose clock is at `t` must let
   * it happen first. Superseded thread events (their thread was re-queued, woken or parked since:
   * its generation moved on) are no-ops; the ones at the head of the queue that are earlier than
   * `t` are dropped here, so they never make a thread hand back, and the run loop skips the
   * others. Stale events thus affect nothing — nor does a fast-forward jump over them.
   */
  behindNextEvent(t: number): boolean {
    const q = this.q;
    while (q.size > 0 && q.timeAt(0) < t && q.kindAt(0) === E.EV_THREAD && q.bAt(0) !== this.thrGen[q.aAt(0)]) q.dropTop();
    return t > q.peekTime();
  }

  /** Start: create initial tasks and threads. */
  abstract start(): void;
  /** A registered timer is earlier than a parked driver's planned wake. */
  abstract timerRegistered(tickNs: number, from: number): void;
  /** Wake the block_on future. */
  abstract wakeBlockOn(from: number): void;
  threadName(_th: number): string {
    return 'current_thread';
  }

  /** Per-flavor handling when a thread's slice ends (contention). */
  onSlice(_th: number): void {}
  /** EV_HOLD: a packed wake-up's hold on the waker `th` ends (multi_thread only). */
  onHold(_th: number): void {}
  /** The source thread, without a CPU of its own (`sourceShares`), woke at `t` to deliver (multi_thread only: source-hold.ts). */
  sourceHold(_t: number): void {}

  // ---- the event loop ----------------------------------------------------------------------

  run(): void {
    const wallStart = Date.now();
    this.start();
    for (let s = 0; s < this.plan.sources.length; s++) scheduleFirstArrival(this, s);
    const q = this.q;
    // Threads run ahead only up to the next event: this one makes them stop just past the limit,
    // so that a run truncated by it ends at the same point however it got there (stepped, or
    // after a fast-forward jump).
    if (Number.isFinite(this.maxSimNs)) q.push(this.maxSimNs + 1, E.EV_LIMIT, 0, 0);
    let checks = 0;
    while (!this.finished) {
      if (this.handedTh >= 0) {
        // The thread that just handed back: pushed and the earliest event popped, in one step.
        q.pushPop(this.handedT, E.EV_THREAD, this.handedTh, this.handedGen);
        this.handedTh = -1;
      } else if (!q.pop()) break;
      // A superseded thread event: a no-op, and not a point where anything is checked.
      if (q.kind === E.EV_THREAD && q.b !== this.thrGen[q.a]) continue;
      const t = q.timeNs;
      if (t > this.maxSimNs) {
        // Only the limit itself was left: nothing could ever happen again before it, so the run
        // stalled when its last event ran (reported below), it was not cut short.
        if (q.kind === E.EV_LIMIT && q.size === 0) break;
        this.truncate(`simulated time limit ${this.maxSimNs / 1e6} ms reached`, this.maxSimNs);
        break;
      }
      if (this.events > this.maxEvents) {
        this.truncate(`event limit ${this.maxEvents} reached`, t);
        break;
      }
      if (++checks >= 256) {
        checks = 0;
        if (Date.now() - wallStart > this.maxWallMs) {
          this.truncate(`wall-time limit ${this.maxWallMs} ms reached`, t);
          break;
        }
      }
      switch (q.kind) {
        case E.EV_THREAD: {
          const th = q.a;
          if (this.thrT[th] < t) this.thrT[th] = t;
          this.eventsYield = Math.min(this.events + THREAD_RUN_EVENTS, this.maxEvents + 1);
          this.runThread(th);
          break;
        }
        case E.EV_SOURCE:
          this.ff.reset();
          arrival(this, q.a, t);
          break;
        case E.EV_SLICE:
          this.ff.reset();
          this.onSlice(q.a);
          break;
        case E.EV_HOLD:
          this.ff.reset();
          this.onHold(q.a);
          break;
      }
    }
    if (!this.finished && !this.truncated) {
      // Nothing left that can happen: every task still alive is blocked forever.
      let end = 0;
      for (let th = 0; th < this.nThreads; th++) end = Math.max(end, this.thrParkStart[th], this.thrT[th]);
      this.endNs = Math.max(this.endNs, end);
      const alive = this.aliveTasks();
      if (alive > 0)
        this.warnings.push({
          code: 'DS3001',
          message: `stalled: ${alive} task(s) blocked forever (nothing left that could wake them): ${this.describeBlocked()}`,
        });
    }
    this.noteMonopolised();
    this.settleAccounts();
  }

  /**
   * Closes each thread's books at the end of the run, so that per thread busy + idle +
   * descheduled = the simulated time: a thread still parked was idle until the end; one still in
   * a poll (a spinner, a truncated run) was busy until the end; one whose clock ran past the end
   * (a poll that finished later than the run) gives back the busy time past it; one that waited
   * for its next event with nothing to do was idle.
   */
  private settleAccounts(): void {
    const end = this.endNs;
    this.settleFlavor(end);
    for (let th = 0; th < this.nThreads; th++) {
      const pos = this.thrPos[th];
      if (pos === E.P_PARKED) {
        // Parked after the end (its clock ran past it): the busy time past the end goes back.
        if (end >= this.thrParkStart[th]) this.stIdle[th] += end - this.thrParkStart[th];
        else this.stBusy[th] -= this.thrParkStart[th] - end;
      } else if (this.thrTask[th] >= 0) {
        // Busy is counted up to the poll's start: add the poll up to the end, or give back what
        // ran past the end before a poll that started after it.
        this.stBusy[th] += end - this.thrPollStart[th];
        if (pos === E.P_SPIN && end > this.thrSpinStart[th]) this.stSpin[th] += end - this.thrSpinStart[th];
      } else if (this.thrT[th] > end) this.stBusy[th] -= this.thrT[th] - end;
      else this.stIdle[th] += end - this.thrT[th];
    }
  }

  /** Per-flavor part of settleAccounts (threads waiting for a core). */
  settleFlavor(_end: number): void {}

  // ---- fast-forward hooks (ff-checkpoint.ts) -------------------------------------------------

  /** Round boundary of scheduler thread `th`: maybe skip cycles of idle spinning (ff-checkpoint.ts). */
  ffCheckpoint(th: number): number {
    return this.ffOn ? ffCheckpoint(this, th) : 0;
  }

  /** The flavor's own scheduler state, walked like walkState (ff-checkpoint.ts). */
  abstract walkFlavor(w: StateWalk): void;

  /** The flavor's part of the cheap state signature (ff-checkpoint.ts). */
  abstract flavorSignature(): number;

  /**
   * A thread whose current poll has lasted ≥ 1 ms when the run ends never returned to its
   * scheduler: a task spinning (spin, or a spin wait step) monopolises its worker, and nothing
   * else runs there, not even the timer driver. Say so: it explains a stall or a starved task.
   */
  private noteMonopolised(): void {
    const end = Math.max(this.endNs, ...this.thrT);
    for (let th = 0; th < this.nThreads; th++) {
      const task = this.thrTask[th];
      if (task < 0) continue;
      const ms = (end - this.thrPollStart[th]) / 1e6;
      if (ms < 1 && this.thrPos[th] !== E.P_SPIN) continue;
      const name = this.plan.tasks[this.tasks.def[task]].name;
      this.warnings.push({
        code: 'DS3005',
        message: `${this.threadName(th)} is monopolised by task '${name}', still in one poll after ${ms.toFixed(3)} ms (it spins without yielding): nothing else runs on that worker, not even the timer driver`,
      });
    }
  }

  /** The tasks still alive and what each waits on, for DS3001 (at most 8 named). */
  describeBlocked(): string {
    const parts: string[] = [];
    let more = 0;
    for (let i = 0; i < this.tasks.n; i++) {
      if (this.tasks.state[i] === S.T_DONE) continue;
      if (parts.length >= 8) {
        more++;
        continue;
      }
      const def = this.plan.tasks[this.tasks.def[i]];
      const ins = this.tasks.state[i] === S.T_BLOCKED ? def.code[this.tasks.pc[i]] : undefined;
      let what = 'not started or runnable';
      if (ins?.op === 'recv') what = `waits to receive on channel '${this.plan.channels[ins.channel].name}'`;
      else if (ins?.op === 'send') what = `waits to send on channel '${this.plan.channels[ins.channel].name}' (full)`;
      else if (ins?.op === 'join') what = `waits to join task '${this.plan.tasks[ins.task].name}'`;
      else if (ins?.op === 'lock') what = `waits for mutex '${this.plan.mutexes[ins.mutex]}'`;
      else if (ins) what = `blocked (${WAIT_NAMES[this.tasks.blockReason[i]]})`;
      parts.push(`'${def.name}' ${what}`);
    }
    return parts.join('; ') + (more ? `; and ${more} more` : '');
  }

  truncate(reason: string, t: number): void {
    this.truncated = reason;
    this.endNs = t;
  }

  aliveTasks(): number {
    let n = 0;
    for (let i = 0; i < this.tasks.n; i++) if (this.tasks.state[i] !== S.T_DONE) n++;
    return n;
  }

  /** Re-queue thread `th` to continue at its own clock. */
  resched(th: number): void {
    this.q.push(this.thrT[th], E.EV_THREAD, th, ++this.thrGen[th]);
  }

  /** Wake thread `th` (parked or spinning) at time `t`. */
  wakeThreadAt(th: number, t: number): void {
    this.q.push(t, E.EV_THREAD, th, ++this.thrGen[th]);
  }

  sample(c: PlanCost): number {
    return sampleCost(c, this.rngCost);
  }

  latency(c: PlanCost): number {
    return sampleCost(c, this.rngLatency);
  }

  /**
   * How long parked thread `th`, unparked from another thread at `t` (≥ its park start), takes to
   * run: `cold` (wake_latency or worker_wake_latency), or wake_latency_warm when it parked less
   * than halt_poll_window ago — a vCPU polls for a while before it halts, and a wake-up that
   * finds it polling skips the halted vCPU's interrupt through the hypervisor (docs/semantics.md).
   * With halt_poll_max the window adapts per thread, and a wake-up inside it is warm with
   * probability halt_poll_warm_share (one draw from the latency stream, only when the share is
   * below 1); in a run whose host does not poll (halt_poll_run_share) every wake-up takes
   * wake_latency_nopoll.
   */
  unparkLatency(th: number, t: number, cold: PlanCost): number {
    const c = this.c;
    if (this.epRng !== null && this.inEpisode(t)) {
      // Host contention: the halted vCPU waits for a host CPU, whatever its poll window says.
      return this.haltedWake(th, t, c.episode!.wake);
    }
    if (this.srcWaking !== 0 && this.sourceShares) {
      // The source has no CPU of its own: the guest places the woken thread on the source's vCPU,
      // which is awake (the source runs on it), so no halted vCPU is woken (xwake pin=together).
      // After its last delivery the source thread exits there instead of sleeping: the woken
      // thread runs once the exit is done (exit_wake pin=together).
      if (this.srcWaking === 2) {
        if (c.sourceExitLatency !== null) return this.haltedWake(th, t, c.sourceExitLatency);
        this.hitOptional[HIT_SOURCE_EXIT] = 1;
      }
      if (c.wakeLatencyPacked !== null) return this.haltedWake(th, t, c.wakeLatencyPacked);
      this.hitOptional[HIT_WAKE_PACKED] = 1;
    }
    if (c.haltPollMax > 0) {
      if (this.plan.runtime.flavor === 'multi_thread') this.hitOptional[HIT_WAKE_UNCALIBRATED] = 1;
      // No polling host: an outside wake-up takes wake_latency_nopoll, a worker's its own cold latency.
      if (!this.hostPolls) return this.wakeDraw(cold === c.wakeLatency ? (c.wakeLatencyNoPoll ?? cold) : cold);
      // KVM polls for the thread's current window from the halt's start; a wake-up in it is warm.
      if (this.inPollWindow(th, t) && (c.haltPollWarmShare >= 1 || this.wakeRng.nextFloat() < c.haltPollWarmShare)) {
        this.haltEnded(th, t - this.thrHaltStart[th]);
        return this.wakeDraw(c.wakeLatencyWarm);
      }
      return this.haltedWake(th, t, cold);
    }
    if (c.absent.haltPollMax && c.haltPollWindow > 0) this.hitOptional[HIT_HALT_POLL] = 1;
    if (this.inPollWindow(th, t)) return this.wakeDraw(c.wakeLatencyWarm);
    return this.wakeDraw(cold);
  }

  /**
   * When the sources' OS thread really sends a delivery planned at `plannedNs` (docs/semantics.md,
   * *Sources*): the probe's thread sleeps to each planned instant (`sources.rs` `deliver`, 1 ns
   * timer slack), so its vCPU halts and the sleep ends with the OS's wake-up of that vCPU — the
   * wake-up of a parked thread (`unparkLatency`: warm inside its own adaptive halt-poll window,
   * else `wake_latency`; inside an episode `episode_wake_latency`), on the source's own halt
   * state (thread index `nThreads`). A delivery already due when the thread sent its last goes out
   * then, without a sleep. Sources without a CPU of their own (multi_thread, `sourceShares`: the
   * source's vCPU runs the runtime's threads) send at the planned instant, as before: their
   * wake-up is a different placement, not calibrated.
   */
  sourceSendAt(plannedNs: number): number {
    const last = this.srcSentAt;
    if (this.sourceShares || plannedNs <= last) return Math.max(plannedNs, last);
    const th = this.nThreads;
    this.thrParkStart[th] = this.thrHaltStart[th] = last === -Infinity ? 0 : last;
    this.wakeRng = this.rngSourceWake;
    const lat = this.unparkLatency(th, plannedNs, this.c.wakeLatency);
    this.wakeRng = this.rngLatency;
    return plannedNs + Math.round(lat);
  }

  /**
   * Whether parked thread `th`'s vCPU still halt-polls at `t` (not halted yet): under adaptive
   * halt-polling (halt_poll_max), a polling host and `t` within the thread's current window from
   * its halt's start; else within the fixed halt_poll_window from its park; false without either.
   */
  protected inPollWindow(th: number, t: number): boolean {
    const c = this.c;
    if (c.haltPollMax > 0) return this.hostPolls && t - this.thrHaltStart[th] <= this.thrPollWindow[th];
    // A thread parked since the runtime was built (multi_thread's start-up: halt start -∞) has halted.
    return c.haltPollWindow > 0 && this.thrHaltStart[th] !== -Infinity && t - this.thrParkStart[th] < c.haltPollWindow;
  }

  /** One wake-up latency draw of `c` from the current wake stream (jointly drawn: see coupledWakeP). */
  private wakeDraw(c: PlanCost): number {
    const v = sampleCost(c, this.wakeRng);
    // A worker's wake-up drawn jointly with its waker's unpark_halted (multi_thread notifyParked):
    // the stream advances as before, the value is the quantile the notify chose.
    if (this.coupledWakeP >= 0 && c === this.c.workerWakeLatency && c.dist === 'quantiles') {
      this.coupledWakeUsed = true;
      return quantileAt(c, this.coupledWakeP);
    }
    return v;
  }

  /**
   * The quantile (0–1) at which the next cold worker_wake_latency draw is taken, set by a
   * worker's notify of a halted worker for the length of that unpark (it drew unpark_halted at
   * 1 minus it: docs/semantics.md, "One draw for the notify and the wake-up"); -1 otherwise.
   */
  protected coupledWakeP = -1;

  /** Set when a wake-up draw took the quantile coupledWakeP chose (cleared by the caller). */
  protected coupledWakeUsed = false;

  /**
   * A wake-up of parked thread `th` at `t` that takes a draw of `cost`: under adaptive halt-polling
   * its vCPU's halt ends when the thread runs (the window adapts to the whole halt).
   */
  private haltedWake(th: number, t: number, cost: PlanCost): number {
    const lat = this.wakeDraw(cost);
    if (this.c.haltPollMax > 0) this.haltEnded(th, t - this.thrHaltStart[th] + lat);
    return lat;
  }

  /** Draws episodes (start after an exponential gap from the last end, then a duration) past `t`. */
  private growEpisodes(t: number): void {
    const ep = this.c.episode!;
    const rng = this.epRng!;
    while (this.epHorizon <= t) {
      const [start, end] = nextEpisode(ep, rng, this.epHorizon);
      this.epBounds.push(start, end);
      this.epHorizon = end;
    }
  }

  /** Whether simulated time `t` lies in a host-contention episode of this run (needs epRng). */
  inEpisode(t: number): boolean {
    this.growEpisodes(t);
    const b = this.epBounds;
    // The last episode starting at or before t: binary search over the starts.
    let lo = 0;
    let hi = b.length / 2 - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (b[2 * mid] <= t) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return k >= 0 && t < b[2 * k + 1];
  }

  /**
   * The first episode start or end after `t` (Infinity without episodes): an outside event that
   * bounds a fast-forward jump, since a wake-up's latency differs on its two sides.
   */
  nextEpisodeBound(t: number): number {
    if (this.epRng === null) return Infinity;
    this.growEpisodes(t);
    const b = this.epBounds;
    let lo = 0;
    let hi = b.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid] > t) hi = mid;
      else lo = mid + 1;
    }
    return b[lo];
  }

  /** Thread `th` parks: its vCPU halts (adaptive halt-polling, halt_poll_max). */
  haltBegan(th: number, t: number): void {
    this.thrHaltStart[th] = t;
  }

  /**
   * A halt of `haltNs` (its start to the wake-up, polling included) ended: KVM's kvm_vcpu_halt
   * adapts the vCPU's window — unchanged when the halt ended inside it; shrunk (÷2, below 10 µs:
   * 0) after a halt longer than halt_poll_max; grown (×2, at least 10 µs, at most halt_poll_max)
   * after one shorter than halt_poll_max that outlasted it. No-op without halt_poll_max.
   */
  haltEnded(th: number, haltNs: number): void {
    const max = this.c.haltPollMax;
    if (max > 0) this.thrPollWindow[th] = nextPollWindow(this.thrPollWindow[th], haltNs, max);
  }

  // ---- tasks ---------------------------------------------------------------------------------

  /** Creates the block_on future and the tasks spawned at start; `enqueue` places each spawned one. */
  spawnInitialTasks(enqueue: (id: number) => void): void {
    this.plan.tasks.forEach((t, def) => {
      if (t.start === 'block_on') this.blockOnTask = this.spawnTask(def, 0);
    });
    this.plan.tasks.forEach((t, def) => {
      if (t.start !== 'spawn') return;
      const id = this.spawnTask(def, 0);
      this.tasks.state[id] = S.T_QUEUED;
      this.tasks.blockReason[id] = S.W_RUNNABLE;
      enqueue(id);
    });
  }

  spawnTask(def: number, t: number): number {
    const id = this.tasks.add(def, t);
    this.instances[def].pushBack(id);
    return id;
  }

  /** Wake a task (tokio's waker.wake()). A running task is marked notified and requeued after its poll. */
  wake(task: number, from: number): void {
    const tk = this.tasks;
    const st = tk.state[task];
    if (task === this.blockOnTask) {
      if (st === S.T_DONE) return;
      if (this.maxSpans !== 0) this.traceWake(task, from);
      if (st === S.T_RUNNING) {
        tk.notified[task] = 1;
        return;
      }
      this.endWait(task, from);
      tk.state[task] = S.T_QUEUED;
      tk.blockReason[task] = S.W_RUNNABLE;
      tk.blockedSince[task] = this.nowOf(from);
      this.wakeBlockOn(from);
      return;
    }
    if (st !== S.T_RUNNING && st !== S.T_BLOCKED && st !== S.T_NEW) return; // already queued or deferred
    if (this.maxSpans !== 0) this.traceWake(task, from);
    if (st === S.T_RUNNING) {
      tk.notified[task] = 1;
      return;
    }
    this.endWait(task, from);
    tk.state[task] = S.T_QUEUED;
    tk.blockReason[task] = S.W_RUNNABLE;
    tk.blockedSince[task] = this.nowOf(from);
    this.schedule(task, from, false);
  }

  /** Tracing only: a wake from a worker (sources and the timer driver, `from` < 0, draw no arrow). */
  private traceWake(task: number, from: number): void {
    if (from < 0) return;
    if (this.traceRoom < 2) {
      this.traceFull = true;
      return;
    }
    this.traceRoom -= 2;
    const t = this.thrT[from];
    this.spans.push({
      thread: from,
      task: this.plan.tasks[this.tasks.def[task]].name,
      startNs: t,
      endNs: t,
      kind: 'wake',
      id: task,
    });
  }

  /** Tracing only: source `s` delivered a batch of `records` at `t` (an instant on the source's own row). */
  traceSend(s: number, t: number, records: number): void {
    if (this.traceRoom < 1) {
      this.traceFull = true;
      return;
    }
    this.traceRoom--;
    this.spans.push({ thread: this.nThreads + s, task: this.plan.sources[s].name, startNs: t, endNs: t, kind: 'send', records });
  }

  nowOf(from: number): number {
    return from >= 0 ? this.thrT[from] : this.q.timeNs;
  }

  endWait(task: number, from: number): void {
    const tk = this.tasks;
    if (tk.state[task] === S.T_NEW) return;
    const now = this.nowOf(from);
    const r = tk.blockReason[task];
    tk.waitNs[task * S.W_N + r] += now - tk.blockedSince[task];
  }

  block(task: number, reason: number, t: number): void {
    this.tasks.state[task] = S.T_BLOCKED;
    this.tasks.blockReason[task] = reason;
    this.tasks.blockedSince[task] = t;
  }

  /** Account the time a task sat in a run queue, when a thread picks it. */
  picked(task: number, th: number): void {
    const tk = this.tasks;
    if (tk.state[task] === S.T_QUEUED) {
      tk.waitNs[task * S.W_N + tk.blockReason[task]] += this.thrT[th] - tk.blockedSince[task];
    }
  }

  /** Push a message and wake whoever waits on the channel. */
  push(ch: Channel, records: number, ts: number, from: number): void {
    ch.q.push(records, ts, from);
    this.notifyChannel(ch, from);
  }

  notifyChannel(ch: Channel, from: number): void {
    if (ch.receiver >= 0) {
      const r = ch.receiver;
      ch.receiver = -1; // AtomicWaker: only the first send after registration wakes
      this.wake(r, from);
    }
    // Every spinner sees the push at its next check; the first to pop wins, the others spin on.
    while (ch.spinners.length > 0) {
      const sp = ch.spinners.popFront();
      this.wakeThreadAt(sp, Math.max(this.nowOf(from), this.thrSpinStart[sp]) + this.c.spinCheck);
    }
  }

  /** DS3030: optional parameters the run would have charged but the model lacks. */
  fallbackWarnings(): Array<{ code: string; message: string }> {
    const a = this.c.absent;
    const out: Array<{ code: string; message: string }> = [];
    const w = (hit: number, absent: boolean, name: string, where: string, instead: string) => {
      if (this.hitOptional[hit] && absent)
        out.push({ code: 'DS3030', message: `the model has no ${name}: ${where} was charged ${instead} (docs/calibration.md)` });
    };
    w(HIT_SPAWN_REMOTE, a.spawnRemote, 'spawn_remote', 'a spawn on the block_on thread (not a worker)', "the in-worker 'spawn'");
    w(
      HIT_UNPARK_REMOTE,
      a.unparkRemote,
      'unpark_remote',
      'a worker unparked by the block_on thread',
      "the worker-to-worker 'unpark_worker'",
    );
    w(
      HIT_UNPARK_HALTED,
      a.unparkHalted,
      'unpark_halted',
      'a worker’s notify of a worker whose vCPU had halted',
      "'unpark_remote' (the block_on thread's unpark, measured with spawns from outside the runtime)",
    );
    w(
      HIT_HANDOFF_U,
      a.handoffU,
      'handoff_unbounded',
      'an unbounded (or lock-free) item received on another thread than its sender',
      'no hand-off cost',
    );
    w(
      HIT_CONC_U,
      a.concU,
      'conc_send_unbounded or conc_recv_unbounded',
      'an unbounded send or receive while the channel’s other end worked on it at once on another thread',
      'no extra cost (as if the two ends took turns)',
    );
    w(
      HIT_CONC_B,
      a.concB,
      'conc_send_bounded or conc_recv_bounded',
      'a bounded send or receive while the channel’s other end worked on it at once on another thread',
      'no extra cost (as if the two ends took turns)',
    );
    w(
      HIT_HALT_POLL,
      a.haltPollMax,
      'halt_poll_max',
      "a parked thread's wake-up",
      "as warm only within halt_poll_window of its park's start, whatever the thread's recent parks (a VM host's window adapts to them)",
    );
    w(
      HIT_HANDOFF_B,
      a.handoffB,
      'handoff_bounded',
      'a bounded item received on another thread than its sender',
      'no hand-off cost',
    );
    w(
      HIT_CLOCK_READ,
      a.clockRead,
      'clock_read',
      "a multi_thread worker's clock reads when it stops and starts processing scheduled tasks (tokio 1.29+)",
      'spin_check − try_recv_unbounded each',
    );
    w(
      HIT_REWAKE,
      a.workerRewake,
      'worker_rewake_latency',
      'an idle worker re-woken by a yield-spinning worker (the yield cycle)',
      "the worker-to-worker 'worker_wake_latency'",
    );
    w(
      HIT_WORKER_WAKE_PACK,
      a.workerWakePack,
      'worker_wake_preempt and worker_wake_preempt_latency',
      'a parked worker woken by another, busy worker (placed on its waker’s vCPU)',
      "as on a free core, after 'worker_wake_latency'",
    );
    w(
      HIT_WAKE_PACKED,
      a.wakePacked,
      'wake_latency_packed',
      'a parked runtime thread woken by a source thread without a CPU of its own (placed on the source’s vCPU)',
      "as from another CPU, 'wake_latency'",
    );
    w(
      HIT_SOURCE_EXIT,
      a.sourceExit,
      'source_exit_latency',
      'a parked runtime thread woken by the last delivery of a source thread without a CPU of its own (the thread then exits on the woken thread’s vCPU)',
      "as by a source that goes back to sleep, 'wake_latency_packed'",
    );
    w(
      HIT_TIMER_UNPARK,
      a.timerUnparkIo,
      'timer_unpark_io',
      "a timer registration's driver.unpark() with the I/O driver (tokio's reregister, current_thread)",
      "the block_on waker's 'driver_unpark_io', which tokio 1.50+ no longer makes, so a model calibrated on it measures ≈ 0 and the eventfd write is under-charged",
    );
    w(
      HIT_SOURCE_HOLD,
      a.sourceHold,
      'source_hold',
      "a source thread's wake-up on a vCPU the runtime kept busy (no vCPU idle)",
      "nothing (the source thread's own time on that vCPU is not simulated)",
    );
    w(
      HIT_YIELD_PARALLEL,
      a.yieldParallel,
      'yield_round_parallel',
      "a multi_thread worker's driver poll while another worker yield-spun (both rounds poll the one shared driver)",
      "as a lone yield loop's round",
    );
    if (this.hitOptional[HIT_WAKE_UNCALIBRATED] && drawsWarmth(this.c)) {
      // One text for every run of a set (whatever its own draw), so the run set's union keeps one.
      const c = this.c;
      const drawn = [
        c.haltPollWarmShare < 1
          ? `warm inside a thread's window with probability halt_poll_warm_share (${c.haltPollWarmShare})`
          : '',
        c.haltPollRunShare < 1
          ? `in a run whose host polls (halt_poll_run_share ${c.haltPollRunShare}; else wake_latency_nopoll)`
          : '',
      ].filter((x) => x);
      out.push({
        code: 'DS3031',
        message: `multi_thread wake-ups under adaptive halt-polling were drawn ${drawn.join(', ')}, as calibrated on current_thread's runtime thread woken from a thread on another CPU (xwake pin=apart); workers woken from outside and by other workers (and the block_on thread) use it uncalibrated (docs/calibration.md)`,
      });
    }
    return out;
  }

  allDone(): boolean {
    for (let i = 0; i < this.tasks.n; i++) if (this.tasks.state[i] !== S.T_DONE) return false;
    for (let s = 0; s < this.plan.sources.length; s++) if (this.srcNext[s] >= 0) return false;
    return true;
  }

  /**
   * No block_on task: the run ends when the root future, on the main thread, sees the last task
   * finish (the probe's root awaits them). On current_thread it is the runtime's own thread: no wake-up.
   */
  rootWakeNs(_t: number): number {
    return 0;
  }

  finish(t: number): void {
    this.finished = true;
    this.endNs = t;
  }

  /** Deferred wakers (yield_now) are woken after a driver poll: FIFO in 1.24, LIFO from 1.29. */
  wakeDeferred(th: number): void {
    const d = this.defer[th];
    const tk = this.tasks;
    const lifo = this.deferLifo;
    while (d.length > 0) {
      const task = lifo ? d.popBack() : d.popFront();
      if (task === this.blockOnTask) {
        this.endWait(task, th);
        tk.state[task] = S.T_QUEUED;
        tk.blockReason[task] = S.W_RUNNABLE;
        tk.blockedSince[task] = this.thrT[th];
        this.wakeBlockOn(th);
        continue;
      }
      this.endWait(task, th);
      tk.state[task] = S.T_QUEUED;
      tk.blockReason[task] = S.W_RUNNABLE;
      tk.blockedSince[task] = this.thrT[th];
      this.schedule(task, th, false);
    }
  }

  /** The last timer tick at or before `t` (ns). */
  floorTick(t: number): number {
    return Math.floor((t - this.phase) / this.res) * this.res + this.phase;
  }

  /** Fire every timer whose tick is ≤ now (a driver poll on thread `th`). */
  fireTimers(th: number): void {
    const now = this.thrT[th];
    const floor = this.floorTick(now);
    if (floor > this.lastTickNs) this.lastTickNs = floor;
    this.lastTimerPollNs = now;
    const timers = this.timers;
    while (timers.size > 0 && timers.peekTime() <= floor) {
      timers.pop();
      this.wake(timers.a, th);
    }
  }

  /** A non-blocking driver poll (park_timeout(0)): cost, timers, deferred wakers. */
  driverPoll(th: number): void {
    this.thrT[th] += this.c.driverPoll;
    this.breakdown[S.C_DRIVER] += this.c.driverPoll;
    this.stBusy[th] += this.c.driverPoll;
    this.stDriver[th]++;
    this.events++;
    if (this.hasDriver) this.fireTimers(th);
    this.schedNoise(th, this.c.driverPoll);
  }

  /**
   * Platform noise over `d` ns of running time that thread `th` spent between polls (scheduler
   * work: a driver poll, a remote-queue check, a steal, an unpark, the worker loop's clock reads).
   * The noise process runs in all of a thread's running time, as the probe's noise benchmark
   * measured it (a busy thread's gaps per second of running time), not only in task polls: a pause
   * due in it is taken at the step's end (the thread's clock), which delays whatever the thread does
   * next. Without noise noiseLeft is Infinity and this changes nothing.
   */
  schedNoise(th: number, d: number): void {
    if ((this.noiseLeft[th] -= d) <= 0) this.notePause(th);
  }

  /** Takes the pauses due at the thread's clock (noiseLeft ≤ 0): at a poll's end, or after scheduler work. */
  notePause(th: number): void {
    while (this.noiseLeft[th] <= 0) this.takePause(th, this.thrT[th]);
  }

  /**
   * One pause, falling at simulated time `at`: its length delays the thread (descheduled time); the
   * next one is drawn. Returns the length. Inside a host-contention episode (episode_*, platform
   * effects on) the thread's vCPU waits for a host CPU as a halted one does: the pause is a draw of
   * episode_wake_latency instead of noise_pause (one draw from the noise stream either way), so a
   * running thread is held up by an episode as a parked one woken inside it is (docs/semantics.md,
   * "Host-contention episodes").
   */
  takePause(th: number, at: number): number {
    const len = this.epRng !== null && this.inEpisode(at) ? this.c.episode!.wake : this.c.noisePause;
    const p = Math.round(sampleCost(len, this.rngNoise));
    this.thrT[th] += p;
    this.stDesched[th] += p;
    this.stNoisePauses[th]++;
    this.noiseLeft[th] += this.rngNoise.exponential(this.noiseMeanGapNs);
    return p;
  }

  /**
   * How long a timed park sleeps: whole ms to the next timer tick from floor(now), plus OS overshoot.
   * A timer already due (its tick at or before floor(now), not yet fired) makes the duration 0, and
   * tokio's time driver then polls with a zero timeout instead of sleeping (`park_internal`:
   * `park_timeout(rt_handle, Duration::from_secs(0))`; 1.24.2 runtime/time/mod.rs 175–218, 1.53.1
   * 213–256): no OS sleep, so no overshoot.
   */
  parkWakeTime(now: number): number {
    if (this.timers.size === 0) return Infinity;
    const floor = this.floorTick(now);
    const next = this.timers.peekTime();
    const dur = Math.max(0, next - floor);
    if (dur === 0) return now;
    return now + dur + this.latency(this.c.parkOvershoot);
  }
}

/**
 * Calibration rules for per-operation costs on current_thread (derive.ts's table): the poll and
 * yield costs, the drivers' polls and unparks, the probe's per-record bookkeeping, spawn/join,
 * and the costs the probe cannot isolate, composed from the measured ones (waker registration,
 * timer registration, steal, lock-free queues, a spin iteration).
 *
 * Phase: calibrate.
 */
import { combine, fitLinear, type Estimate, type Filter } from './fit.js';
import type { Deriver } from './derive.js';
import {
  CT,
  describe,
  difference,
  isMissing,
  reciprocal,
  slope,
  sumOf,
  withNote,
  type Outcome,
  type Rule,
} from './derive-kit.js';

/**
 * yield_extra: what a `yield_now` adds to a poll, per yielding task. K tasks yielding in rounds
 * on current_thread (yield_round, timer driver, K = 1…64): a round costs a + b·K, where a is the
 * round's own part (the pick that finds the queue empty, the driver poll, draining the defer
 * list) and b what each yielder adds (its poll, its waker pushed on the defer list, its
 * re-schedule); yield_extra = b − poll_self, which is how the simulator charges a round (§9 P2,
 * P4). A lone yield loop cannot tell the two apart: the round's own overhead beyond the driver
 * poll lands on its one yield, and was then charged K times in a round of K (1.24's ct-yield-4p
 * predicted 27 % fewer yields than measured). Probe output without yield_round lines falls back
 * to the lone loop, with a note saying so.
 */
export function yieldExtra(d: Deriver): Outcome {
  const filter: Filter = { ...CT, driver: 'timer' };
  const pts = d.fitter
    .configs('yield_round', filter)
    .map((p) => ({ x: Number(p.k), est: d.fitter.slope('yield_round', p) }))
    .filter((p): p is { x: number; est: Estimate } => p.est !== undefined && p.x > 0)
    .sort((a, b) => a.x - b.x);
  const perYielder = fitLinear(
    pts,
    `yield_round{flavor=ct driver=timer}: per-round cost vs K, OLS slope over K ∈ {${pts.map((p) => p.x).join(', ')}}`,
  );
  if (!perYielder)
    return difference(
      d,
      'yield_lone',
      { ...CT, driver: 'none', in: 'task' },
      ['poll_self', 'driver_poll_none'],
      'calibrated',
      'lone yield_now with no driver minus a self-wake poll and one driver poll (§9 P2); no yield_round lines at ≥ 2 values of k, so the round’s own overhead beyond the driver poll is counted in here too (an over-estimate for rounds of several yielders)',
    );
  const poll = d.get('poll_self');
  if (isMissing(poll)) return poll;
  const est = combine([perYielder, poll.est], (v) => v[0] - v[1], `${perYielder.source} − poll_self`);
  return {
    est,
    provenance: 'calibrated',
    note: 'what each yielder adds to a current_thread yield round (slope over K of round(K) = a + b·K) minus a self-wake poll (§9 P2, P4)',
  };
}

export function driverPoll(kind: string): Rule {
  return (d) => reciprocal(d, 'driver_poll', { ...CT, driver: kind }, 'evi');
}

/**
 * timer_unpark_io: tokio's `reregister` unparks the driver when a timer is registered with none
 * earlier promised (next_wake); with the I/O driver that is mio's eventfd write. The probe registers
 * and drops sleeps in one poll (timer_unpark), so every registration unparks: the io slope minus
 * the timer-only slope (whose unpark is an atomic swap) is the write. Unlike driver_unpark_io it
 * does not go through the block_on waker, which tokio 1.50+ no longer unparks with.
 */
export function timerUnparkIo(d: Deriver): Outcome {
  const io = d.fitter.slope('timer_unpark', { ...CT, driver: 'io' });
  const timer = d.fitter.slope('timer_unpark', { ...CT, driver: 'timer' });
  if (!io || !timer)
    return { missing: "sample lines of 'timer_unpark' (ct, driver=io and driver=timer; build with --features io)" };
  return {
    est: combine([io, timer], (v) => Math.max(0, v[0] - v[1]), 'timer_unpark{ct}: io − timer'),
    provenance: 'calibrated',
    note: "a sleep registered (first poll) and dropped in one poll of the block_on future: reregister's driver.unpark() each time; with I/O an eventfd write, net of the timer-only parker's atomic swap",
  };
}

export function driverUnparkIo(d: Deriver): Outcome {
  const f = (driver: string, where: string) => d.fitter.slope('yield_lone', { ...CT, driver, in: where });
  const ins = [f('io', 'block_on'), f('io', 'task'), f('timer', 'block_on'), f('timer', 'task')];
  if (ins.some((e) => e === undefined))
    return {
      missing: "sample lines of 'yield_lone' (ct, in=block_on and in=task, driver=io and driver=timer; build with --features io)",
    };
  const est = combine(
    ins as Estimate[],
    (v) => v[0] - v[1] - (v[2] - v[3]),
    'yield_lone{ct}: (block_on − task)[io] − (block_on − task)[timer]',
  );
  return {
    est,
    provenance: 'inferred',
    note: 'a yield in the block_on future wakes it through driver.unpark(); with I/O that is an eventfd write, so the extra cost of block_on over a task with I/O, net of the same difference with the timer only, is one unpark',
  };
}

/**
 * record_end / record_start: the probe's own per-record bookkeeping (benchmark `record`, the
 * interpreter over messages of iters/msgs records; the per-message costs are in the intercept).
 */
export function recordEnd(d: Deriver): Outcome {
  return withNote(
    slope(d, 'record', { ...CT, body: 'end' }),
    "for_each_record { record_end } in the probe's interpreter: a loop step, a clock read and a histogram insert per record (what the measuring harness, and at least a user's own per-record loop, pays)",
  );
}

export function recordStart(d: Deriver): Outcome {
  return difference(
    d,
    'record',
    { ...CT, body: 'start_end' },
    ['record_end'],
    'calibrated',
    "for_each_record { record_start; record_end } minus for_each_record { record_end }: record_start's clock read",
  );
}

/**
 * compute_op: slope(record, body=compute_end) − work_ns − record_end. Per record that body runs a
 * compute of work_ns and a record_end that reuses the compute's last clock read, so what is left
 * is the interpreter's own cost of the compute instruction (the draw, the busy-wait's clock reads
 * and overshoot, the accounting) net of the read the record_end saves. Clamped at 0 (the saved
 * read may be the larger); the configuration's work_ns is the bench parameter.
 */
export function computeOp(d: Deriver): Outcome {
  const filter = { ...CT, body: 'compute_end' };
  const base = d.fitter.slope('record', filter);
  if (!base) return { missing: describe('record', filter, 'sample') };
  const works = [...new Set(d.fitter.configs('record', filter).map((p) => Number(p.work_ns)))];
  if (works.length !== 1 || !(works[0] > 0))
    return { missing: `${describe('record', filter, 'sample')} with one work_ns > 0 (got ${works.join(', ') || 'none'})` };
  const work = works[0];
  const end = d.get('record_end');
  if (isMissing(end)) return { missing: `${end.missing} (via record_end)` };
  const est = combine(
    [base, end.est],
    (v) => Math.max(0, v[0] - work - v[1]),
    `${base.source} − ${work} − record_end (clamped at 0)`,
  );
  return {
    est,
    provenance: 'calibrated',
    note: `for_each_record { compute(${work} ns); record_end } − ${work} ns − record_end: what the probe's interpreter pays for a compute instruction beyond its busy-wait's nominal time, net of the clock read the following record_end reuses`,
  };
}

export function joinRule(d: Deriver): Outcome {
  return difference(
    d,
    'spawn_join',
    { ...CT, mode: 'hot', from: 'task' },
    ['spawn', 'poll_self', 'poll_self'],
    'inferred',
    'spawn-then-await per task = spawn + poll(child) + poll(parent) + join; join is the remainder',
  );
}

/** clock_read: one Instant::now() (instant_now). */
export function clockRead(d: Deriver): Outcome {
  return withNote(
    slope(d, 'instant_now', {}),
    'one Instant::now(); tokio 1.29+ multi_thread workers read the clock four times per yield round (Stats, MetricsBatch)',
  );
}

/** steal: not isolated by the probe; a remote-queue check plus a poll. */
export function steal(d: Deriver): Outcome {
  return sumOf(
    d,
    ['remote_check', 'poll_self'],
    'not isolated by the probe (§9 P10): a steal-half = a CAS on the victim queue head plus moving tasks into the local queue, taken as one remote-queue check plus one poll; order of magnitude only',
  );
}

/** waker_register: what is left of a ping-pong hop (channel op=pingpong cap=0) after its send, poll and recv. */
export function wakerRegister(d: Deriver): Outcome {
  const rt = d.fitter.slope('channel', { ...CT, op: 'pingpong', cap: 0 });
  if (!rt) return { missing: describe('channel', { ...CT, op: 'pingpong', cap: 0 }, 'sample') };
  const parts = d.all(['send_unbounded', 'recv_unbounded', 'poll_self']);
  if (!Array.isArray(parts)) return parts;
  const est = combine(
    [rt, ...parts],
    (v) => v[0] / 2 - v[1] - v[2] - v[3],
    `${rt.source} / 2 − send_unbounded − recv_unbounded − poll_self`,
  );
  return {
    est,
    provenance: 'inferred',
    note: 'a ping-pong hop = send + poll of the woken task + recv + waker registration on the empty channel',
  };
}

/** lockfree_push: the unbounded mpsc send (the probe has no SegQueue). */
export function lockfreePush(d: Deriver): Outcome {
  return sumOf(
    d,
    ['send_unbounded'],
    'the probe has no SegQueue: taken as the unbounded mpsc send (itself a lock-free block-list push, plus a waker notify), an upper bound',
  );
}

/** lockfree_pop: the unbounded mpsc try_recv (the probe has no SegQueue). */
export function lockfreePop(d: Deriver): Outcome {
  return sumOf(
    d,
    ['try_recv_unbounded'],
    'the probe has no SegQueue: taken as the unbounded mpsc try_recv (a lock-free block-list pop), an upper bound',
  );
}

/** timer_register: the timer part of a driver poll (driver_poll_timer − driver_poll_none). */
export function timerRegister(d: Deriver): Outcome {
  const o = sumOf(d, ['driver_poll_timer'], '');
  if (isMissing(o)) return o;
  const none = d.get('driver_poll_none');
  if (isMissing(none)) return none;
  const est = combine([o.est, none.est], (v) => v[0] - v[1], 'driver_poll_timer − driver_poll_none');
  return {
    est,
    provenance: 'inferred',
    note: 'not isolated by the probe: a registration takes the timer mutex and inserts into one wheel slot, taken as the timer part of a driver poll (which takes the same mutex and looks at the wheel)',
  };
}

/** spin_check: one try_recv plus one Instant::now(). */
export function spinCheck(d: Deriver): Outcome {
  const clock = d.fitter.slope('instant_now', {});
  if (!clock) return { missing: describe('instant_now', {}, 'sample') };
  return sumOf(d, ['try_recv_unbounded'], 'one spin iteration = one try_recv on the queue + one Instant::now()', [clock]);
}

/**
 * Calibration rules for multi_thread hand-offs between workers (derive.ts's table): unparking
 * an idle worker (from a worker or from the block_on thread), its re-wake beside a yield loop, a
 * yield round beside another spinning worker, a source thread's hold on a busy worker's CPU, and
 * channel items moving between CPUs (handoff: sent beforehand, or both ends at once).
 *
 * Phase: calibrate.
 */
import { combine, type Filter } from './fit.js';
import type { Deriver } from './derive.js';
import { CT, describe, isMissing, latency, type Outcome, type Rule } from './derive-kit.js';

/**
 * Wake-ups per operation: worker parks / ops, pooled over the probe runs. From the `parks` the
 * probe counts with tokio's stable `on_thread_park` hook, else from tokio_unstable metrics (the
 * workers' park counts); undefined when neither was recorded (older probe output).
 */
export function wakeupsPerOp(d: Deriver, filter: Filter): { perOp: number; from: string } | undefined {
  const ss = d.fitter.output.summaries.filter(
    (x) => x.bench === 'mt_yield_idle' && Object.entries(filter).every(([k, v]) => String(x.params[k]) === String(v)),
  );
  const pool = (parksOf: (f: Record<string, unknown>) => number | undefined) => {
    let parks = 0;
    let ops = 0;
    for (const s of ss) {
      const n = parksOf(s.fields);
      const o = s.fields.ops;
      if (n === undefined || typeof o !== 'number' || o <= 0) continue;
      parks += n;
      ops += o;
    }
    return ops > 0 && parks > 0 ? parks / ops : undefined;
  };
  const hook = pool((f) => (typeof f.parks === 'number' ? f.parks : undefined));
  if (hook !== undefined) return { perOp: hook, from: 'on_thread_park' };
  const metrics = pool((f) => {
    const m = f.metrics as { parkCount?: number[] } | undefined;
    return m?.parkCount ? m.parkCount.reduce((a, b) => a + b, 0) : undefined;
  });
  return metrics === undefined ? undefined : { perOp: metrics, from: 'tokio_unstable metrics' };
}

export function unparkWorker(d: Deriver): Outcome {
  const two = d.fitter.slope('mt_yield_idle', { workers: 2, loop: 'yield' });
  const one = d.fitter.slope('mt_yield_idle', { workers: 1, loop: 'yield' });
  if (!two || !one) return { missing: describe('mt_yield_idle', { loop: 'yield' }, 'sample') + ' at workers=1 and workers=2' };
  const w = wakeupsPerOp(d, { workers: 2, loop: 'yield' });
  const p = w?.perOp;
  const est = combine(
    [two, one],
    (v) => (v[0] - v[1]) / (p ?? 1),
    `(mt_yield_idle{workers=2} − mt_yield_idle{workers=1}) / ${w === undefined ? '1 wake-up per yield (assumed)' : `${w.perOp.toFixed(4)} wake-ups per yield (${w.from})`}`,
  );
  return w === undefined
    ? {
        est,
        provenance: 'inferred',
        note: 'extra cost per lone yield with an idle second worker, assuming one unpark per yield (probe output without park counts): a lower bound of the per-unpark cost',
      }
    : {
        est,
        provenance: 'calibrated',
        note: `extra cost per lone yield with an idle second worker, divided by the idle worker's parks per yield (${w.from}): the cost to the yielding worker of each wake-up it causes`,
      };
}

/**
 * yield_round_parallel: one task's round of two yield loops spinning at once on two workers
 * (mt_yield_pair; its slope is per yield of either task, so one task's round is twice it) less a
 * lone loop's round on one worker (mt_yield_idle workers=1): what the shared driver's cache lines
 * moving between the two CPUs add to each round. Where the pair's two tasks shared one worker for
 * a while (its parks: the other worker parked), the pair's slope is partly a sequential round's,
 * which understates the figure; the note says how often.
 */
export function yieldRoundParallel(d: Deriver): Outcome {
  const pairFilter = { workers: 2, loop: 'yield' };
  const pair = d.fitter.slope('mt_yield_pair', pairFilter);
  const one = d.fitter.slope('mt_yield_idle', { workers: 1, loop: 'yield' });
  if (!pair || !one)
    return {
      missing: `${describe('mt_yield_pair', pairFilter, 'sample')} and ${describe('mt_yield_idle', { workers: 1, loop: 'yield' }, 'sample')}`,
    };
  const est = combine(
    [pair, one],
    (v) => Math.max(0, 2 * v[0] - v[1]),
    '2 × mt_yield_pair{workers=2} − mt_yield_idle{workers=1}',
  );
  let parks = 0;
  let ops = 0;
  for (const x of d.fitter.output.summaries)
    if (x.bench === 'mt_yield_pair' && typeof x.fields.parks === 'number' && typeof x.fields.ops === 'number') {
      parks += x.fields.parks;
      ops += x.fields.ops;
    }
  return {
    est,
    provenance: 'calibrated',
    note: `a worker's yield round while another worker yield-spins, beyond a lone loop's round (the two rounds poll one shared driver)${ops > 0 ? `; the pair's workers parked ${parks} times in ${ops} yields (each park: a stretch with both tasks on one worker, which understates the figure)` : ''}`,
  };
}

/**
 * source_hold: par_record body=compute_end, both workers busy on two CPUs, with (mode=tick) and
 * without (mode=both) a thread on the timed worker's CPU that wakes every tick_us and sleeps again
 * (a source thread's pattern). With period P the timed work's time per record grows from b to
 * t = b / (1 − H/P): H = P·(1 − b/t), the busy vCPU's time each wake-up takes. Clamped at 0. The
 * note also gives both/alone, the same work's slowdown with the other CPU busy (no parameter: it
 * measured 1.00 on this VM, docs/semantics.md).
 */
export function sourceHold(d: Deriver): Outcome {
  const base = { body: 'compute_end' };
  const tick = d.fitter.slope('par_record', { ...base, mode: 'tick' });
  const both = d.fitter.slope('par_record', { ...base, mode: 'both' });
  if (!tick || !both) return { missing: `${describe('par_record', { ...base, mode: 'tick' }, 'sample')} and mode=both` };
  const periods = [...new Set(d.fitter.configs('par_record', { ...base, mode: 'tick' }).map((p) => Number(p.tick_us)))];
  if (periods.length !== 1 || !(periods[0] > 0))
    return {
      missing: `${describe('par_record', { ...base, mode: 'tick' }, 'sample')} with one tick_us > 0 (got ${periods.join(', ') || 'none'})`,
    };
  const P = periods[0] * 1000;
  const est = combine(
    [tick, both],
    (v) => (v[0] > 0 ? Math.max(0, P * (1 - v[1] / v[0])) : 0),
    `${P} × (1 − ${both.source} / ${tick.source}) (clamped at 0)`,
  );
  const alone = d.fitter.slope('par_record', { ...base, mode: 'alone' });
  const ratio =
    alone && alone.value > 0
      ? ` both/alone ${(both.value / alone.value).toFixed(3)} (the same work with the other CPU busy);`
      : '';
  return {
    est,
    provenance: 'calibrated',
    note: `a thread waking every ${periods[0]} µs on a busy worker's CPU and sleeping again: per record ${tick.value.toFixed(1)} ns against ${both.value.toFixed(1)} ns without it;${ratio} the hold per wake-up is P·(1 − both/tick)`,
  };
}

/**
 * The idle worker's park beside a lone yield loop on 2 workers (mt_yield_cycle k=1): from its
 * on_thread_park to its on_thread_unpark — the yielder's next round notifying it, the wake-up,
 * the wait for a CPU. The observations include up to one yield round before the notify, which the
 * simulator adds itself (a few hundred ns against µs); far-out parks (the VM descheduling the
 * worker) are left out as for the other wake-ups.
 *
 * Probe output without mt_yield_cycle (calibrations before it): inferred from mt_yield_idle, whose
 * time is nothing but these cycles — ops × (ns per yield) = parks × (one cycle), a cycle being the
 * idle worker's park plus its search (tens of ns) — so the mean park is (ns per yield) / (parks per
 * yield), less one yield round (the simulator's own wait for the notify, as above): a constant.
 */
export function workerRewakeLatency(d: Deriver): Outcome {
  const o = latency(d, 'mt_yield_cycle', { flavor: 'mt', workers: 2, k: 1, driver: 'timer' }, true);
  if (!isMissing(o))
    return {
      ...o,
      note: "the idle worker's park (on_thread_park → on_thread_unpark) while a lone task yield-spins on the other worker: its re-wake by the yielder's last-searcher notify",
    };
  const two = d.fitter.slope('mt_yield_idle', { workers: 2, loop: 'yield' });
  const one = d.fitter.slope('mt_yield_idle', { workers: 1, loop: 'yield' });
  const w = wakeupsPerOp(d, { workers: 2, loop: 'yield' });
  if (!two || !one || w === undefined)
    return {
      missing: `${o.missing}, or ${describe('mt_yield_idle', { loop: 'yield' }, 'sample')} at workers=1 and workers=2 with park counts`,
    };
  const est = combine(
    [two, one],
    (v) => Math.max(0, v[0] / w.perOp - v[1]),
    `mt_yield_idle{workers=2} / ${w.perOp.toFixed(4)} wake-ups per yield (${w.from}) − mt_yield_idle{workers=1}`,
  );
  return {
    est,
    provenance: 'inferred',
    note: "the idle worker's mean park beside a lone yield loop, from the loop's time and its parks (no mt_yield_cycle in the probe output): a constant, without the distribution's spread",
  };
}

/**
 * spawn_remote{load=idle} − spawn_remote{load=busy}: the same spawns from the block_on thread,
 * with every worker parked before each one (so each unparks one) and with every worker spinning
 * in a task (none to unpark); the difference is the unpark as its notifier pays it.
 */
export function unparkRemote(d: Deriver): Outcome {
  const idle = d.fitter.slope('spawn_remote', { flavor: 'mt', load: 'idle' });
  if (!idle) return { missing: describe('spawn_remote', { flavor: 'mt', load: 'idle' }, 'sample') };
  const busy = d.get('spawn_remote');
  if (isMissing(busy)) return busy;
  const est = combine([idle, busy.est], (v) => Math.max(0, v[0] - v[1]), `${idle.source} − spawn_remote (clamped at 0)`);
  return {
    est,
    provenance: 'calibrated',
    note: 'each idle-load spawn is timed alone (minus an empty Instant pair) after the workers parked, so it unparks one worker; the busy-load spawn (no unpark) taken away',
  };
}

/**
 * Both ends of a channel at once (probe handoff where=conc_*, the two tasks pinned to two CPUs):
 * conc_send = the sends timed while the receiver drains the channel at once − the same sends alone
 * (channel op=send_u / try_send_b, current_thread); conc_recv = the receives timed while the sender
 * keeps sending at once − the same try_recv loop over items the receiving task sent itself.
 */
export function concurrent(chan: 'u' | 'b', side: 'send' | 'recv'): Rule {
  return (d) => {
    const conc = d.fitter.slope('handoff', { flavor: 'mt', chan, where: `conc_${side}` });
    const baseFilter: Filter =
      side === 'send' ? { ...CT, op: chan === 'u' ? 'send_u' : 'try_send_b' } : { flavor: 'mt', chan, where: 'same' };
    const base = d.fitter.slope(side === 'send' ? 'channel' : 'handoff', baseFilter);
    if (!conc) return { missing: describe('handoff', { flavor: 'mt', chan, where: `conc_${side}` }, 'sample') };
    if (!base) return { missing: describe(side === 'send' ? 'channel' : 'handoff', baseFilter, 'sample') };
    const est = combine([conc, base], (v) => Math.max(0, v[0] - v[1]), `${conc.source} − ${base.source} (clamped at 0)`);
    return {
      est,
      provenance: 'calibrated',
      note:
        side === 'send'
          ? 'sends timed while a task pinned to the other CPU takes the items off at once (try_recv spin), minus the same sends alone: the channel’s counter, tail and ready bits moving between the CPUs on every item'
          : 'receives of items sent beforehand, timed while a task pinned to the other CPU keeps sending at once, minus the same receiving loop over items the receiving task sent itself',
    };
  };
}

/** handoff{chan, cross} − handoff{chan, same}: the same try_recv loop over items sent on another worker or by the receiver itself. */
export function handoff(chan: 'u' | 'b'): Rule {
  return (d) => {
    const f = (where: string) => d.fitter.slope('handoff', { flavor: 'mt', chan, where });
    const cross = f('cross');
    const same = f('same');
    if (!cross || !same)
      return { missing: `${describe('handoff', { flavor: 'mt', chan }, 'sample')} at where=cross and where=same` };
    const est = combine([cross, same], (v) => Math.max(0, v[0] - v[1]), `${cross.source} − ${same.source} (clamped at 0)`);
    // The probe gives a cross sample up and takes it again when its two tasks did not both start
    // within 20 ms (a parked worker not woken for the second one); probes before that count nothing.
    const retried = d.fitter
      .summaryValues('handoff', 'retries', { flavor: 'mt', chan, where: 'cross' })
      .reduce((a, b) => a + b, 0);
    const retries =
      retried > 0
        ? `; ${retried} cross sample${retried === 1 ? ' was' : 's were'} taken again because the two tasks had not both started within 20 ms (a parked worker not woken for the second)`
        : '';
    return {
      est,
      provenance: 'calibrated',
      note: `a receiving loop over items another worker sent, minus the same loop over items the receiving task sent itself: the items’ cache lines moving between cores (the batch is sent first, then received: a bulk transfer, not a line ping-ponged between a concurrent sender and receiver)${retries}`,
    };
  };
}

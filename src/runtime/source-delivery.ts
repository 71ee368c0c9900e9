/**
 * The simulator's sources: threads outside the runtime that deliver batches into channels at the
 * instants the arrival rules (arrivals.ts) give, and close their channel when done.
 *
 * Phase: simulate. An arrival is one event (EV_SOURCE): the batch goes into its channel as one
 * message (waking a receiver from outside the runtime, `from` = -1), or is dropped with DS3002
 * when a bounded channel is full (the probe's source does the same); then the next arrival is
 * queued.
 */
import type { Simulator } from './simulator.js';
import { EV_SOURCE } from './events.js';
import { firstArrivalNs, nextArrivalNs } from './arrivals.js';

/** Queues source `s`'s first arrival (or ends it at once when it delivers nothing). */
export function scheduleFirstArrival(sim: Simulator, s: number): void {
  const t = firstArrivalNs(sim.plan.sources[s], s, sim.rngArrival, sim.arrivalState);
  sim.srcNext[s] = t;
  if (t >= 0) sim.q.push(sim.sourceSendAt(t), EV_SOURCE, s, 0);
  else endSource(sim, s);
}

/**
 * Source `s`'s batch arrives at `t` (its real send: the planned instant `srcNext[s]` plus the
 * thread's wake-up, `sourceSendAt`): delivered (or dropped), and the next arrival queued, planned
 * from the planned instant (absolute deadlines: lateness never accumulates, as in the probe).
 */
export function arrival(sim: Simulator, s: number, t: number): void {
  const src = sim.plan.sources[s];
  const ch = sim.channels[src.channel];
  const i = sim.srcSent[s]++;
  const records = src.arrival.kind === 'trace' ? src.arrival.records[i] : src.records;
  sim.events++;
  // Without a CPU of its own the source's wake-up takes a vCPU from the runtime (source-hold.ts).
  if (sim.sourceShares && t !== sim.srcSentAt) sim.sourceHold(t);
  sim.srcSentAt = t;
  // The next arrival first (its draws come from the arrival stream alone): without one, and with
  // every other source done, this is the source thread's last delivery.
  const next = nextArrivalNs(src, s, sim.srcNext[s], sim.srcSent[s], sim.rngArrival, sim.arrivalState);
  const waking = next < 0 && othersDone(sim, s) ? 2 : 1;
  if (ch.kind === 1 && ch.q.length >= ch.capacity) {
    sim.warnings.push({ code: 'DS3002', message: `source '${src.name}' found channel full; batch dropped` });
  } else {
    if (sim.maxSpans !== 0) sim.traceSend(s, t, records);
    sim.srcWaking = waking;
    sim.push(ch, records, t, -1);
    sim.srcWaking = 0;
  }
  sim.srcNext[s] = next;
  if (next >= 0) sim.q.push(sim.sourceSendAt(next), EV_SOURCE, s, 0);
  else endSource(sim, s);
}

/**
 * Whether every source but `s` has delivered its last batch. The sources share one OS thread (the
 * probe's `sources::deliver` runs every source's deliveries in time order on one std::thread),
 * which exits after the last of them.
 */
function othersDone(sim: Simulator, s: number): boolean {
  for (let o = 0; o < sim.srcNext.length; o++) if (o !== s && sim.srcNext[o] >= 0) return false;
  return true;
}

/**
 * Source `s` is done: its channel closes when the plan says so. The close is the thread's last
 * delivery when every other source is done too (its wake-up is the exiting thread's).
 */
function endSource(sim: Simulator, s: number): void {
  const src = sim.plan.sources[s];
  sim.srcNext[s] = -1;
  if (src.close) {
    const ch = sim.channels[src.channel];
    ch.closed = true;
    sim.srcWaking = othersDone(sim, s) ? 2 : 1;
    sim.notifyChannel(ch, -1);
    sim.srcWaking = 0;
  }
}

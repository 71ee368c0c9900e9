/**
 * A source thread's own time on a busy vCPU (source_hold; docs/semantics.md, "Sources sharing the
 * runtime's vCPUs"). The probe's sources are one OS thread that sleeps to each delivery's instant;
 * where it has no CPU of its own (multi_thread with the runtime's threads on every core,
 * `Simulator.sourceShares`), each wake-up runs on a vCPU the runtime uses. With a vCPU idle the
 * guest puts it there and no runtime thread loses anything; with every vCPU busy it preempts the
 * thread on one of them for the wake-up's timer interrupt, two context switches and its own run:
 * that thread's clock moves on by source_hold (descheduled time, as a noise pause), the work it
 * was doing (a poll, a spin wait) resuming after it.
 *
 * Phase: simulate (multi_thread only). Which busy thread: the on-core threads in turn (the
 * simulator does not place threads on numbered vCPUs; no random draw, so a model without the
 * parameter draws exactly as before).
 */
import { HIT_SOURCE_HOLD, type Simulator } from './simulator.js';
import { Ev as E } from './events.js';

/**
 * One wake-up of the source thread at `t`: charges source_hold to the `turn`-th thread on a core
 * (modulo their number) when no core is free. Returns the next turn. A model without the parameter
 * charges nothing and notes the hit (DS3030) where one would have been charged.
 */
export function chargeSourceHold(sim: Simulator, onCore: Uint8Array, coresFree: number, t: number, turn: number): number {
  if (coresFree > 0) return turn;
  let busy = 0;
  for (let th = 0; th < sim.nThreads; th++) busy += onCore[th];
  if (busy === 0) return turn;
  const h = sim.c.sourceHold;
  if (sim.c.absent.sourceHold) sim.hitOptional[HIT_SOURCE_HOLD] = 1;
  if (!(h > 0)) return turn;
  let k = turn % busy;
  let th = 0;
  for (; th < sim.nThreads; th++) if (onCore[th] && k-- === 0) break;
  sim.thrT[th] = Math.max(sim.thrT[th], t) + h;
  sim.stDesched[th] += h;
  // A poll or spin wait it was in did not run meanwhile: their starts move by the hold (so the
  // poll's busy time excludes it, as a core wait's does).
  if (sim.thrTask[th] >= 0) {
    sim.thrPollStart[th] += h;
    if (sim.thrPos[th] === E.P_SPIN) sim.thrSpinStart[th] += h;
  }
  sim.resched(th);
  return turn + 1;
}

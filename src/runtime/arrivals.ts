/**
 * Arrival processes of the Plan's sources: when each batch arrives (integer ns).
 *
 * Phase: simulate. Pure rules over one PRNG stream ("arrival"); the probe's `sources.rs` ports
 * them bit for bit, so a measured run delivers its batches at the same planned instants.
 * Periodic: phase + k·interval. Poisson: exponential gaps (≥ 1 ns). Bursty: Poisson arrivals
 * during exponential on-periods, separated by exponential off-periods. Trace: the given times.
 */
import type { Prng } from '../engine/prng.js';
import type { PlanSource } from '../plan/types.js';

/** Per source: the end of the current on-period (bursty sources only). */
export interface ArrivalState {
  phaseEndNs: Float64Array;
}

/** The first arrival of source `s`, or −1 when it delivers nothing. */
export function firstArrivalNs(src: PlanSource, s: number, rng: Prng, st: ArrivalState): number {
  const a = src.arrival;
  switch (a.kind) {
    case 'periodic':
      return a.phaseNs;
    case 'poisson':
      return Math.round(rng.exponential(1e9 / a.ratePerSec));
    case 'bursty':
      st.phaseEndNs[s] = Math.round(rng.exponential(a.onNs));
      return Math.round(rng.exponential(1e9 / a.ratePerSec));
    case 'trace':
      return a.timesNs.length > 0 ? a.timesNs[0] : -1;
  }
}

/**
 * The arrival after the one at `tNs`, when `sent` batches have gone out; −1 when the source is
 * done (its batch count or its duration is reached, or the trace ends).
 */
export function nextArrivalNs(src: PlanSource, s: number, tNs: number, sent: number, rng: Prng, st: ArrivalState): number {
  const a = src.arrival;
  if (src.batches >= 0 && sent >= src.batches) return -1;
  let next = -1;
  switch (a.kind) {
    case 'periodic':
      next = a.phaseNs + sent * a.intervalNs;
      break;
    case 'poisson':
      next = tNs + Math.max(1, Math.round(rng.exponential(1e9 / a.ratePerSec)));
      break;
    case 'bursty': {
      next = tNs + Math.max(1, Math.round(rng.exponential(1e9 / a.ratePerSec)));
      while (next > st.phaseEndNs[s]) {
        // Skip an off period, then start a new on period.
        const off = Math.round(rng.exponential(Math.max(1, a.offNs)));
        const onStart = st.phaseEndNs[s] + off;
        st.phaseEndNs[s] = onStart + Math.round(rng.exponential(a.onNs));
        next = onStart + Math.max(1, Math.round(rng.exponential(1e9 / a.ratePerSec)));
      }
      break;
    }
    case 'trace':
      next = sent < a.timesNs.length ? a.timesNs[sent] : -1;
      break;
  }
  if (next >= 0 && src.durationNs >= 0 && next > src.durationNs) return -1;
  return next;
}

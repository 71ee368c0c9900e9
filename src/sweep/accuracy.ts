/**
 * The simulator's error band against real tokio: the worst median |error| per flavor and metric
 * over validation runs 8–11 of docs/accuracy.md (*Summary*). A plan whose margin to a target is
 * inside this band is not an answer the model can give (DS1707), and `advise` says so.
 *
 * Phase: sweep. Update this table when docs/accuracy.md's summary changes.
 */
const BAND: Record<string, Record<string, number>> = {
  current_thread: { recordsPerSec: 0.01, p50Us: 0.09, meanUs: 0.09, p90Us: 0.186, p99Us: 0.186, p999Us: 0.186, maxUs: 0.186 },
  multi_thread: { recordsPerSec: 0.01, p50Us: 0.241, meanUs: 0.241, p90Us: 0.241, p99Us: 0.135, p999Us: 0.135, maxUs: 0.135 },
};

/** The relative error band of `metric` on `flavor`, or undefined when validation states none. */
export function modelErrorBand(flavor: string, metric: string): number | undefined {
  return BAND[flavor]?.[metric];
}

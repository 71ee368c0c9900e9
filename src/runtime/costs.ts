/**
 * Runtime costs: the cost model's mechanistic parameters read once into plain numbers, and the
 * samplers for cost distributions.
 *
 * Phase: simulate. Sampling draws from a dedicated PRNG stream per purpose.
 */
import type { PlanCost } from '../plan/types.js';
import { Prng } from '../engine/prng.js';
import type { RuntimeCosts as Costs } from '../plan/runtime-costs.js';

export { runtimeCosts, type RuntimeCosts } from '../plan/runtime-costs.js';

/** Draws one value (integer ns) from a cost distribution. Constant costs draw no random numbers. */
export function sampleCost(c: PlanCost, rng: Prng): number {
  if (c.dist === 'quantiles') return quantileAt(c, rng.nextFloat());
  return sampleOther(c, rng);
}

/** The value of a quantiles cost at probability `u` (0–1): linear between the stored quantiles. */
export function quantileAt(c: PlanCost & { dist: 'quantiles' }, u: number): number {
  const p = c.p;
  const ns = c.ns;
  let i = 1;
  while (i < p.length - 1 && p[i] < u) i++;
  const p0 = p[i - 1];
  const p1 = p[i];
  const f = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
  return Math.round(ns[i - 1] + Math.min(1, Math.max(0, f)) * (ns[i] - ns[i - 1]));
}

function sampleOther(c: PlanCost, rng: Prng): number {
  switch (c.dist) {
    case 'const':
      return Math.round(c.ns);
    case 'uniform':
      return Math.round(c.minNs + rng.nextFloat() * (c.maxNs - c.minNs));
    case 'exponential':
      return Math.round(rng.exponential(c.meanNs));
    case 'lognormal':
      return Math.round(c.medianNs * Math.exp(c.sigma * rng.normal()));
    case 'quantiles':
      // Inverse CDF by linear interpolation between the stored quantiles.
      return quantileAt(c, rng.nextFloat());
  }
}

/** Mean of a cost distribution in ns (for the analytic model and for reports). */
export function meanCost(c: PlanCost): number {
  switch (c.dist) {
    case 'const':
      return c.ns;
    case 'uniform':
      return (c.minNs + c.maxNs) / 2;
    case 'exponential':
      return c.meanNs;
    case 'lognormal':
      return c.medianNs * Math.exp((c.sigma * c.sigma) / 2);
    case 'quantiles': {
      let m = 0;
      for (let i = 1; i < c.p.length; i++) m += ((c.ns[i] + c.ns[i - 1]) / 2) * (c.p[i] - c.p[i - 1]);
      return m;
    }
  }
}

/**
 * The next host-contention episode after `after` (ns): an exponential gap at episode_rate, then a
 * duration drawn from episode_duration. The simulator draws a run's schedule with it from the
 * run's 'episode' stream, and `episodesBefore` counts it again for the run set's summary.
 */
export function nextEpisode(ep: NonNullable<Costs['episode']>, rng: Prng, after: number): [number, number] {
  const start = after + Math.max(1, Math.round(rng.exponential(1e9 / ep.rate)));
  const end = start + Math.max(1, Math.round(sampleCost(ep.duration, rng)));
  return [start, end];
}

/** How many episodes of the run of `seed` start before `untilNs` (its simulated end): a function of the seed alone. */
export function episodesBefore(ep: NonNullable<Costs['episode']>, seed: number, untilNs: number): number {
  const rng = new Prng(seed, 'episode');
  let n = 0;
  let h = 0;
  for (;;) {
    const [start, end] = nextEpisode(ep, rng, h);
    if (start >= untilNs) return n;
    n++;
    h = end;
  }
}

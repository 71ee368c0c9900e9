/**
 * The vocabulary of the calibration rules (derive.ts): a rule's outcome (a derived estimate or
 * what is missing) and the helpers every rule family uses — a slope read, a latency read, a
 * reciprocal fit across configurations, a difference or a sum of other parameters.
 *
 * Phase: calibrate.
 */
import { combine, fitReciprocal, type Estimate, type Filter } from './fit.js';
import type { Deriver } from './derive.js';

export interface Derived {
  est: Estimate;
  provenance: 'calibrated' | 'inferred';
  note?: string;
}
export interface Missing {
  missing: string;
}
export type Outcome = Derived | Missing;

export function isMissing(o: Outcome): o is Missing {
  return (o as Missing).missing !== undefined;
}

/** `o` with its note set, or `o` itself when it is missing. */
export function withNote(o: Outcome, note: string): Outcome {
  return isMissing(o) ? o : { ...o, note };
}

/** One rule: a parameter's estimate from the probe output (and other parameters), or what is missing. */
export type Rule = (d: Deriver) => Outcome;

export const CT: Filter = { flavor: 'ct' };

export function slope(d: Deriver, bench: string, filter: Filter): Outcome {
  const est = d.fitter.slope(bench, filter);
  return est ? { est, provenance: 'calibrated' } : { missing: describe(bench, filter, 'sample') };
}

export function describe(bench: string, filter: Filter, kind: string): string {
  const f = Object.entries(filter).map(([k, v]) => `${k}=${v}`);
  return `${kind} lines of benchmark '${bench}'${f.length ? ` with ${f.join(' ')}` : ''}`;
}

/** measured − Σ parameters, computed replicate by replicate. */
export function difference(
  d: Deriver,
  bench: string,
  filter: Filter,
  minus: string[],
  provenance: Derived['provenance'],
  note: string,
): Outcome {
  const base = d.fitter.slope(bench, filter);
  if (!base) return { missing: describe(bench, filter, 'sample') };
  const parts = d.all(minus);
  if (!Array.isArray(parts)) return parts;
  const est = combine(
    [base, ...parts],
    (v) => v[0] - v.slice(1).reduce((a, b) => a + b, 0),
    `${base.source} − ${minus.join(' − ')}`,
  );
  return { est, provenance, note };
}

/** Sum of other parameters (an inferred upper bound or composition). */
export function sumOf(d: Deriver, names: string[], note: string, extra: Estimate[] = []): Outcome {
  const parts = d.all(names);
  if (!Array.isArray(parts)) return parts;
  const est = combine(
    [...parts, ...extra],
    (v) => v.reduce((a, b) => a + b, 0),
    [...names, ...extra.map((e) => e.source)].join(' + '),
  );
  return { est, provenance: 'inferred', note };
}

/** Fit per-poll cost vs 1/`key` over the configurations matching `filter`. */
export function reciprocal(d: Deriver, bench: string, filter: Filter, key: string): Outcome {
  const pts = d.fitter
    .configs(bench, filter)
    .map((p) => ({ x: Number(p[key]), est: d.fitter.slope(bench, p) }))
    .filter((p): p is { x: number; est: Estimate } => p.est !== undefined && p.x > 0);
  const est = fitReciprocal(
    pts,
    `${bench}{${Object.entries(filter)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}}: per-poll cost vs 1/${key}, OLS slope over ${key} ∈ {${pts.map((p) => p.x).join(', ')}}`,
  );
  return est ? { est, provenance: 'calibrated' } : { missing: `${describe(bench, filter, 'sample')} at ≥ 2 values of ${key}` };
}

/** A latency-type benchmark's distribution; `trimFarOut`: see `latencyEstimate`. */
export function latency(d: Deriver, bench: string, filter: Filter, trimFarOut = false): Outcome {
  const est = d.fitter.latency(bench, filter, trimFarOut);
  return est ? { est, provenance: 'calibrated' } : { missing: describe(bench, filter, 'latency') };
}

/**
 * Imports criterion.rs results as cost-model parameters.
 *
 * Phase: calibrate (I/O: reads a criterion output directory). A mapping file
 * `{ "<benchmark id>": "<parameter name>" }` says which benchmark feeds which parameter; the
 * id is the benchmark's directory under the criterion root (e.g. `channel/send_u`), whose
 * `new/estimates.json` gives the estimate: criterion's slope (its least-squares fit over the
 * iteration ladder, the same method as ours) where it exists, else the mean, each with its 95%
 * confidence interval. Estimates are in ns per iteration.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diag, escapePointerToken, InputError, type Diagnostic } from '../schema/diagnostics.js';
import { parseJsonText } from '../schema/validate.js';
import { readText } from '../io/files.js';
import type { Derived } from './derive.js';

interface CriterionStat {
  point_estimate: number;
  confidence_interval?: { lower_bound: number; upper_bound: number; confidence_level?: number };
}

const NAME = /^[a-z][a-z0-9_]*$/;

/** Reads and checks the mapping file: an object of benchmark id → parameter name. */
export function readMapping(file: string): Record<string, string> {
  const { value } = parseJsonText(readText(file), file);
  const diags: Diagnostic[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InputError([diag('DS1101', file, '', { expected: 'an object { benchmarkId: parameterName }', got: typeof value })]);
  const out: Record<string, string> = {};
  for (const [id, name] of Object.entries(value as Record<string, unknown>)) {
    const ptr = `/${escapePointerToken(id)}`;
    if (typeof name !== 'string')
      diags.push(diag('DS1101', file, ptr, { expected: 'a parameter name (string)', got: typeof name }));
    else if (!NAME.test(name))
      diags.push(diag('DS1106', file, ptr, { detail: `parameter name must match ${NAME.source} (got ${JSON.stringify(name)})` }));
    else out[id] = name;
  }
  if (diags.length) throw new InputError(diags);
  return out;
}

function isStat(v: unknown): v is CriterionStat {
  return v !== null && typeof v === 'object' && typeof (v as CriterionStat).point_estimate === 'number';
}

/** One benchmark's estimate as a Derived parameter (slope preferred, else mean). */
export function criterionEstimate(dir: string, id: string): Derived {
  const file = join(dir, id, 'new', 'estimates.json');
  if (!existsSync(file))
    throw new InputError([diag('DS1308', file, '', { name: id, detail: `no estimates.json (looked for ${file})` })]);
  const { value } = parseJsonText(readText(file), file);
  const doc = value as Record<string, unknown>;
  const which = isStat(doc.slope) ? 'slope' : 'mean';
  const stat = doc[which];
  if (!isStat(stat))
    throw new InputError([
      diag('DS1308', file, `/${which}`, { name: id, detail: 'has neither a slope nor a mean point_estimate' }),
    ]);
  const ci = stat.confidence_interval;
  const samples = sampleCount(join(dir, id, 'new', 'sample.json'));
  return {
    provenance: 'calibrated',
    est: {
      value: stat.point_estimate,
      // Criterion keeps its bootstrap replicates to itself; its interval is carried as ci95.
      boot: [],
      samples,
      outliers: 0,
      mad: isStat(doc.median_abs_dev) ? doc.median_abs_dev.point_estimate : undefined,
      source: `criterion ${id} (${which}${ci ? `, 95% CI ${ci.lower_bound.toFixed(2)}–${ci.upper_bound.toFixed(2)}` : ''})`,
      headers: [],
      ci95: ci ? [ci.lower_bound, ci.upper_bound] : undefined,
    },
  };
}

function sampleCount(file: string): number {
  if (!existsSync(file)) return 0;
  try {
    const v = JSON.parse(readText(file)) as { iters?: unknown[] };
    return Array.isArray(v.iters) ? v.iters.length : 0;
  } catch {
    return 0;
  }
}

/** Every mapped benchmark, parameter name → Derived. All problems are collected. */
export function importCriterion(dir: string, mapping: Record<string, string>): Map<string, Derived> {
  const out = new Map<string, Derived>();
  const diags: Diagnostic[] = [];
  for (const [id, name] of Object.entries(mapping)) {
    try {
      out.set(name, criterionEstimate(dir, id));
    } catch (e) {
      if (e instanceof InputError) diags.push(...e.diagnostics);
      else throw e;
    }
  }
  if (diags.length) throw new InputError(diags);
  return out;
}

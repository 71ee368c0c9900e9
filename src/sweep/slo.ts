/**
 * SLO search pieces: parsing `--slo`, `--rate` and `--weights`, setting a scenario's arrival
 * rate, costing a configuration, and checking a result against the targets.
 *
 * Phase: sweep (used by `dispatchsim plan`). Latency targets are in µs internally; a rate is
 * records per second, turned into the arrival process's own terms (batches per second, or a
 * batch interval) using the batch size the scenario states.
 */
import { diag, EXIT, InputError } from '../schema/diagnostics.js';
import type { Scenario } from '../schema/scenario.js';
import { axisPointers } from '../schema/pointer.js';

export interface Slo {
  text: string;
  metric: string; // a sweep metric name: p99Us, meanUs, recordsPerSec, …
  op: '<=' | '>=';
  target: number;
}

const LATENCY: Record<string, string> = {
  p50: 'p50Us',
  p90: 'p90Us',
  p99: 'p99Us',
  p999: 'p999Us',
  max: 'maxUs',
  mean: 'meanUs',
};
const TIME_UNIT: Record<string, number> = { ns: 1e-3, us: 1, µs: 1, ms: 1e3, s: 1e6 };
const SI: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9 };

/** Records per second from `200k/s`, `1.5M/s`, `5000` (DS1703). */
export function parseRate(spec: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKMG]?)\s*(?:\/s)?\s*$/.exec(spec);
  const v = m ? Number(m[1]) * SI[m[2]] : NaN;
  if (!m || !(v > 0)) throw new InputError([diag('DS1703', '<command line>', '', { spec })], EXIT.usage);
  return v;
}

/** µs from `5us`, `1.4µs`, `250ns`, `2ms`, `1s` (DS1706, naming `option`). */
export function parseDurationUs(spec: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(ns|us|µs|ms|s)\s*$/.exec(spec);
  if (!m) throw new InputError([diag('DS1706', '<command line>', '', { option, spec })]);
  return Number(m[1]) * TIME_UNIT[m[2]];
}

/** `p99<=250us`, `mean<=1ms`, `throughput>=200k/s` (DS1702). */
export function parseSlo(spec: string): Slo {
  const m = /^\s*([a-z0-9]+)\s*(<=|>=)\s*(.+?)\s*$/.exec(spec);
  const fail = () => new InputError([diag('DS1702', '<command line>', '', { spec })], EXIT.usage);
  if (!m) throw fail();
  const [, name, op, rhs] = m;
  if (name in LATENCY) {
    const t = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)$/.exec(rhs);
    if (!t || op !== '<=') throw fail();
    return { text: spec.trim(), metric: LATENCY[name], op: '<=', target: Number(t[1]) * TIME_UNIT[t[2]] };
  }
  if (name === 'throughput' && op === '>=') {
    try {
      return { text: spec.trim(), metric: 'recordsPerSec', op: '>=', target: parseRate(rhs) };
    } catch {
      throw fail();
    }
  }
  throw fail();
}

/** `cores=1,workers=0.5,partitions=0.1` → weights by axis label (DS1705). */
export function parseWeights(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of spec.split(',')) {
    const m = /^\s*([A-Za-z_][\w./-]*)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw new InputError([diag('DS1705', '<command line>', '', { spec })], EXIT.usage);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Margin of a value against a target as a fraction of the target: ≥ 0 means the SLO holds. */
export function margin(slo: Slo, value: number): number {
  return slo.op === '<=' ? (slo.target - value) / slo.target : (value - slo.target) / slo.target;
}

/**
 * A copy of the scenario whose sources deliver `ratePerSec` records per second. Poisson and
 * bursty arrivals get a batch rate; periodic ones a batch interval; trace arrivals cannot be
 * rescaled (DS1704). Returns the JSON pointers it changed, so the report can say what was set.
 */
export function withArrivalRate(
  scenario: Scenario,
  ratePerSec: number,
  file: string,
): { scenario: Scenario; pointers: string[] } {
  const copy = structuredClone(scenario);
  const pointers: string[] = [];
  const set = (arrival: { kind: string; ratePerSec?: number; intervalUs?: number }, batchRecords: number, ptr: string) => {
    const batchesPerSec = ratePerSec / batchRecords;
    if (arrival.kind === 'poisson' || arrival.kind === 'bursty') arrival.ratePerSec = batchesPerSec;
    else if (arrival.kind === 'periodic') arrival.intervalUs = 1e6 / batchesPerSec;
    else throw new InputError([diag('DS1704', file, ptr, { detail: `a ${arrival.kind} arrival cannot be rescaled to a rate` })]);
    pointers.push(ptr);
  };
  const t = copy.template;
  if (t && (t.kind === 'pipeline' || t.kind === 'sequential'))
    set(t.source.arrival, t.source.batchRecords, '/template/source/arrival');
  for (const [name, src] of Object.entries(copy.sources ?? {})) set(src.arrival, src.records ?? 1, `/sources/${name}/arrival`);
  if (pointers.length === 0)
    throw new InputError([diag('DS1704', file, '', { detail: 'it has no pipeline/sequential source and no sources' })]);
  return { scenario: copy, pointers };
}

/** Default cost weights: cores are what capacity is bought in; every other numeric axis breaks ties. */
export const DEFAULT_WEIGHTS = { cores: 1, axis: 0.01 } as const;

/** The axis that sets the plan's cores: costed through `cores`, never twice. */
const CORES_POINTER = '/machine/cores';

/**
 * Weighted cost of a configuration: weight(cores) × the plan's cores (`machine.cores`, else its
 * workers) + Σ weight(label) × value over the other numeric axes (an axis that sets
 * `/machine/cores`, tied or not, is costed through cores only). Unweighted labels take
 * DEFAULT_WEIGHTS, so by default the fewest cores win and fewer workers/partitions break ties.
 */
export function configCost(
  axes: readonly { pointer: string; also?: string[]; label: string }[],
  values: readonly unknown[],
  cores: number,
  weights: Record<string, number>,
): number {
  let cost = (weights.cores ?? DEFAULT_WEIGHTS.cores) * cores;
  axes.forEach((a, i) => {
    if (!axisPointers(a).includes(CORES_POINTER) && typeof values[i] === 'number')
      cost += (weights[a.label] ?? DEFAULT_WEIGHTS.axis) * (values[i] as number);
  });
  return cost;
}

/**
 * The probe's JSON-line output contract, parsed into typed records.
 *
 * Phase: calibrate. `probe suite` prints one JSON object per line on stdout:
 *   {"type":"header", "tokio", "features", "profile", "tokioUnstable", "rustc", …}
 *   {"type":"sample", "bench", "params":{…}, "iters":N, "totalNs":T}   slope-type
 *   {"type":"latency","bench", "params":{…}, "ns":V[, "idleNs":I][, "holdNs":H][, "sendNs", "notifySendNs"]}    latency-type
 *   {"type":"summary","bench", "params":{…}, …counts}                 structural facts
 * Several runs may be concatenated (e.g. the io build's output after the plain one): each
 * record belongs to the header above it. A malformed line is an error that names its line, so
 * a truncated or hand-edited sample file is never fitted silently.
 */
import { diag, InputError, type Diagnostic } from '../schema/diagnostics.js';

export type ParamValue = string | number;
export type BenchParams = Record<string, ParamValue>;

export interface ProbeHeader {
  tokio: string;
  features: string[];
  profile: 'release' | 'debug';
  tokioUnstable: boolean;
  rustc?: string;
  /** The CPUs the probe could run on (its affinity mask, e.g. under taskset), "0,1"; absent from older probes and off Linux. */
  allowedCpus?: string;
  /** 1-based line of the header in its file. */
  line: number;
}

interface Located {
  bench: string;
  params: BenchParams;
  /** Index into ProbeOutput.headers. */
  header: number;
}
export interface SampleRecord extends Located {
  iters: number;
  totalNs: number;
}
export interface LatencyRecord extends Located {
  ns: number;
  /** xwake with g_spread > 0: how long the receiver had been idle when the message was sent. */
  idleNs?: number;
  /** When the observed thing began, ns from the benchmark's start (noise: the pause; xwake: the send). */
  atNs?: number;
  /** steal_wake / steal_hold: the largest gap in the waker's busy-spin after the wake (how long it was off its vCPU). */
  holdNs?: number;
  /** steal_wake: the waker's send into its empty LIFO slot (a send and a wake, no notify). */
  sendNs?: number;
  /** steal_wake: the waker's next send, which displaces the first from the LIFO slot and notifies a parked worker. */
  notifySendNs?: number;
}
export interface SummaryRecord extends Located {
  fields: Record<string, unknown>;
}

export interface ProbeOutput {
  headers: ProbeHeader[];
  samples: SampleRecord[];
  latencies: LatencyRecord[];
  summaries: SummaryRecord[];
}

export function emptyProbeOutput(): ProbeOutput {
  return { headers: [], samples: [], latencies: [], summaries: [] };
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isParams(v: unknown): v is BenchParams {
  return isObj(v) && Object.values(v).every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)));
}

function nonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Parses one record; returns a problem description instead of throwing. */
function parseRecord(o: Obj, out: ProbeOutput, line: number): string | undefined {
  if (o.type === 'header') {
    const profile = o.profile;
    if (profile !== 'release' && profile !== 'debug')
      return `header: profile must be "release" or "debug" (got ${JSON.stringify(profile)})`;
    const features = Array.isArray(o.features) ? o.features.filter((f): f is string => typeof f === 'string') : [];
    out.headers.push({
      tokio: typeof o.tokio === 'string' && o.tokio ? o.tokio : 'unknown',
      features,
      profile,
      tokioUnstable: o.tokioUnstable === true,
      rustc: typeof o.rustc === 'string' ? o.rustc : undefined,
      ...(typeof o.allowedCpus === 'string' && o.allowedCpus ? { allowedCpus: o.allowedCpus } : {}),
      line,
    });
    return undefined;
  }
  // progress belongs on stderr but is harmless here; suite_end closes a run (its failures were
  // reported on stderr, and a parameter that lacks its benchmark is reported by name later).
  if (o.type === 'progress' || o.type === 'suite_end') return undefined;
  if (o.type !== 'sample' && o.type !== 'latency' && o.type !== 'summary') return `unknown record type ${JSON.stringify(o.type)}`;
  if (out.headers.length === 0) return `a ${o.type} record before any header line`;
  if (typeof o.bench !== 'string' || !o.bench) return `${o.type}: "bench" must be a non-empty string`;
  if (!isParams(o.params)) return `${o.type}: "params" must be an object of strings and numbers`;
  const base = { bench: o.bench, params: o.params, header: out.headers.length - 1 };
  if (o.type === 'sample') {
    if (!nonNegative(o.iters) || o.iters === 0 || !nonNegative(o.totalNs))
      return 'sample: "iters" must be > 0 and "totalNs" >= 0';
    out.samples.push({ ...base, iters: o.iters, totalNs: o.totalNs });
  } else if (o.type === 'latency') {
    if (!nonNegative(o.ns)) return 'latency: "ns" must be a number >= 0';
    if (o.idleNs !== undefined && !nonNegative(o.idleNs)) return 'latency: "idleNs" must be a number >= 0';
    if (o.atNs !== undefined && !nonNegative(o.atNs)) return 'latency: "atNs" must be a number >= 0';
    if (o.holdNs !== undefined && !nonNegative(o.holdNs)) return 'latency: "holdNs" must be a number >= 0';
    for (const k of ['sendNs', 'notifySendNs'] as const)
      if (o[k] !== undefined && !nonNegative(o[k])) return `latency: "${k}" must be a number >= 0`;
    const rec: LatencyRecord = { ...base, ns: o.ns };
    if (o.idleNs !== undefined) rec.idleNs = o.idleNs;
    if (o.atNs !== undefined) rec.atNs = o.atNs;
    if (o.holdNs !== undefined) rec.holdNs = o.holdNs;
    if (nonNegative(o.sendNs)) rec.sendNs = o.sendNs;
    if (nonNegative(o.notifySendNs)) rec.notifySendNs = o.notifySendNs;
    out.latencies.push(rec);
  } else {
    const fields: Obj = { ...o };
    for (const k of ['type', 'bench', 'params']) delete fields[k];
    out.summaries.push({ ...base, fields });
  }
  return undefined;
}

/**
 * Parses probe output text (JSON lines; blank lines ignored). Appends to `into` when given, so
 * several files can be combined. Throws InputError with one located diagnostic per bad line
 * (at most 20).
 */
export function parseProbeOutput(text: string, file: string, into: ProbeOutput = emptyProbeOutput()): ProbeOutput {
  const diags: Diagnostic[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && diags.length < 20; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      diags.push({
        ...diag('DS1304', file, '', { detail: `not JSON (${(e as Error).message}): ${clip(raw)}` }),
        line: i + 1,
        column: 1,
      });
      continue;
    }
    const problem = isObj(value) ? parseRecord(value, into, i + 1) : 'a line must hold a JSON object';
    if (problem) diags.push({ ...diag('DS1304', file, '', { detail: problem }), line: i + 1, column: 1 });
  }
  if (diags.length > 0) throw new InputError(diags);
  return into;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** Canonical key of a parameter set (sorted keys), used to group records into configurations. */
export function paramsKey(params: BenchParams): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join(' ');
}

/** Whether `params` has every key/value of `filter` (numbers and strings compare as text). */
export function matchesFilter(params: BenchParams, filter: Readonly<Record<string, ParamValue>>): boolean {
  return Object.entries(filter).every(([k, v]) => k in params && String(params[k]) === String(v));
}

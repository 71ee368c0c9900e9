/**
 * Diagnostics: errors and warnings as data, with a stable code, a file, a JSON pointer and,
 * where the source text is known, line:column. All messages come from the catalog below, so
 * tests assert on codes and pointers, not on wording.
 *
 * Phase: every phase that reads input. Nothing here prints; the CLI formats diagnostics as
 * `file:line:col /pointer message [CODE]`.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: string;
  severity: Severity;
  file: string;
  pointer: string;
  message: string;
  /** The values the message was built from (ajv-style), so callers read numbers, not wording. */
  params?: Record<string, unknown>;
  line?: number;
  column?: number;
}

/** Exit codes, documented in `--help`. */
export const EXIT = { ok: 0, internal: 1, usage: 2, invalidInput: 3, notApplicable: 4, io: 5, validationFailed: 6 } as const;

/** Message catalog: code → template. `{name}` placeholders are filled from params. */
export const CATALOG = {
  DS1001: 'is not valid JSON: {detail}',
  DS1101: 'must be {expected} (got {got})',
  DS1102: "must have property '{property}'",
  DS1103: "has unknown property '{property}'",
  DS1104: 'must be {comparison} {limit} (got {got})',
  DS1105: 'must be one of {allowed} (got {got})',
  DS1106: '{detail}',
  DS1107: 'is not valid: {detail}',
  DS1201: "unknown channel '{name}'",
  DS1202: "unknown task '{name}'",
  DS1203: "unknown mutex '{name}'",
  DS1204: "unknown cost-model parameter '{name}' (model {model})",
  DS1205: "task '{name}' is never started: it is a child that no task spawns",
  DS1206: 'spawn cycle: {cycle}',
  DS1207: "a spin wait with no time limit on current_thread never lets '{name}' run: the scenario can never finish",
  DS1208: 'at most one task may be the block_on future (found {count})',
  DS1209: "channel '{name}' is lock-free and has no waker: wait with try_recv (yield_spin, sleep or spin), not await_recv",
  DS1210: "'workers' applies only to multi_thread (current_thread has one thread)",
  DS1211: "output expression does not parse: {detail}",
  DS1212: "source must say how many batches or for how long ('batches' or 'durationMs')",
  DS1213: "give either 'template' or 'tasks', not both",
  DS1214: 'the scenario has no tasks',
  DS1215: "cost-model parameter '{name}' must be a non-negative duration (got {got})",
  DS1216: "channel '{name}' capacity only applies to bounded channels",
  DS1217: "bounded channel '{name}' needs a capacity",
  DS1218: "task '{name}' is joined but never spawned",
  DS1219: "cannot read trace file '{name}': {detail}",
  DS1220: "trace file '{name}' line {line}: expected 'timeUs,records'",
  DS1221: "'{name}' is spawned more than once; give each spawned task its own name",
  DS1222: "a source and a task both feed channel '{name}' on an await path that cannot close",
  DS1223: 'nesting deeper than {limit} levels',
  DS1224: "channel '{name}' is a tokio mpsc channel with one receiver, already task '{first}': use one channel per consumer, or a lockfree channel for several",
  DS1225: "sleep needs tokio's time driver, but runtime.driver is 'none' (tokio panics: timers are disabled); use driver 'timer' or 'timer_io'",
  DS1226: "route to '{name}': the channels {name}[0] … {name}[{count}−1] must be declared one after another, in order",
  DS1227: 'output formula is not allowed: {detail}',
  DS1229:
    "this wait loop takes no simulated time under model '{model}' ({costs}: all 0 ns): polling an empty channel would repeat forever at one instant and the run would never advance; give the model non-zero costs or wait with await_recv, sleep or an unlimited spin",
  DS1301: "parameter '{name}': 95% CI [{lo}, {hi}] is wider than its value {value}",
  DS1302: "parameter '{name}' ({value} ns) is cheaper than poll_self ({poll} ns): a yield cannot be cheaper than a poll",
  DS1303: "model mixes build profiles: '{name}' was measured in {other}, the model is {profile}",
  DS1304: 'probe output line is not valid: {detail}',
  DS1305: "cannot calibrate '{name}': the probe output has no {needs}",
  DS1306: "parameter '{name}': the fit of {source} is not linear (R² {r2} < {min})",
  DS1307: "parameter '{name}' came out negative ({value} ns) and was clamped to 0: {detail}",
  DS1308: "criterion benchmark '{name}': {detail}",
  DS1309: 'calibration windows (--windows): {detail}',
  DS1601: "--vary '{spec}': expected /json/pointer=values, where values is a,b,c or lo..hi or lo..hi:log2",
  DS1602: "{pointer} is not present in the scenario: --vary can only change a value the scenario states ('rate' needs a source, 'wait' a pipeline template)",
  DS1603: 'with {pointer} = {value} the scenario is invalid: {detail}',
  DS1604: "--shard '{spec}': expected i/n with 1 <= i <= n",
  DS1605: "cannot resume from '{name}': {detail}",
  DS1606: "cannot merge '{name}': {detail}",
  DS1607: 'the sweep has {count} points; the limit is {limit}',
  DS1701: 'is not a Result, sweep, validation or Chrome trace document: {detail}',
  DS1702: "--slo '{spec}': expected metric<=value or metric>=value, e.g. p99<=250us, mean<=1ms, throughput>=200k/s",
  DS1703: "--rate '{spec}': expected records per second, e.g. 200k/s, 1.5M/s or 5000",
  DS1704: 'the scenario has no arrival rate to set: {detail}',
  DS1705: "--weights '{spec}': expected name=number pairs, e.g. cores=1,workers=0.5,partitions=0.1",
  DS1707: "the answer's margin to '{slo}' is {margin}, inside the model's error band on {flavor} (±{band}, docs/accuracy.md): calibrate on the target machine and validate, or ask for more margin",
  DS1708: "compare '{spec}': {detail}",
  DS1706: "{option} '{spec}': expected a duration, e.g. 5us, 1.4µs, 250ns or 2ms",
  DS1801: "--tolerance '{spec}': expected a percentage such as 10% or metric=25% (metrics: {metrics})",
  DS1802: "measured CSV line {line}: expected 'metric,value' with a number (got '{got}')",
  DS1803: "unknown measured metric '{name}' (known: {known})",
  DS1804: '--measured {name} is one measurement but {count} scenarios were given: give one scenario, or a directory of <scenario>.measured.json files',
  DS1805: "no measurement for scenario '{name}': expected {file}",
  DS1806: "no scenario files under '{name}'",
  DS1807: 'the probe could not execute the plan: {detail}',
  DS1808: "--metrics '{spec}': unknown metric '{name}' (known: {known})",
  DS1809: '{failed} of {total} compared figures are outside the tolerance',
  DS1810: '{detail}',
  DS1811: '{detail}',
  DS1812: '{detail}',
  DS1813: '{detail}',
  DS1814: '{detail}',
  DS4001: 'not applicable: {detail}',
  DS4002: 'not applicable: the analytic model does not recognize this plan ({detail}); use the simulator',
  DS4003: 'not applicable: {shape} on {flavor} has no closed form here: {detail}; use the simulator',
  DS4004: 'not applicable: overloaded: {resource} is busy {rho} of the time (ρ ≥ 1), so throughput is bounded at {capacity} records/s while {offered} records/s arrive, and latency grows without limit',
  DS4005: 'not applicable: the analytic model does not model {field} = {value} ({detail}); use the simulator',
  DS4090: 'analytic model: {detail}',
  DS5001: "cannot read '{name}': {detail}",
  DS5002: "cannot write '{name}': {detail}",
  DS5003: "cannot run '{name}': {detail}",
  DS5004: "'{name}' failed (exit {code}): {detail}",
} as const;
export type Code = keyof typeof CATALOG;

export function formatMessage(code: Code, params: Record<string, unknown>): string {
  return CATALOG[code].replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

export function diag(code: Code, file: string, pointer: string, params: Record<string, unknown> = {}, severity: Severity = 'error'): Diagnostic {
  return { code, severity, file, pointer, message: formatMessage(code, params), params };
}

/** `file:line:col /pointer message [CODE]` (line:col omitted when unknown). */
export function formatDiagnostic(d: Diagnostic): string {
  const loc = d.line !== undefined ? `${d.file}:${d.line}:${d.column}` : d.file;
  const sev = d.severity === 'warning' ? 'warning: ' : '';
  return `${loc} ${d.pointer || '/'} ${sev}${d.message} [${d.code}]`;
}

/** Thrown to stop a phase with collected diagnostics; the CLI maps it to exit code 3 (or 4/5). */
export class InputError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly exitCode: number = EXIT.invalidInput,
  ) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}

export function escapePointerToken(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

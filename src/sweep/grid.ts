/**
 * Sweep grids: parsing `--vary /pointer=values`, expanding the cartesian product, and applying
 * one point's values to a copy of the scenario.
 *
 * Phase: sweep. Value syntax (docs/reports.md): a comma list `a,b,c` whose items are numbers,
 * `true`/`false` or strings, an integer range `lo..hi` (step 1), or a geometric range
 * `lo..hi:log2` (`:log10`, any `:logB`) giving lo, lo·B, lo·B², … ≤ hi; ranges may appear as
 * list items (`1..4,16`). The first `--vary` is the outermost loop, so point indices follow the
 * order of the command line. Pointers joined by `+` (`/machine/cores+/runtime/workers=1..8`) form one
 * tied axis: every pointer takes the same value (one worker per core, as production runs).
 */
import { axisPointers, getAt, pointerTokens } from '../schema/pointer.js';
export { axisPointers, getAt, pointerTokens };
import { diag, EXIT, InputError, type Diagnostic } from '../schema/diagnostics.js';
import type { SourceMap } from '../schema/validate.js';
import type { SweepAxis } from '../schema/sweep-doc.js';
import type { Scenario } from '../schema/scenario.js';
import { WAIT_STRATEGIES, waitSteps, type WaitStrategy } from '../plan/scaffold.js';
import { parseRate, withArrivalRate } from './slo.js';

export type AxisValue = number | string | boolean;

/** More values than this in one range is almost certainly a typo (`1..1000000`). */
export const MAX_RANGE_VALUES = 100_000;
/** Largest grid accepted. */
export const MAX_POINTS = 1_000_000;

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const RANGE = /^(-?\d+)\.\.(-?\d+)(?::log(\d+))?$/;

function parseToken(tok: string): AxisValue[] | undefined {
  const r = RANGE.exec(tok);
  if (r) {
    const lo = Number(r[1]);
    const hi = Number(r[2]);
    const base = r[3] === undefined ? undefined : Number(r[3]);
    if (hi < lo || (base !== undefined && (base < 2 || lo <= 0))) return undefined;
    const out: number[] = [];
    for (let v = lo; v <= hi && out.length <= MAX_RANGE_VALUES; v = base === undefined ? v + 1 : v * base) out.push(v);
    if (out.length > MAX_RANGE_VALUES)
      throw new InputError(
        [
          diag('DS1607', '<command line>', '', {
            count: base === undefined ? hi - lo + 1 : `more than ${MAX_RANGE_VALUES}`,
            limit: MAX_RANGE_VALUES,
          }),
        ],
        EXIT.usage,
      );
    return out;
  }
  if (tok === '') return undefined;
  if (NUMBER.test(tok)) return [Number(tok)];
  if (tok === 'true' || tok === 'false') return [tok === 'true'];
  return [tok];
}

/**
 * Named axes: a word instead of a pointer, for what one pointer cannot say.
 *   - `rate=100k/s,200k/s`: the offered load in records/s, set on every source as `plan --rate`
 *     does (a batch rate or interval from the batch size);
 *   - `wait=yield,await,sleep,backoff,spin`: a pipeline's wait strategy tied to the channel kind
 *     it needs (`new --wait` picks the same pair: await on an unbounded mpsc, the others on a
 *     lock-free queue), so one axis compares strategies without invalid combinations.
 */
interface NamedAxis {
  parse(token: string): AxisValue | undefined;
  /** Whether the scenario can take this axis (else DS1602 at the axis). */
  applies(scenario: unknown): boolean;
  apply(scenario: Scenario, value: AxisValue): void;
}

const pipelineOf = (s: unknown) => {
  const t = (s as Scenario | null)?.template;
  return t && t.kind === 'pipeline' ? t : undefined;
};

export const NAMED_AXES: Record<string, NamedAxis> = {
  rate: {
    parse: (tok) => {
      try {
        return parseRate(tok);
      } catch {
        return undefined;
      }
    },
    applies: (s) => {
      try {
        withArrivalRate(s as Scenario, 1000, '');
        return true;
      } catch {
        return false;
      }
    },
    apply: (s, v) => {
      const { scenario } = withArrivalRate(s, v as number, '');
      Object.assign(s, scenario);
    },
  },
  wait: {
    parse: (tok) => ((WAIT_STRATEGIES as readonly string[]).includes(tok) ? tok : undefined),
    applies: (s) => pipelineOf(s) !== undefined,
    apply: (s, v) => {
      const t = pipelineOf(s)!;
      t.partition.wait = waitSteps(v as WaitStrategy, 1000).steps;
      t.channel = v === 'await' ? { kind: 'unbounded' } : { kind: 'lockfree' };
    },
  },
};

/** One parsed `--vary`: the axis pointer, the pointers tied to it (`+`), and the values. */
export interface Vary {
  pointer: string;
  also?: string[];
  values: AxisValue[];
}

/** Parses one `--vary` argument; throws DS1601 (usage, exit 2) on bad syntax. */
export function parseVary(spec: string): Vary {
  const eq = spec.indexOf('=');
  const named = NAMED_AXES[spec.slice(0, Math.max(0, eq))];
  if (named) {
    const values = spec
      .slice(eq + 1)
      .split(',')
      .map((t) => named.parse(t.trim()));
    if (values.length === 0 || values.some((v) => v === undefined))
      throw new InputError([diag('DS1601', '<command line>', '', { spec })]);
    return { pointer: spec.slice(0, eq), values: values as AxisValue[] };
  }
  const [pointer, ...also] = eq < 0 ? [''] : spec.slice(0, eq).split('+');
  const tokens = eq < 0 ? [] : spec.slice(eq + 1).split(',');
  const values: AxisValue[] = [];
  for (const t of tokens) {
    const v = parseToken(t.trim());
    if (!v) throw new InputError([diag('DS1601', '<command line>', '', { spec })], EXIT.usage);
    values.push(...v);
  }
  if (![pointer, ...also].every((p) => p.startsWith('/')) || values.length === 0)
    throw new InputError([diag('DS1601', '<command line>', '', { spec })], EXIT.usage);
  return also.length ? { pointer, also, values } : { pointer, values };
}

/** A deep copy of `doc` with each pointer set to its value (pointers must exist: see `buildAxes`). */
export function applyValues<T>(doc: T, pointers: readonly string[], values: readonly AxisValue[]): T {
  const copy = structuredClone(doc);
  pointers.forEach((p, i) => {
    const toks = pointerTokens(p);
    let cur = copy as unknown as Record<string, unknown>;
    for (const k of toks.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
    cur[toks[toks.length - 1]] = values[i];
  });
  return copy;
}

/** A deep copy of `doc` with axis i's pointers (tied ones included) set to `values[i]`. */
export function applyAxes<T>(doc: T, axes: readonly { pointer: string; also?: string[] }[], values: readonly AxisValue[]): T {
  const pointers: string[] = [];
  const expanded: AxisValue[] = [];
  const named: Array<[NamedAxis, AxisValue]> = [];
  axes.forEach((a, i) => {
    if (NAMED_AXES[a.pointer]) return void named.push([NAMED_AXES[a.pointer], values[i]]);
    for (const p of axisPointers(a)) {
      pointers.push(p);
      expanded.push(values[i]);
    }
  });
  const out = applyValues(doc, pointers, expanded);
  for (const [axis, v] of named) axis.apply(out as Scenario, v);
  return out;
}

/** Builds axes; every pointer must name a value present in the scenario (DS1602, located). */
export function buildAxes(scenario: unknown, varies: readonly Vary[], file: string, map?: SourceMap): SweepAxis[] {
  const diags: Diagnostic[] = [];
  for (const p of varies.flatMap(axisPointers)) {
    if (NAMED_AXES[p] ? !NAMED_AXES[p].applies(scenario) : p === '' || !getAt(scenario, p).found) {
      const d = diag('DS1602', file, p, { pointer: p });
      diags.push({ ...d, ...(map?.locate(p) ?? {}) });
    }
  }
  if (diags.length) throw new InputError(diags);
  const last = varies.map((v) => (NAMED_AXES[v.pointer] ? v.pointer : (pointerTokens(v.pointer).at(-1) ?? v.pointer)));
  const total = varies.reduce((n, v) => n * v.values.length, 1);
  if (total > MAX_POINTS)
    throw new InputError([diag('DS1607', '<command line>', '', { count: total, limit: MAX_POINTS })], EXIT.usage);
  return varies.map((v, i) => {
    const label = last.filter((l) => l === last[i]).length > 1 ? v.pointer : last[i];
    return v.also
      ? { pointer: v.pointer, also: v.also, label, values: v.values }
      : { pointer: v.pointer, label, values: v.values };
  });
}

/** All points, first axis outermost: point k's values. */
export function expandGrid(axes: readonly SweepAxis[]): AxisValue[][] {
  let points: AxisValue[][] = [[]];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => [...p, v]));
  return points;
}

/**
 * `runSweep`: a scenario and `--vary` axes → a sweep document.
 *
 *   1. axes: every pointer must exist in the scenario (DS1602)
 *   2. points: expand the grid; substitute each point's values and schema-check the copy
 *      (DS1603), collecting every problem before failing — while the worker pool starts
 *   3. select: this shard's points (index ≡ i−1 mod n), minus those already in a resumed file
 *   4. run: worker pool; points stored by index, so bytes do not depend on `jobs`
 *   5. document: header + points sorted by index
 *
 * Phase: sweep. No printing and no file access: the CLI reads inputs, reports progress and
 * writes the document.
 */
import { normalizeScenario } from '../plan/normalize.js';
import { diag, InputError, type Diagnostic } from '../schema/diagnostics.js';
import type { CostModel } from '../schema/model.js';
import type { Scenario } from '../schema/scenario.js';
import { validateDocument, type SourceMap } from '../schema/validate.js';
import { applyAxes, axisPointers, buildAxes, expandGrid, getAt, type AxisValue, type Vary } from './grid.js';
import { LATENCY_QUANTILES } from '../schema/sweep-metrics.js';
import { PointPool } from './pool.js';
import type { PointTask } from './run-point.js';
import { replicationSeeds } from './stats.js';
import { METRICS, type SweepAxis, type SweepDoc, type SweepPoint } from '../schema/sweep-doc.js';

export interface SweepRequest {
  scenario: Scenario;
  file: string;
  map?: SourceMap;
  model: CostModel;
  modelFile?: string;
  traces?: Record<string, { timesUs: number[]; records: number[] }>;
  varies: Vary[];
  engine: SweepDoc['engine'];
  replications: number;
  /** Platform noise, overriding the scenario's and the model's default (`--no-noise`). */
  noise?: boolean;
  shard?: { index: number; count: number };
  /** A previous (partial) output of the same sweep: its points are kept, not rerun. */
  resume?: SweepDoc;
  jobs: number;
  onPoint?: (point: SweepPoint, done: number, total: number) => void;
  /** Receives the document so far about 20 times per run, so an interrupted sweep can `--resume`. */
  onCheckpoint?: (partial: SweepDoc) => void;
}

export type SweepHeader = Omit<SweepDoc, 'points'>;

/** Builds the document with keys in one fixed order, so run, resume and merge agree byte for byte. */
export function makeDoc(h: SweepHeader, points: readonly SweepPoint[]): SweepDoc {
  const doc: SweepDoc = {
    kind: 'dispatchsim-sweep',
    version: 1,
    scenario: h.scenario,
    model: h.model,
    runtime: h.runtime,
    engine: h.engine,
    baseSeed: h.baseSeed,
    replications: h.replications,
    metrics: h.metrics,
    ...(h.quantiles ? { quantiles: h.quantiles } : {}),
    ...(h.tracedPoint !== undefined ? { tracedPoint: h.tracedPoint } : {}),
    grid: h.grid,
    totalPoints: h.totalPoints,
    points: [...points].sort((a, b) => a.index - b.index),
  };
  if (h.shard) return { ...doc, shard: h.shard, points: doc.points };
  return doc;
}

/** Why two headers describe different sweeps, or undefined when they match (shards aside). */
export function headerMismatch(a: SweepHeader, b: SweepHeader): string | undefined {
  const keys = [
    'scenario',
    'model',
    'engine',
    'baseSeed',
    'replications',
    'metrics',
    'quantiles',
    'tracedPoint',
    'grid',
    'totalPoints',
  ] as const;
  for (const k of keys) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return `'${k}' differs`;
  return undefined;
}

/**
 * A point that cannot belong to `doc` (a tampered or foreign file): its index is not an integer
 * of the grid, it is not of the document's shard, or it is there twice. Says which, or undefined.
 */
export function foreignPoint(doc: SweepDoc): string | undefined {
  const seen = new Set<number>();
  for (const p of doc.points) {
    if (!Number.isInteger(p.index) || p.index < 0 || p.index >= doc.totalPoints)
      return `point index ${String(p.index)} is outside the grid (0..${doc.totalPoints - 1})`;
    if (doc.shard && p.index % doc.shard.count !== doc.shard.index - 1)
      return `point ${p.index} is not of shard ${doc.shard.index}/${doc.shard.count}`;
    if (seen.has(p.index)) return `point ${p.index} is there twice`;
    seen.add(p.index);
  }
  return undefined;
}

/**
 * Schema-checks the varied values; one DS1603 per distinct (axis value, problem).
 *
 * PERF (bench/sweep-scaling.ts): validating every grid point costs ~0.3 ms each, as much as
 * simulating a small point, on the main thread. Each axis value is checked alone (others at their
 * base values) — exact for this schema, whose constraints are local to an object — and whole
 * combinations only where two axes write into the same object (a union branch may then depend on
 * both).
 */
export function checkPoints(
  req: Pick<SweepRequest, 'scenario' | 'file' | 'map'>,
  axes: SweepAxis[],
  grid: AxisValue[][],
): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const seen = new Set<string>();
  const hits = (d: Diagnostic, p: string) => d.pointer === p || d.pointer.startsWith(p + '/') || p.startsWith(d.pointer + '/');
  const check = (owners: number[], values: AxisValue[]) => {
    const doc = applyAxes(
      req.scenario,
      owners.map((i) => axes[i]),
      values,
    );
    for (const d of validateDocument('scenario', doc, req.file)) {
      // Name the axis value that broke the scenario; report each distinct problem once.
      const hit = owners.find((i) => axisPointers(axes[i]).some((p) => hits(d, p)));
      const at = hit ?? owners[0];
      const v = values[owners.indexOf(at)];
      const key = `${axes[at].pointer}=${String(v)}|${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const out = diag('DS1603', req.file, axes[at].pointer, {
        pointer: axes[at].pointer,
        value: v,
        detail: `${d.pointer} ${d.message}`,
      });
      diags.push({ ...out, ...(req.map?.locate(axes[at].pointer) ?? {}) });
    }
  };
  axes.forEach((a, i) => a.values.forEach((v) => check([i], [v])));
  const parent = (p: string) => p.slice(0, p.lastIndexOf('/'));
  const parents = axes.flatMap((a) => [...new Set(axisPointers(a).map(parent))]);
  const shared = new Set(parents).size < parents.length;
  if (shared && diags.length === 0) {
    const all = axes.map((_, i) => i);
    for (const values of grid) check(all, values);
  }
  return diags;
}

/**
 * Normalizes every point (the checks a run would make first: references, flavor rules, …), so a
 * combination that breaks the scenario is reported before any point runs, not after the points
 * before it ran: one DS1603 per distinct problem (at most 10), located at the first axis.
 */
export function checkPlans(
  req: Pick<SweepRequest, 'scenario' | 'file' | 'map' | 'model' | 'modelFile' | 'traces'>,
  axes: SweepAxis[],
  grid: AxisValue[][],
): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const values of grid) {
    try {
      normalizeScenario(applyAxes(req.scenario, axes, values), {
        file: req.file,
        model: req.model,
        modelFile: req.modelFile,
        traces: req.traces,
      });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      for (const d of e.diagnostics) {
        if (d.severity !== 'error' || seen.has(d.message)) continue;
        seen.add(d.message);
        const at = axes.map((a, i) => `${a.pointer}=${String(values[i])}`).join(', ');
        const out = diag('DS1603', req.file, axes[0].pointer, { pointer: at, value: '', detail: `${d.pointer} ${d.message}` });
        out.message = `with ${at} the scenario is invalid: ${d.pointer} ${d.message} [${d.code}]`;
        diags.push({ ...out, ...(req.map?.locate(axes[0].pointer) ?? {}) });
      }
      if (diags.length >= 10) break;
    }
  }
  return diags;
}

/**
 * The point that carries a short trace for the report's timeline: the scenario as written (every
 * axis at the value the scenario states), when the grid holds it, else the first point.
 */
export function tracedPointOf(scenario: unknown, axes: readonly SweepAxis[], grid: readonly AxisValue[][]): number {
  const own = axes.map((a) => getAt(scenario, a.pointer).value);
  const k = grid.findIndex((values) => values.every((v, i) => v === own[i]));
  return k < 0 ? 0 : k;
}

export async function runSweep(req: SweepRequest): Promise<SweepDoc> {
  // 1. Axes.
  const axes = buildAxes(req.scenario, req.varies, req.file, req.map);
  const grid = expandGrid(axes);
  const base = normalizeScenario(req.scenario, {
    file: req.file,
    model: req.model,
    modelFile: req.modelFile,
    traces: req.traces,
  });
  const header: SweepHeader = {
    kind: 'dispatchsim-sweep',
    version: 1,
    scenario: base.scenario,
    model: base.model,
    runtime: { flavor: base.runtime.flavor },
    engine: req.engine,
    baseSeed: base.seed,
    replications: req.replications,
    metrics: [...METRICS],
    ...(req.engine !== 'analytic'
      ? { quantiles: [...LATENCY_QUANTILES], tracedPoint: tracedPointOf(req.scenario, axes, grid) }
      : {}),
    grid: axes,
    totalPoints: grid.length,
    ...(req.shard ? { shard: req.shard } : {}),
  };
  // 3. Select (ahead of step 2, so the pool below starts with as many workers as it needs).
  const kept = new Map<number, SweepPoint>();
  if (req.resume) {
    const why = headerMismatch(req.resume, header);
    const had = req.resume.shard;
    const wants = req.shard;
    const shardWhy =
      JSON.stringify(had ?? null) === JSON.stringify(wants ?? null)
        ? undefined
        : `it holds ${had ? `shard ${had.index}/${had.count}` : 'an unsharded sweep'} and this run is ${wants ? `shard ${wants.index}/${wants.count}` : 'unsharded'}; resuming would drop its points (give the same --shard, or another --out)`;
    const bad = why ? `it holds a different sweep: ${why}` : (shardWhy ?? foreignPoint(req.resume));
    if (bad) throw new InputError([diag('DS1605', req.file, '', { name: 'the output file', detail: bad })]);
    for (const p of req.resume.points) kept.set(p.index, p);
  }
  const mine = (i: number) => !req.shard || i % req.shard.count === req.shard.index - 1;
  const tasks: PointTask[] = [];
  grid.forEach((values, index) => {
    if (mine(index) && !kept.has(index)) tasks.push({ index, values });
  });
  // PERF (bench/sweep-scaling.ts): the workers start now and load their modules while this thread
  // schema-checks the grid (step 2), which compiles the validator.
  const seeds = replicationSeeds(base.seed, req.replications);
  const ctx = {
    scenario: req.scenario,
    axes,
    file: req.file,
    model: req.model,
    modelFile: req.modelFile,
    engine: req.engine,
    seeds,
    ...(req.noise !== undefined ? { noise: req.noise } : {}),
    tracedPoint: header.tracedPoint,
    traces: req.traces,
  };
  const pool = tasks.length ? new PointPool(Math.min(req.jobs, tasks.length), ctx) : undefined;
  try {
    // 2. Points: every varied value schema-checked before anything runs.
    const bad = checkPoints(req, axes, grid);
    if (bad.length) throw new InputError(bad);
    const broken = checkPlans(req, axes, grid);
    if (broken.length) throw new InputError(broken);
    // 4. Run.
    const total = tasks.length;
    const every = Math.max(1, Math.ceil(total / 20));
    const finished: SweepPoint[] = [...kept.values()].filter((p) => mine(p.index));
    let done = 0;
    const fresh = !pool
      ? []
      : await pool.run(tasks, (p) => {
          finished.push(p);
          req.onPoint?.(p, ++done, total);
          if (req.onCheckpoint && done % every === 0 && done < total) req.onCheckpoint(makeDoc(header, finished));
        });
    // 5. Document.
    return makeDoc(header, [...[...kept.values()].filter((p) => mine(p.index)), ...fresh]);
  } finally {
    await pool?.close();
  }
}

/**
 * Scenario → Plan.
 *
 *   1. expand the template (templates.ts) or take `tasks`/`channels`/`sources` as written
 *   2. check references and structure (unknown names, cycles, unreachable tasks, waits that can
 *      never end); collect every problem, then fail once with all of them
 *   3. compile each task's ops to instructions with jumps (loops, while_open + wait strategies)
 *   4. resolve every cost against the cost model into a nanosecond distribution
 *
 * Phase: normalize. Pure: no I/O except what the caller passes in (trace files are read by the
 * caller and given as `traces`). Does not mutate the scenario.
 */
import { createHash } from 'node:crypto';
import { mathjs } from '../engine/lazy-math.js';
import { formulaProblem, simpleFormula } from './formula.js';
import type { CostModel } from '../schema/model.js';
import { param } from '../model/load.js';
import type { Cost, Op, Scenario, SourceDef, TaskDef, WaitStep } from '../schema/scenario.js';
import { diag, escapePointerToken, InputError, type Diagnostic } from '../schema/diagnostics.js';
import { expandTemplate, type Expanded } from './templates.js';
import { DEFAULT_TOKIO, tokioSemantics, type TokioVersion } from './tokio-versions.js';
import type { Instr, Plan, PlanCost, PlanCostEntry, PlanSource, PlanTask } from './types.js';

export interface NormalizeOptions {
  file?: string;
  model: CostModel;
  modelFile?: string;
  /** Parsed trace files by the name used in the scenario: times in µs and records per batch. */
  traces?: Record<string, { timesUs: number[]; records: number[] }>;
  seed?: number;
  /**
   * Platform noise, overriding the scenario's `machine.noise` (`--no-noise`: false). Absent: the
   * scenario's, else on when the model has a noise process (`noise_rate` > 0; docs/semantics.md).
   */
  noise?: boolean;
  /** Overrides the scenario's `runtime.tokio` (the CLI's --tokio). */
  tokio?: TokioVersion;
}

/** Whether a model has a platform-noise process to switch on by default (noise_rate > 0). */
export function modelHasNoise(model: CostModel): boolean {
  return (model.parameters.noise_rate?.value ?? 0) > 0;
}

export const DEFAULT_LIMITS = { maxSimulatedMs: 3_600_000, maxEvents: 2_000_000_000, maxWallMs: 600_000 };

/** tokio 1.24's default `global_queue_interval`: 61 ticks on multi_thread, 31 on current_thread. */
export function defaultGlobalQueueInterval(flavor: 'current_thread' | 'multi_thread'): number {
  return flavor === 'multi_thread' ? 61 : 31;
}

/** Stable hash of a JSON value (sorted keys), 16 hex digits. */
export function hashJson(v: unknown): string {
  const canon = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(canon);
    if (x && typeof x === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x as object).sort()) o[k] = canon((x as Record<string, unknown>)[k]);
      return o;
    }
    return x;
  };
  return createHash('sha256')
    .update(JSON.stringify(canon(v)))
    .digest('hex')
    .slice(0, 16);
}

export function normalizeScenario(scenario: Scenario, opts: NormalizeOptions): Plan {
  const file = opts.file ?? '<scenario>';
  const diags: Diagnostic[] = [];
  const err = (d: Diagnostic) => diags.push(d);

  // 1. Expand.
  let ex: Expanded;
  let base = '';
  if (scenario.template && scenario.tasks) err(diag('DS1213', file, '/template'));
  if (scenario.template) {
    ex = expandTemplate(scenario.template);
    base = '/template';
  } else {
    ex = {
      channels: (scenario.channels ?? {}) as Expanded['channels'],
      mutexes: scenario.mutexes ?? [],
      tasks: scenario.tasks ?? {},
      sources: scenario.sources ?? {},
      roles: {},
    };
  }
  if (Object.keys(ex.tasks).length === 0) err(diag('DS1214', file, base || '/tasks'));
  const rt = scenario.runtime;
  if (rt.flavor === 'current_thread' && rt.workers !== undefined && rt.workers !== 1)
    err(diag('DS1210', file, '/runtime/workers'));

  const chanNames = Object.keys(ex.channels);
  const chanIndex = new Map(chanNames.map((n, i) => [n, i]));
  const taskNames = Object.keys(ex.tasks);
  const taskIndex = new Map(taskNames.map((n, i) => [n, i]));
  const mutexIndex = new Map(ex.mutexes.map((n, i) => [n, i]));
  const taskPtr = (name: string) => (base ? base : `/tasks/${escapePointerToken(name)}`);

  for (const [name, c] of Object.entries(ex.channels)) {
    const ptr = base || `/channels/${escapePointerToken(name)}`;
    if (c.kind === 'bounded' && !c.capacity) err(diag('DS1217', file, ptr, { name }));
    if (c.kind !== 'bounded' && c.capacity !== undefined) err(diag('DS1216', file, `${ptr}/capacity`, { name }));
  }
  const blockOns = taskNames.filter((n) => (ex.tasks[n].start ?? 'spawn') === 'block_on');
  if (blockOns.length > 1) err(diag('DS1208', file, taskPtr(blockOns[1]), { count: blockOns.length }));

  // 2. References, spawn graph, waits.
  const spawnEdges = new Map<string, Set<string>>();
  const joined = new Map<string, string>();
  const receivers = new Map<string, string>();
  const walk = (ops: Op[], ptr: string, owner: string, depth: number): void => {
    if (depth > 64) {
      err(diag('DS1223', file, ptr, { limit: 64 }));
      return;
    }
    ops.forEach((op, i) => {
      const p = `${ptr}/${i}`;
      if ('channel' in op && !chanIndex.has(op.channel)) err(diag('DS1201', file, `${p}/channel`, { name: op.channel }));
      if ((op.op === 'spawn' || op.op === 'join') && !taskIndex.has(op.task))
        err(diag('DS1202', file, `${p}/task`, { name: op.task }));
      if ((op.op === 'lock' || op.op === 'unlock') && !mutexIndex.has(op.mutex))
        err(diag('DS1203', file, `${p}/mutex`, { name: op.mutex }));
      if (op.op === 'spawn') {
        if (!spawnEdges.has(owner)) spawnEdges.set(owner, new Set());
        spawnEdges.get(owner)!.add(op.task);
      }
      if (op.op === 'join') joined.set(op.task, `${p}/task`);
      if (op.op === 'route') {
        // The Plan's route instruction addresses the partition channels as a run of indices.
        const first = chanIndex.get(`${op.to}[0]`);
        for (let k = 0; k < op.partitions; k++) {
          const name = `${op.to}[${k}]`;
          const at = chanIndex.get(name);
          if (at === undefined) {
            err(diag('DS1201', file, base || `${p}/to`, { name }));
            break;
          }
          if (first !== undefined && at !== first + k) {
            err(diag('DS1226', file, base || `${p}/to`, { name: op.to, count: op.partitions }));
            break;
          }
        }
      }
      if (rt.driver === 'none') {
        // tokio panics on a timer without the time driver ("timers are disabled").
        if (op.op === 'sleep' || op.op === 'interval') err(diag('DS1225', file, base || p));
        if (op.op === 'while_open') {
          const at = (op.wait ?? []).findIndex((w) => w.kind === 'sleep');
          if (at >= 0) err(diag('DS1225', file, base || `${p}/wait/${at}`));
        }
      }
      if (
        (op.op === 'recv' || op.op === 'try_recv' || op.op === 'while_open') &&
        ex.channels[op.channel] &&
        ex.channels[op.channel].kind !== 'lockfree'
      ) {
        // tokio mpsc has one Receiver (and one AtomicWaker): a second consumer cannot exist.
        const first = receivers.get(op.channel);
        if (first === undefined) receivers.set(op.channel, owner);
        else if (first !== owner) err(diag('DS1224', file, `${p}/channel`, { name: op.channel, first }));
      }
      if (
        !base &&
        (op.op === 'recv' ||
          (op.op === 'while_open' && (op.wait ?? [{ kind: 'await_recv' }]).some((w) => w.kind === 'await_recv'))) &&
        ex.channels[op.channel]?.kind === 'lockfree'
      )
        err(diag('DS1209', file, `${p}/channel`, { name: op.channel }));
      if (!base && op.op === 'while_open' && ex.channels[op.channel]) {
        const zero = zeroTimeWait(op.wait ?? [{ kind: 'await_recv' }], ex.channels[op.channel].kind, opts.model);
        if (zero) err(diag('DS1229', file, `${p}/wait`, { model: opts.model.name, costs: zero }));
      }
      if (!base && op.op === 'while_open' && rt.flavor === 'current_thread') {
        const forever = (op.wait ?? []).findIndex((w) => w.kind === 'spin' && w.us === undefined);
        if (forever >= 0) err(diag('DS1207', file, `${p}/wait/${forever}`, { name: otherTaskThan(owner, taskNames) }));
      }
      if (op.op === 'repeat' || op.op === 'while_open' || op.op === 'for_each_record')
        walk(op.body, `${p}/body`, owner, depth + 1);
    });
  };
  for (const name of taskNames) walk(ex.tasks[name].program, base || `/tasks/${escapePointerToken(name)}/program`, name, 0);
  const spawned = new Set<string>();
  for (const s of spawnEdges.values()) for (const t of s) spawned.add(t);
  for (const name of taskNames) {
    if ((ex.tasks[name].start ?? 'spawn') === 'child' && !spawned.has(name)) err(diag('DS1205', file, taskPtr(name), { name }));
  }
  for (const [name, ptr] of joined) {
    const start = ex.tasks[name]?.start ?? 'spawn';
    if (ex.tasks[name] && start === 'block_on') err(diag('DS1218', file, ptr, { name }));
  }
  if (scenario.template?.kind === 'pipeline') checkPipeline(scenario, file, opts.model, err);
  const cycle = findCycle(spawnEdges);
  if (cycle) err(diag('DS1206', file, taskPtr(cycle[0]), { cycle: cycle.join(' → ') }));
  for (const [name, s] of Object.entries(ex.sources)) {
    const ptr = base ? `${base}/source` : `/sources/${escapePointerToken(name)}`;
    if (!chanIndex.has(s.channel)) err(diag('DS1201', file, `${ptr}/channel`, { name: s.channel }));
    if (s.batches === undefined && s.durationMs === undefined && s.arrival.kind !== 'trace') err(diag('DS1212', file, ptr));
  }
  for (const [name, expr] of Object.entries(scenario.outputs ?? {})) {
    const ptr = `/outputs/${escapePointerToken(name)}`;
    if (simpleFormula(expr)) continue; // parses, and is in the allowed subset, by construction (formula.ts)
    try {
      mathjs().parse(expr);
    } catch (e) {
      err(diag('DS1211', file, ptr, { detail: (e as Error).message }));
      continue;
    }
    const problem = formulaProblem(expr);
    if (problem) err(diag('DS1227', file, ptr, { detail: problem }));
  }

  // 3 + 4. Compile and resolve costs.
  const costs: PlanCostEntry[] = [];
  const costKeys = new Map<string, number>();
  const costIndex = (c: Cost, category: string, ptr: string): number => {
    const resolved = resolveCost(c, opts.model, file, ptr, err);
    const entry: PlanCostEntry = { source: typeof c === 'string' ? c : 'literal', category, cost: resolved };
    const key = JSON.stringify(entry);
    let i = costKeys.get(key);
    if (i === undefined) {
      i = costs.length;
      costs.push(entry);
      costKeys.set(key, i);
    }
    return i;
  };
  const namedCost = (name: string, category: string) => costIndex(name, category, '/model');

  const tasks: PlanTask[] = taskNames.map((name) => {
    const def: TaskDef = ex.tasks[name];
    const c = new Compiler(chanIndex, taskIndex, mutexIndex, costIndex, namedCost, file, ex.costAt);
    c.ops(def.program, base || `/tasks/${escapePointerToken(name)}/program`);
    c.emit({ op: 'end' });
    const t: PlanTask = { name, start: def.start ?? 'spawn', code: c.code, slots: c.slots };
    if (ex.roles[name]) t.role = ex.roles[name];
    return t;
  });

  const sources: PlanSource[] = Object.entries(ex.sources).map(([name, s]) =>
    compileSource(name, s, chanIndex.get(s.channel) ?? 0, opts, file, base, err),
  );

  if (diags.some((d) => d.severity === 'error')) {
    // A template's cost is compiled once per generated task (P partitions): report it once.
    const seen = new Set<string>();
    throw new InputError(
      diags.filter((d) => !seen.has(`${d.code}|${d.pointer}|${d.message}`) && !!seen.add(`${d.code}|${d.pointer}|${d.message}`)),
    );
  }

  const cores = scenario.machine?.cores ?? Math.max(rt.flavor === 'multi_thread' ? (rt.workers ?? 1) : 1, 1);
  const limits = { ...DEFAULT_LIMITS, ...(scenario.limits ?? {}) };
  const tokio = opts.tokio ?? rt.tokio ?? DEFAULT_TOKIO;
  return {
    version: 1,
    scenario: { name: scenario.name, hash: hashJson(scenario), ...(opts.file ? { file: opts.file } : {}) },
    model: {
      name: opts.model.name,
      profile: opts.model.profile,
      provenance: opts.model.provenance.kind,
      ...(opts.model.tokio ? { tokio: opts.model.tokio } : {}),
      ...(opts.modelFile ? { file: opts.modelFile } : {}),
    },
    seed: opts.seed ?? scenario.seed ?? 1,
    runtime: {
      flavor: rt.flavor,
      tokio,
      semantics: tokioSemantics(tokio, rt.globalQueueInterval !== undefined),
      workers: rt.flavor === 'multi_thread' ? (rt.workers ?? cores) : 1,
      cores,
      driver: rt.driver ?? 'timer',
      eventInterval: rt.eventInterval ?? 61,
      globalQueueInterval: rt.globalQueueInterval ?? defaultGlobalQueueInterval(rt.flavor),
      lifoSlot: rt.lifoSlot ?? true,
      timerResolutionNs: 1_000_000,
      // The grid runs from the time driver's start; timerPhaseUs is how far into a tick t = 0 is.
      // Present only when the scenario pins it: unpinned, each run of a run set draws its own (docs/semantics.md).
      ...(rt.timerPhaseUs !== undefined ? { timerPhaseNs: (1_000_000 - Math.round(rt.timerPhaseUs * 1000)) % 1_000_000 } : {}),
      timesliceNs: Math.round((scenario.machine?.timesliceUs ?? 3000) * 1000),
      noise: opts.noise ?? scenario.machine?.noise ?? modelHasNoise(opts.model),
    },
    channels: chanNames.map((n) => ({ name: n, kind: ex.channels[n].kind, capacity: ex.channels[n].capacity ?? 0 })),
    mutexes: [...ex.mutexes],
    costs,
    tasks,
    sources,
    outputs: { ...(scenario.outputs ?? {}) },
    limits: { maxSimulatedNs: Math.round(limits.maxSimulatedMs * 1e6), maxEvents: limits.maxEvents, maxWallMs: limits.maxWallMs },
  };
}

/** Pipeline checks, located on the template's own fields (its expansion has no pointers). */
function checkPipeline(scenario: Scenario, file: string, model: CostModel, err: (d: Diagnostic) => void): void {
  const t = scenario.template;
  if (t?.kind !== 'pipeline') return;
  const kind = t.channel?.kind ?? 'unbounded';
  const zero = zeroTimeWait(t.partition.wait, kind, model);
  if (zero) err(diag('DS1229', file, '/template/partition/wait', { model: model.name, costs: zero }));
  if (kind === 'bounded' && !t.channel?.capacity) err(diag('DS1217', file, '/template/channel', { name: 'part[i]' }));
  if (kind !== 'bounded' && t.channel?.capacity !== undefined)
    err(diag('DS1216', file, '/template/channel/capacity', { name: 'part[i]' }));
  t.partition.wait.forEach((w, i) => {
    if (w.kind === 'await_recv' && kind === 'lockfree')
      err(diag('DS1209', file, `/template/partition/wait/${i}`, { name: 'part[i]' }));
    if (w.kind === 'spin' && w.us === undefined && scenario.runtime.flavor === 'current_thread')
      err(diag('DS1207', file, `/template/partition/wait/${i}`, { name: 'coordinator' }));
  });
}

/**
 * DS1229: a `while_open` whose wait steps never block (no `await_recv`, no unlimited `spin`) and
 * never sleep loops on its empty channel, and each round of that loop costs what the model says:
 * a try_recv per check, a poll + yield_now per yield, a spin check per zero-length spin. When the
 * model makes all of these 0 ns (rounded, as the simulator charges them), simulated time never
 * advances: the source's next batch never arrives and the run goes on until the wall-time limit
 * (an all-zero model took the 10-minute default). Refused with the costs named, instead of
 * guaranteeing progress with an invented minimum cost, which would put a number in the result
 * that no model states. Returns the zero costs' names, or undefined when a round takes time.
 */
function zeroTimeWait(wait: WaitStep[], channelKind: 'unbounded' | 'bounded' | 'lockfree', model: CostModel): string | undefined {
  const ns = (name: string): number => Math.round(param(model, name)?.value ?? 0);
  const tryRecv =
    channelKind === 'unbounded' ? 'try_recv_unbounded' : channelKind === 'bounded' ? 'try_recv_bounded' : 'lockfree_pop';
  const used = new Set<string>([tryRecv]);
  for (const w of wait) {
    if (w.kind === 'await_recv' || w.kind === 'sleep') return undefined; // blocks, or waits for the timer's tick
    if (w.kind === 'spin') {
      if (w.us === undefined || Math.round(w.us * 1000) > 0) return undefined; // spins until a send, or for its time
      used.add('spin_check');
    } else used.add('poll_self').add('yield_extra');
  }
  const names = [...used];
  return names.every((n) => ns(n) === 0) ? names.join(', ') : undefined;
}

function otherTaskThan(owner: string, names: string[]): string {
  return names.find((n) => n !== owner) ?? 'the block_on future';
}

function findCycle(edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, number>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === 1) return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of [...edges.keys()].sort())
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  return undefined;
}

/** Resolves a scenario cost into a nanosecond distribution; unknown names are diagnostics. */
export function resolveCost(c: Cost, model: CostModel, file: string, ptr: string, err: (d: Diagnostic) => void): PlanCost {
  const us = (x: number) => Math.round(x * 1000);
  if (typeof c === 'number') return { dist: 'const', ns: us(c) };
  if (typeof c === 'string') {
    const p = Object.prototype.hasOwnProperty.call(model.parameters, c) ? model.parameters[c] : undefined;
    if (!p) {
      err(diag('DS1204', file, ptr, { name: c, model: model.name }));
      return { dist: 'const', ns: 0 };
    }
    if (p.distribution && p.unit === 'ns') return { dist: 'quantiles', p: [...p.distribution.p], ns: [...p.distribution.ns] };
    return { dist: 'const', ns: Math.round(p.value) };
  }
  switch (c.dist) {
    case 'const':
      return { dist: 'const', ns: us(c.us) };
    case 'uniform':
      if (c.maxUs < c.minUs) err(diag('DS1104', file, `${ptr}/maxUs`, { comparison: '>=', limit: c.minUs, got: c.maxUs }));
      return { dist: 'uniform', minNs: us(c.minUs), maxNs: us(c.maxUs) };
    case 'exponential':
      return { dist: 'exponential', meanNs: us(c.meanUs) };
    case 'lognormal':
      return { dist: 'lognormal', medianNs: us(c.medianUs), sigma: c.sigma };
  }
}

function compileSource(
  name: string,
  s: SourceDef,
  channel: number,
  opts: NormalizeOptions,
  file: string,
  base: string,
  err: (d: Diagnostic) => void,
): PlanSource {
  const a = s.arrival;
  let arrival: PlanSource['arrival'];
  switch (a.kind) {
    case 'periodic':
      arrival = {
        kind: 'periodic',
        intervalNs: Math.max(1, Math.round(a.intervalUs * 1000)),
        phaseNs: Math.round((a.phaseUs ?? 0) * 1000),
      };
      break;
    case 'poisson':
      arrival = { kind: 'poisson', ratePerSec: a.ratePerSec };
      break;
    case 'bursty':
      arrival = { kind: 'bursty', ratePerSec: a.ratePerSec, onNs: Math.round(a.onMs * 1e6), offNs: Math.round(a.offMs * 1e6) };
      break;
    case 'trace': {
      const tr = opts.traces?.[a.file];
      if (!tr) {
        err(
          diag('DS1219', file, base ? `${base}/source/arrival/file` : `/sources/${escapePointerToken(name)}/arrival/file`, {
            name: a.file,
            detail: 'not loaded',
          }),
        );
        arrival = { kind: 'trace', timesNs: [], records: [] };
      } else arrival = { kind: 'trace', timesNs: tr.timesUs.map((t) => Math.round(t * 1000)), records: [...tr.records] };
      break;
    }
  }
  return {
    name,
    channel,
    arrival,
    records: s.records ?? 1,
    batches: s.batches ?? (arrival.kind === 'trace' ? arrival.timesNs.length : -1),
    durationNs: s.durationMs !== undefined ? Math.round(s.durationMs * 1e6) : -1,
    close: s.close ?? true,
  };
}

/** Compiles structured ops into a flat instruction list with jumps. */
class Compiler {
  code: Instr[] = [];
  slots = 0;
  /** Named intervals of this task: their slot. */
  readonly intervalSlots = new Map<string, number>();
  constructor(
    private chan: Map<string, number>,
    private task: Map<string, number>,
    private mutex: Map<string, number>,
    private cost: (c: Cost, category: string, ptr: string) => number,
    private named: (name: string, category: string) => number,
    private file: string,
    /** Where a template's generated ops' costs are written in the file (templates.ts). */
    private costAt: Map<Op, string> | undefined,
  ) {
    void this.file;
  }
  emit(i: Instr): number {
    this.code.push(i);
    return this.code.length - 1;
  }
  here(): number {
    return this.code.length;
  }
  ops(ops: Op[], ptr: string): void {
    ops.forEach((op, i) => this.op(op, `${ptr}/${i}`));
  }
  private ch(name: string): number {
    return this.chan.get(name) ?? 0;
  }
  private op(op: Op, ptr: string): void {
    switch (op.op) {
      case 'compute':
        this.emit({ op: 'compute', cost: this.cost(op.cost, op.label ?? 'compute', this.costAt?.get(op) ?? `${ptr}/cost`) });
        return;
      case 'route':
        // walk() checked that to[0] … to[partitions − 1] exist and are consecutive.
        this.emit({
          op: 'route',
          channel: this.ch(`${op.to}[0]`),
          partitions: op.partitions,
          policy: op.policy ?? 'round_robin',
          skew: op.skew ?? 0,
          cost: this.cost(op.cost ?? 0, 'route', this.costAt?.get(op) ?? `${ptr}/cost`),
        });
        return;
      case 'spin':
        this.emit({ op: 'spin', cost: this.cost(op.us, 'spin', `${ptr}/us`) });
        return;
      case 'yield':
        this.emit(op.kind === 'self_wake' ? { op: 'self_wake' } : { op: 'yield_now' });
        return;
      case 'sleep':
        this.emit({ op: 'sleep', ns: Math.round(op.us * 1000) });
        return;
      case 'interval': {
        // A slot holds the interval's next deadline (0: not created yet): one per op, or one
        // per name within the task.
        let slot = op.name === undefined ? undefined : this.intervalSlots.get(op.name);
        if (slot === undefined) {
          slot = this.slots++;
          if (op.name !== undefined) this.intervalSlots.set(op.name, slot);
        }
        this.emit({ op: 'interval', slot, ns: Math.max(1, Math.round(op.periodUs * 1000)) });
        return;
      }
      case 'send':
        this.emit({ op: 'send', channel: this.ch(op.channel), items: op.items ?? 1, records: op.records ?? 1 });
        return;
      case 'recv':
        this.emit({ op: 'recv', channel: this.ch(op.channel), closed: -1 });
        return;
      case 'try_recv':
        this.emit({ op: 'try_recv', channel: this.ch(op.channel), got: this.here() + 1, closed: this.here() + 1 });
        return;
      case 'close':
        this.emit({ op: 'close', channel: this.ch(op.channel) });
        return;
      case 'spawn':
        this.emit({ op: 'spawn', task: this.task.get(op.task) ?? 0 });
        return;
      case 'join':
        this.emit({ op: 'join', task: this.task.get(op.task) ?? 0 });
        return;
      case 'lock':
        this.emit({ op: 'lock', mutex: this.mutex.get(op.mutex) ?? 0 });
        return;
      case 'unlock':
        this.emit({ op: 'unlock', mutex: this.mutex.get(op.mutex) ?? 0 });
        return;
      case 'clone':
        this.emit({ op: 'compute', cost: this.named('clone_record', 'clone'), n: op.n ?? 1 });
        return;
      case 'async_call':
        this.emit({ op: 'compute', cost: this.named('async_call', 'async_call'), n: op.n ?? 1 });
        return;
      case 'record_start':
        this.emit({ op: 'record_start' });
        return;
      case 'record_end':
        this.emit({ op: 'record_end' });
        return;
      case 'repeat': {
        const slot = this.slots++;
        const init = this.emit({ op: 'loop_init', slot, n: op.n, exit: -1 });
        const top = this.here();
        this.ops(op.body, `${ptr}/body`);
        this.emit({ op: 'loop_next', slot, target: top });
        (this.code[init] as { exit: number }).exit = this.here();
        return;
      }
      case 'for_each_record': {
        const slot = this.slots++;
        const init = this.emit({ op: 'loop_init', slot, n: -1, exit: -1 });
        const top = this.here();
        this.ops(op.body, `${ptr}/body`);
        this.emit({ op: 'loop_next', slot, target: top });
        (this.code[init] as { exit: number }).exit = this.here();
        return;
      }
      case 'while_open':
        this.whileOpen(op.channel, op.wait ?? [{ kind: 'await_recv' }], op.body, ptr);
        return;
    }
  }

  /**
   * while_open: receive until closed and drained; between attempts wait as the steps say, in
   * order, then start the sequence again (velostream's spin → yield → sleep back-off).
   *   top:  try_recv → body | exit        (omitted when the first step is await_recv)
   *   steps…                               (each ends in a try_recv/recv that jumps to body/exit)
   *   jump top
   *   body: …; jump top
   *   exit:
   */
  private whileOpen(channel: string, wait: WaitStep[], body: Op[], ptr: string): void {
    const ch = this.ch(channel);
    const patches: Array<{ at: number; field: 'got' | 'closed' | 'target' }> = [];
    const top = this.here();
    const awaitFirst = wait[0].kind === 'await_recv';
    const tryRecv = () => {
      const at = this.emit({ op: 'try_recv', channel: ch, got: -1, closed: -1 });
      patches.push({ at, field: 'got' }, { at, field: 'closed' });
    };
    if (!awaitFirst) tryRecv();
    for (const step of wait) {
      switch (step.kind) {
        case 'await_recv': {
          const at = this.emit({ op: 'recv', channel: ch, closed: -1 });
          patches.push({ at, field: 'closed' });
          const j = this.emit({ op: 'jump', target: -1 });
          patches.push({ at: j, field: 'got' });
          break;
        }
        case 'yield_spin': {
          if (step.times === undefined) {
            const loop = this.here();
            this.emit({ op: 'yield_now' });
            tryRecv();
            this.emit({ op: 'jump', target: loop });
          } else {
            const slot = this.slots++;
            const init = this.emit({ op: 'loop_init', slot, n: step.times, exit: -1 });
            const loop = this.here();
            this.emit({ op: 'yield_now' });
            tryRecv();
            this.emit({ op: 'loop_next', slot, target: loop });
            (this.code[init] as { exit: number }).exit = this.here();
          }
          break;
        }
        case 'sleep':
          this.emit({ op: 'sleep', ns: Math.round(step.us * 1000) });
          tryRecv();
          break;
        case 'spin':
          this.emit({ op: 'spin_wait', channel: ch, ns: step.us === undefined ? -1 : Math.round(step.us * 1000) });
          tryRecv();
          break;
      }
    }
    this.emit({ op: 'jump', target: top });
    const bodyAt = this.here();
    this.ops(body, `${ptr}/body`);
    this.emit({ op: 'jump', target: top });
    const exitAt = this.here();
    for (const p of patches) {
      const ins = this.code[p.at];
      if (ins.op === 'jump') ins.target = bodyAt;
      else if (ins.op === 'try_recv') {
        if (p.field === 'got') ins.got = bodyAt;
        else ins.closed = exitAt;
      } else if (ins.op === 'recv') ins.closed = exitAt;
    }
  }
}

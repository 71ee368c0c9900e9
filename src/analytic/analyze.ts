/**
 * analyze(plan, model) → Result: closed-form predictions from the same Plan the simulator runs.
 *
 *   Plan ──decompile──► statements ──recognize──► Shape ──prepare──► Prepared ──evaluate──► Prediction ──► Result
 *          (program.ts)             (plan-shape.ts)      (once per plan+model,   (plain arithmetic,   (prediction.ts)
 *                                                         cached)                 current-thread.ts,
 *                                                                                 pipeline.ts, …)
 *
 *   0. refuse a scenario field the model does not model (DS4005, applicability.ts)
 *   1. recognize the plan's shape from its task programs; unknown shapes are refused (DS4002)
 *   2. prepare: runtime costs and cost moments, the shape's per-batch quantities; a shape or
 *      flavor without an honest closed form is refused (DS4003)
 *   3. evaluate: utilizations first — ρ ≥ 1 is refused as overload with the throughput bound
 *      (DS4004) — then throughput, latency mean and percentiles, yields, CPU split, bottleneck
 *   4. write the Result (`source: 'analytic'`, `approximation`, `bottleneck`, `engine.events` 0)
 *
 * Phase: analyze. Pure; never prints. Refusals are InputErrors with exit code 4 and one DS40xx
 * diagnostic; sweeps treat every DS40xx code as "not applicable".
 */
import type { Plan } from '../plan/types.js';
import type { CostModel } from '../schema/model.js';
import type { Result } from '../schema/result.js';
import { addWork, makeCtx, recordRefs, workNs, type Ctx } from './context.js';
import { recognizeShape, type Shape } from './plan-shape.js';
import { ctMultiYield, ctSpawnJoin, ctStraight, ctYieldLoop, constLatency } from './current-thread.js';
import { ctProducerConsumer } from './current-thread-producer.js';
import { evaluatePipeline } from './pipeline.js';
import { preparePipeline, type PreparedPipeline } from './pipeline-prepare.js';
import { param } from '../model/load.js';
import { emptyTask, emptyWorker, refuse, toResult, type Prediction } from './prediction.js';
import { ignoredField } from './applicability.js';
import { diag, EXIT, InputError } from '../schema/diagnostics.js';

export type Prepared =
  { kind: 'pipeline'; pp: PreparedPipeline } | { kind: 'micro'; ctx: Ctx; shape: Exclude<Shape, { kind: 'pipeline' }> };

const cache = new WeakMap<Plan, WeakMap<CostModel, Prepared>>();

/** Steps 1–2, cached per (plan, model) object pair. Throws the refusal InputError. */
export function prepareAnalysis(plan: Plan, model: CostModel): Prepared {
  let byModel = cache.get(plan);
  const hit = byModel?.get(model);
  if (hit) return hit;
  const ignored = ignoredField(plan);
  if (ignored) {
    const { pointer, ...params } = ignored;
    throw new InputError([diag('DS4005', plan.scenario.file ?? plan.scenario.name, pointer, params)], EXIT.notApplicable);
  }
  // tokio::time::interval: ticks on the 1 ms wheel at creation + k·period, bursting after a late
  // tick; no closed form here.
  const iv = plan.tasks.find((t) => t.code.some((i) => i.op === 'interval'));
  if (iv)
    refuse(plan, 'DS4002', {
      detail: `task '${iv.name}' awaits a tokio::time::interval, which has no closed form here: a tick fires a park overshoot after its 1 ms wheel tick, and a tick due by then completes at once (Burst), so late ticks run back to back and their batches coalesce`,
    });
  const shape = recognizeShape(plan);
  if (typeof shape === 'string') refuse(plan, 'DS4002', { detail: shape });
  const ctx = makeCtx(plan, model);
  let prepared: Prepared;
  if (shape.kind === 'pipeline') {
    const pp = preparePipeline(ctx, shape);
    if ('detail' in pp)
      refuse(plan, 'DS4003', {
        shape: shape.coordinator ? 'a coordinator/partition pipeline' : 'a sequential processor',
        flavor: plan.runtime.flavor,
        detail: pp.detail,
      });
    prepared = { kind: 'pipeline', pp };
  } else {
    if (plan.runtime.flavor === 'multi_thread' && !microOnMultiThread(plan, shape))
      refuse(plan, 'DS4003', {
        shape: shape.kind.replace('_', ' '),
        flavor: 'multi_thread',
        detail: 'spawned tasks spread over workers through wakes of idle workers and steals whose timing is OS-bound',
      });
    prepared = { kind: 'micro', ctx, shape };
  }
  if (!byModel) {
    byModel = new WeakMap();
    cache.set(plan, byModel);
  }
  byModel.set(model, prepared);
  return prepared;
}

/** Step 3: the numbers. Throws the overload refusal. */
export function evaluatePrepared(plan: Plan, p: Prepared): Prediction {
  if (p.kind === 'pipeline') {
    const r = evaluatePipeline(p.pp);
    if ('resource' in r)
      refuse(plan, 'DS4004', {
        resource:
          r.resource === 'cores'
            ? plan.runtime.flavor === 'current_thread'
              ? 'the runtime thread'
              : 'the worker pool'
            : `the ${r.resource}`,
        rho: `${(r.rho * 100).toFixed(0)}%`,
        capacity: Math.round(r.capacity),
        offered: Math.round(r.offered),
      });
    if (p.pp.refusal)
      refuse(plan, 'DS4003', {
        shape: p.pp.shape.coordinator ? 'a coordinator/partition pipeline' : 'a sequential processor',
        flavor: plan.runtime.flavor,
        detail: p.pp.refusal,
      });
    return r;
  }
  const { ctx, shape } = p;
  if (plan.runtime.flavor === 'multi_thread') return mtMicro(ctx, shape);
  switch (shape.kind) {
    case 'straight':
      return ctStraight(ctx, shape);
    case 'yield_loop':
      return ctYieldLoop(ctx, shape);
    case 'multi_yield':
      return ctMultiYield(ctx, shape);
    case 'spawn_join':
      return ctSpawnJoin(ctx, shape);
    case 'producer_consumer': {
      const r = ctProducerConsumer(ctx, shape);
      if (typeof r === 'string') refuse(plan, 'DS4003', { shape: 'producer/consumer', flavor: 'current_thread', detail: r });
      return r;
    }
  }
}

/** Predicts a plan's Result in closed form, or refuses (InputError, exit 4). */
export function analyze(plan: Plan, model: CostModel): Result {
  const r = toResult(plan, evaluatePrepared(plan, prepareAnalysis(plan, model)));
  const note = remoteCostsNote(plan, model);
  if (note) r.warnings.push({ code: 'DS4090', message: note });
  return r;
}

/**
 * The closed forms charge no cross-thread costs (spawn_remote, unpark_remote, handoff_*, conc_*):
 * a multi_thread answer from a model that has them says so, naming the ones it left out. conc_*
 * needs two polls at the same time on two threads, which the closed forms do not follow.
 */
function remoteCostsNote(plan: Plan, model: CostModel): string | undefined {
  if (plan.runtime.flavor !== 'multi_thread') return undefined;
  const names = (
    [
      'spawn_remote',
      'unpark_remote',
      'handoff_unbounded',
      'handoff_bounded',
      'conc_send_unbounded',
      'conc_recv_unbounded',
      'conc_send_bounded',
      'conc_recv_bounded',
      'source_hold',
    ] as const
  ).filter((n) => (param(model, n)?.value ?? 0) > 0);
  if (names.length === 0) return undefined;
  const hold = names.includes('source_hold');
  return `the closed form leaves out ${names.join(', ')} (spawns and unparks on the block_on thread, items received on another thread than their sender, a channel's two ends at work at once on two threads${hold ? ", a source thread's wake-ups on a busy vCPU" : ''}: the simulator charges them; the figures here use spawn, unpark_worker, no hand-off${hold ? ', no extra for two ends at once and no source hold' : ' and no extra for two ends at once'})`;
}

/** Which microbenchmark shapes have an exact form on multi_thread: work on the block_on thread. */
function microOnMultiThread(plan: Plan, s: Exclude<Shape, { kind: 'pipeline' }>): boolean {
  if (s.kind === 'straight') return true;
  return s.kind === 'yield_loop' && s.start === 'block_on' && !s.selfWake && plan.runtime.workers >= 1;
}

/**
 * multi_thread, work on the block_on thread (not a worker): `yield_now` there is deferred and
 * woken just before the thread would park, so it is polled again at once — poll + yield_extra per
 * yield, no driver (§2.7, measured 40 ns). Straight-line work: poll + work.
 */
function mtMicro(ctx: Ctx, s: Exclude<Shape, { kind: 'pipeline' }>): Prediction {
  const c = ctx.c;
  if (s.kind === 'straight') return ctStraight(ctx, s);
  if (s.kind !== 'yield_loop') throw new Error(`internal: ${s.kind} on multi_thread passed the applicability check`);
  const recs = recordRefs(ctx, s.perRecord, true);
  const work = workNs(ctx, recs);
  const per = c.poll + c.yieldExtra;
  const n = s.records * s.yieldsPerRecord;
  const recordNs = work + s.yieldsPerRecord * per;
  const end = c.poll + s.records * recordNs;
  const tasks = ctx.plan.tasks.map(() => emptyTask());
  tasks[s.task] = { elapsedNs: end, busyNs: end, polls: n + 1, yields: n, wait: {} };
  const workers = Array.from({ length: ctx.plan.runtime.workers }, (_, i) => emptyWorker(`worker-${i}`));
  const bo = emptyWorker('block_on');
  bo.busyNs = end;
  bo.polls = n + 1;
  workers.push(bo);
  const bd: Record<string, number> = { poll: (n + 1) * c.poll, yield: n * c.yieldExtra };
  addWork(ctx, bd, recs, s.records);
  return {
    approximation: 'exact: yield on the block_on thread',
    bottleneck: 'runtime',
    records: s.records,
    endNs: end,
    latency: constLatency(recordNs),
    yields: n,
    tasks,
    workers,
    breakdownNs: bd,
    warnings: [],
  };
}

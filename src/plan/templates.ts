/**
 * Templates: sugar that expands into plain task programs, channels and sources.
 *
 * Phase: normalize (step 1). Each template is a function from its parameters to the same shapes
 * a user could have written by hand under `tasks`/`channels`/`sources`, so the compiler, the
 * simulator and the probe never see a template. A new architecture is a new function here.
 */
import type { Arrival, Cost, Op, PipelineTemplate, SourceDef, TaskDef, Template, WaitStep } from '../schema/scenario.js';

export interface Expanded {
  channels: Record<string, { kind: 'unbounded' | 'bounded' | 'lockfree'; capacity?: number }>;
  mutexes: string[];
  tasks: Record<string, TaskDef>;
  sources: Record<string, SourceDef>;
  roles: Record<string, string>;
  /**
   * For a generated op that carries a cost the user wrote (a template's `recordCost`,
   * `routeCost`…): the JSON pointer of that cost in the scenario file, so that a diagnostic about
   * it (an unknown parameter, DS1204) is located where the user can fix it, not at a path into
   * the expanded program that exists in no file. Absent for hand-written tasks.
   */
  costAt?: Map<Op, string>;
}

type CostAt = Map<Op, string>;

/** A compute op for a user-written cost, remembering in `where` that the cost is written at /template/`at`. */
function costOp(where: CostAt, cost: Cost, at: string, label?: string): Op {
  const op: Op = label === undefined ? { op: 'compute', cost } : { op: 'compute', cost, label };
  where.set(op, `/template/${at}`);
  return op;
}

const rec = (where: CostAt, cost: Cost | undefined, at: string): Op[] => (cost === undefined ? [] : [costOp(where, cost, at)]);

export function expandTemplate(t: Template): Expanded {
  const costAt: CostAt = new Map();
  return { ...expandAny(t, costAt), costAt };
}

function expandAny(t: Template, costAt: CostAt): Expanded {
  switch (t.kind) {
    case 'pipeline':
      return expandPipeline(t, costAt);
    case 'spawn_join': {
      const body: Op[] =
        (t.mode ?? 'bulk') === 'hot'
          ? [
              {
                op: 'repeat',
                n: t.tasks,
                body: [
                  { op: 'spawn', task: 'child' },
                  { op: 'join', task: 'child' },
                ],
              },
            ]
          : [
              { op: 'repeat', n: t.tasks, body: [{ op: 'spawn', task: 'child' }] },
              { op: 'repeat', n: t.tasks, body: [{ op: 'join', task: 'child' }] },
            ];
      const tasks: Record<string, TaskDef> = { child: { start: 'child', program: [] } };
      if ((t.from ?? 'block_on') === 'block_on') tasks.main = { start: 'block_on', program: body };
      else tasks.main = { start: 'spawn', program: body };
      return { channels: {}, mutexes: [], tasks, sources: {}, roles: { main: 'spawner', child: 'child' } };
    }
    case 'channel': {
      const per = Math.max(1, Math.floor(t.items / t.batches));
      const kind = t.bounded ? 'bounded' : 'unbounded';
      return {
        channels: { items: t.bounded ? { kind, capacity: t.bounded } : { kind } },
        mutexes: [],
        tasks: {
          producer: {
            start: 'block_on',
            program: [
              { op: 'spawn', task: 'consumer' },
              { op: 'repeat', n: t.batches, body: [{ op: 'send', channel: 'items', items: per, records: 1 }] },
              { op: 'close', channel: 'items' },
              { op: 'join', task: 'consumer' },
            ],
          },
          consumer: { start: 'child', program: [{ op: 'while_open', channel: 'items', body: [{ op: 'record_end' }] }] },
        },
        sources: {},
        roles: { producer: 'producer', consumer: 'consumer' },
      };
    }
    case 'yield_loop': {
      const ypr = t.yieldsPerRecord ?? 1;
      const records = Math.max(1, Math.floor(t.yields / ypr));
      const program: Op[] = [
        {
          op: 'repeat',
          n: records,
          body: [
            { op: 'record_start' },
            ...rec(costAt, t.recordCost, 'recordCost'),
            { op: 'repeat', n: ypr, body: [{ op: 'yield' }] },
            { op: 'record_end' },
          ],
        },
      ];
      const start = (t.in ?? 'block_on') === 'block_on' ? 'block_on' : 'spawn';
      return { channels: {}, mutexes: [], tasks: { yielder: { start, program } }, sources: {}, roles: { yielder: 'yielder' } };
    }
    case 'multi_yield': {
      const tasks: Record<string, TaskDef> = {};
      const main: Op[] = [];
      for (let i = 0; i < t.tasks; i++) {
        const name = `worker${i}`;
        tasks[name] = {
          start: 'child',
          program: [
            {
              op: 'repeat',
              n: t.records,
              body: [
                { op: 'record_start' },
                ...rec(costAt, t.recordCost, 'recordCost'),
                { op: 'repeat', n: t.yieldsPerRecord, body: [{ op: 'yield' }] },
                { op: 'record_end' },
              ],
            },
          ],
        };
        main.push({ op: 'spawn', task: name });
      }
      for (let i = 0; i < t.tasks; i++) main.push({ op: 'join', task: `worker${i}` });
      tasks.main = { start: 'block_on', program: main };
      return { channels: {}, mutexes: [], tasks, sources: {}, roles: { main: 'spawner' } };
    }
    case 'async_call':
      return {
        channels: {},
        mutexes: [],
        tasks: { caller: { start: 'block_on', program: [{ op: 'async_call', n: t.calls }] } },
        sources: {},
        roles: { caller: 'caller' },
      };
    case 'producer_consumer': {
      const batchBody: Op[] = [];
      if ((t.producerSleepUs ?? 0) > 0) batchBody.push({ op: 'sleep', us: t.producerSleepUs ?? 0 });
      batchBody.push({ op: 'send', channel: 'batches', items: 1, records: t.batchRecords });
      const consumerBody: Op[] = [
        { op: 'for_each_record', body: [...rec(costAt, t.recordCost, 'recordCost'), { op: 'record_end' }] },
      ];
      if ((t.yieldsPerBatch ?? 0) > 0) consumerBody.push({ op: 'repeat', n: t.yieldsPerBatch ?? 1, body: [{ op: 'yield' }] });
      return {
        channels: { batches: { kind: 'unbounded' } },
        mutexes: [],
        tasks: {
          producer: {
            start: 'block_on',
            program: [
              { op: 'spawn', task: 'consumer' },
              { op: 'repeat', n: t.batches, body: batchBody },
              { op: 'close', channel: 'batches' },
              { op: 'join', task: 'consumer' },
            ],
          },
          consumer: { start: 'child', program: [{ op: 'while_open', channel: 'batches', body: consumerBody }] },
        },
        sources: {},
        roles: { producer: 'producer', consumer: 'consumer' },
      };
    }
    case 'sequential':
      return {
        channels: { input: { kind: 'unbounded' } },
        mutexes: [],
        tasks: {
          processor: {
            start: 'spawn',
            program: [
              {
                op: 'while_open',
                channel: 'input',
                body: [
                  ...rec(costAt, t.batchCost, 'batchCost'),
                  { op: 'for_each_record', body: [costOp(costAt, t.recordCost, 'recordCost'), { op: 'record_end' }] },
                ],
              },
            ],
          },
        },
        sources: { reader: sourceOf(t.source.arrival, t.source.batchRecords, t.source.batches, t.source.durationMs, 'input') },
        roles: { processor: 'processor' },
      };
  }
}

function sourceOf(
  arrival: Arrival,
  records: number,
  batches: number | undefined,
  durationMs: number | undefined,
  channel: string,
): SourceDef {
  const s: SourceDef = { channel, arrival, records };
  if (batches !== undefined) s.batches = batches;
  if (durationMs !== undefined) s.durationMs = durationMs;
  return s;
}

/** Coordinator + P partitions (velostream V2 and its variants); see velostream-architecture.md §7. */
function expandPipeline(t: PipelineTemplate, costAt: CostAt): Expanded {
  const P = t.partitions;
  const ch = t.channel ?? { kind: 'unbounded' as const };
  const co = t.coordinator ?? {};
  const channels: Expanded['channels'] = { input: { kind: 'unbounded' } };
  const tasks: Record<string, TaskDef> = {};
  const roles: Record<string, string> = { coordinator: 'coordinator' };
  const mutexes: string[] = [];
  if (t.partition.writer) mutexes.push('writer');
  // The engine lock around each record: the partition's own (uncontended), or one for all.
  const shared = t.partition.sharedEngine === true;
  const engineLock = (i: number) => (shared ? 'engine' : `engine[${i}]`);
  const lockRecord = shared || t.partition.lockPerRecord === true;
  if (shared) mutexes.push('engine');
  else if (lockRecord) for (let i = 0; i < P; i++) mutexes.push(engineLock(i));
  if (co.barrier) channels.acks = { kind: 'unbounded' };

  const coordBody: Op[] = [...rec(costAt, co.batchCost, 'coordinator/batchCost')];
  const route: Op = {
    op: 'route',
    to: 'part',
    partitions: P,
    policy: co.routing ?? 'round_robin',
    skew: co.hashSkew ?? 0,
    cost: co.routeCost ?? 0,
  };
  if (co.routeCost !== undefined) costAt.set(route, '/template/coordinator/routeCost');
  coordBody.push(route);
  if (co.barrier) coordBody.push({ op: 'repeat', n: P, body: [{ op: 'recv', channel: 'acks' }] });
  const coord: Op[] = [];
  for (let i = 0; i < P; i++) coord.push({ op: 'spawn', task: `partition[${i}]` });
  coord.push({ op: 'while_open', channel: 'input', body: coordBody });
  for (let i = 0; i < P; i++) coord.push({ op: 'close', channel: `part[${i}]` });
  for (let i = 0; i < P; i++) coord.push({ op: 'join', task: `partition[${i}]` });
  tasks.coordinator = { start: co.start ?? 'spawn', program: coord };

  for (let i = 0; i < P; i++) {
    channels[`part[${i}]`] = ch.kind === 'bounded' ? { kind: 'bounded', capacity: ch.capacity ?? 1000 } : { kind: ch.kind };
    const perRecord: Op[] = [];
    if (t.partition.clonePerRecord) perRecord.push({ op: 'clone' });
    if (lockRecord) perRecord.push({ op: 'lock', mutex: engineLock(i) });
    perRecord.push(costOp(costAt, t.partition.recordCost, 'partition/recordCost'));
    if (lockRecord) perRecord.push({ op: 'unlock', mutex: engineLock(i) });
    perRecord.push({ op: 'record_end' });
    const body: Op[] = [{ op: 'for_each_record', body: perRecord }, ...rec(costAt, t.partition.batchCost, 'partition/batchCost')];
    if (t.partition.writer)
      body.push(
        { op: 'lock', mutex: 'writer' },
        costOp(costAt, t.partition.writer.holdCost, 'partition/writer/holdCost', 'writer'),
        { op: 'unlock', mutex: 'writer' },
      );
    if (co.barrier) body.push({ op: 'send', channel: 'acks', items: 1, records: 0 });
    tasks[`partition[${i}]`] = {
      start: 'child',
      program: [{ op: 'while_open', channel: `part[${i}]`, wait: t.partition.wait as WaitStep[], body }],
    };
    roles[`partition[${i}]`] = 'partition';
  }
  return {
    channels,
    mutexes,
    tasks,
    sources: { reader: sourceOf(t.source.arrival, t.source.batchRecords, t.source.batches, t.source.durationMs, 'input') },
    roles,
  };
}

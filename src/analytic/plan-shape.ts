/**
 * Recognizing what a Plan is, from its task programs alone (not from the scenario's template):
 *
 *   pipeline           a source → [a coordinator that routes each batch to P partition channels] →
 *                      stages that receive with a wait strategy and process each record
 *                      (the `pipeline` and `sequential` templates, and hand-written equivalents)
 *   yield_loop         one task: records of (work, Y yields)
 *   multi_yield        the block_on future spawns K such tasks and joins them
 *   spawn_join         spawn n empty children then join them (bulk), or spawn+join each (hot)
 *   producer_consumer  a coordinator as a task: the block_on future sends N messages to a spawned
 *                      consumer, pacing them by sleeping or yielding before or after each send
 *                      (and may sleep once more before closing); the consumer handles each record
 *                      and may yield after each message
 *   straight           one task that only computes (e.g. the async_call microbenchmark)
 *
 * Phase: analyze (set-up). Returns a reason string when nothing matches; the caller refuses.
 */
import type { Plan, PlanTask } from '../plan/types.js';
import { decompileTask, type Stmt, type WaitStepAst } from './program.js';

export interface CostRef {
  cost: number; // index into plan.costs
  n: number;
}

export interface StageShape {
  task: number;
  channel: number;
  wait: WaitStepAst[];
  /** Work per message before the per-record loop (delays every record of the message). */
  pre: CostRef[];
  /** Work per record (clone, the record's compute); `recordLocks` mutexes taken around it. */
  perRecord: CostRef[];
  recordLocks: number[];
  /** Work per message after the records (delays the next message only). */
  post: CostRef[];
  writer?: { mutex: number; hold: CostRef[] };
  ack?: number; // channel a per-message ack is sent on
}

export interface PipelineShape {
  kind: 'pipeline';
  source: number;
  coordinator?: {
    task: number;
    start: PlanTask['start'];
    input: number;
    pre: CostRef[];
    route: Extract<Stmt, { k: 'route' }>;
    barrier?: { channel: number; acks: number };
  };
  stages: StageShape[];
}

export interface YieldLoopShape {
  kind: 'yield_loop';
  task: number;
  start: PlanTask['start'];
  records: number;
  yieldsPerRecord: number;
  selfWake: boolean;
  perRecord: CostRef[];
}

export interface MultiYieldShape {
  kind: 'multi_yield';
  main: number;
  children: number[];
  records: number;
  yieldsPerRecord: number;
  perRecord: CostRef[];
}

export interface SpawnJoinShape {
  kind: 'spawn_join';
  main: number;
  start: PlanTask['start'];
  child: number;
  n: number;
  mode: 'bulk' | 'hot';
}

/** What a producer does between its sends: nothing, `sleep(ns)`, or `n` × `yield_now`. */
export type Pace = { kind: 'none' } | { kind: 'sleep'; ns: number } | { kind: 'yield'; n: number };

/**
 * A producer (a coordinator written as a task, with no source) that paces its sends by sleeping
 * or yielding, and one consumer that awaits each message.
 */
export interface ProducerConsumerShape {
  kind: 'producer_consumer';
  producer: number;
  consumer: number;
  channel: number;
  messages: number;
  itemsPerSend: number;
  recordsPerItem: number;
  /** The pace of the send loop; `sleepNs` is its sleep (0 unless `pace.kind` is sleep). */
  pace: Pace;
  sleepNs: number;
  /** The loop body sends, then paces (`[send, pace]`); false: `[pace, send]`. */
  sendFirst: boolean;
  /** A sleep after the send loop, before the close (ns; 0: none). */
  tailSleepNs: number;
  perRecord: CostRef[];
  /** The consumer's per-record work starts with `record_start` (a record's latency is its own work). */
  recordStart: boolean;
  /** The producer stamps each message with `record_start` right before its send (record_start cost, inside the latency). */
  stampsSends: boolean;
  /** The consumer handles a message as one record (no per-record loop). */
  messageIsRecord: boolean;
  yieldsPerMessage: number;
}

export interface StraightShape {
  kind: 'straight';
  task: number;
  start: PlanTask['start'];
  work: CostRef[];
}

export type Shape = PipelineShape | YieldLoopShape | MultiYieldShape | SpawnJoinShape | ProducerConsumerShape | StraightShape;

/** Recognizes the plan's shape, or returns why it could not. */
export function recognizeShape(plan: Plan): Shape | string {
  const progs: Stmt[][] = [];
  for (let i = 0; i < plan.tasks.length; i++) {
    const p = decompileTask(plan.tasks[i].code);
    if (!p) return `task '${plan.tasks[i].name}' uses control flow the model does not read`;
    progs.push(p);
  }
  if (plan.sources.length > 0) return pipelineShape(plan, progs);
  return (
    straightShape(plan, progs) ??
    yieldLoopShape(plan, progs) ??
    multiYieldShape(plan, progs) ??
    spawnJoinShape(plan, progs) ??
    producerConsumerShape(plan, progs) ??
    selfPacedSender(plan, progs) ??
    'the task programs match none of: pipeline, sequential, yield loop, multi-yield, spawn/join, producer/consumer, straight-line work'
  );
}

/**
 * A coordinator written as a task (a loop that sleeps or yields and sends, with no source) that
 * is not the producer/consumer shape: say which part of it has no closed form here, instead of
 * "matches none". Its arrivals are the task's own timer and scheduling delays; the closed forms
 * derive them for one block_on sender feeding one consumer that awaits an unbounded channel.
 */
function selfPacedSender(plan: Plan, progs: Stmt[][]): string | undefined {
  const paced = (body: Stmt[]): string | undefined => {
    const waits = body.find((s) => s.k === 'sleep' || s.k === 'yield' || paceOf(s) !== undefined);
    const sends = body.some((s) => s.k === 'send' || s.k === 'route');
    if (waits && sends) return waits.k === 'sleep' ? 'sleeps' : 'yields';
    for (const s of body) if (s.k === 'repeat' || s.k === 'while_open') return paced(s.body);
    return undefined;
  };
  for (let i = 0; i < progs.length; i++) {
    for (const s of progs[i]) {
      const how = s.k === 'repeat' ? paced(s.body) : undefined;
      if (how)
        return `task '${plan.tasks[i].name}' ${how} and sends in a loop (a coordinator as a task, with no source), but ${coordinatorMismatch(plan, progs, i, s as Extract<Stmt, { k: 'repeat' }>)}`;
    }
  }
  return undefined;
}

/** The first way a paced sender differs from the producer/consumer shape's closed forms. */
function coordinatorMismatch(plan: Plan, progs: Stmt[][], i: number, loop: Extract<Stmt, { k: 'repeat' }>): string {
  const task = plan.tasks[i];
  if (loop.body.some((s) => s.k === 'route'))
    return 'it routes to several partitions: their polls interleave with its pacing, and the closed forms have one consumer';
  if (task.start !== 'block_on')
    return `it is a ${task.start === 'child' ? 'spawned child' : 'spawned'} task: the closed forms take the sender as the block_on future`;
  if (plan.tasks.length !== 2) return `it runs beside ${plan.tasks.length - 1} other tasks: the closed forms have one consumer`;
  const b = loop.body.filter((st, k) => !(st.k === 'record_start' && loop.body[k + 1]?.k === 'send'));
  const one = b.length === 2 && b.filter((s) => s.k === 'send').length === 1 && b.some((s) => paceOf(s) !== undefined);
  if (!one) return 'its loop does more than one pace (sleep or yields) and one send';
  const send = b.find((s) => s.k === 'send') as Extract<Stmt, { k: 'send' }>;
  const ch = plan.channels[send.channel];
  const c = progs[1 - i];
  const wo = c.length === 1 && c[0].k === 'while_open' ? c[0] : undefined;
  if (ch.kind !== 'unbounded')
    return `it sends on a ${ch.kind} channel${wo ? ` that its consumer waits on with ${wo.wait.map((w) => w.kind).join(' → ')}` : ''}: the closed forms take an unbounded channel whose consumer awaits each message`;
  if (!wo || wo.channel !== send.channel) return `its consumer is not one receive loop on '${ch.name}'`;
  if (wo.wait[0]?.kind !== 'await_recv')
    return `its consumer waits with ${wo.wait.map((w) => w.kind).join(' → ')}: how long each step lasts depends on when the messages arrive`;
  const p = progs[i];
  const around = p.filter((s) => s !== loop).map((s) => s.k);
  return `the program around its loop (${around.join(', ')}) or its consumer's body (per-record work, then yields) is not the one the closed forms read: spawn, loop, [sleep], close, join`;
}

// ---- helpers -----------------------------------------------------------------------------------

const isCompute = (s: Stmt): s is Extract<Stmt, { k: 'compute' }> => s.k === 'compute';

function computesOnly(body: Stmt[]): CostRef[] | undefined {
  const out: CostRef[] = [];
  for (const s of body) {
    if (!isCompute(s)) return undefined;
    out.push({ cost: s.cost, n: s.n });
  }
  return out;
}

/** `repeat n { record_start, compute*, repeat Y { yield } , record_end }` → its parts. */
function recordLoop(
  s: Stmt | undefined,
): { records: number; perRecord: CostRef[]; yields: number; selfWake: boolean } | undefined {
  if (s?.k !== 'repeat' || s.n < 1) return undefined;
  const b = s.body;
  if (b.length < 3 || b[0].k !== 'record_start' || b[b.length - 1].k !== 'record_end') return undefined;
  const y = b[b.length - 2];
  if (y.k !== 'repeat' || y.n < 1 || y.body.length !== 1 || (y.body[0].k !== 'yield' && y.body[0].k !== 'self_wake'))
    return undefined;
  const perRecord = computesOnly(b.slice(1, b.length - 2));
  if (!perRecord) return undefined;
  return { records: s.n, perRecord, yields: y.n, selfWake: y.body[0].k === 'self_wake' };
}

function straightShape(plan: Plan, progs: Stmt[][]): StraightShape | undefined {
  if (plan.tasks.length !== 1 || plan.tasks[0].start === 'child') return undefined;
  const work = computesOnly(progs[0]);
  return work ? { kind: 'straight', task: 0, start: plan.tasks[0].start, work } : undefined;
}

function yieldLoopShape(plan: Plan, progs: Stmt[][]): YieldLoopShape | undefined {
  if (plan.tasks.length !== 1 || plan.tasks[0].start === 'child' || progs[0].length !== 1) return undefined;
  const r = recordLoop(progs[0][0]);
  if (!r) return undefined;
  return {
    kind: 'yield_loop',
    task: 0,
    start: plan.tasks[0].start,
    records: r.records,
    yieldsPerRecord: r.yields,
    selfWake: r.selfWake,
    perRecord: r.perRecord,
  };
}

function multiYieldShape(plan: Plan, progs: Stmt[][]): MultiYieldShape | undefined {
  const main = plan.tasks.findIndex((t) => t.start === 'block_on');
  if (main < 0 || plan.tasks.some((t, i) => i !== main && t.start !== 'child')) return undefined;
  const K = plan.tasks.length - 1;
  const prog = progs[main];
  if (K < 1 || prog.length !== 2 * K) return undefined;
  const children: number[] = [];
  for (let i = 0; i < K; i++) {
    const s = prog[i];
    const j = prog[K + i];
    if (s.k !== 'spawn' || j.k !== 'join' || j.task !== s.task || s.task === main) return undefined;
    children.push(s.task);
  }
  let first: ReturnType<typeof recordLoop>;
  for (const c of children) {
    if (progs[c].length !== 1) return undefined;
    const r = recordLoop(progs[c][0]);
    if (!r || r.selfWake) return undefined;
    if (!first) first = r;
    else if (
      r.records !== first.records ||
      r.yields !== first.yields ||
      JSON.stringify(r.perRecord) !== JSON.stringify(first.perRecord)
    )
      return undefined;
  }
  if (!first || new Set(children).size !== K) return undefined;
  return {
    kind: 'multi_yield',
    main,
    children,
    records: first.records,
    yieldsPerRecord: first.yields,
    perRecord: first.perRecord,
  };
}

function spawnJoinShape(plan: Plan, progs: Stmt[][]): SpawnJoinShape | undefined {
  if (plan.tasks.length !== 2) return undefined;
  const main = plan.tasks.findIndex((t) => t.start !== 'child');
  const child = 1 - main;
  if (main < 0 || plan.tasks[child].start !== 'child' || progs[child].length !== 0) return undefined;
  const p = progs[main];
  const isSpawn = (s: Stmt) => s.k === 'spawn' && s.task === child;
  const isJoin = (s: Stmt) => s.k === 'join' && s.task === child;
  if (
    p.length === 1 &&
    p[0].k === 'repeat' &&
    p[0].n >= 1 &&
    p[0].body.length === 2 &&
    isSpawn(p[0].body[0]) &&
    isJoin(p[0].body[1])
  )
    return { kind: 'spawn_join', main, start: plan.tasks[main].start, child, n: p[0].n, mode: 'hot' };
  if (
    p.length === 2 &&
    p[0].k === 'repeat' &&
    p[1].k === 'repeat' &&
    p[0].n === p[1].n &&
    p[0].n >= 1 &&
    p[0].body.length === 1 &&
    p[1].body.length === 1 &&
    isSpawn(p[0].body[0]) &&
    isJoin(p[1].body[0])
  )
    return { kind: 'spawn_join', main, start: plan.tasks[main].start, child, n: p[0].n, mode: 'bulk' };
  return undefined;
}

/** A pacing statement: `sleep`, `yield`, or `repeat n { yield }`. */
function paceOf(st: Stmt | undefined): Pace | undefined {
  if (st?.k === 'sleep') return { kind: 'sleep', ns: st.ns };
  if (st?.k === 'yield') return { kind: 'yield', n: 1 };
  if (st?.k === 'repeat' && st.n >= 1 && st.body.length === 1 && st.body[0].k === 'yield') return { kind: 'yield', n: st.n };
  return undefined;
}

/**
 * block_on: `spawn consumer; repeat M { [pace] send | send [pace] }; [sleep]; close; join`; the
 * consumer: one `while_open` that awaits each message and handles its records (optionally
 * timed from `record_start`), then may yield.
 */
function producerConsumerShape(plan: Plan, progs: Stmt[][]): ProducerConsumerShape | undefined {
  if (plan.tasks.length !== 2) return undefined;
  const producer = plan.tasks.findIndex((t) => t.start === 'block_on');
  const consumer = 1 - producer;
  if (producer < 0 || plan.tasks[consumer].start !== 'child') return undefined;
  const p = progs[producer];
  const tailed = p.length === 5 && p[2].k === 'sleep';
  if (p.length !== 4 && !tailed) return undefined;
  const tail = p[2].k === 'sleep' ? p[2].ns : 0;
  const [spawn, loop, close, join] = tailed ? [p[0], p[1], p[3], p[4]] : p;
  if (
    spawn.k !== 'spawn' ||
    spawn.task !== consumer ||
    loop.k !== 'repeat' ||
    close.k !== 'close' ||
    join.k !== 'join' ||
    join.task !== consumer
  )
    return undefined;
  // A `record_start` right before the send stamps the records when they are sent: the same
  // timestamp the send gives them.
  const body = loop.body.filter((st, k) => !(st.k === 'record_start' && loop.body[k + 1]?.k === 'send'));
  let pace: Pace = { kind: 'none' };
  let send: Stmt | undefined;
  let sendFirst = false;
  if (body.length === 2 && paceOf(body[0])) {
    pace = paceOf(body[0])!;
    send = body[1];
  } else if (body.length === 2 && paceOf(body[1])) {
    pace = paceOf(body[1])!;
    send = body[0];
    sendFirst = true;
  } else if (body.length === 1) send = body[0];
  if (send?.k !== 'send' || send.channel !== close.channel) return undefined;
  const ch = send.channel;
  if (plan.channels[ch].kind !== 'unbounded') return undefined;
  const c = progs[consumer];
  if (
    c.length !== 1 ||
    c[0].k !== 'while_open' ||
    c[0].channel !== ch ||
    c[0].wait.length < 1 ||
    c[0].wait[0].kind !== 'await_recv'
  )
    return undefined;
  const cb = c[0].body;
  let i = 0;
  let perRecord: CostRef[] = [];
  let messageIsRecord = false;
  let recordStart = false;
  if (cb[i]?.k === 'record_end') {
    messageIsRecord = true;
    i++;
  } else {
    const r = cb[i];
    if (r?.k !== 'repeat' || r.n !== -1 || r.body.length < 1 || r.body[r.body.length - 1].k !== 'record_end') return undefined;
    recordStart = r.body[0].k === 'record_start';
    const pr = computesOnly(r.body.slice(recordStart ? 1 : 0, -1));
    if (!pr) return undefined;
    perRecord = pr;
    i++;
  }
  let yieldsPerMessage = 0;
  const y = cb[i];
  if (y?.k === 'repeat' && y.body.length === 1 && y.body[0].k === 'yield') {
    yieldsPerMessage = y.n;
    i++;
  }
  if (i !== cb.length) return undefined;
  return {
    kind: 'producer_consumer',
    producer,
    consumer,
    channel: ch,
    messages: loop.n,
    itemsPerSend: send.items,
    recordsPerItem: send.records,
    pace,
    sleepNs: pace.kind === 'sleep' ? pace.ns : 0,
    sendFirst,
    tailSleepNs: tail,
    perRecord,
    recordStart,
    stampsSends: body.length !== loop.body.length,
    messageIsRecord,
    yieldsPerMessage,
  };
}

// ---- pipelines ---------------------------------------------------------------------------------

function pipelineShape(plan: Plan, progs: Stmt[][]): PipelineShape | string {
  if (plan.sources.length !== 1) return 'more than one source';
  const src = plan.sources[0];
  const coordIdx = progs.findIndex((p) => containsRoute(p));
  if (coordIdx < 0) {
    // A source feeding one processing stage directly (the `sequential` template).
    if (plan.tasks.length !== 1 || plan.tasks[0].start === 'child')
      return 'a source with no routing coordinator must feed exactly one started task';
    const st = stageShape(progs[0], 0, src.channel);
    if (typeof st === 'string') return st;
    return { kind: 'pipeline', source: 0, stages: [st] };
  }
  const cp = progs[coordIdx];
  // spawn* while_open(input){ compute* route [repeat P { recv acks }] } close* join*
  let i = 0;
  const spawned: number[] = [];
  while (cp[i]?.k === 'spawn') spawned.push((cp[i++] as { task: number }).task);
  const wo = cp[i++];
  if (wo?.k !== 'while_open' || wo.channel !== src.channel)
    return "the coordinator's receive loop does not read the source's channel";
  if (wo.wait.length !== 1 || wo.wait[0].kind !== 'await_recv') return 'the coordinator must wait for batches with await_recv';
  const pre: CostRef[] = [];
  let j = 0;
  while (wo.body[j]?.k === 'compute') {
    const s = wo.body[j++] as { cost: number; n: number };
    pre.push({ cost: s.cost, n: s.n });
  }
  const route = wo.body[j++];
  if (route?.k !== 'route') return 'the coordinator does other work between receiving and routing';
  let barrier: { channel: number; acks: number } | undefined;
  const b = wo.body[j];
  if (b?.k === 'repeat' && b.body.length === 1 && b.body[0].k === 'recv') {
    barrier = { channel: b.body[0].channel, acks: b.n };
    j++;
  }
  if (j !== wo.body.length) return 'the coordinator does other work after routing';
  while (cp[i]?.k === 'close') i++;
  while (cp[i]?.k === 'join') i++;
  if (i !== cp.length) return 'the coordinator does other work after its receive loop';
  const P = route.partitions;
  const stages: StageShape[] = [];
  for (let p = 0; p < P; p++) {
    const ch = route.channel + p;
    const t = progs.findIndex(
      (prog, k) => k !== coordIdx && prog.length === 1 && prog[0].k === 'while_open' && prog[0].channel === ch,
    );
    if (t < 0) return `no partition task receives from channel '${plan.channels[ch]?.name ?? ch}'`;
    if (plan.tasks[t].start !== 'child' || !spawned.includes(t))
      return `partition '${plan.tasks[t].name}' is not spawned by the coordinator`;
    const st = stageShape(progs[t], t, ch);
    if (typeof st === 'string') return st;
    if (barrier && st.ack !== barrier.channel) return 'a barrier needs every partition to ack on the barrier channel';
    stages.push(st);
  }
  if (plan.tasks.length !== P + 1) return 'tasks other than the coordinator and its partitions';
  if (barrier && barrier.acks !== P) return 'the barrier waits for a different number of acks than partitions';
  return {
    kind: 'pipeline',
    source: 0,
    coordinator: {
      task: coordIdx,
      start: plan.tasks[coordIdx].start,
      input: src.channel,
      pre,
      route,
      ...(barrier ? { barrier } : {}),
    },
    stages,
  };
}

function containsRoute(p: Stmt[]): boolean {
  return p.some((s) => s.k === 'route' || ((s.k === 'repeat' || s.k === 'while_open') && containsRoute(s.body)));
}

/** `while_open(ch, wait){ compute* ; repeat per-record { … record_end } ; compute* ; [lock w; compute*; unlock w] ; [send ack] }`. */
function stageShape(prog: Stmt[], task: number, channel: number): StageShape | string {
  if (prog.length !== 1 || prog[0].k !== 'while_open' || prog[0].channel !== channel) return 'a stage must be one receive loop';
  const wo = prog[0];
  const body = wo.body;
  let i = 0;
  const pre: CostRef[] = [];
  while (body[i]?.k === 'compute') {
    const s = body[i++] as { cost: number; n: number };
    pre.push({ cost: s.cost, n: s.n });
  }
  const loop = body[i++];
  if (loop?.k !== 'repeat' || loop.n !== -1) return 'a stage must process each record of a message';
  const rb = loop.body;
  if (rb.length < 1 || rb[rb.length - 1].k !== 'record_end') return "a stage's per-record work must end the record";
  const perRecord: CostRef[] = [];
  const recordLocks: number[] = [];
  const open: number[] = [];
  for (const s of rb.slice(0, -1)) {
    if (s.k === 'compute') perRecord.push({ cost: s.cost, n: s.n });
    else if (s.k === 'lock') {
      open.push(s.mutex);
      recordLocks.push(s.mutex);
    } else if (s.k === 'unlock') {
      if (open.pop() !== s.mutex) return 'per-record locks must nest';
    } else return `per-record '${s.k}' is not modelled`;
  }
  if (open.length) return 'a per-record lock is never released';
  const post: CostRef[] = [];
  while (body[i]?.k === 'compute') {
    const s = body[i++] as { cost: number; n: number };
    post.push({ cost: s.cost, n: s.n });
  }
  let writer: StageShape['writer'];
  if (body[i]?.k === 'lock') {
    const m = (body[i++] as { mutex: number }).mutex;
    const hold: CostRef[] = [];
    while (body[i]?.k === 'compute') {
      const s = body[i++] as { cost: number; n: number };
      hold.push({ cost: s.cost, n: s.n });
    }
    const u = body[i++];
    if (u?.k !== 'unlock' || u.mutex !== m) return 'the per-batch lock must be released right after its work';
    writer = { mutex: m, hold };
  }
  let ack: number | undefined;
  if (body[i]?.k === 'send') {
    const s = body[i++] as { channel: number; items: number };
    if (s.items !== 1) return 'an ack must be one message';
    ack = s.channel;
  }
  if (i !== body.length) return `a stage does '${body[i].k}' the model does not read`;
  return {
    task,
    channel,
    wait: wo.wait,
    pre,
    perRecord,
    recordLocks,
    post,
    ...(writer ? { writer } : {}),
    ...(ack !== undefined ? { ack } : {}),
  };
}

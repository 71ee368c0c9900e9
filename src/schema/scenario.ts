/**
 * The scenario document: what a user writes in `scenarios/*.json`.
 *
 * Phase: validate. One source of truth: the TypeBox schemas below are both the JSON Schema that
 * ajv checks (see `validate.ts`) and, through `Static<>`, the TypeScript types the planner reads.
 * Units are in the names (`us`, `ms`, `ns`). Everything a template or a task program can say is
 * listed here; `plan/` turns it into task programs and `normalize` rejects nonsense the schema
 * cannot express (unknown channels, cycles, spin waits that can never end).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Name = Type.String({ minLength: 1, maxLength: 200 });
const PosInt = Type.Integer({ minimum: 1, maximum: 1_000_000_000 });
const NonNegUs = Type.Number({ minimum: 0, maximum: 1e12 });

/** A cost: a literal in µs, a cost-model parameter name, or a distribution in µs. */
export const CostSchema = Type.Union(
  [
    Type.Number({ minimum: 0, maximum: 1e12, description: 'constant cost in µs' }),
    Type.String({ minLength: 1, maxLength: 200, description: 'name of a cost-model parameter' }),
    Type.Object(
      { dist: Type.Literal('const'), us: NonNegUs },
      { additionalProperties: false },
    ),
    Type.Object(
      { dist: Type.Literal('uniform'), minUs: NonNegUs, maxUs: NonNegUs },
      { additionalProperties: false },
    ),
    Type.Object(
      { dist: Type.Literal('exponential'), meanUs: NonNegUs },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        dist: Type.Literal('lognormal'),
        medianUs: Type.Number({ exclusiveMinimum: 0, maximum: 1e12 }),
        sigma: Type.Number({ minimum: 0, maximum: 10 }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'µs, a model parameter name, or {dist: const|uniform|exponential|lognormal}' },
);
export type Cost = Static<typeof CostSchema>;

/** How a partition waits for work when its queue is empty. */
export const WaitStepSchema = Type.Union([
  Type.Object({ kind: Type.Literal('await_recv') }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('yield_spin'), times: Type.Optional(PosInt) },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('sleep'), us: NonNegUs }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('spin'), us: Type.Optional(NonNegUs) },
    { additionalProperties: false, description: 'busy spin (spin_loop, never yields) for up to `us`; absent = forever' },
  ),
]);
export type WaitStep = Static<typeof WaitStepSchema>;

const ChannelRef = Name;

/** Task program operations. `repeat` and `while_open` nest. */
export const OpSchema = Type.Recursive(
  (This) =>
    Type.Union([
      Type.Object({ op: Type.Literal('compute'), cost: CostSchema, label: Type.Optional(Name) }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('spin'), us: NonNegUs }, { additionalProperties: false }),
      Type.Object(
        { op: Type.Literal('yield'), kind: Type.Optional(Type.Union([Type.Literal('yield_now'), Type.Literal('self_wake')])) },
        { additionalProperties: false },
      ),
      Type.Object({ op: Type.Literal('sleep'), us: NonNegUs }, { additionalProperties: false }),
      Type.Object(
        {
          op: Type.Literal('interval'),
          periodUs: Type.Number({ exclusiveMinimum: 0, maximum: 1e12 }),
          name: Type.Optional(Name),
        },
        {
          additionalProperties: false,
          description:
            "`interval.tick().await` of a tokio::time::interval(period) this op creates the first time the task reaches it (MissedTickBehavior::Burst): the first tick is due at once, tick k at creation + k·period, each on tokio's 1 ms timer wheel. Ops of one task with the same `name` tick one interval (created by the first reached)",
        },
      ),
      Type.Object(
        {
          op: Type.Literal('send'),
          channel: ChannelRef,
          items: Type.Optional(PosInt),
          records: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
        },
        { additionalProperties: false, description: 'send `items` messages, each carrying `records` records (default 1, 0 = control message)' },
      ),
      Type.Object({ op: Type.Literal('recv'), channel: ChannelRef }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('try_recv'), channel: ChannelRef }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('close'), channel: ChannelRef }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('spawn'), task: Name }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('join'), task: Name }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('lock'), mutex: Name }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('unlock'), mutex: Name }, { additionalProperties: false }),
      Type.Object(
        {
          op: Type.Literal('route'),
          to: Name,
          partitions: Type.Integer({ minimum: 1, maximum: 4096 }),
          policy: Type.Optional(
            Type.Union([Type.Literal('round_robin'), Type.Literal('hash'), Type.Literal('sticky'), Type.Literal('all_to_one')]),
          ),
          skew: Type.Optional(Type.Number({ minimum: 0, maximum: 10, description: 'Zipf exponent of `hash` over partitions; 0 = uniform' })),
          cost: Type.Optional(CostSchema),
        },
        {
          additionalProperties: false,
          description:
            "split the held message's records over the channels `to[0]` … `to[partitions − 1]` (declared one after another) by `policy` (default round_robin); `cost` is paid per record routed, each sub-batch pays a send",
        },
      ),
      Type.Object({ op: Type.Literal('clone'), n: Type.Optional(PosInt) }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('async_call'), n: Type.Optional(PosInt) }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('record_start') }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('record_end') }, { additionalProperties: false }),
      Type.Object({ op: Type.Literal('repeat'), n: PosInt, body: Type.Array(This, { maxItems: 10000 }) }, { additionalProperties: false }),
      Type.Object(
        {
          op: Type.Literal('while_open'),
          channel: ChannelRef,
          wait: Type.Optional(Type.Array(WaitStepSchema, { minItems: 1, maxItems: 16 })),
          body: Type.Array(This, { maxItems: 10000 }),
        },
        { additionalProperties: false, description: 'receive messages until the channel is closed and drained, waiting as `wait` says (default await_recv); `body` runs once per message' },
      ),
      Type.Object(
        { op: Type.Literal('for_each_record'), body: Type.Array(This, { maxItems: 10000 }) },
        { additionalProperties: false, description: 'run `body` once per record of the last message received' },
      ),
    ]),
  { $id: 'Op' },
);
export type Op = Static<typeof OpSchema>;

export const TaskSchema = Type.Object(
  {
    start: Type.Optional(
      Type.Union([Type.Literal('block_on'), Type.Literal('spawn'), Type.Literal('child')], {
        description: 'block_on: the runtime\'s block_on future (a #[tokio::test] body); spawn: spawned at start; child: spawned by another task',
      }),
    ),
    program: Type.Array(OpSchema, { maxItems: 10000 }),
  },
  { additionalProperties: false },
);
export type TaskDef = Static<typeof TaskSchema>;

export const RuntimeSchema = Type.Object(
  {
    flavor: Type.Union([Type.Literal('current_thread'), Type.Literal('multi_thread')]),
    workers: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
    driver: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('timer'), Type.Literal('timer_io')])),
    eventInterval: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
    timerPhaseUs: Type.Optional(
      Type.Number({
        minimum: 0,
        exclusiveMaximum: 1000,
        description: "where t = 0 falls on tokio's 1 ms timer grid: the first tick after t = 0 is at (1000 − timerPhaseUs) µs; 0 = aligned (default)",
      }),
    ),
    globalQueueInterval: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
    lifoSlot: Type.Optional(Type.Boolean({ description: 'false = Builder::disable_lifo_slot (tokio_unstable)' })),
  },
  { additionalProperties: false },
);
export type RuntimeConfig = Static<typeof RuntimeSchema>;

export const MachineSchema = Type.Object(
  {
    cores: Type.Integer({ minimum: 1, maximum: 4096 }),
    timesliceUs: Type.Optional(Type.Number({ minimum: 1, maximum: 1e6 })),
    noise: Type.Optional(Type.Boolean({ description: 'add the model\'s OS/hypervisor pause process' })),
  },
  { additionalProperties: false },
);

export const ArrivalSchema = Type.Union([
  Type.Object({ kind: Type.Literal('periodic'), intervalUs: Type.Number({ exclusiveMinimum: 0, maximum: 1e12 }), phaseUs: Type.Optional(NonNegUs) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('poisson'), ratePerSec: Type.Number({ exclusiveMinimum: 0, maximum: 1e9 }) }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('bursty'),
      ratePerSec: Type.Number({ exclusiveMinimum: 0, maximum: 1e9 }),
      onMs: Type.Number({ exclusiveMinimum: 0, maximum: 1e9 }),
      offMs: Type.Number({ minimum: 0, maximum: 1e9 }),
    },
    { additionalProperties: false, description: 'Poisson at ratePerSec during exponential on-periods (mean onMs), silent for exponential off-periods (mean offMs)' },
  ),
  Type.Object(
    { kind: Type.Literal('trace'), file: Type.String({ minLength: 1 }) },
    { additionalProperties: false, description: 'CSV or JSON lines of timeUs,records (relative to the scenario file)' },
  ),
]);
export type Arrival = Static<typeof ArrivalSchema>;

export const SourceSchema = Type.Object(
  {
    channel: ChannelRef,
    arrival: ArrivalSchema,
    records: Type.Optional(PosInt),
    batches: Type.Optional(PosInt),
    durationMs: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e9 })),
    close: Type.Optional(Type.Boolean({ description: 'close the channel after the last batch (default true)' })),
  },
  { additionalProperties: false, description: 'an external thread delivering batches of `records` records' },
);
export type SourceDef = Static<typeof SourceSchema>;

export const ChannelSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('unbounded'), Type.Literal('bounded'), Type.Literal('lockfree')]),
    capacity: Type.Optional(PosInt),
  },
  { additionalProperties: false },
);

/** Templates: sugar that expands into task programs (see plan/templates.ts). */
export const PipelineSchema = Type.Object(
  {
    kind: Type.Literal('pipeline'),
    partitions: Type.Integer({ minimum: 1, maximum: 4096 }),
    source: Type.Object(
      {
        arrival: ArrivalSchema,
        batchRecords: PosInt,
        batches: Type.Optional(PosInt),
        durationMs: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e9 })),
      },
      { additionalProperties: false },
    ),
    coordinator: Type.Optional(
      Type.Object(
        {
          start: Type.Optional(Type.Union([Type.Literal('block_on'), Type.Literal('spawn')])),
          routing: Type.Optional(
            Type.Union([Type.Literal('round_robin'), Type.Literal('hash'), Type.Literal('sticky'), Type.Literal('all_to_one')]),
          ),
          hashSkew: Type.Optional(Type.Number({ minimum: 0, maximum: 10, description: 'Zipf exponent over partitions; 0 = uniform' })),
          routeCost: Type.Optional(CostSchema),
          batchCost: Type.Optional(CostSchema),
          barrier: Type.Optional(Type.Boolean({ description: 'wait for every partition to finish a batch before the next' })),
        },
        { additionalProperties: false },
      ),
    ),
    channel: Type.Optional(ChannelSchema),
    partition: Type.Object(
      {
        wait: Type.Array(WaitStepSchema, { minItems: 1, maxItems: 16 }),
        recordCost: CostSchema,
        batchCost: Type.Optional(CostSchema),
        clonePerRecord: Type.Optional(Type.Boolean()),
        lockPerRecord: Type.Optional(Type.Boolean({ description: 'take the partition\'s own engine lock around each record (uncontended)' })),
        sharedEngine: Type.Optional(
          Type.Boolean({ description: 'one engine lock shared by all partitions, taken around each record: partitions contend on it' }),
        ),
        writer: Type.Optional(
          Type.Object({ holdCost: CostSchema }, { additionalProperties: false, description: 'global writer mutex taken once per batch' }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const TemplateSchema = Type.Union([
  PipelineSchema,
  Type.Object(
    { kind: Type.Literal('spawn_join'), tasks: PosInt, from: Type.Optional(Type.Union([Type.Literal('block_on'), Type.Literal('task')])), mode: Type.Optional(Type.Union([Type.Literal('hot'), Type.Literal('bulk')])) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('channel'), items: PosInt, batches: PosInt, bounded: Type.Optional(PosInt) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('yield_loop'), yields: PosInt, in: Type.Optional(Type.Union([Type.Literal('block_on'), Type.Literal('task')])), yieldsPerRecord: Type.Optional(PosInt), recordCost: Type.Optional(CostSchema) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('multi_yield'),
      // Each task is a task definition of its own, reported one by one: the same cap as partitions.
      tasks: Type.Integer({ minimum: 1, maximum: 4096, description: 'yielding tasks, each its own task definition in the Result' }),
      records: PosInt,
      yieldsPerRecord: PosInt,
      recordCost: Type.Optional(CostSchema),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('async_call'), calls: PosInt }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('producer_consumer'),
      batches: PosInt,
      batchRecords: PosInt,
      producerSleepUs: Type.Optional(NonNegUs),
      yieldsPerBatch: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
      recordCost: Type.Optional(CostSchema),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('sequential'),
      source: Type.Object(
        { arrival: ArrivalSchema, batchRecords: PosInt, batches: Type.Optional(PosInt), durationMs: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e9 })) },
        { additionalProperties: false },
      ),
      recordCost: CostSchema,
      batchCost: Type.Optional(CostSchema),
    },
    { additionalProperties: false },
  ),
]);
export type Template = Static<typeof TemplateSchema>;
export type PipelineTemplate = Static<typeof PipelineSchema>;

export const FigureSchema = Type.Object(
  {
    value: Type.Number(),
    unit: Type.Optional(Type.String()),
    metric: Type.Optional(Type.String({ description: 'mathjs expression over the result, e.g. outputs.perRecordUs' })),
    tolerance: Type.Optional(Type.Number({ minimum: 0, maximum: 10, description: 'relative, e.g. 0.15' })),
    kind: Type.Optional(Type.Union([Type.Literal('prediction'), Type.Literal('fit'), Type.Literal('known_mismatch')])),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ScenarioSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Name,
    description: Type.Optional(Type.String({ maxLength: 20000 })),
    model: Type.Optional(Type.String({ minLength: 1, description: 'default cost model, relative to this file' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
    runtime: RuntimeSchema,
    machine: Type.Optional(MachineSchema),
    channels: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.\\-\\[\\]]*$' }), ChannelSchema, { additionalProperties: false })),
    mutexes: Type.Optional(Type.Array(Name, { maxItems: 4096 })),
    tasks: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.\\-\\[\\]]*$' }), TaskSchema, { additionalProperties: false })),
    sources: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.\\-\\[\\]]*$' }), SourceSchema, { additionalProperties: false })),
    template: Type.Optional(TemplateSchema),
    outputs: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String({ minLength: 1, maxLength: 2000 }), { additionalProperties: false })),
    limits: Type.Optional(
      Type.Object(
        {
          maxSimulatedMs: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e10 })),
          maxEvents: Type.Optional(Type.Integer({ minimum: 1, maximum: 1e13 })),
          maxWallMs: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e9 })),
        },
        { additionalProperties: false },
      ),
    ),
    reference: Type.Optional(
      Type.Object(
        { source: Type.String(), figures: Type.Record(Type.String(), FigureSchema) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type Scenario = Static<typeof ScenarioSchema>;

/**
 * Rewrites TypeBox's `anyOf` over objects that share a literal discriminator into ajv's
 * `oneOf` + `discriminator`, so an error names the one branch the user meant instead of
 * listing every branch. Returns a deep copy; the TypeBox schema is untouched.
 */
export function toAjvSchema(schema: TSchema): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const src = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src)) out[k] = walk(src[k]);
    const anyOf = out.anyOf as Array<Record<string, unknown>> | undefined;
    if (Array.isArray(anyOf) && anyOf.length > 1) {
      for (const key of ['op', 'kind', 'dist']) {
        const all = anyOf.every((b) => {
          const props = b.properties as Record<string, Record<string, unknown>> | undefined;
          return b.type === 'object' && props?.[key]?.const !== undefined && (b.required as string[] | undefined)?.includes(key);
        });
        if (all) {
          delete out.anyOf;
          out.type = 'object';
          out.required = [key];
          out.discriminator = { propertyName: key };
          out.oneOf = anyOf;
          break;
        }
      }
    }
    return out;
  };
  return walk(schema) as Record<string, unknown>;
}

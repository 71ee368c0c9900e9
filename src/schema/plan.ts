/**
 * The Plan's schema: the contract between the TypeScript back-ends (simulator, analytic model)
 * and the Rust probe's `execute`. Written once here in TypeBox; `src/plan/types.ts` derives its
 * types from it, `dispatchsim schema --write` publishes it as `schema/plan.schema.json`, and the
 * tests run every bundled scenario's Plan through it and through the probe's own parser
 * (`probe check-plan`), so a new instruction the probe does not know fails a test.
 *
 * Phase: normalize (produces it) → simulate | analyze | measure (read it). Costs are resolved to
 * nanosecond distributions; control flow is compiled to jumps (`target`, `exit`, `got`, `closed`
 * are instruction indices in the same task's program); channels, tasks, mutexes and costs are
 * referred to by index. Instruction semantics: docs/semantics.md.
 */
import { Type, type Static, type TObject, type TProperties, type TLiteral } from '@sinclair/typebox';

const Int = Type.Integer();
/** An index into one of the Plan's arrays, or an instruction index. */
const Index = Type.Integer({ minimum: 0 });
/** An instruction index, or -1 where none applies (patched by normalize). */
const Pc = Type.Integer({ minimum: -1 });
const Num = Type.Number();

const strict = { additionalProperties: false } as const;

export const PlanCostSchema = Type.Union([
  Type.Object({ dist: Type.Literal('const'), ns: Num }, strict),
  Type.Object({ dist: Type.Literal('uniform'), minNs: Num, maxNs: Num }, strict),
  Type.Object({ dist: Type.Literal('exponential'), meanNs: Num }, strict),
  Type.Object({ dist: Type.Literal('lognormal'), medianNs: Num, sigma: Num }, strict),
  Type.Object({ dist: Type.Literal('quantiles'), p: Type.Array(Num), ns: Type.Array(Num) }, strict),
]);

export const PlanCostEntrySchema = Type.Object(
  {
    source: Type.String({ description: 'a model parameter name, or `literal`' }),
    category: Type.String({ description: 'breakdown category this cost is accounted under (compute, clone, spin, …)' }),
    cost: PlanCostSchema,
  },
  strict,
);

function instr<Op extends string, P extends TProperties>(op: Op, props: P): TObject<{ op: TLiteral<Op> } & P> {
  return Type.Object({ op: Type.Literal(op), ...props }, strict) as unknown as TObject<{ op: TLiteral<Op> } & P>;
}

/** Every instruction, in opcode order (runtime/code.ts numbers them the same way). */
export const INSTRUCTION_SCHEMAS = [
  instr('end', {}),
  instr('compute', { cost: Index, n: Type.Optional(Type.Integer({ minimum: 0 })) }),
  instr('spin', { cost: Index }),
  instr('yield_now', {}),
  instr('self_wake', {}),
  instr('sleep', { ns: Type.Integer({ minimum: 0 }) }),
  instr('send', { channel: Index, items: Type.Integer({ minimum: 0 }), records: Type.Integer({ minimum: 0 }) }),
  instr('recv', { channel: Index, closed: Pc }),
  instr('try_recv', { channel: Index, got: Pc, closed: Pc }),
  instr('spin_wait', { channel: Index, ns: Int }),
  instr('close', { channel: Index }),
  instr('spawn', { task: Index }),
  instr('join', { task: Index }),
  instr('lock', { mutex: Index }),
  instr('unlock', { mutex: Index }),
  instr('loop_init', { slot: Index, n: Int, exit: Pc }),
  instr('loop_next', { slot: Index, target: Pc }),
  instr('jump', { target: Pc }),
  instr('record_start', {}),
  instr('record_end', {}),
  instr('route', {
    channel: Index,
    partitions: Type.Integer({ minimum: 1 }),
    policy: Type.Union([Type.Literal('round_robin'), Type.Literal('hash'), Type.Literal('sticky'), Type.Literal('all_to_one')]),
    skew: Num,
    cost: Index,
  }),
  // tokio::time::interval(ns): `slot` names the task's interval (ops with the same name share it).
  instr('interval', { slot: Index, ns: Type.Integer({ minimum: 0 }) }),
] as const;

export const InstrSchema = Type.Union([...INSTRUCTION_SCHEMAS]);

export const PlanTaskSchema = Type.Object(
  {
    name: Type.String(),
    start: Type.Union([Type.Literal('block_on'), Type.Literal('spawn'), Type.Literal('child')]),
    code: Type.Array(InstrSchema),
    slots: Type.Integer({ minimum: 0, description: 'number of loop slots the code uses' }),
    role: Type.Optional(Type.String({ description: 'for reports: coordinator, partition, producer, consumer, …' })),
  },
  strict,
);

export const PlanChannelSchema = Type.Object(
  {
    name: Type.String(),
    kind: Type.Union([Type.Literal('unbounded'), Type.Literal('bounded'), Type.Literal('lockfree')]),
    capacity: Type.Integer({ minimum: 0, description: '0 = unbounded' }),
  },
  strict,
);

export const PlanArrivalSchema = Type.Union([
  Type.Object({ kind: Type.Literal('periodic'), intervalNs: Num, phaseNs: Num }, strict),
  Type.Object({ kind: Type.Literal('poisson'), ratePerSec: Num }, strict),
  Type.Object({ kind: Type.Literal('bursty'), ratePerSec: Num, onNs: Num, offNs: Num }, strict),
  Type.Object({ kind: Type.Literal('trace'), timesNs: Type.Array(Num), records: Type.Array(Num) }, strict),
]);

export const PlanSourceSchema = Type.Object(
  {
    name: Type.String(),
    channel: Index,
    arrival: PlanArrivalSchema,
    records: Type.Integer({ minimum: 0 }),
    batches: Type.Integer({ minimum: -1, description: '-1 = until durationNs' }),
    durationNs: Type.Number({ minimum: -1, description: '-1 = until batches' }),
    close: Type.Boolean(),
  },
  strict,
);

/** A tokio version's scheduler semantics, resolved at normalize (plan/tokio-versions.ts documents each flag). */
export const TokioSemanticsSchema = Type.Object(
  {
    lifoPollsPerTick: Type.Integer({ minimum: 0, description: 'LIFO polls per run_task before the slot is disabled; 0 = no cap' }),
    deferLifo: Type.Boolean(),
    gqiTuned: Type.Boolean(),
    injectBatch: Type.Boolean(),
    remoteFastPath: Type.Boolean(),
    tickBeforeCheck: Type.Boolean(),
    blockOnWakeNoSelfUnpark: Type.Boolean(),
    overflowSecondHalf: Type.Boolean(),
    statsClock: Type.Boolean({ description: 'multi_thread: clock reads when a worker stops and starts processing scheduled tasks (1.29+)' }),
  },
  strict,
);

export const PlanRuntimeSchema = Type.Object(
  {
    flavor: Type.Union([Type.Literal('current_thread'), Type.Literal('multi_thread')]),
    tokio: Type.Union([Type.Literal('1.24'), Type.Literal('1.47'), Type.Literal('1.53')], {
      description: 'the tokio version modelled (runtime.tokio, or the default: the newest modelled)',
    }),
    semantics: TokioSemanticsSchema,
    workers: Type.Integer({ minimum: 0 }),
    cores: Type.Integer({ minimum: 1 }),
    driver: Type.Union([Type.Literal('none'), Type.Literal('timer'), Type.Literal('timer_io')]),
    eventInterval: Type.Integer({ minimum: 1 }),
    globalQueueInterval: Type.Integer({ minimum: 1 }),
    lifoSlot: Type.Boolean(),
    timerResolutionNs: Type.Integer({ minimum: 1 }),
    timerPhaseNs: Type.Optional(
      Type.Integer({ minimum: 0, description: 'timer grid offset: ticks at phase + k·resolution (0 ≤ phase < resolution)' }),
    ),
    timesliceNs: Num,
    noise: Type.Boolean(),
    runLevel: Type.Optional(
      Type.Object(
        {
          speedZ: Type.Number({ description: "this run's standard normal draw for the runtime's speed: per-op costs × exp(run_speed_sd · speedZ)" }),
          wakeZ: Type.Number({ description: "this run's standard normal draw for OS wake-ups: wake latencies × exp(run_wake_sd · wakeZ)" }),
          noiseZ: Type.Optional(
            Type.Number({ description: "this run's standard normal draw for the platform noise: noise_rate × exp(run_noise_sd · noiseZ)" }),
          ),
        },
        { ...strict, description: 'run-level variation of one run of a run set (absent: none); the model gives the magnitudes' },
      ),
    ),
  },
  strict,
);

export const PlanSchema = Type.Object(
  {
    version: Type.Literal(1),
    scenario: Type.Object({ name: Type.String(), hash: Type.String(), file: Type.Optional(Type.String()) }, strict),
    model: Type.Object(
      {
        name: Type.String(),
        profile: Type.String(),
        provenance: Type.String(),
        file: Type.Optional(Type.String()),
        tokio: Type.Optional(Type.String({ description: 'the release the model was calibrated on' })),
      },
      strict,
    ),
    seed: Type.Integer({ minimum: 0 }),
    runtime: PlanRuntimeSchema,
    channels: Type.Array(PlanChannelSchema),
    mutexes: Type.Array(Type.String()),
    costs: Type.Array(PlanCostEntrySchema),
    tasks: Type.Array(PlanTaskSchema),
    sources: Type.Array(PlanSourceSchema),
    outputs: Type.Record(Type.String(), Type.String()),
    limits: Type.Object({ maxSimulatedNs: Num, maxEvents: Num, maxWallMs: Num }, strict),
  },
  strict,
);

export type PlanSchemaType = Static<typeof PlanSchema>;

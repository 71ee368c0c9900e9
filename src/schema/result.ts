/**
 * The Result document: one schema for simulated, analytic and measured runs.
 *
 * Phase: every back-end writes it; validate, sweep and report read only it. Key names are a
 * contract with users' scripts (see issue "The simulation core"): keep them. Numbers are µs
 * unless the name says otherwise.
 */
import { Type, type Static } from '@sinclair/typebox';

const Num = Type.Number();
const Counts = Type.Record(Type.String(), Num);

export const LatencySchema = Type.Object(
  { p50: Num, p90: Num, p99: Num, p999: Num, max: Num, mean: Num, count: Num },
  { additionalProperties: false },
);

export const TaskResultSchema = Type.Object(
  {
    elapsedUs: Num,
    busyUs: Num,
    polls: Num,
    yields: Num,
    waitUs: Counts,
    completed: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const WorkerResultSchema = Type.Object(
  {
    name: Type.String(),
    busyUs: Num,
    spinUs: Num,
    idleUs: Num,
    descheduledUs: Num,
    polls: Num,
    driverPolls: Num,
    steals: Num,
    parks: Num,
    unparks: Num,
    noopWakes: Num,
    lifoHits: Num,
    injectPops: Num,
    noisePauses: Type.Optional(Type.Number({ description: 'OS/hypervisor pauses taken (scenario machine.noise)' })),
  },
  { additionalProperties: false },
);

export const ResultSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    source: Type.Union([Type.Literal('simulated'), Type.Literal('analytic'), Type.Literal('measured')]),
    scenario: Type.Object({ name: Type.String(), hash: Type.String(), file: Type.Optional(Type.String()) }, { additionalProperties: false }),
    model: Type.Object(
      { name: Type.String(), profile: Type.String(), provenance: Type.String(), file: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
    runtime: Type.Object(
      { flavor: Type.String(), workers: Num, cores: Num, driver: Type.String() },
      { additionalProperties: false },
    ),
    seed: Num,
    records: Num,
    recordsInFlight: Num,
    simulatedUs: Num,
    throughput: Type.Object({ recordsPerSec: Num }, { additionalProperties: false }),
    latencyUs: LatencySchema,
    latencyBuckets: Type.Array(Type.Tuple([Num, Num]), { description: '[lowNs, count] of the streaming histogram' }),
    yieldsPerRecord: Num,
    tasks: Type.Record(Type.String(), TaskResultSchema),
    workers: Type.Array(WorkerResultSchema),
    breakdownUs: Counts,
    cpuUs: Type.Object({ useful: Num, waiting: Num, scheduler: Num, total: Num }, { additionalProperties: false }),
    outputs: Counts,
    coresBusy: Type.Optional(
      Type.Object(
        { busy: Num, useful: Num, waiting: Num, scheduler: Num, of: Num, basis: Type.String() },
        {
          additionalProperties: false,
          description:
            'CPU in use on average, in cores: cpuUs over simulatedUs (busy = useful + waiting + scheduler), of `of` cores; `basis` says how the CPU time was obtained',
        },
      ),
    ),
    approximation: Type.Optional(Type.String()),
    bottleneck: Type.Optional(Type.String()),
    truncated: Type.Optional(Type.Object({ reason: Type.String() }, { additionalProperties: false })),
    warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false })),
    engine: Type.Object(
      {
        events: Num,
        eventsPerSec: Num,
        wallMs: Num,
        fastForward: Type.Optional(
          Type.Object(
            { jumps: Num, skippedUs: Num },
            { additionalProperties: false, description: 'cycles of idle spinning skipped in one step (counted, not stepped)' },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type Result = Static<typeof ResultSchema>;
export type TaskResult = Static<typeof TaskResultSchema>;
export type WorkerResult = Static<typeof WorkerResultSchema>;

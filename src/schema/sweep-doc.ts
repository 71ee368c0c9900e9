/**
 * The sweep document that `dispatchsim sweep` writes and `report`, `plan` and `sweep merge` read.
 *
 * Phase: sweep writes it; report, plan and merge read it. It lives in src/schema because both
 * src/sweep and src/report (which may not import sweep) use it. One source of truth: the TypeBox
 * schema is the JSON Schema ajv checks and, via `Static<>`, the type. Points are listed by index in grid order (first `--vary` outermost), never
 * by completion order, and nothing time- or machine-dependent is stored, so the same sweep gives
 * the same bytes whatever `--jobs` or `--shard` was used.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ChromeEventSchema } from './chrome-trace.js';

const Num = Type.Number();
const Value = Type.Union([Type.Number(), Type.String(), Type.Boolean()]);

export { METRICS, type MetricName } from './sweep-metrics.js';

export const IntervalSchema = Type.Object(
  { mean: Num, lo: Num, hi: Num, n: Num },
  { additionalProperties: false, description: 'mean and 95% Student-t confidence interval over n replications (lo = hi = mean when n = 1)' },
);
export type Interval = Static<typeof IntervalSchema>;

export const RunSchema = Type.Object(
  {
    source: Type.Union([Type.Literal('simulated'), Type.Literal('analytic')]),
    replication: Type.Integer({ minimum: 0 }),
    seed: Num,
    metrics: Type.Record(Type.String(), Num),
  },
  { additionalProperties: false },
);
export type SweepRun = Static<typeof RunSchema>;

export const PointSchema = Type.Object(
  {
    index: Type.Integer({ minimum: 0 }),
    values: Type.Array(Value),
    runs: Type.Array(RunSchema),
    summary: Type.Object(
      {
        simulated: Type.Optional(Type.Record(Type.String(), IntervalSchema)),
        analytic: Type.Optional(Type.Record(Type.String(), IntervalSchema)),
      },
      { additionalProperties: false },
    ),
    notApplicable: Type.Optional(Type.String({ description: 'why the analytic model refused this point, with its code (DS4001–DS4004)' })),
    detail: Type.Optional(
      Type.Object(
        {
          breakdownUs: Type.Record(Type.String(), Num, { description: 'CPU µs per op kind over the run (Result.breakdownUs), mean over the simulated replications' }),
          latencyQuantilesUs: Type.Array(Num, { description: "latency (µs) at the document's `quantiles`, mean over the simulated replications" }),
        },
        { additionalProperties: false, description: 'what the summary metrics leave out, for the report: the per-op breakdown and the latency distribution' },
      ),
    ),
    trace: Type.Optional(
      Type.Object(
        { traceEvents: Type.Array(ChromeEventSchema) },
        { description: "Chrome trace of a short window (the first spans) of this point's simulation, replication 0: only on the `tracedPoint`" },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SweepPoint = Static<typeof PointSchema>;

export const AxisSchema = Type.Object(
  {
    pointer: Type.String(),
    also: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'pointers tied to this axis: set to the same value (`--vary /a+/b=…`)' })),
    label: Type.String(),
    values: Type.Array(Value, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type SweepAxis = Static<typeof AxisSchema>;

export const SweepDocSchema = Type.Object(
  {
    kind: Type.Literal('dispatchsim-sweep'),
    version: Type.Literal(1),
    scenario: Type.Object({ name: Type.String(), hash: Type.String(), file: Type.Optional(Type.String()) }, { additionalProperties: false }),
    model: Type.Object(
      {
        name: Type.String(),
        profile: Type.String(),
        provenance: Type.String(),
        file: Type.Optional(Type.String()),
        tokio: Type.Optional(Type.String({ description: 'the tokio release the cost model was calibrated on' })),
      },
      { additionalProperties: false },
    ),
    runtime: Type.Object({ flavor: Type.String() }, { additionalProperties: false }),
    engine: Type.Union([Type.Literal('sim'), Type.Literal('analytic'), Type.Literal('both')]),
    baseSeed: Num,
    replications: Type.Integer({ minimum: 1 }),
    metrics: Type.Array(Type.String()),
    quantiles: Type.Optional(Type.Array(Num, { description: "levels of every point's `detail.latencyQuantilesUs`" })),
    tracedPoint: Type.Optional(Type.Integer({ minimum: 0, description: 'index of the point that carries a `trace`' })),
    grid: Type.Array(AxisSchema),
    totalPoints: Type.Integer({ minimum: 0 }),
    shard: Type.Optional(Type.Object({ index: Type.Integer({ minimum: 1 }), count: Type.Integer({ minimum: 1 }) }, { additionalProperties: false })),
    points: Type.Array(PointSchema),
  },
  { additionalProperties: false },
);
export type SweepDoc = Static<typeof SweepDocSchema>;

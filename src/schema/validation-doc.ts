/**
 * The validation document: predicted vs measured figures, one row per (scenario, metric).
 *
 * Phase: validate writes it, report reads it. It lives in src/schema, below both in the layer
 * table. `params` places a measurement on a sweep axis (JSON pointer →
 * value) so the report can overlay measured points on predicted curves.
 */
import { Type, type Static } from '@sinclair/typebox';

export const ValidationRowSchema = Type.Object(
  {
    scenario: Type.String(),
    metric: Type.String(),
    predicted: Type.Number(),
    measured: Type.Number(),
    errorPct: Type.Number({
      description:
        "100 × (predicted − measured) / measured; for metric 'dist' (predicted and measured are mean latencies), the Wasserstein-1 distance between the latency distributions as % of the measured mean, signed like the means' difference",
    }),
    predictedSource: Type.Optional(Type.Union([Type.Literal('simulated'), Type.Literal('analytic')])),
    model: Type.Optional(Type.String()),
    params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean()]))),
    // Written by `dispatchsim validate` (src/validate); optional so older documents stay valid.
    flavor: Type.Optional(Type.String({ description: 'runtime flavor of the scenario' })),
    unit: Type.Optional(Type.String()),
    tolerancePct: Type.Optional(Type.Number({ minimum: 0 })),
    pass: Type.Optional(Type.Boolean({ description: '|errorPct| <= tolerancePct' })),
    measuredMin: Type.Optional(Type.Number({ description: 'smallest value over the measured repeats' })),
    measuredMax: Type.Optional(Type.Number({ description: 'largest value over the measured repeats' })),
    repeats: Type.Optional(Type.Integer({ minimum: 1, description: 'measured runs the median is taken over' })),
    runQueueWaitPct: Type.Optional(Type.Number({ minimum: 0, description: "share of the probe's runnable time spent waiting for a CPU (machine load)" })),
    predictedRuns: Type.Optional(Type.Integer({ minimum: 1, description: 'simulated runs the predicted median is taken over' })),
    predictedP5: Type.Optional(
      Type.Number({
        description:
          "lower end of the predicted runs' prediction interval: order statistic j = max(1, ⌊0.05·(n+1)⌋) of the n runs (the field keeps its name from when it was the sample p5)",
      }),
    ),
    predictedP95: Type.Optional(Type.Number({ description: "upper end of the predicted runs' prediction interval: order statistic n+1−j" })),
    coverageNominalPct: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100,
        description:
          'nominal level of that interval, (n+1−2j)/(n+1): the share of measured runs it covers when the model is right (90 % from 19 runs; 77.8 % with 8)',
      }),
    ),
    coverageBelowPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'share of the measured runs below the interval (%)' })),
    coverageAbovePct: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'share of the measured runs above the interval (%)' })),
    intervalScore: Type.Optional(
      Type.Number({
        minimum: 0,
        description:
          "mean interval score of the measured runs against the predicted interval (a proper scoring rule; log scale × 100): the interval's log width plus 2/α × each outside run's log distance to it, α = 1 − the nominal level. Lower is better: coverage bought with width pays here",
      }),
    ),
    coveragePct: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100,
        description: "share of the measured runs whose value lies inside the predicted runs' prediction interval (%)",
      }),
    ),
    sourceApart: Type.Optional(
      Type.Boolean({ description: "the measured runs' source thread had a CPU of its own (measure --place apart), or not (the OS placed it)" }),
    ),
  },
  { additionalProperties: false },
);
export type ValidationRow = Static<typeof ValidationRowSchema>;

export const ValidationDocSchema = Type.Array(ValidationRowSchema);
export type ValidationDoc = Static<typeof ValidationDocSchema>;

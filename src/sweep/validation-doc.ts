/**
 * The validation document: predicted vs measured figures, one row per (scenario, metric).
 *
 * Phase: validate writes it, report reads it. It lives here rather than in src/report because
 * the writer (src/validate) sits below report in the layer table; it belongs in src/schema once
 * that folder's owner adopts it. `params` places a measurement on a sweep axis (JSON pointer →
 * value) so the report can overlay measured points on predicted curves.
 */
import { Type, type Static } from '@sinclair/typebox';

export const ValidationRowSchema = Type.Object(
  {
    scenario: Type.String(),
    metric: Type.String(),
    predicted: Type.Number(),
    measured: Type.Number(),
    errorPct: Type.Number({ description: '100 × (predicted − measured) / measured' }),
    predictedSource: Type.Optional(Type.Union([Type.Literal('simulated'), Type.Literal('analytic')])),
    model: Type.Optional(Type.String()),
    params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean()]))),
  },
  { additionalProperties: false },
);
export type ValidationRow = Static<typeof ValidationRowSchema>;

export const ValidationDocSchema = Type.Array(ValidationRowSchema);
export type ValidationDoc = Static<typeof ValidationDocSchema>;

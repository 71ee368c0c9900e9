/**
 * The cost model document: `models/*.json`.
 *
 * Phase: validate. Every parameter carries its value, unit, spread, sample count and provenance
 * (calibrated on a named machine, published in a named source, inferred from a measurement that
 * a scenario is compared with, or assumed). Latency-type parameters keep their distribution as
 * quantiles so the simulator can draw from them. The mechanistic parameter names the runtime
 * reads are listed in `model/parameters.ts`.
 */
import { Type, type Static } from '@sinclair/typebox';

export const ProvenanceKind = Type.Union([
  Type.Literal('calibrated'),
  Type.Literal('published'),
  Type.Literal('inferred'),
  Type.Literal('assumed'),
]);

export const QuantilesSchema = Type.Object(
  {
    p: Type.Array(Type.Number({ minimum: 0, maximum: 1 }), { minItems: 2, maxItems: 64 }),
    ns: Type.Array(Type.Number({ minimum: 0, maximum: 1e13 }), { minItems: 2, maxItems: 64 }),
  },
  { additionalProperties: false, description: 'empirical distribution: value ns[i] at cumulative probability p[i] (p[0]=0, last p=1)' },
);
export type Quantiles = Static<typeof QuantilesSchema>;

export const ParameterSchema = Type.Object(
  {
    value: Type.Number({ minimum: 0, maximum: 1e13 }),
    unit: Type.Union([Type.Literal('ns'), Type.Literal('per_sec'), Type.Literal('count'), Type.Literal('ratio')]),
    provenance: ProvenanceKind,
    source: Type.Optional(Type.String({ maxLength: 2000 })),
    spread: Type.Optional(
      Type.Object(
        {
          p10: Type.Optional(Type.Number({ minimum: 0 })),
          p90: Type.Optional(Type.Number({ minimum: 0 })),
          ci95: Type.Optional(Type.Tuple([Type.Number(), Type.Number()])),
          mad: Type.Optional(Type.Number({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    samples: Type.Optional(Type.Integer({ minimum: 0 })),
    outliers: Type.Optional(Type.Integer({ minimum: 0 })),
    distribution: Type.Optional(QuantilesSchema),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type Parameter = Static<typeof ParameterSchema>;

export const CostModelSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 20000 })),
    profile: Type.Union([Type.Literal('release'), Type.Literal('debug')]),
    tokio: Type.String({ minLength: 1, maxLength: 50 }),
    provenance: Type.Object(
      {
        kind: ProvenanceKind,
        source: Type.Optional(Type.String({ maxLength: 2000 })),
        machine: Type.Optional(
          Type.Object(
            {
              cpu: Type.Optional(Type.String()),
              cores: Type.Optional(Type.Integer({ minimum: 1 })),
              kernel: Type.Optional(Type.String()),
              hostname: Type.Optional(Type.String()),
              pinnedCores: Type.Optional(Type.String()),
              probeCpus: Type.Optional(
                Type.String({ description: 'the CPUs the probe could run on (its affinity mask), from its output: "0,1"; several runs that differ, joined by " | "' }),
              ),
            },
            { additionalProperties: false },
          ),
        ),
        features: Type.Optional(Type.Array(Type.String())),
        date: Type.Optional(Type.String()),
        probeRevision: Type.Optional(Type.String()),
        rustc: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    parameters: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), ParameterSchema, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type CostModel = Static<typeof CostModelSchema>;

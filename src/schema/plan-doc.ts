/**
 * The plan document that `dispatchsim plan --json/--out` writes and `report` and `compare` read:
 * the question (scenario, rate, targets, search space), the answer and runner-up, and every
 * configuration the simulator tried.
 *
 * Phase: sweep writes it; report and compare read it. One source of truth: the TypeBox schema is
 * the JSON Schema and, via `Static<>`, the type. Nothing time- or machine-dependent is stored.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AxisSchema } from './sweep-doc.js';

const Num = Type.Number();
const Value = Type.Union([Type.Number(), Type.String(), Type.Boolean()]);

export const PlanCandidateSchema = Type.Object(
  {
    index: Type.Integer({ minimum: 0 }),
    values: Type.Array(Value),
    flavor: Type.String(),
    workers: Num,
    cores: Num,
    cost: Num,
    source: Type.Literal('simulated'),
    replications: Num,
    metrics: Type.Record(Type.String(), Num, { description: 'sweep metrics (µs unless named otherwise), mean over the runs' }),
    checks: Type.Array(Type.Object({ slo: Type.String(), value: Num, margin: Num }, { additionalProperties: false })),
    meets: Type.Boolean(),
    analytic: Type.Optional(Type.Unknown({ description: "the analytic model's verdict on this configuration" })),
  },
  { additionalProperties: false },
);
export type PlanCandidate = Static<typeof PlanCandidateSchema>;

export const PlanDocSchema = Type.Object(
  {
    kind: Type.Literal('dispatchsim-plan'),
    version: Type.Literal(1),
    scenario: Type.Object({ name: Type.String(), file: Type.Optional(Type.String()) }, { additionalProperties: false }),
    model: Type.Object({ name: Type.String(), profile: Type.String(), provenance: Type.String() }, { additionalProperties: false }),
    ratePerSec: Num,
    ratePointers: Type.Array(Type.String()),
    slos: Type.Array(
      Type.Object(
        { text: Type.String(), metric: Type.String(), op: Type.Union([Type.Literal('<='), Type.Literal('>=')]), target: Num },
        { additionalProperties: false },
      ),
    ),
    axes: Type.Array(AxisSchema),
    answer: Type.Optional(PlanCandidateSchema),
    runnerUp: Type.Optional(PlanCandidateSchema),
    tried: Type.Array(PlanCandidateSchema),
    considered: Num,
    invalid: Num,
    pruned: Num,
    prunedOverloaded: Num,
    simulated: Num,
    analyticAvailable: Type.Boolean(),
    warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type PlanDoc = Static<typeof PlanDocSchema>;

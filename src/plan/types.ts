/**
 * The Plan: the intermediate form that every back-end reads (simulator, analytic model, the
 * probe's `execute`). The types here are derived from the one schema in `src/schema/plan.ts`
 * (published as `schema/plan.schema.json`); change the schema, not these lines.
 *
 * Phase: normalize → (simulate | analyze | measure). Produced by `normalizeScenario`.
 */
import type { Static } from '@sinclair/typebox';
import type {
  InstrSchema,
  PlanChannelSchema,
  PlanCostEntrySchema,
  PlanCostSchema,
  PlanRuntimeSchema,
  PlanSchema,
  PlanSourceSchema,
  PlanTaskSchema,
} from '../schema/plan.js';

/** A cost distribution in integer nanoseconds. */
export type PlanCost = Static<typeof PlanCostSchema>;
export type PlanCostEntry = Static<typeof PlanCostEntrySchema>;
/** One instruction: an `op` and integer operands. Semantics are in docs/semantics.md. */
export type Instr = Static<typeof InstrSchema>;
/** The instruction names. */
export type Op = Instr['op'];
export type PlanTask = Static<typeof PlanTaskSchema>;
export type PlanChannel = Static<typeof PlanChannelSchema>;
export type PlanSource = Static<typeof PlanSourceSchema>;
export type PlanRuntime = Static<typeof PlanRuntimeSchema>;
export type Plan = Static<typeof PlanSchema>;

/**
 * What a self-test check is: a scenario and a cost model built in code, and the figures read
 * from each replication's Result together with their exact expected values.
 *
 * Phase: selftest. Checks are plain data plus `measure` functions, so the runner treats every
 * kind of check (queueing formula, hand-computed timeline, scheduler rule) the same way.
 */
import type { CostModel } from '../schema/model.js';
import type { Scenario } from '../schema/scenario.js';
import type { Result } from '../schema/result.js';

export interface CheckMetric {
  /** Row label, e.g. 'M/M/1 sojourn W'. */
  name: string;
  unit: string;
  expected: number;
  measure(result: Result): number;
}

export interface Check {
  id: string;
  /** stochastic: pass when `expected` lies in the replication mean's confidence interval;
   *  deterministic: every replication must give `expected` to within `toleranceAbs`. */
  kind: 'stochastic' | 'deterministic';
  scenario: Scenario;
  model: CostModel;
  /** Records each replication must complete (a run that loses or invents records fails). */
  records: number;
  metrics: CheckMetric[];
  /** Where the expected values come from (printed with --json and in docs/selftest.md). */
  basis: string;
  toleranceAbs?: number;
}

/** Size of a self-test run: customers per queueing replication and replications per check. */
export interface SelftestSize {
  customers: number;
  replications: number;
}

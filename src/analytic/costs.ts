/**
 * Cost moments for the analytic model: the runtime's mechanistic parameters read once into plain
 * numbers (ns), and mean / second moment of every Plan cost distribution.
 *
 * Phase: analyze (set-up). The per-op table is model/runtime-costs.ts, shared with the simulator.
 */
import type { CostModel } from '../schema/model.js';
import type { PlanCost } from '../plan/types.js';
import { runtimeCosts, type RuntimeCosts } from '../plan/runtime-costs.js';

/** A non-negative random duration summarized by its first two moments and its quantile function. */
export interface Moments {
  mean: number;
  /** E[X²]. */
  m2: number;
}

/** The simulator's own per-op cost table (integer ns), so exact cases agree to the nanosecond. */
export type AnalyticCosts = RuntimeCosts;

export function analyticCosts(model: CostModel, driver: 'none' | 'timer' | 'timer_io'): AnalyticCosts {
  return runtimeCosts(model, driver);
}

/** Mean and second moment of a cost distribution (ns, ns²). Quantile tables are piecewise linear. */
export function costMoments(c: PlanCost): Moments {
  switch (c.dist) {
    case 'const':
      return { mean: c.ns, m2: c.ns * c.ns };
    case 'uniform': {
      const a = c.minNs;
      const b = c.maxNs;
      return { mean: (a + b) / 2, m2: (a * a + a * b + b * b) / 3 };
    }
    case 'exponential':
      return { mean: c.meanNs, m2: 2 * c.meanNs * c.meanNs };
    case 'lognormal': {
      const s2 = c.sigma * c.sigma;
      return { mean: c.medianNs * Math.exp(s2 / 2), m2: c.medianNs * c.medianNs * Math.exp(2 * s2) };
    }
    case 'quantiles': {
      let m = 0;
      let m2 = 0;
      for (let i = 1; i < c.p.length; i++) {
        const dp = c.p[i] - c.p[i - 1];
        const a = c.ns[i - 1];
        const b = c.ns[i];
        m += ((a + b) / 2) * dp;
        m2 += ((a * a + a * b + b * b) / 3) * dp;
      }
      return { mean: m, m2 };
    }
  }
}

export const variance = (m: Moments): number => Math.max(0, m.m2 - m.mean * m.mean);

/** Squared coefficient of variation (0 for a constant). */
export const scv = (m: Moments): number => (m.mean > 0 ? variance(m) / (m.mean * m.mean) : 0);

/** Sum of independent durations. */
export function addMoments(a: Moments, b: Moments): Moments {
  return { mean: a.mean + b.mean, m2: a.m2 + 2 * a.mean * b.mean + b.m2 };
}

/** Sum of n independent copies of x. */
export function scaleMoments(x: Moments, n: number): Moments {
  const v = variance(x);
  const mean = n * x.mean;
  return { mean, m2: n * v + mean * mean };
}

export const constMoments = (ns: number): Moments => ({ mean: ns, m2: ns * ns });

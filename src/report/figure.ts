/**
 * A report figure: a title, where its numbers came from, and a Vega-Lite spec.
 *
 * Phase: report. Specs are built from fixed field names chosen here; user strings (scenario,
 * task, model names) appear only as data values or titles, never as field names or Vega
 * expressions, so no input can inject code into the chart runtime.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Result } from '../schema/result.js';

export interface Figure {
  id: string;
  title: string;
  /** One line per distinct origin of the plotted numbers, e.g. "simulated · model m (release, calibrated)". */
  sources: string[];
  /** A short paragraph under the title: what the chart shows and how to read it. */
  explain?: string;
  spec: TopLevelSpec;
}

export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 260;

/**
 * What a spec starts with when one set of rows feeds the whole chart (a single view, or layers
 * sharing the data): the report's chart width, a height (the standard one unless the rows need
 * more) and the rows inline. Spread it first in the spec, so its keys keep their place in the JSON.
 */
export function sizedChart<T extends object>(
  values: T[],
  height = CHART_HEIGHT,
): { width: number; height: number; data: { values: T[] } } {
  return { width: CHART_WIDTH, height, data: { values } };
}

/** "simulated · model m (release, calibrated)": where a Result's numbers came from. */
export function originOf(r: Pick<Result, 'source' | 'model'>): string {
  return `${r.source} · model ${r.model.name} (${r.model.profile}, ${r.model.provenance})`;
}

/** Distinct entries in first-seen order (stable output). */
export function distinct<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

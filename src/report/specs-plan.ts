/**
 * Figures from a plan document (`dispatchsim plan --out`): every configuration the simulator
 * tried against the targets, with the target drawn as a line, and how many cores each keeps busy.
 *
 * Phase: report. Labels come from schema/labels.ts (words and units, never metric keys).
 */
import type { PlanDoc } from '../schema/plan-doc.js';
import { LABELS, labelOf } from '../schema/labels.js';
import { CHART_WIDTH, type Figure } from './figure.js';

/** "partitions 4 · wait strategy await": one configuration in words. */
export function configLabel(doc: PlanDoc, values: readonly unknown[]): string {
  return doc.axes.map((a, i) => `${LABELS[a.label]?.words ?? a.label} ${String(values[i])}`).join(' · ');
}

const CORE_PARTS = ['coresUseful', 'coresWaiting', 'coresScheduler'] as const;

const origin = (doc: PlanDoc) => `simulated · model ${doc.model.name} (${doc.model.profile}, ${doc.model.provenance})`;

export function planFigures(doc: PlanDoc, k: number): Figure[] {
  const out: Figure[] = [];
  const rate = `${(doc.ratePerSec / 1000).toPrecision(4)}k records/s`;
  doc.slos.forEach((slo, s) => {
    const values = doc.tried.map((c) => ({
      config: configLabel(doc, c.values),
      value: c.metrics[slo.metric],
      verdict: c === doc.tried.find((t) => t.index === doc.answer?.index) ? 'answer' : c.meets ? 'meets the targets' : 'misses',
    }));
    const spread = Math.max(...values.map((v) => v.value)) / Math.max(1e-9, Math.min(...values.map((v) => v.value)));
    out.push({
      id: `plan-${k}-slo-${s}`,
      title: `${labelOf(slo.metric)} of each configuration tried, at ${rate}`,
      explain:
        `Each bar is one configuration the simulator ran (${doc.tried.length} of ${doc.considered} considered; the others were ` +
        `invalid, pruned by the analytic model or not needed once an answer and a runner-up were found). The line is the target ` +
        `${slo.text}; the answer is the cheapest configuration that meets every target (at equal cost, the one with fewer cores busy).` +
        (spread > 30 ? ' The axis is logarithmic: the values span more than a decade.' : ''),
      sources: [origin(doc)],
      spec: {
        width: CHART_WIDTH,
        height: Math.max(160, 26 * values.length),
        layer: [
          {
            data: { values },
            mark: { type: 'bar', tooltip: true },
            encoding: {
              y: { field: 'config', type: 'nominal', sort: null, title: 'configuration' },
              x: {
                field: 'value',
                type: 'quantitative',
                title: labelOf(slo.metric),
                scale: spread > 30 ? { type: 'log' } : { zero: true },
              },
              color: {
                field: 'verdict',
                type: 'nominal',
                title: 'verdict',
                scale: { domain: ['answer', 'meets the targets', 'misses'], range: ['#1a9850', '#91cf60', '#d73027'] },
              },
            },
          },
          {
            data: { values: [{ target: slo.target, label: `target ${slo.text}` }] },
            mark: { type: 'rule', color: '#333', strokeDash: [6, 3], strokeWidth: 2 },
            encoding: { x: { field: 'target', type: 'quantitative' }, tooltip: { field: 'label', type: 'nominal' } },
          },
        ],
      },
    });
  });
  const cores = doc.tried.flatMap((c) =>
    CORE_PARTS.map((m, order) => ({
      config: configLabel(doc, c.values),
      order,
      part: LABELS[m].words,
      cores: c.metrics[m] ?? 0,
    })),
  );
  if (doc.tried.length)
    out.push({
      id: `plan-${k}-cores`,
      title: `Cores busy per configuration, at ${rate}`,
      explain:
        'CPU in use on average, in cores, split into useful work (the records), waiting (yield_now/spin loops that find nothing ' +
        'to do) and the scheduler (polls, driver, steals, wake-ups). A configuration that meets the target with fewer cores busy ' +
        'leaves the rest of the machine to other work.',
      sources: [origin(doc)],
      spec: {
        width: CHART_WIDTH,
        height: Math.max(160, 26 * doc.tried.length),
        data: { values: cores },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'config', type: 'nominal', sort: null, title: 'configuration' },
          x: { field: 'cores', type: 'quantitative', stack: 'zero', title: 'cores busy (cores)' },
          color: {
            field: 'part',
            type: 'nominal',
            title: 'CPU spent on',
            scale: { domain: CORE_PARTS.map((m) => LABELS[m].words), range: ['#4575b4', '#fdae61', '#999999'] },
          },
          order: { field: 'order', type: 'quantitative' },
        },
      },
    });
  return out;
}

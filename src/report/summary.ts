/**
 * The summary table at the top of a report: for every input, the model, its provenance and
 * build profile, the runtime flavor, and the source (simulated / analytic / measured) of its
 * numbers.
 *
 * Phase: report. Every cell is user input and is HTML-escaped here.
 */
import { escapeHtml } from './escape.js';
import type { ReportInput } from './inputs.js';
import { distinct } from './figure.js';

export interface SummaryRow {
  file: string;
  kind: string;
  scenario: string;
  model: string;
  provenance: string;
  profile: string;
  runtime: string;
  source: string;
}

const COLUMNS: [keyof SummaryRow, string][] = [
  ['file', 'input'],
  ['kind', 'kind'],
  ['scenario', 'scenario'],
  ['model', 'model'],
  ['provenance', 'provenance'],
  ['profile', 'profile'],
  ['runtime', 'runtime'],
  ['source', 'source'],
];

export function summaryRows(inputs: readonly ReportInput[]): SummaryRow[] {
  return inputs.map((i): SummaryRow => {
    switch (i.kind) {
      case 'result': {
        const r = i.doc;
        const runtime = `${r.runtime.flavor}, ${r.runtime.workers} worker(s), ${r.runtime.cores} core(s)`;
        return {
          file: i.file,
          kind: 'result',
          scenario: r.scenario.name,
          model: r.model.name,
          provenance: r.model.provenance,
          profile: r.model.profile,
          runtime,
          source: r.runs && r.runs.count > 1 ? `${r.source}, ${r.runs.count} runs` : r.source,
        };
      }
      case 'sweep': {
        const d = i.doc;
        const source = d.engine === 'both' ? 'simulated + analytic' : d.engine === 'sim' ? 'simulated' : 'analytic';
        const grid = d.grid.map((a) => `${[a.pointer, ...(a.also ?? [])].join('+')} (${a.values.length})`).join(', ');
        return {
          file: i.file,
          kind: `sweep: ${d.points.length}/${d.totalPoints} points × ${d.replications} rep. over ${grid}`,
          scenario: d.scenario.name,
          model: d.model.name,
          provenance: d.model.provenance,
          profile: d.model.profile,
          runtime: d.runtime.flavor,
          source,
        };
      }
      case 'validation': {
        const rows = i.doc;
        const models = distinct(rows.map((r) => r.model ?? '—')).join(', ');
        const predicted = distinct(rows.map((r) => r.predictedSource ?? 'predicted')).join(' + ');
        return {
          file: i.file,
          kind: `validation: ${rows.length} rows`,
          scenario: distinct(rows.map((r) => r.scenario)).join(', '),
          model: models,
          provenance: '—',
          profile: '—',
          runtime: '—',
          source: `${predicted} vs measured`,
        };
      }
      case 'plan': {
        const d = i.doc;
        return {
          file: i.file,
          kind: `plan: ${d.slos.map((s) => s.text).join(', ')} at ${d.ratePerSec} records/s; ${d.tried.length} configurations simulated`,
          scenario: d.scenario.name,
          model: d.model.name,
          provenance: d.model.provenance,
          profile: d.model.profile,
          runtime: d.answer
            ? `${d.answer.flavor}, ${d.answer.workers} worker(s), ${d.answer.cores} core(s) (answer)`
            : 'no answer',
          source: 'simulated',
        };
      }
      case 'trace':
        return {
          file: i.file,
          kind: `trace: ${i.doc.traceEvents.length} events${i.doc.otherData?.truncated ? ' (truncated)' : ''}`,
          scenario: i.doc.otherData?.scenario ?? '—',
          model: i.doc.otherData?.model ?? '—',
          provenance: '—',
          profile: '—',
          runtime: '—',
          source: i.doc.otherData?.source ?? 'not recorded',
        };
    }
  });
}

export function summaryTable(rows: readonly SummaryRow[]): string {
  const head = `<tr>${COLUMNS.map(([, h]) => `<th>${h}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${COLUMNS.map(([k]) => `<td>${escapeHtml(r[k])}</td>`).join('')}</tr>`);
  return `<table class="summary">${head}${body.join('')}</table>`;
}

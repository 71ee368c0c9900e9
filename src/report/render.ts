/**
 * `renderReport`: report inputs → one self-contained HTML page.
 *
 *   inputs ─► 1. figures (Vega-Lite specs, data inlined) ─► 2. summary table ─► 3. page
 *              (libraries inlined, specs as escaped JSON, a small boot script)
 *
 * Phase: report. Pure: the caller passes the libraries (see assets.ts) and writes the file. The
 * page makes no request: a Content-Security-Policy forbids every fetch (`default-src 'none'`),
 * and the boot script only hands inlined specs to vega-embed. Output is deterministic (no
 * dates, stable order), so the same inputs give the same bytes.
 */
import type { Result } from '../schema/result.js';
import type { ChartLibrary } from './assets.js';
import { escapeHtml, jsonForScript } from './escape.js';
import type { Figure } from './figure.js';
import type { ReportInput } from './inputs.js';
import { breakdownFigure, cdfFigure, coresFigure, labelResults, latencyFigure, runsFigure } from './specs-result.js';
import { planFigures } from './specs-plan.js';
import { sweepHeatmaps, sweepLineFigures } from './specs-sweep.js';
import { sweepBreakdownFigure, sweepCdfFigure, sweepLatencyFigure, sweepTimelineFigure } from './specs-sweep-detail.js';
import { timelineFigure } from './specs-trace.js';
import { validationFigures } from './specs-validation.js';
import { summaryRows, summaryTable } from './summary.js';

export interface ReportOptions {
  title?: string;
}

/** Builds every figure the inputs support, in a fixed order. */
export function buildFigures(inputs: readonly ReportInput[]): Figure[] {
  const results = inputs.flatMap((i) => (i.kind === 'result' ? [i.doc] : []));
  const validation = inputs.flatMap((i) => (i.kind === 'validation' ? [i.doc] : []));
  const measured = results.filter((r: Result) => r.source === 'measured');
  const runs = labelResults(results);
  const sweeps = inputs.flatMap((i) => (i.kind === 'sweep' ? [i.doc] : []));
  const plans = inputs.flatMap((i) => (i.kind === 'plan' ? [i.doc] : []));
  const figures: (Figure | undefined)[] = [];
  // Distributions first, then throughput and latency across the grid, then where the CPU went,
  // predicted vs measured, and timelines.
  plans.forEach((d, k) => figures.push(...planFigures(d, k)));
  if (runs.length) figures.push(latencyFigure(runs), runsFigure(runs), cdfFigure(runs), coresFigure(runs));
  sweeps.forEach((d, s) => figures.push(sweepLatencyFigure(d, s), sweepCdfFigure(d, s)));
  sweeps.forEach((d, s) => figures.push(...sweepLineFigures(d, s, validation.flat(), measured), ...sweepHeatmaps(d, s)));
  if (runs.length) figures.push(breakdownFigure(runs));
  sweeps.forEach((d, s) => figures.push(sweepBreakdownFigure(d, s)));
  if (validation.length) figures.push(...validationFigures(validation));
  sweeps.forEach((d, s) => figures.push(sweepTimelineFigure(d, s)));
  inputs
    .filter((i) => i.kind === 'trace')
    .forEach((i, k) => i.kind === 'trace' && figures.push(timelineFigure(i.doc, k, i.file)));
  return figures.filter((f): f is Figure => f !== undefined);
}

// The boot script is a constant: it never contains user data, only reads the JSON island.
const BOOT = `(function(){
  var specs = JSON.parse(document.getElementById('dispatchsim-specs').textContent);
  var pending = specs.map(function (f) {
    return vegaEmbed('#' + f.id, f.spec, { mode: 'vega-lite', renderer: 'svg', actions: false })
      .then(function () { document.getElementById(f.id).setAttribute('data-rendered', 'ok'); })
      .catch(function (e) { document.getElementById(f.id).setAttribute('data-rendered', 'error'); console.error('chart ' + f.id + ': ' + e); });
  });
  Promise.all(pending).then(function () { document.body.setAttribute('data-charts-done', String(specs.length)); });
})();`;

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222}
table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}
th{background:#f4f4f4}section{margin:28px 0}.from{color:#555;font-size:12px;margin:2px 0 8px}h2{font-size:17px;margin:0}
.note{color:#555;font-size:12px}.warning{color:#a33;font-size:13px}.explain{margin:4px 0;max-width:760px}`;

const CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:";

/** Each Result's DS3020 warning (its runs split into regimes), as a note under the summary. */
function regimeNotes(inputs: readonly ReportInput[]): string[] {
  return inputs.flatMap((i) =>
    i.kind !== 'result'
      ? []
      : i.doc.warnings
          .filter((w) => w.code === 'DS3020')
          .map((w) => `<p class="warning">${escapeHtml(`${i.file}: warning: ${w.message} [${w.code}]`)}</p>`),
  );
}

export function renderReport(
  inputs: readonly ReportInput[],
  libraries: readonly ChartLibrary[],
  opts: ReportOptions = {},
): string {
  const figures = buildFigures(inputs);
  const title = opts.title ?? 'dispatchsim report';
  const sections = figures.map(
    (f) =>
      `<section><h2>${escapeHtml(f.title)}</h2>${f.explain ? `<p class="explain">${escapeHtml(f.explain)}</p>` : ''}<p class="from">from: ${escapeHtml(f.sources.join(' | '))}</p><div class="chart" id="${escapeHtml(f.id)}"></div></section>`,
  );
  const libs = libraries.map((l) => `<!-- ${escapeHtml(l.name)} ${escapeHtml(l.version)} --><script>${l.source}</script>`);
  const specs = figures.map((f) => ({ id: f.id, spec: f.spec }));
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    summaryTable(summaryRows(inputs)),
    ...regimeNotes(inputs),
    `<p class="note">${figures.length} figures. Generated by dispatchsim; charts by ${libraries.map((l) => escapeHtml(`${l.name} ${l.version}`)).join(', ')}, inlined (works offline).</p>`,
    ...sections,
    `<script type="application/json" id="dispatchsim-specs">${jsonForScript(specs)}</script>`,
    ...libs,
    `<script>${BOOT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport, buildFigures } from '../../../src/report/render.js';
import { classifyDocument, type ReportInput } from '../../../src/report/inputs.js';
import { cdfPoints } from '../../../src/report/specs-result.js';
import { InputError } from '../../../src/schema/diagnostics.js';
import { fixtureResult, fixtureSweep, fixtureTrace, fixtureValidation } from './fixtures.js';

const FAKE_LIBS = [{ name: 'vega', version: '0', source: '/* lib */' }];

function allInputs(name = 'pipeline-4p'): ReportInput[] {
  return [
    classifyDocument(fixtureResult(name), 'a.json'),
    classifyDocument(fixtureResult(name, 'measured', 1.1), 'm.json'),
    classifyDocument(fixtureSweep(name), 's.json'),
    classifyDocument(fixtureValidation(name), 'v.json'),
    classifyDocument(fixtureTrace(), 't.json'),
  ];
}

test('classifyDocument recognizes each kind and rejects the rest with DS1701 or schema errors', () => {
  assert.deepEqual(
    allInputs().map((i) => i.kind),
    ['result', 'result', 'sweep', 'validation', 'trace'],
  );
  assert.throws(
    () => classifyDocument({ hello: 1 }, 'x.json'),
    (e: unknown) => e instanceof InputError && e.diagnostics[0].code === 'DS1701',
  );
  const bad = { ...fixtureSweep(), replications: 'three' };
  assert.throws(
    () => classifyDocument(bad, 'x.json'),
    (e: unknown) => e instanceof InputError && e.diagnostics.some((d) => d.pointer === '/replications'),
  );
});

test('every figure kind is built, with sources named', () => {
  const figs = buildFigures(allInputs());
  const ids = figs.map((f) => f.id);
  const sweepDetail = ['sweep-0-latency-percentiles', 'sweep-0-latency-cdf', 'sweep-0-breakdown', 'sweep-0-timeline'];
  for (const id of [
    'latency-percentiles',
    'latency-cdf',
    'breakdown',
    'validation-0',
    'timeline-0',
    'sweep-0-0-recordsPerSec',
    'heatmap-0-recordsPerSec-simulated',
    ...sweepDetail,
  ])
    assert.ok(ids.includes(id), `missing ${id} in ${ids.join(',')}`);
  for (const f of figs) assert.ok(f.sources.length > 0, f.id);
  // The scatter says how each point was measured: where the source thread ran, the cpu wait.
  const scatter = JSON.stringify(figs.find((f) => f.id === 'validation-0')!.spec);
  for (const s of [
    '"sourceThread":"own CPU"',
    '"sourceThread":"placed by the OS"',
    '"cpuWaitPct":31',
    '"shape":{"field":"sourceThread"',
  ])
    assert.ok(scatter.includes(s), s);
  const tput = figs.find((f) => f.id === 'sweep-0-1-recordsPerSec')!;
  assert.ok(JSON.stringify(tput.spec).includes('measured'), 'measured points overlaid on the workers axis');
  // Sweep detail follows the slice through the traced point (partitions=4 workers=2).
  const pct = figs.find((f) => f.id === 'sweep-0-latency-percentiles')!;
  assert.match(pct.title, /by partitions at workers=2/);
  const configs = new Set((pct.spec as { data: { values: { config: string }[] } }).data.values.map((v) => v.config));
  assert.deepEqual(
    [...configs],
    ['partitions=1 workers=2', 'partitions=2 workers=2', 'partitions=4 workers=2', 'partitions=8 workers=2'],
  );
  const bars = new Set(
    (figs.find((f) => f.id === 'sweep-0-breakdown')!.spec as { data: { values: { config: string }[] } }).data.values.map(
      (v) => v.config,
    ),
  );
  assert.equal(bars.size, 4 + 3 - 1, 'the slices along both axes through the traced point');
});

test('a tied axis is titled in words and overlays measurements at any of them', () => {
  const sweep = fixtureSweep();
  sweep.grid[1] = { ...sweep.grid[1], pointer: '/machine/cores', also: ['/runtime/workers'], label: 'cores' };
  const figs = buildFigures([classifyDocument(sweep, 's.json'), classifyDocument(fixtureValidation(), 'v.json')]);
  const f = figs.find((x) => x.id === 'sweep-0-1-recordsPerSec')!;
  const text = JSON.stringify(f.spec);
  assert.ok(text.includes('cores = worker threads'), 'axis title: the tied axis in words, not pointers');
  assert.ok(!text.includes('"title":"/machine'), 'no JSON pointer as a title');
  assert.ok(text.includes('"name":"measured"'), 'the row measured at /runtime/workers = 2 is on the tied axis');
});

test('the report is deterministic and user strings are inert', () => {
  const evil = '</script><img src=x onerror=alert(1)>';
  const html = renderReport(allInputs(evil), FAKE_LIBS);
  assert.equal(html, renderReport(allInputs(evil), FAKE_LIBS));
  assert.ok(!html.includes('<img'), 'no raw tag from user input');
  assert.ok(html.includes('&lt;/script&gt;&lt;img'), 'escaped in the summary table');
  const island = html.match(/<script type="application\/json" id="dispatchsim-specs">([^]*?)<\/script>/)![1];
  assert.ok(JSON.stringify(JSON.parse(island)).includes(evil), 'spec JSON carries the name intact');
  assert.ok(html.includes("default-src 'none'"), 'CSP forbids requests');
});

test('cdfPoints is monotone and ends at 1', () => {
  const pts = cdfPoints(fixtureResult().latencyBuckets);
  for (let i = 1; i < pts.length; i++) assert.ok(pts[i].fraction >= pts[i - 1].fraction && pts[i].us >= pts[i - 1].us);
  assert.equal(pts[pts.length - 1].fraction, 1);
  assert.deepEqual(cdfPoints([]), []);
});

test('a run set that splits into regimes: each run on the runs figure, coloured by regime, and the DS3020 warning under the summary', () => {
  const r = fixtureResult('yield-spin');
  r.runs = {
    count: 4,
    representative: 0,
    metrics: {
      p50Us: { values: [500, 60_000, 520, 62_000], median: 30_000, p10: 506, p90: 61_400 },
      p99Us: { values: [900, 80_000, 950, 81_000], median: 40_000, p10: 915, p90: 80_700 },
    },
    regimes: {
      metric: 'p50Us',
      groups: [
        { runs: [1, 3], median: 61_000 },
        { runs: [0, 2], median: 510 },
      ],
    },
  };
  r.warnings.push({ code: 'DS3020', message: 'the runs split into two regimes: 2 of 4 runs: p50 ≈ 61 ms; 2 of 4: ≈ 510 µs' });
  const inputs = [classifyDocument(r, 'r.json')];
  const fig = buildFigures(inputs).find((f) => f.id === 'runs-spread');
  assert.ok(fig, 'the runs figure');
  const spec = JSON.stringify(fig.spec);
  assert.match(spec, /"regime":"regime 1 of p50Us \(2 of 4 runs\)"/);
  assert.match(spec, /"regime":"regime 2 of p50Us \(2 of 4 runs\)"/);
  const html = renderReport(inputs, FAKE_LIBS);
  assert.match(
    html,
    /<p class="warning">r\.json: warning: the runs split into two regimes: 2 of 4 runs: p50 ≈ 61 ms; 2 of 4: ≈ 510 µs \[DS3020\]<\/p>/,
  );
  assert.match(html, /simulated, 4 runs/);
  // One run: no runs figure.
  assert.equal(
    buildFigures([classifyDocument(fixtureResult(), 'a.json')]).find((f) => f.id === 'runs-spread'),
    undefined,
  );
});

/**
 * Reports people read: axis titles in words (no JSON pointers), heatmap colours relative to
 * meaningful differences, log axes where validation values span decades, a paragraph under the
 * charts that need one, and traces labelled measured vs simulated, with truncation said.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFigures } from '../../../src/report/render.js';
import { classifyDocument } from '../../../src/report/inputs.js';
import type { ChromeTrace } from '../../../src/schema/chrome-trace.js';
import { fixtureSweep, fixtureTrace, fixtureValidation } from './fixtures.js';
import { ROOT, runMain } from '../../helpers.js';

const json = (f: { spec: unknown }) => JSON.stringify(f.spec);

test('sweep charts title their axes in words, and heatmap colours span at least 10 % of the top value', () => {
  const figs = buildFigures([classifyDocument(fixtureSweep('s'), 's.json')]);
  for (const f of figs) assert.doesNotMatch(`${f.title} ${json(f)}`, /"title":"\/|vs \//, f.id);
  const heat = figs.find((f) => f.id.startsWith('heatmap-'))!;
  const domain = /"domain":\[([-\d.e]+),([-\d.e]+)\]/.exec(json(heat))!;
  const [lo, hi] = [Number(domain[1]), Number(domain[2])];
  assert.ok(hi - lo >= 0.1 * hi - 1e-9, `domain ${lo}..${hi}`);
  assert.ok(heat.explain);
});

test('validation scatter goes log when values span decades, and explains itself', () => {
  const base = fixtureValidation('s');
  const p99 = base.find((r) => r.metric === 'p99Us')!;
  const rows = [...base, { ...p99, scenario: 'slow', measured: 20000, predicted: 19000 }];
  const figs = buildFigures([classifyDocument(rows, 'v.json')]);
  const wide = figs.find((f) => f.id.startsWith('validation-') && /"type":"log"/.test(json(f)));
  assert.ok(wide, 'a log-scaled validation chart');
  assert.ok(figs.filter((f) => f.id.startsWith('validation-')).every((f) => f.explain));
});

test('a trace says whether it was measured or simulated, and when it is truncated', async () => {
  const t = fixtureTrace();
  const measured: ChromeTrace = {
    ...t,
    otherData: {
      source: 'measured',
      scenario: 'x',
      model: 'real tokio (the probe)',
      runUs: 200000,
      truncated: { spans: 40, coveredUs: 1100 },
    },
  };
  const [m] = buildFigures([classifyDocument(measured, 'm.json')]);
  assert.match(m.sources[0], /^measured on real tokio/);
  assert.match(m.title, /measured, truncated/);
  assert.match(m.explain ?? '', /TRUNCATED: it holds the first 40 trace events \(polls, sends, wakes\), 1100 µs of a 200 ms run/);
  const [bare] = buildFigures([classifyDocument(t, 't.json')]);
  assert.doesNotMatch(bare.sources[0], /^simulated/, 'an unlabelled trace is not called simulated');
  const dir = mkdtempSync(join(tmpdir(), 'ds-trace-'));
  const file = join(dir, 't.json');
  const r = await runMain([
    'simulate',
    join(ROOT, 'scenarios/architectures/v2-yield-2p-2c.json'),
    '--trace',
    file,
    '--trace-events',
    '50',
    '--json',
  ]);
  assert.equal(r.code, 0);
  const written = JSON.parse(readFileSync(file, 'utf8')) as ChromeTrace;
  assert.equal(written.otherData?.source, 'simulated');
  assert.equal(written.otherData?.truncated?.spans, 50);
});

test("a sweep's traced point is labelled simulated", () => {
  const figs = buildFigures([classifyDocument(fixtureSweep('s'), 's.json')]);
  const tl = figs.find((f) => f.id.endsWith('-timeline'))!;
  assert.match(tl.explain ?? '', /, simulated\./);
});

/**
 * `plan --json/--out` writes a plan document (schema/plan-doc.ts) that `report` reads: the
 * question, the answer, every configuration tried, in words; the summary uses labels, not keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyDocument } from '../../../src/report/inputs.js';
import { buildFigures } from '../../../src/report/render.js';
import type { PlanDoc } from '../../../src/schema/plan-doc.js';
import { ROOT, runMain } from '../../helpers.js';

test('plan --out writes a document report reads; --json prints it; the summary speaks words', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-plan-'));
  const out = join(dir, 'plan.json');
  const argv = ['plan', join(ROOT, 'scenarios/validation/ct-await-4p-poisson.json'), '--slo', 'p99<=100ms', '--rate', '10k/s'];
  const more = ['--vary', '/template/partitions=1,2', '--runs', '1', '--jobs', '1'];
  const r = await runMain([...argv, ...more, '--out', out]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /p99 latency [\d.]+ µs/);
  assert.doesNotMatch(r.out, /p99Us/);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as PlanDoc;
  assert.equal(doc.kind, 'dispatchsim-plan');
  assert.ok(doc.answer && doc.tried.length >= 1);
  const input = classifyDocument(doc, 'plan.json');
  assert.equal(input.kind, 'plan');
  const figs = buildFigures([input]);
  assert.ok(
    figs.some((f) => /p99 latency \(µs\)/.test(f.title)),
    figs.map((f) => f.title).join('; '),
  );
  assert.ok(figs.some((f) => /Cores busy/.test(f.title)));
  assert.ok(
    figs.every((f) => f.explain),
    'each plan chart explains itself',
  );
  const j = await runMain([...argv, ...more, '--json']);
  assert.equal(j.code, 0);
  // (stdout is captured together with the test runner's own output: look for the document, not parse all of it)
  assert.match(j.out, /"kind": "dispatchsim-plan"/);
});

test('a margin inside the model error band is a DS1707 warning', async () => {
  // Ask for a p99 just above what the answer gets: the margin is then below the band.
  const argv = [
    'plan',
    join(ROOT, 'scenarios/validation/ct-await-4p-poisson.json'),
    '--rate',
    '10k/s',
    '--vary',
    '/template/partitions=1',
    '--runs',
    '1',
    '--jobs',
    '1',
  ];
  const file = join(mkdtempSync(join(tmpdir(), 'ds-plan-')), 'p.json');
  assert.equal((await runMain([...argv, '--slo', 'p99<=100ms', '--out', file])).code, 0);
  const first = JSON.parse(readFileSync(file, 'utf8')) as PlanDoc;
  const p99 = first.answer!.metrics.p99Us;
  const tight = await runMain([...argv, '--slo', `p99<=${(p99 * 1.02).toFixed(1)}us`]);
  assert.match(tight.out, /DS1707/);
  assert.doesNotMatch((await runMain([...argv, '--slo', `p99<=${(p99 * 2).toFixed(1)}us`])).out, /DS1707/);
});

/**
 * The generated report in headless Chromium: every chart renders an SVG with marks, the page
 * makes no network request and logs no error, and a hostile scenario name stays inert; the
 * capacity report of the architectures sweep shows every chart kind, with a screenshot in reports/.
 *
 * Needs Chromium (Debian's /usr/bin/chromium, driven by playwright-core), which `npm test`'s setup
 * installs; missing, the tests fail saying so (skipped only with DISPATCHSIM_TEST_SKIP=browser). Every request other than the report file itself is recorded and aborted, so a
 * page that tries to reach a CDN fails the test even when there is no network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { chartLibraries } from '../../src/report/assets.js';
import { classifyDocument } from '../../src/report/inputs.js';
import { renderReport } from '../../src/report/render.js';
import { fixtureResult, fixtureSweep, fixtureTrace, fixtureValidation } from '../unit/report/fixtures.js';
import { runMain } from '../helpers.js';
import { chromiumPath, requirement } from '../requirements.js';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const BROWSER = requirement('browser');
const SKIP = BROWSER.skip;
/** The Chromium to launch; a missing one fails the test with what to install (requirements.ts). */
function chromiumExecutable(): string {
  BROWSER.check();
  return chromiumPath() as string;
}
// dist/test/browser → repository root.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const REPORTS = join(ROOT, 'reports');

function writeReport(name: string, scenarioName: string): string {
  const inputs = [
    classifyDocument(fixtureResult(scenarioName), 'sim.json'),
    classifyDocument(fixtureResult(scenarioName, 'measured', 1.1), 'measured.json'),
    classifyDocument(fixtureSweep(scenarioName), 'sweep.json'),
    classifyDocument(fixtureValidation(scenarioName), 'validation.json'),
    classifyDocument(fixtureTrace(), 'trace.json'),
  ];
  const file = join(REPORTS, 'tmp', name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderReport(inputs, chartLibraries(), { title: `report for ${scenarioName}` }));
  return file;
}

interface PageRun {
  requests: string[];
  errors: string[];
  dialogs: string[];
  charts: { id: string; state: string | null; marks: number }[];
  images: number;
  /** Marks of measured-point layers (cross symbols) across all charts. */
  overlays: number;
}

async function openReport(browser: Browser, file: string, screenshot?: string): Promise<PageRun> {
  const url = pathToFileURL(file).href;
  const run: PageRun = { requests: [], errors: [], dialogs: [], charts: [], images: 0, overlays: 0 };
  const context = await browser.newContext({ offline: true, viewport: { width: 1100, height: 900 } });
  await context.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    run.requests.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && run.errors.push(m.text()));
  page.on('pageerror', (e) => run.errors.push(String(e)));
  page.on('dialog', (d) => {
    run.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => r.url() !== url && !run.requests.includes(r.url()) && run.requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-charts-done]', { timeout: 30000 });
  run.charts = await page.$$eval('div.chart', (divs) =>
    divs.map((d) => ({
      id: d.id,
      state: d.getAttribute('data-rendered'),
      marks: d.querySelectorAll('svg g.role-mark > *').length,
    })),
  );
  run.images = await page.$$eval('img', (imgs) => imgs.length);
  // The measured-points layer is named 'measured' (src/report/specs-sweep.ts): Vega gives its marks that class.
  run.overlays = await page.$$eval('div.chart svg g.measured_marks > *', (ms) => ms.length);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await context.close();
  return run;
}

test('report renders every chart offline with no request and no console error', { skip: SKIP, timeout: 120000 }, async () => {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ARGS });
  try {
    const shot = join(REPORTS, 'report-browser.png');
    const run = await openReport(browser, writeReport('browser-report.html', 'pipeline-4p'), shot);
    assert.deepEqual(run.requests, [], 'no network request');
    assert.deepEqual(run.errors, [], 'no console error');
    assert.ok(run.charts.length >= 10, `expected every figure kind, got ${run.charts.length}`);
    for (const c of run.charts) {
      assert.equal(c.state, 'ok', `chart ${c.id} rendered`);
      assert.ok(c.marks > 0, `chart ${c.id} has marks`);
    }
    assert.ok(existsSync(shot), `screenshot at ${shot}`);
  } finally {
    await browser.close();
  }
});

/**
 * The capacity report of the issue, built the way a user builds it: `sweep` over the
 * architecture scenario (partitions × workers, both engines; 40 batches instead of 200 to keep
 * the test quick), `validate` against real `measure` output of the four yield-spin scenarios
 * saved from this machine (test/fixtures/validate/architectures), then `report`.
 */
async function writeCapacityReport(dir: string): Promise<string> {
  const scenario = JSON.parse(readFileSync(join(ROOT, 'scenarios/architectures/v2-yield-8p-2c.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  (scenario.template as { source: { batches: number } }).source.batches = 40;
  scenario.model = join(ROOT, 'models/tokio-1.24-2vcpu-release.json');
  const scenarioFile = join(dir, 'v2-yield-8p-2c.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  const sweep = join(dir, 'sweep.json');
  const s = await runMain([
    'sweep',
    scenarioFile,
    '--vary',
    '/template/partitions=1,2,4,8',
    '--vary',
    '/runtime/workers=1..8',
    '--engine',
    'both',
    '--out',
    sweep,
  ]);
  assert.equal(s.code, 0, s.out);
  const validation = join(dir, 'validation.json');
  const files = [1, 2, 4, 8].map((p) => join(ROOT, `scenarios/architectures/v2-yield-${p}p-2c.json`));
  const v = await runMain([
    'validate',
    ...files,
    '--measured',
    join(ROOT, 'test/fixtures/validate/architectures'),
    '--out',
    validation,
  ]);
  assert.ok(v.code === 0 || v.code === 6, v.out); // 6: figures outside tolerance, still a document
  const html = join(REPORTS, 'capacity-test.html');
  const r = await runMain(['report', sweep, validation, '--out', html, '--title', 'capacity: V2 yield-spin']);
  assert.equal(r.code, 0, r.out);
  return html;
}

test(
  'the architectures capacity report (sweep + validation) draws every chart kind offline',
  { skip: SKIP, timeout: 300000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-capacity-'));
    const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ARGS });
    try {
      const shot = join(REPORTS, 'capacity-browser.png');
      const run = await openReport(browser, await writeCapacityReport(dir), shot);
      assert.deepEqual(run.requests, [], 'no network request');
      assert.deepEqual(run.errors, [], 'no console error');
      const ids = run.charts.map((c) => c.id);
      for (const kind of [
        'latency-percentiles',
        'latency-cdf',
        'recordsPerSec',
        'p99Us',
        'heatmap-',
        'breakdown',
        'validation-',
        'timeline',
      ])
        assert.ok(
          ids.some((id) => id.includes(kind)),
          `a ${kind} chart among ${ids.join(', ')}`,
        );
      for (const c of run.charts) {
        assert.equal(c.state, 'ok', `chart ${c.id} rendered`);
        assert.ok(c.marks > 0, `chart ${c.id} has marks`);
      }
      assert.ok(run.overlays > 0, 'measured points overlaid on the sweep charts');
      assert.ok(existsSync(shot), `screenshot at ${shot}`);
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('a hostile scenario name is inert: no img element, no dialog', { skip: SKIP, timeout: 120000 }, async () => {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ARGS });
  try {
    const run = await openReport(browser, writeReport('hostile-report.html', '</script><img src=x onerror=alert(1)>'));
    assert.equal(run.images, 0, 'no img element');
    assert.deepEqual(run.dialogs, [], 'no dialog');
    assert.deepEqual(run.requests, [], 'no network request');
    assert.deepEqual(run.errors, [], 'no console error');
    assert.ok(run.charts.every((c) => c.state === 'ok' && c.marks > 0));
  } finally {
    await browser.close();
  }
});

/**
 * The generated report in headless Chromium: every chart renders an SVG with marks, the page
 * makes no network request and logs no error, and a hostile scenario name stays inert.
 *
 * Needs Debian's /usr/bin/chromium (driven by playwright-core); skipped, with that message, when
 * it is absent. Every request other than the report file itself is recorded and aborted, so a
 * page that tries to reach a CDN fails the test even when there is no network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { chartLibraries } from '../../src/report/assets.js';
import { classifyDocument } from '../../src/report/inputs.js';
import { renderReport } from '../../src/report/render.js';
import { fixtureResult, fixtureSweep, fixtureTrace, fixtureValidation } from '../unit/report/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SKIP = existsSync(CHROMIUM) ? false : `browser test skipped: Chromium not found at ${CHROMIUM} (apt-get install chromium)`;
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
}

async function openReport(browser: Browser, file: string, screenshot?: string): Promise<PageRun> {
  const url = pathToFileURL(file).href;
  const run: PageRun = { requests: [], errors: [], dialogs: [], charts: [], images: 0 };
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
    divs.map((d) => ({ id: d.id, state: d.getAttribute('data-rendered'), marks: d.querySelectorAll('svg g.role-mark > *').length })),
  );
  run.images = await page.$$eval('img', (imgs) => imgs.length);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await context.close();
  return run;
}

test('report renders every chart offline with no request and no console error', { skip: SKIP, timeout: 120000 }, async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
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

test('a hostile scenario name is inert: no img element, no dialog', { skip: SKIP, timeout: 120000 }, async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
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

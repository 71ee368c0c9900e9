// Screenshots of report HTML files: node scripts/screenshots-shoot.mjs <dir> <out-dir> <name…>
// Opens <dir>/<name>.html offline in headless Chromium, waits for the charts, and saves
// <out-dir>/report-<name>.png (1000 px wide, at most 2600 px tall; reduced until under 300 KB).
import { chromium } from 'playwright-core';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, out, ...names] = process.argv.slice(2);
const LIMIT = 300 * 1024;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  for (const name of names) {
    const url = pathToFileURL(join(dir, `${name}.html`)).href;
    const file = join(out, `report-${name}.png`);
    for (const scale of [1, 0.8, 0.65, 0.5]) {
      const context = await browser.newContext({ offline: true, viewport: { width: 1000, height: 900 }, deviceScaleFactor: scale });
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForSelector('body[data-charts-done]', { timeout: 60000 });
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1000, height: Math.min(height, 2600) } });
      await context.close();
      const size = statSync(file).size;
      console.log(`${file}: ${Math.round(size / 1024)} KB (scale ${scale}, ${Math.min(height, 2600)} of ${height} px)`);
      if (size < LIMIT) break;
    }
  }
} finally {
  await browser.close();
}

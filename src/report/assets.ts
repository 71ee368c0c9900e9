/**
 * The chart libraries inlined into every report: vega, vega-lite and vega-embed, read from
 * node_modules (their minified UMD builds), so a report opens offline with no external request.
 *
 * Phase: report (an explicit I/O module: the only file in src/report that reads the disk). The
 * packages' `exports` hide `build/`, so the package root is found from the resolved entry point.
 * Read once per process.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { assertInlineableScript } from './escape.js';

export interface ChartLibrary {
  name: string;
  version: string;
  source: string;
}

const LIBRARIES = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

let cached: ChartLibrary[] | undefined;

function packageRoot(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(name));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`internal: cannot find the package root of ${name}`);
    dir = up;
  }
}

/** The three libraries in load order (vega-embed needs the other two as globals). */
export function chartLibraries(): ChartLibrary[] {
  if (cached) return cached;
  cached = LIBRARIES.map(([name, file]) => {
    const root = packageRoot(name);
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const source = readFileSync(join(root, file), 'utf8');
    assertInlineableScript(name, source);
    return { name, version, source };
  });
  return cached;
}

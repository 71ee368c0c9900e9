/**
 * docs/errors.md documents every diagnostic code of the catalog (src/schema/diagnostics.ts) and
 * every warning code the simulator writes into Results, and no code that no longer exists; it
 * also lists every exit code of EXIT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG, EXIT } from '../../src/schema/diagnostics.js';
import { ROOT } from '../helpers.js';

function sourceCodes(dir: string, out = new Set<string>()): Set<string> {
  for (const e of readdirSync(join(ROOT, dir))) {
    const p = join(dir, e);
    if (statSync(join(ROOT, p)).isDirectory()) sourceCodes(p, out);
    else if (e.endsWith('.ts')) for (const m of readFileSync(join(ROOT, p), 'utf8').matchAll(/'(DS\d{4})'/g)) out.add(m[1]);
  }
  return out;
}

const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
const documented = new Set([...doc.matchAll(/^\| (DS\d{4}) \|/gm)].map((m) => m[1]));

test('every catalog code is documented in docs/errors.md', () => {
  assert.deepEqual(
    Object.keys(CATALOG).filter((c) => !documented.has(c)),
    [],
  );
});

test('every warning code written by src/ is documented', () => {
  assert.deepEqual([...sourceCodes('src')].filter((c) => !documented.has(c)).sort(), []);
});

test('docs/errors.md documents no code that no longer exists', () => {
  const known = new Set([...Object.keys(CATALOG), ...sourceCodes('src')]);
  assert.deepEqual(
    [...documented].filter((c) => !known.has(c)),
    [],
  );
});

test('docs/errors.md lists every exit code', () => {
  for (const code of Object.values(EXIT)) assert.match(doc, new RegExp(`^\\| ${code} \\|`, 'm'), `exit ${code}`);
});

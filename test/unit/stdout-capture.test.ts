/**
 * Tests that run the CLI in-process replace process.stdout.write to capture what it prints. Under
 * `node --test` the runner reports each finished test to its parent as binary chunks on that same
 * stdout: a capture that keeps them loses that test's report, and a failure can vanish without a
 * trace (a CI run of session 8 counted 784 tests of 785 that way). Every capturing assignment in
 * the test sources must let non-string chunks through (`typeof chunk === 'string' ? … : write(chunk)`).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The capturing assignments of a file (not the restores `= ow`) lacking a string check in their function. */
export function unsafeCaptures(text: string): number[] {
  const lines = text.split('\n');
  const bad: number[] = [];
  lines.forEach((line, i) => {
    const m = /process\.std(out|err)\.write\s*=\s*(.*)$/.exec(line);
    if (!m || /^[A-Za-z_$][\w$]*;?\s*$/.test(m[2])) return; // a restore of the saved writer
    // The capture is defined on this line, the next few, or the lines just before (a named helper).
    const near = lines.slice(Math.max(0, i - 12), i + 4).join('\n');
    if (!/typeof\s+\w+\s*===\s*'string'/.test(near)) bad.push(i + 1);
  });
  return bad;
}

test('a capture that keeps every chunk is caught; one that passes binary chunks through is not', () => {
  const keeps = `process.stdout.write = ((c: string | Uint8Array) => (chunks.push(String(c)), true)) as W;`;
  const passes = `process.stdout.write = ((c: string | Uint8Array) =>\n  typeof c === 'string' ? (chunks.push(c), true) : write(c)) as W;`;
  assert.deepEqual(unsafeCaptures(keeps), [1]);
  assert.deepEqual(unsafeCaptures(passes), []);
  assert.deepEqual(unsafeCaptures('process.stdout.write = ow;'), []);
});

test("every in-process stdout/stderr capture in the tests passes the runner's binary reports through", () => {
  const found: string[] = [];
  for (const f of [...sources(join(ROOT, 'test')), ...sources(join(ROOT, 'bench'))]) {
    if (f.endsWith('stdout-capture.test.ts')) continue; // this file's examples above
    for (const line of unsafeCaptures(readFileSync(f, 'utf8'))) found.push(`${relative(ROOT, f)}:${line}`);
  }
  assert.deepEqual(found, []);
});

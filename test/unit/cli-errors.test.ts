/**
 * CLI failure paths that must never show a stack trace: usage errors (exit 2, including option
 * checks and missing positionals, which used to run the handler anyway), and a model file named
 * by the scenario that does not exist (exit 5, located at the scenario's /model).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../helpers.js';

for (const argv of [
  ['simulate'],
  ['check'],
  ['selftest', '--replications', '1'],
  ['nonsense'],
  [],
  ['calibrate', '--dry-run', '--runs', '0'],
  ['calibrate', '--dry-run', '--runs', '2', '--from-samples', 'x.jsonl'],
]) {
  test(`dispatchsim ${argv.join(' ')}: usage error, exit 2, no stack trace`, async () => {
    const r = await runMain(argv);
    assert.equal(r.code, 2, r.out);
    assert.doesNotMatch(r.out, /internal error|\n\s+at /);
    assert.match(r.out, /^dispatchsim: .+\nRun 'dispatchsim --help' for usage\.\n$/);
  });
}

test('a missing model named by the scenario: exit 5, located at /model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-cli-'));
  try {
    const file = join(dir, 's.json');
    writeFileSync(
      file,
      '{\n  "name": "x",\n  "model": "nope/m.json",\n  "runtime": { "flavor": "current_thread" },\n  "template": { "kind": "async_call", "calls": 3 }\n}\n',
    );
    const r = await runMain(['check', file]);
    assert.equal(r.code, 5, r.out);
    assert.match(r.out, /s\.json:3:3 \/model cannot read 'nope\/m\.json': ENOENT \[DS5001\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Every command's `--help` shows 1–3 examples, and they run: each example (src/cli/examples.ts)
 * is executed in order in one temporary folder, with the package's scenarios/, models/ and
 * test/fixtures/ paths resolved, and must exit 0. Examples that build and run the Rust probe are
 * checked for options their command knows instead of being run (the probe tests run it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMAND_LOADERS, commandName, loadCommands } from '../../src/cli/commands/index.js';
import { EXAMPLES, exampleArgv } from '../../src/cli/examples.js';
import { ROOT, runMain } from '../helpers.js';

const names = (await loadCommands()).map((c) => commandName(c));

test('each command is registered under the name its module gives it (main imports only that module)', () => {
  assert.deepEqual(names, Object.keys(COMMAND_LOADERS));
});

test('every command has 1–3 examples, shown by its --help', async () => {
  for (const n of names) {
    const ex = EXAMPLES[n] ?? [];
    assert.ok(ex.length >= 1 && ex.length <= 3, `${n}: ${ex.length} examples`);
    for (const e of ex) assert.equal(exampleArgv(e.line)[0], n, `${n}: example '${e.line}' is for another command`);
    const help = await runMain([n, '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Examples:/, `${n} --help`);
  }
  assert.deepEqual(
    Object.keys(EXAMPLES).filter((k) => !names.includes(k)),
    [],
    'examples of unknown commands',
  );
});

test('every example runs (exit 0)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-examples-'));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    // In the table's order: files written by one example are read by a later one.
    for (const n of Object.keys(EXAMPLES))
      for (const e of EXAMPLES[n]) {
        const argv = exampleArgv(e.line).map((w) =>
          /^(scenarios|models|test\/fixtures)\//.test(w) && existsSync(join(ROOT, w)) ? join(ROOT, w) : w,
        );
        if (e.probe) {
          const help = (await runMain([...argv.slice(0, 1), '--help'])).out;
          for (const w of argv.filter((x) => x.startsWith('--'))) assert.ok(help.includes(w), `${e.line}: ${w} is not an option`);
          continue;
        }
        const r = await runMain(argv);
        assert.equal(r.code, 0, `dispatchsim ${e.line}\n${r.out}`);
      }
  } finally {
    process.chdir(cwd);
  }
});

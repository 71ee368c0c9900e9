/**
 * Names (issue 18, items 10 and 15): a task or output named `__proto__` is in the Result like any
 * other (plain assignment made it a prototype change and it vanished); control characters in a
 * name are not sent raw to the terminal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../../../src/schema/scenario.js';
import { run, runMain } from '../../helpers.js';

test('a task and an output named __proto__ are in the Result', () => {
  const s = JSON.parse(
    '{"name":"proto","runtime":{"flavor":"current_thread"},"tasks":{"__proto__":{"start":"block_on","program":[{"op":"compute","cost":1000}]}},"outputs":{"__proto__":"records + 1"}}',
  ) as Scenario;
  const r = run(s).result;
  assert.deepEqual(Object.keys(r.tasks), ['__proto__']);
  assert.deepEqual(Object.keys(r.outputs), ['__proto__']);
  assert.match(JSON.stringify(r), /"tasks":\{"__proto__":\{"elapsedUs"/);
});

test('an ANSI escape in the scenario name is shown escaped in the summary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-names-'));
  try {
    const f = join(dir, 's.json');
    writeFileSync(
      f,
      JSON.stringify({
        name: 'x\u001b[31mRED',
        runtime: { flavor: 'current_thread' },
        template: { kind: 'async_call', calls: 3 },
      }),
    );
    const r = await runMain(['simulate', f]);
    assert.equal(r.code, 0, r.out);
    assert.ok(!r.out.includes('\u001b'), 'no raw escape character');
    assert.match(r.out, /x\\u\{1b\}\[31mRED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

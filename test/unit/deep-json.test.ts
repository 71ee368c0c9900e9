/**
 * JSON nested as deep as the reader lets through must reach the schema check and get a located
 * diagnostic, never a stack overflow inside the (recursive) schema validator: `repeat` bodies
 * nested 450 JSON levels deep used to pass the reader (limit 512) and crash ajv's validator with
 * "internal error: RangeError: Maximum call stack size exceeded".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../helpers.js';
import { MAX_JSON_DEPTH } from '../../src/schema/validate.js';

/** A scenario whose block_on program nests `repeat` bodies until the JSON is `depth` levels deep. */
function deepScenario(depth: number): string {
  let op: unknown = { op: 'yield' };
  for (let d = 6; d + 2 <= depth; d += 2) op = { op: 'repeat', n: 1, body: [op] };
  return JSON.stringify({
    name: 'deep',
    runtime: { flavor: 'current_thread' },
    tasks: { main: { start: 'block_on', program: [op] } },
  });
}

for (const depth of [MAX_JSON_DEPTH, 450, 600]) {
  test(`a scenario nested ${depth} JSON levels deep: a DS1223 diagnostic, exit 3, no stack trace`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-deep-'));
    try {
      const file = join(dir, 'deep.json');
      writeFileSync(file, deepScenario(depth));
      for (const cmd of ['check', 'simulate']) {
        const r = await runMain([cmd, file]);
        assert.equal(r.code, 3, `${cmd}: ${r.out}`);
        assert.doesNotMatch(r.out, /internal error|Maximum call stack|\n\s+at /, cmd);
        assert.match(r.out, /deep\.json:1:\d+ \/\S* nesting deeper than \d+ levels \[DS1223\]/, cmd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

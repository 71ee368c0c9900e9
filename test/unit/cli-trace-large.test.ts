/**
 * A trace of more than ~120k spans: `simulate --trace` took the latest span's end with
 * Math.max(...spans), and the report's trace chart its window's end the same way; a spread that
 * large overflows V8's stack (RangeError: Maximum call stack size exceeded), so the command died
 * with an internal error instead of writing the trace. Both now take the maximum in a loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../helpers.js';

test('simulate --trace with 200k spans writes the trace, and report draws it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-trace-large-'));
  try {
    const s = join(dir, 's.json');
    writeFileSync(
      s,
      JSON.stringify({
        name: 'many-polls',
        runtime: { flavor: 'current_thread' },
        template: { kind: 'multi_yield', tasks: 8, records: 1000, yieldsPerRecord: 25 },
      }),
    );
    const t = join(dir, 't.json');
    const sim = await runMain(['simulate', s, '--runs', '1', '--trace', t, '--trace-events', '200000', '--no-noise']);
    assert.equal(sim.code, 0, sim.out);
    const trace = JSON.parse(readFileSync(t, 'utf8')) as { traceEvents: unknown[] };
    assert.ok(trace.traceEvents.length > 150_000, `${trace.traceEvents.length} events`);
    const rep = await runMain(['report', t, '--out', join(dir, 'r.html')]);
    assert.equal(rep.code, 0, rep.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

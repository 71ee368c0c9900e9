/**
 * Arrival trace CSVs (issue 18, item 13): a data line is exactly `timeUs,records`, a decimal time
 * and a whole count. `NaN,5` and `Infinity,3` used to be skipped as headers, `0x10` read as 16,
 * fractional counts rounded and extra columns ignored; each is now DS1220 with its line. One
 * header line before the data, and a UTF-8 byte-order mark on a scenario, are still accepted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../../src/cli/load.js';
import { InputError } from '../../../src/schema/diagnostics.js';
import { ROOT } from '../../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-trace-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const MODEL = join(ROOT, 'models/tokio-1.24-2vcpu-release.json');

let made = 0;
function scenarioWith(csv: string, bom = false): string {
  made++;
  const trace = join(dir, `t${made}.csv`);
  writeFileSync(trace, csv);
  const file = join(dir, `s${made}.json`);
  const s = {
    name: 'trace-csv',
    runtime: { flavor: 'current_thread' },
    channels: { c: { kind: 'unbounded' } },
    tasks: {
      main: {
        start: 'block_on',
        program: [
          { op: 'spawn', task: 'w' },
          { op: 'join', task: 'w' },
        ],
      },
      w: { start: 'child', program: [{ op: 'while_open', channel: 'c', body: [{ op: 'compute', cost: 1 }] }] },
    },
    sources: { s: { channel: 'c', arrival: { kind: 'trace', file: trace }, records: 2, batches: 3 } },
  };
  writeFileSync(file, (bom ? '\ufeff' : '') + JSON.stringify(s, null, 2));
  return file;
}

for (const bad of ['NaN,5', 'Infinity,3', '0x10,2', '10,1.5', '10,2,7', '-5,1', '10,0']) {
  test(`trace line '${bad}' is DS1220`, () => {
    const file = scenarioWith(`timeUs,records\n0,1\n${bad}\n`);
    assert.throws(
      () => loadScenario(file, MODEL),
      (e: unknown) => e instanceof InputError && e.diagnostics.some((d) => d.code === 'DS1220' && /line 3/.test(d.message)),
    );
  });
}

test('a header line, comments and a byte-order mark are accepted', () => {
  const file = scenarioWith('# recorded\ntimeUs,records\n0,1\n10.5 2\n20,3\n', true);
  const { plan } = loadScenario(file, MODEL);
  assert.equal(plan.sources.length, 1);
});

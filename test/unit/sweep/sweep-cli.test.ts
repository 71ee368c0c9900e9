/**
 * Sweep merge and resume through the CLI (issue 18, items 3, 7 and 8): `sweep merge` runs (it
 * used to exit 2 asking for the sweep's own options); merging an incomplete set of shards, or
 * shards of different splits, is refused; --resume refuses another shard's file and points that
 * are not of the grid; a combination of values that breaks the scenario is reported, located,
 * before any point runs, and nothing is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../../helpers.js';
import { SMALL } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dispatchsim-sweep-cli-'));
const S = join(dir, 's.json');
writeFileSync(S, JSON.stringify(SMALL, null, 2));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const VARY = ['--vary', '/template/partitions=1..3', '--vary', '/runtime/workers=1,2', '--jobs', '1'];
const out = (name: string) => join(dir, name);

test('sweep merge through the CLI: all shards merge; a missing shard or another split is refused', async () => {
  for (const i of [1, 2, 3]) {
    const r = await runMain(['sweep', S, ...VARY, '--shard', `${i}/3`, '--out', out(`s${i}.json`)]);
    assert.equal(r.code, 0, r.out);
  }
  const whole = await runMain(['sweep', S, ...VARY, '--out', out('whole.json')]);
  assert.equal(whole.code, 0, whole.out);
  const m = await runMain(['sweep', 'merge', out('s1.json'), out('s2.json'), out('s3.json'), '--out', out('m.json')]);
  assert.equal(m.code, 0, m.out);
  assert.equal(readFileSync(out('m.json'), 'utf8'), readFileSync(out('whole.json'), 'utf8'));

  const partial = await runMain(['sweep', 'merge', out('s1.json'), out('s2.json'), '--out', out('m2.json')]);
  assert.equal(partial.code, 3, partial.out);
  assert.match(partial.out, /hold 4 of 6 points .*shards given: 1\/3, 2\/3.*\[DS1606\]/);
  assert.ok(!existsSync(out('m2.json')));

  const half = await runMain(['sweep', S, ...VARY, '--shard', '1/2', '--out', out('h1.json')]);
  assert.equal(half.code, 0, half.out);
  const mixed = await runMain(['sweep', 'merge', out('s1.json'), out('h1.json'), '--out', out('m3.json')]);
  assert.equal(mixed.code, 3, mixed.out);
  assert.match(mixed.out, /shard 1\/2, another input is of a split into 3/);
});

test('--resume refuses another shard, and points that are not of the grid', async () => {
  const f = out('r1.json');
  assert.equal((await runMain(['sweep', S, ...VARY, '--shard', '1/3', '--out', f])).code, 0);
  const before = readFileSync(f, 'utf8');
  const other = await runMain(['sweep', S, ...VARY, '--shard', '2/3', '--out', f, '--resume']);
  assert.equal(other.code, 3, other.out);
  assert.match(other.out, /holds shard 1\/3 and this run is shard 2\/3/);
  assert.equal(readFileSync(f, 'utf8'), before, 'the other shard is kept');

  const doc = JSON.parse(before) as { points: Array<{ index: number }> };
  doc.points[0].index = 41;
  writeFileSync(out('t.json'), JSON.stringify(doc));
  const tampered = await runMain(['sweep', S, ...VARY, '--shard', '1/3', '--out', out('t.json'), '--resume']);
  assert.equal(tampered.code, 3, tampered.out);
  assert.match(tampered.out, /point index 41 is outside the grid/);
});

test('an invalid combination is reported before any point runs, located, and nothing is written', async () => {
  const f = out('bad.json');
  const r = await runMain([
    'sweep',
    S,
    '--vary',
    '/template/partitions=1..4',
    '--vary',
    '/runtime/flavor=multi_thread,current_thread',
    '--jobs',
    '1',
    '--out',
    f,
  ]);
  assert.equal(r.code, 3, r.out);
  assert.match(
    r.out,
    /s\.json:\d+:\d+ \/template\/partitions with .*\/runtime\/flavor=current_thread the scenario is invalid: .*\[DS1603\]/,
  );
  assert.ok(!existsSync(f), 'nothing written');
});

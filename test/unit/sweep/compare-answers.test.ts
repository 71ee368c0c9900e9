/**
 * `compare`: two answers metric by metric, with the ratio, which is better, and — where both
 * sides have intervals — whether the runs separate them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSides, type Side } from '../../../src/sweep/compare-answers.js';
import { ROOT, runMain } from '../../helpers.js';

const side = (name: string, p99: [number, number, number], n: number, cores: number): Side => ({
  name,
  origin: name,
  metrics: { p99Us: { mean: p99[0], lo: p99[1], hi: p99[2], n }, coresBusy: { mean: cores, lo: cores, hi: cores, n } },
});

test('ratio, direction and better/worse per metric; overlapping intervals are not a difference', () => {
  const rows = compareSides(side('a', [100, 95, 105], 5, 4), side('b', [200, 190, 210], 5, 1));
  const p99 = rows.find((r) => r.metric === 'p99Us')!;
  assert.equal(p99.ratio, 0.5);
  assert.equal(p99.verdict, 'A is 2.00× lower (better)');
  assert.equal(rows.find((r) => r.metric === 'coresBusy')!.verdict, 'A is 4.00× higher (worse)');
  const overlap = compareSides(side('a', [100, 90, 115], 5, 1), side('b', [110, 100, 120], 5, 1));
  assert.match(overlap.find((r) => r.metric === 'p99Us')!.verdict, /not separated: the 95% intervals overlap/);
  assert.equal(overlap.find((r) => r.metric === 'coresBusy')!.verdict, 'about the same');
});

test('dispatchsim compare reads Results and sweep points; a sweep without #point is DS1708', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-compare-'));
  const s = join(ROOT, 'scenarios/validation/ct-await-1p.json');
  assert.equal(
    (
      await runMain([
        'sweep',
        s,
        '--vary',
        '/template/partitions=1,2',
        '--runs',
        '3',
        '--jobs',
        '1',
        '--out',
        join(dir, 's.json'),
      ])
    ).code,
    0,
  );
  const c = await runMain(['compare', `${join(dir, 's.json')}#0`, `${join(dir, 's.json')}#1`]);
  assert.equal(c.code, 0, c.out);
  assert.match(c.out, /p99 latency/);
  assert.match(c.out, /\[[\d.]+–[\d.]+\]/, 'intervals shown for 3 runs');
  const bad = await runMain(['compare', join(dir, 's.json'), `${join(dir, 's.json')}#1`]);
  assert.equal(bad.code, 3);
  assert.match(bad.out, /DS1708/);
  assert.equal((await runMain(['simulate', s, '--out', join(dir, 'r.json')])).code, 0);
  const rr = await runMain(['compare', join(dir, 'r.json'), join(dir, 'r.json')]);
  assert.match(rr.out, /p99 latency .* about the same/);
});

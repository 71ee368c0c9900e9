/**
 * The worker pool: one pool serves several runs (the SLO search's batches) with the same results
 * as a fresh pool per run; an input error fails its run with located diagnostics and leaves the
 * pool usable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CostModel } from '../../../src/schema/model.js';
import { InputError } from '../../../src/schema/diagnostics.js';
import { buildAxes, parseVary } from '../../../src/sweep/grid.js';
import { PointPool, runPoints } from '../../../src/sweep/pool.js';
import type { PointContext } from '../../../src/sweep/run-point.js';
import { readJson } from '../../helpers.js';
import { SMALL } from './fixtures.js';

const model = readJson<CostModel>('models/host-release.json');
const axes = buildAxes(SMALL, [parseVary('/template/partitions=1,2,3,4')], 'small.json');
const ctx: PointContext = { scenario: SMALL, axes, file: 'small.json', model, engine: 'sim', seeds: [7] };
const tasks = (values: number[]) => values.map((v, i) => ({ index: i, values: [v] }));

test('one pool, several runs: the same points as a fresh pool each time', async () => {
  const pool = new PointPool(2, ctx);
  try {
    const a = await pool.run(tasks([1, 2, 3]));
    const b = await pool.run(tasks([4, 2]));
    assert.deepEqual(
      a.map((p) => p.values),
      [[1], [2], [3]],
    );
    assert.equal(JSON.stringify(a), JSON.stringify(await runPoints(tasks([1, 2, 3]), { jobs: 1, ctx })));
    assert.equal(JSON.stringify(b), JSON.stringify(await runPoints(tasks([4, 2]), { jobs: 2, ctx })));
    assert.equal(JSON.stringify(b[1]), JSON.stringify(a[1]), 'a point does not depend on the run it is in');
  } finally {
    await pool.close();
  }
});

test('an input error fails its run with its diagnostics; the pool stays usable', async () => {
  // `workers` is only valid on multi_thread: flipping the flavor breaks normalization (DS1210).
  const flavor = buildAxes(SMALL, [parseVary('/runtime/flavor=current_thread,multi_thread')], 'small.json');
  const pool = new PointPool(1, { ...ctx, axes: flavor });
  try {
    await assert.rejects(
      pool.run([{ index: 0, values: ['current_thread'] }]),
      (e: unknown) => e instanceof InputError && e.diagnostics.some((d) => d.code === 'DS1210'),
    );
    const ok = await pool.run([{ index: 1, values: ['multi_thread'] }]);
    assert.equal(ok.length, 1);
    assert.ok(ok[0].summary.simulated!.records.mean > 0);
  } finally {
    await pool.close();
  }
});

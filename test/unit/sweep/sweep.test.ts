/**
 * End-to-end sweeps on the real simulator (small scenario): bytes do not depend on --jobs or on
 * sharding, common random numbers hold, and bad pointers/values are located diagnostics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CostModel } from '../../../src/schema/model.js';
import { InputError } from '../../../src/schema/diagnostics.js';
import { parseVary } from '../../../src/sweep/grid.js';
import { runSweep, type SweepRequest } from '../../../src/sweep/sweep.js';
import { mergeSweeps } from '../../../src/sweep/merge.js';
import { SMALL } from './fixtures.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const model = JSON.parse(readFileSync(join(ROOT, 'models/host-release.json'), 'utf8')) as CostModel;

const req = (over: Partial<SweepRequest> = {}): SweepRequest => ({
  scenario: SMALL,
  file: 'small.json',
  model,
  varies: [parseVary('/template/partitions=1..4:log2'), parseVary('/runtime/workers=1,2')],
  engine: 'sim',
  replications: 2,
  jobs: 1,
  ...over,
});

test('output is byte-identical for any --jobs and after merging shards', async () => {
  const one = JSON.stringify(await runSweep(req({ jobs: 1 })));
  const two = JSON.stringify(await runSweep(req({ jobs: 2 })));
  assert.equal(two, one);
  const shards = await Promise.all([1, 2].map((index) => runSweep(req({ jobs: 2, shard: { index, count: 2 } }))));
  assert.equal(JSON.stringify(mergeSweeps(shards.map((doc, i) => ({ file: `s${i}`, doc })))), one);
});

test('replication r uses the same seed at every point; seeds differ across replications', async () => {
  const doc = await runSweep(req());
  const seeds = doc.points.map((p) => p.runs.map((r) => r.seed).join(','));
  assert.equal(new Set(seeds).size, 1);
  assert.equal(doc.points[0].runs[0].seed, 7);
  assert.notEqual(doc.points[0].runs[1].seed, 7);
  assert.equal(doc.points.length, 6);
  assert.ok(doc.points.every((p, i) => p.index === i && p.summary.simulated!.recordsPerSec.n === 2));
});

test('points keep the per-op breakdown and latency quantiles; the scenario-as-written point carries a trace', async () => {
  const doc = await runSweep(req());
  assert.deepEqual(doc.quantiles?.at(-1), 1);
  // SMALL states partitions 2 and workers 2: grid point (2, 2), index 3.
  assert.equal(doc.tracedPoint, 3);
  assert.deepEqual(doc.points[3].values, [2, 2]);
  for (const p of doc.points) {
    const q = p.detail!.latencyQuantilesUs;
    assert.equal(q.length, doc.quantiles!.length);
    assert.ok(
      q.every((x, i) => i === 0 || x >= q[i - 1]),
      `quantiles ascend at point ${p.index}`,
    );
    assert.ok(Math.abs(q.at(-1)! - p.summary.simulated!.maxUs.mean) < 1e-6, 'the last quantile is the maximum');
    assert.ok(Object.values(p.detail!.breakdownUs).some((us) => us > 0));
    assert.equal(p.trace !== undefined, p.index === 3);
  }
  const spans = doc.points[3].trace!.traceEvents.filter((e) => e.ph === 'X');
  assert.ok(spans.length > 0 && spans.every((e) => typeof e.ts === 'number' && (e.dur ?? 0) >= 0));
  const analytic = await runSweep(req({ engine: 'analytic' }));
  assert.equal(analytic.tracedPoint, undefined);
  assert.ok(analytic.points.every((p) => p.detail === undefined && p.trace === undefined));
});

test('resume keeps existing points and runs only the missing ones', async () => {
  const full = await runSweep(req());
  const partial = { ...full, points: full.points.slice(0, 3) };
  let ran = 0;
  const resumed = await runSweep(req({ resume: partial, onPoint: () => ran++ }));
  assert.equal(ran, 3);
  assert.equal(JSON.stringify(resumed), JSON.stringify(full));
});

test('absent pointers and schema-breaking values are located diagnostics', async () => {
  await assert.rejects(
    runSweep(req({ varies: [parseVary('/topology/partitions=1,2')] })),
    (e: unknown) => e instanceof InputError && e.exitCode === 3 && e.diagnostics[0].code === 'DS1602',
  );
  await assert.rejects(
    runSweep(req({ varies: [parseVary('/template/partitions=0,2')] })),
    (e: unknown) =>
      e instanceof InputError &&
      e.diagnostics.length === 1 &&
      e.diagnostics[0].code === 'DS1603' &&
      e.diagnostics[0].pointer === '/template/partitions',
  );
});

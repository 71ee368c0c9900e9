/**
 * record_end / record_start (optional model parameters): fitted by `calibrate` from the probe's
 * `record` benchmark (the interpreter's per-record bookkeeping), from a saved sample.
 *
 * The fixture record-release.jsonl is real probe output (`probe microbench record body=end|start_end
 * reps=3 msgs=16 n=2048`, release, the 2-vCPU VM while it was shared: its figures are what that
 * run gave, not a calibration of this machine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { calibrate } from '../../../src/cli/commands/calibrate.js';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { fitLineRobust } from '../../../src/calibrate/stats.js';
import { checkModel } from '../../../src/model/load.js';

const FIX = 'test/fixtures/calibrate';
const base = { profile: 'release' as const, 'dry-run': true, quick: false, features: [], unstable: false, runs: 1, seed: 1 };

/** The Theil–Sen slope (calibrate's fit) of one `record` configuration, computed here from the fixture's lines. */
function slopeOf(body: string): number {
  const out = parseProbeOutput(readFileSync(`${FIX}/record-release.jsonl`, 'utf8'), 'f');
  const pts = out.samples
    .filter((s) => s.bench === 'record' && s.params.body === body)
    .map((s) => ({ x: s.iters, y: s.totalNs }));
  assert.ok(pts.length >= 8, `fixture has ${body} samples`);
  return fitLineRobust(pts).slope;
}

test('calibrate writes record_end (slope of body=end) and record_start (start_end − end) from the probe samples', async () => {
  const { model } = await calibrate({
    ...base,
    'from-samples': [`${FIX}/small-release.jsonl`, `${FIX}/record-release.jsonl`],
  });
  const end = model.parameters.record_end;
  const start = model.parameters.record_start;
  assert.ok(end && start, 'both parameters written');
  const round = (x: number) => Math.round(x * 10) / 10;
  assert.equal(end.value, round(slopeOf('end')));
  assert.equal(start.value, round(slopeOf('start_end') - slopeOf('end')));
  assert.equal(end.provenance, 'calibrated');
  assert.equal(start.provenance, 'calibrated');
  assert.equal(end.unit, 'ns');
  assert.match(end.source ?? '', /^record\{body=end /);
  assert.match(start.source ?? '', /record\{body=start_end .*− record_end/);
  // This run's figures: tens of ns per record (a loop step, a clock read, a histogram insert).
  assert.ok(end.value > 10 && end.value < 200, `record_end ${end.value}`);
  assert.ok(start.value > 5 && start.value < 200, `record_start ${start.value}`);
  assert.deepEqual(
    checkModel(model, 'x').filter((d) => d.severity === 'error'),
    [],
  );
});

test('without the record benchmark the model has neither parameter, and calibrate warns (DS1305)', async () => {
  const { model, warnings } = await calibrate({ ...base, 'from-samples': [`${FIX}/small-release.jsonl`] });
  assert.equal(model.parameters.record_end, undefined);
  assert.equal(model.parameters.record_start, undefined);
  for (const name of ['record_end', 'record_start'])
    assert.ok(
      warnings.some((d) => d.code === 'DS1305' && d.severity === 'warning' && d.pointer === `/parameters/${name}`),
      `DS1305 warning for ${name}`,
    );
});

test('calibrate writes compute_op (record body=compute_end − work_ns − record_end) from a debug probe run', async () => {
  // record-debug.jsonl: the record benchmark lines of the second of three debug suite runs on the
  // 2-vCPU VM (session 7, /tmp/s7/caldbg.jsonl), with that run's header.
  const out = parseProbeOutput(readFileSync(`${FIX}/record-debug.jsonl`, 'utf8'), 'f');
  const slope = (body: string) =>
    fitLineRobust(
      out.samples.filter((s) => s.bench === 'record' && s.params.body === body).map((s) => ({ x: s.iters, y: s.totalNs })),
    ).slope;
  const work = Number(out.samples.find((s) => s.params.body === 'compute_end')?.params.work_ns);
  assert.equal(work, 200);
  const { model } = await calibrate({
    ...base,
    profile: 'debug',
    'from-samples': [`${FIX}/host-debug.jsonl`, `${FIX}/record-debug.jsonl`],
  });
  const op = model.parameters.compute_op;
  assert.ok(op, 'compute_op written');
  assert.equal(op.provenance, 'calibrated');
  assert.equal(op.value, Math.round((slope('compute_end') - work - slope('end')) * 10) / 10);
  assert.match(op.source ?? '', /record\{body=compute_end .*− 200 − record_end/);
  // Debug: tens of ns beyond the 200 ns busy-wait and the record_end.
  assert.ok(op.value > 20 && op.value < 200, `compute_op ${op.value}`);
});

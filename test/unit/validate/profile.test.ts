/**
 * A measured Result says which build profile its figures are of: the probe's (its header's
 * `profile`), not the scenario's cost model's, which measuring never reads. Before, a debug
 * campaign's measured Results said "release" (the validation scenarios pin a release model), and
 * `validate --profile debug` without `--model` compared a release prediction with a debug
 * measurement without a word. Now `validate` notes every scenario whose prediction model is of
 * another profile than its measurement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '../../../src/cli/commands/validate.js';
import { stampProbeProfile } from '../../../src/validate/measure.js';
import type { Result } from '../../../src/schema/result.js';

const FIX = 'test/fixtures/validate';
const SCEN = 'scenarios/validation/study-yield.json';
const base = {
  profile: 'release' as const,
  repeat: 1,
  warmup: 0,
  'timeout-s': 60,
  place: 'apart' as const,
  tolerance: ['25%'],
  metrics: 'p50',
  runs: '2',
};

const measured = (): Result => JSON.parse(readFileSync(`${FIX}/study-yield.measured.json`, 'utf8')) as Result;

test("a measured Result's model.profile is the probe's build profile (its header), not the plan model's", () => {
  const r = measured();
  assert.equal(r.model.profile, 'release');
  stampProbeProfile(r, { type: 'header', profile: 'debug' });
  assert.equal(r.model.profile, 'debug');
  // An old probe's header without a profile leaves the plan's.
  const old = measured();
  stampProbeProfile(old, { type: 'header' });
  assert.equal(old.model.profile, 'release');
});

test('validate notes a prediction model of another build profile than the measurement, and only then', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-profile-'));
  const dbg = measured();
  dbg.model.profile = 'debug';
  writeFileSync(join(dir, 'study-yield.measured.json'), JSON.stringify(dbg));
  const mixed = await validate({ ...base, paths: [SCEN], measured: dir, model: 'models/host-release.json' });
  const note = mixed.notes.find((n) => n.includes('build profile'));
  assert.ok(note, mixed.notes.join('\n'));
  assert.match(note, /validation\/study-yield \(model 'host-release' release, measured debug\)/);
  // A debug model against the debug measurement: no note.
  const same = await validate({ ...base, paths: [SCEN], measured: dir, model: 'models/host-debug.json' });
  assert.ok(!same.notes.some((n) => n.includes('build profile')), same.notes.join('\n'));
  // The release measurement with the release model: no note either.
  const rel = mkdtempSync(join(tmpdir(), 'ds-profile-'));
  copyFileSync(`${FIX}/study-yield.measured.json`, join(rel, 'study-yield.measured.json'));
  const plain = await validate({ ...base, paths: [SCEN], measured: rel, model: 'models/host-release.json' });
  assert.ok(!plain.notes.some((n) => n.includes('build profile')), plain.notes.join('\n'));
});

test('validate notes a prediction for another tokio version than the measurement ran (--tokio over a campaign of another release)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-version-'));
  const m = measured();
  m.runtime.tokio = '1.24.2';
  writeFileSync(join(dir, 'study-yield.measured.json'), JSON.stringify(m));
  const mixed = await validate({ ...base, paths: [SCEN], measured: dir, model: 'models/host-release.json', tokio: '1.53' });
  const note = mixed.notes.find((n) => n.includes('another tokio version'));
  assert.ok(note, mixed.notes.join('\n'));
  assert.match(note, /validation\/study-yield \(predicted for 1\.53, measured on 1\.24\.2\)/);
  const same = await validate({ ...base, paths: [SCEN], measured: dir, model: 'models/host-release.json', tokio: '1.24' });
  assert.ok(!same.notes.some((n) => n.includes('another tokio version')), same.notes.join('\n'));
});

test("validate --tokio 1.47 with the scenarios' own 1.24 model says so (DS1228), once, as simulate does", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-version-'));
  const m = measured();
  m.runtime.tokio = '1.47.5';
  writeFileSync(join(dir, 'study-yield.measured.json'), JSON.stringify(m));
  const v = await validate({ ...base, paths: [SCEN, SCEN], measured: dir, tokio: '1.47' });
  const ds = v.notes.filter((n) => n.includes('[DS1228]'));
  assert.equal(ds.length, 1, v.notes.join('\n'));
  assert.match(ds[0], /model 'host-release' was calibrated on tokio 1\.24\.2, the scenario models tokio 1\.47/);
  const own = await validate({
    ...base,
    paths: [SCEN],
    measured: dir,
    tokio: '1.47',
    model: 'models/tokio-1.47-2vcpu-release.json',
  });
  assert.ok(!own.notes.some((n) => n.includes('[DS1228]')), own.notes.join('\n'));
});

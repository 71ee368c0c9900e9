/**
 * Run-level variation from between-run dispersion (src/calibrate/run-level.ts): `calibrate` with
 * several probe runs writes run_speed_sd and run_wake_sd; with one run they are unknown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrate } from '../../../src/cli/commands/calibrate.js';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { runNoiseLevels, runSpeedLevels, runWakeLevels } from '../../../src/calibrate/run-level.js';
import { validateDocument } from '../../../src/schema/validate.js';

const FIX = 'test/fixtures/calibrate/small-release.jsonl';
const base = { profile: 'release' as const, 'dry-run': true, quick: false, features: [], unstable: false, runs: 1, seed: 1 };
const one = readFileSync(FIX, 'utf8');

/** The fixture's run again with every slope sample × `speed` and every wake-up observation × `wake`. */
function rerun(speed: number, wake: number, only?: string): string {
  return one
    .split('\n')
    .map((l) => {
      if (!l.trim()) return l;
      const o = JSON.parse(l) as Record<string, unknown>;
      if (only !== undefined && o.bench !== only) return l;
      if (o.type === 'sample') o.totalNs = (o.totalNs as number) * speed;
      if (o.type === 'latency' && (o.bench === 'xwake' || o.bench === 'steal_wake')) o.ns = (o.ns as number) * wake;
      return JSON.stringify(o);
    })
    .join('\n');
}

test('one probe run: the run-level dispersions are unknown, and the model says so', async () => {
  const { model } = await calibrate({ ...base, 'from-samples': [FIX] });
  assert.equal(model.parameters.run_speed_sd, undefined);
  assert.equal(model.parameters.run_wake_sd, undefined);
  assert.match(model.description ?? '', /run_speed_sd, run_wake_sd, run_noise_sd\): unknown/);
  assert.equal(model.parameters.run_noise_sd, undefined);
  assert.equal(runSpeedLevels(parseProbeOutput(one, 'x')), undefined);
});

test('two runs, the second 10 % slower and its wake-ups 50 % slower: sd of the log levels', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-runlevel-'));
  const f = join(dir, 'two.jsonl');
  writeFileSync(f, `${one}\n${rerun(1.1, 1.5)}\n`);
  const { model } = await calibrate({ ...base, 'from-samples': [f] });
  assert.deepEqual(validateDocument('model', model, 'x'), []);
  const speed = model.parameters.run_speed_sd;
  const wake = model.parameters.run_wake_sd;
  assert.ok(speed && wake);
  // Levels ∓ ln(1.1)/2: the sample sd of two values is their difference / √2.
  assert.ok(Math.abs(speed.value - Math.log(1.1) / Math.SQRT2) < 1e-3, `run_speed_sd ${speed.value}`);
  assert.ok(Math.abs(wake.value - Math.log(1.5) / Math.SQRT2) < 1e-3, `run_wake_sd ${wake.value}`);
  assert.equal(speed.unit, 'ratio');
  assert.equal(speed.provenance, 'calibrated');
  assert.doesNotMatch(model.description ?? '', /Run-level variation[^.]*unknown/);
});

test('one benchmark slower in one run is that benchmark’s noise, not the run’s speed', () => {
  const out = parseProbeOutput(`${one}\n${rerun(3, 1, 'poll_self')}\n`, 'x');
  const rl = runSpeedLevels(out);
  assert.ok(rl && rl.configs >= 3);
  assert.ok(rl.sd < 1e-9, `sd ${rl.sd}`);
  assert.equal(runWakeLevels(out)?.sd, 0);
});

/** The fixture's run again with the noise benchmark's paused fraction × `f` (its rate, pauses and lengths as they were). */
function noisier(f: number): string {
  return one
    .split('\n')
    .map((l) => {
      if (!l.trim()) return l;
      const o = JSON.parse(l) as Record<string, unknown>;
      if (o.type === 'summary' && o.bench === 'noise') o.pausedFraction = (o.pausedFraction as number) * f;
      return JSON.stringify(o);
    })
    .join('\n');
}

test("run_noise_sd: the sd of the runs' log paused fraction; one run: unknown", async () => {
  assert.equal(runNoiseLevels(parseProbeOutput(one, 'x')), undefined);
  const dir = mkdtempSync(join(tmpdir(), 'ds-runnoise-'));
  const f = join(dir, 'three.jsonl');
  // Three runs losing 1×, 2× and 4× the fixture's share of time to pauses (as this VM's did: 1.5–6.6k pauses/s).
  writeFileSync(f, `${one}\n${noisier(2)}\n${noisier(4)}\n`);
  const out = parseProbeOutput(readFileSync(f, 'utf8'), f);
  const rl = runNoiseLevels(out);
  assert.ok(rl);
  assert.equal(rl.runs, 3);
  // Levels −ln 2, 0, +ln 2: sample sd ln 2.
  assert.ok(Math.abs(rl.sd - Math.LN2) < 1e-9, `sd ${rl.sd}`);
  const { model } = await calibrate({ ...base, 'from-samples': [f] });
  assert.deepEqual(validateDocument('model', model, 'x'), []);
  const p = model.parameters.run_noise_sd;
  assert.ok(p);
  assert.ok(Math.abs(p.value - Math.LN2) < 1e-3, `run_noise_sd ${p.value}`);
  assert.equal(p.unit, 'ratio');
  assert.equal(p.provenance, 'calibrated');
  assert.match(p.source ?? '', /paused fraction/);
});

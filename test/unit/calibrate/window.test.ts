/**
 * Window-level speed dispersion (src/calibrate/window.ts): earlier calibrations of the machine,
 * hours apart, give window_speed_sd; a run of a run set draws its speed from the run and window
 * dispersions together (plan/runtime-costs.ts combinedSpeedSd).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrate } from '../../../src/cli/commands/calibrate.js';
import {
  calibratedCosts,
  checkWindows,
  windowLevels,
  withWindowSpeed,
  type WindowCalibration,
} from '../../../src/calibrate/window.js';
import { loadScenario } from '../../../src/cli/load.js';
import { normalizeScenario } from '../../../src/plan/normalize.js';
import { planOfRun, runVariants } from '../../../src/plan/run-set.js';
import { runLevelFactors } from '../../../src/plan/runtime-costs.js';
import { validateDocument } from '../../../src/schema/validate.js';
import type { CostModel, Parameter } from '../../../src/schema/model.js';
import { model, readJson, ROOT } from '../../helpers.js';

const BIN = join(ROOT, 'bin', 'dispatchsim.js');
const base = readJson<CostModel>('models/host-release.json');

/** `m` with every calibrated cost × `f` (and parameter `odd`, if given, × `oddF` more). */
function scaled(m: CostModel, f: number, odd?: string, oddF = 1): CostModel {
  const costs = calibratedCosts(m);
  const parameters: Record<string, Parameter> = {};
  for (const [k, p] of Object.entries(m.parameters))
    parameters[k] = costs.has(k) ? { ...p, value: Math.round(p.value * f * (k === odd ? oddF : 1) * 10) / 10 } : p;
  return { ...m, parameters };
}

const sdOf = (xs: number[]) => {
  const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mu) ** 2, 0) / (xs.length - 1));
};

test('levels are each calibration’s common speed factor; one benchmark’s own excursion and non-cost parameters do not move them', () => {
  const wake = (m: CostModel): CostModel => ({
    ...m,
    parameters: { ...m.parameters, wake_latency: { ...m.parameters.wake_latency, value: m.parameters.wake_latency.value * 10 } },
  });
  const earlier: WindowCalibration[] = [
    { file: 'a/cal.json', model: wake(scaled(base, 1.1, 'poll_self', 3)) },
    { file: 'b/cal.json', model: scaled(base, 0.9) },
  ];
  const w = windowLevels(calibratedCosts(base), earlier);
  assert.ok(typeof w !== 'string', String(w));
  assert.ok(w.params.length >= 10, w.params.join(','));
  assert.ok(!w.params.includes('wake_latency'));
  const expect = [0, Math.log(1.1), Math.log(0.9)];
  const mu = expect.reduce((a, b) => a + b, 0) / 3;
  w.levels.forEach((l, i) => assert.ok(Math.abs(l.level - (expect[i] - mu)) < 0.002, `${l.file}: ${l.level}`));
  assert.ok(Math.abs(w.sd - sdOf(expect)) < 0.002, `sd ${w.sd} vs ${sdOf(expect)}`);
  assert.equal(w.levels[0].file, undefined, 'the first level is this calibration');
});

test('a re-fit of the same probe output counts once; too few distinct windows or common costs: a reason, no estimate', () => {
  const twice: WindowCalibration[] = [
    { file: 'a/cal.json', model: scaled(base, 1.1) },
    { file: 'a/refit.json', model: scaled(base, 1.1) },
    { file: 'me/again.json', model: base },
  ];
  const w = windowLevels(calibratedCosts(base), twice);
  assert.equal(typeof w, 'string', 'two distinct calibrations are not enough');
  assert.match(w as string, /found 2, 2 repeats/);
  const three = windowLevels(calibratedCosts(base), [...twice, { file: 'c/cal.json', model: scaled(base, 0.95) }]);
  assert.ok(typeof three !== 'string');
  assert.equal(three.levels.length, 3);
  assert.deepEqual(three.repeats, [
    { file: 'a/refit.json', of: 'a/cal.json' },
    { file: 'me/again.json', of: 'this calibration' },
  ]);
  const fewCosts = windowLevels(new Map([['poll_self', 40]]), [
    { file: 'a', model: scaled(base, 1.1) },
    { file: 'b', model: scaled(base, 0.9) },
  ]);
  assert.match(fewCosts as string, /5 or more per-op costs/);
});

test('windows of another tokio version, profile or machine are refused, naming the file (DS1309)', () => {
  const self = {
    tokio: base.tokio,
    profile: base.profile,
    cpu: base.provenance.machine?.cpu,
    cores: base.provenance.machine?.cores,
  };
  const other153: CostModel = { ...base, tokio: '1.53.1' };
  const debug: CostModel = { ...base, profile: 'debug' };
  const cpu: CostModel = {
    ...base,
    provenance: { ...base.provenance, machine: { ...base.provenance.machine!, cpu: 'Intel Xeon' } },
  };
  const ok = checkWindows([{ file: 'ok.json', model: scaled(base, 1.1) }], self);
  assert.deepEqual(ok, []);
  const d = checkWindows(
    [
      { file: 'v.json', model: other153 },
      { file: 'p.json', model: debug },
      { file: 'c.json', model: cpu },
    ],
    self,
  );
  assert.deepEqual(
    d.map((x) => [x.code, x.file, x.severity]),
    [
      ['DS1309', 'v.json', 'error'],
      ['DS1309', 'p.json', 'error'],
      ['DS1309', 'c.json', 'error'],
    ],
  );
  assert.match(d[0].message, /tokio 1\.53\.1/);
});

test('calibrate --windows writes window_speed_sd from the earlier calibrations; without them the model says it is unknown', async () => {
  const args = {
    profile: 'release' as const,
    'dry-run': true,
    quick: false,
    features: [],
    unstable: false,
    runs: 1,
    seed: 1,
    'from-samples': ['test/fixtures/calibrate/small-release.jsonl'],
  };
  const { model: alone } = await calibrate(args);
  assert.equal(alone.parameters.window_speed_sd, undefined);
  assert.match(alone.description ?? '', /Window-level variation \(window_speed_sd\): unknown/);
  const dir = mkdtempSync(join(tmpdir(), 'ds-window-'));
  const files = [1.08, 0.93].map((f, i) => {
    const file = join(dir, `w${i}.json`);
    writeFileSync(file, JSON.stringify(scaled(alone, f)));
    return file;
  });
  const { model: m } = await calibrate({ ...args, windows: files });
  const p = m.parameters.window_speed_sd;
  assert.ok(p, 'window_speed_sd written');
  assert.equal(p.samples, 3);
  assert.equal(p.provenance, 'calibrated');
  assert.ok(Math.abs(p.value - sdOf([0, Math.log(1.08), Math.log(0.93)])) < 0.003, `${p.value}`);
  assert.doesNotMatch(m.description ?? '', /Window-level variation/);
  assert.deepEqual(validateDocument('model', m, 'm.json'), []);
  await assert.rejects(
    calibrate({ ...args, windows: [...files, 'models/tokio-1.53-2vcpu-release.json'] }),
    (e: Error & { diagnostics?: { code: string; file: string }[] }) =>
      e.diagnostics?.some((x) => x.code === 'DS1309' && x.file === 'models/tokio-1.53-2vcpu-release.json') === true,
  );
});

test('dispatchsim model window adds the parameter to a model file atomically, and exits 3 naming a window of another version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-model-window-'));
  const files = [1.05, 0.96].map((f, i) => {
    const file = join(dir, `w${i}.json`);
    writeFileSync(file, JSON.stringify(scaled(base, f)));
    return file;
  });
  const out = join(dir, 'out.json');
  const ok = spawnSync(
    process.execPath,
    [BIN, 'model', 'window', join(ROOT, 'models/host-release.json'), '--windows', ...files, '--out', out],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /window_speed_sd 0\.0\d+ \(3 calibrations\)/);
  const written = JSON.parse(readFileSync(out, 'utf8')) as CostModel;
  assert.ok(written.parameters.window_speed_sd.value > 0);
  assert.equal(written.parameters.poll_self.value, base.parameters.poll_self.value, 'the rest of the model is unchanged');
  const bad = spawnSync(
    process.execPath,
    [
      BIN,
      'model',
      'window',
      join(ROOT, 'models/host-release.json'),
      '--windows',
      files[0],
      join(ROOT, 'models/tokio-1.53-2vcpu-release.json'),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(bad.status, 3);
  assert.match(bad.stderr, /tokio-1\.53-2vcpu-release\.json.*\[DS1309\]/);
  assert.equal(
    withWindowSpeed(base, [{ file: 'a', model: scaled(base, 1.1) }]),
    '3 or more distinct calibrations of this machine (this one and calibrate --windows <earlier models>; found 2)',
  );
});

test('a run of a run set draws its speed from the run and window dispersions together; without a window dispersion, as before', () => {
  const ratio = (value: number): Parameter => ({ value, unit: 'ratio', provenance: 'assumed', source: 'test' });
  const scenario = loadScenario(join(ROOT, 'scenarios/validation/ct-await-1p.json'), undefined, undefined, false).scenario;
  const runOnly: CostModel = { ...model(), parameters: { ...model().parameters, run_speed_sd: ratio(0.01) } };
  const both: CostModel = { ...runOnly, parameters: { ...runOnly.parameters, window_speed_sd: ratio(0.05) } };
  const plan = normalizeScenario(scenario, { model: both, noise: false });
  const logs: number[] = [];
  for (const v of runVariants(plan, 400)) {
    const p = planOfRun(plan, v);
    assert.equal(runLevelFactors(p, runOnly).speed, Math.exp(0.01 * v.speedZ), 'no window: exp(run_speed_sd · z) exactly');
    const f = runLevelFactors(p, both).speed;
    assert.ok(Math.abs(Math.log(f) - Math.hypot(0.01, 0.05) * v.speedZ) < 1e-12);
    logs.push(Math.log(f));
  }
  const sd = sdOf(logs);
  assert.ok(sd > 0.04 && sd < 0.062, `sd of log speed over 400 runs ${sd}`);
});

test('--center scales every per-op cost to the windows’ mean level and leaves latencies and dispersions as measured', () => {
  const earlier: WindowCalibration[] = [
    { file: 'a/cal.json', model: scaled(base, 1.1) },
    { file: 'b/cal.json', model: scaled(base, 1.2) },
  ];
  const c = withWindowSpeed(base, earlier, true);
  assert.ok(typeof c !== 'string');
  // This calibration is the fastest of the three: its level is log(1) − mean(log 1, log 1.1, log 1.2).
  const f = Math.exp((Math.log(1.1) + Math.log(1.2)) / 3);
  for (const k of ['poll_self', 'send_unbounded', 'spawn', 'steal'])
    assert.ok(
      Math.abs(c.parameters[k].value / base.parameters[k].value - f) < 0.01,
      `${k}: ${c.parameters[k].value} vs ${base.parameters[k].value} × ${f}`,
    );
  const ci = base.parameters.poll_self.spread!.ci95!;
  assert.ok(Math.abs(c.parameters.poll_self.spread!.ci95![1] / ci[1] - f) < 0.01);
  assert.deepEqual(c.parameters.wake_latency, base.parameters.wake_latency);
  assert.deepEqual(c.parameters.run_speed_sd, base.parameters.run_speed_sd);
  assert.match(c.description ?? '', /centred on the mean of 3 calibration windows: every cost parameter × 1\.0\d+/);
  const plain = withWindowSpeed(base, earlier);
  assert.ok(typeof plain !== 'string');
  assert.equal(plain.parameters.poll_self.value, base.parameters.poll_self.value, 'without --center the costs stay as measured');
  assert.deepEqual(validateDocument('model', c, 'c.json'), []);
});

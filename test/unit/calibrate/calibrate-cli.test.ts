/** `calibrate --from-samples`, criterion import, `model diff`: end to end without the probe. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrate } from '../../../src/cli/commands/calibrate.js';
import { validateDocument } from '../../../src/schema/validate.js';
import { checkModel } from '../../../src/model/load.js';
import { RUNTIME_PARAMETER_NAMES } from '../../../src/model/parameters.js';
import { InputError } from '../../../src/schema/diagnostics.js';
import { parseProbeOutput } from '../../../src/calibrate/probe-output.js';
import { diffModels } from '../../../src/calibrate/table.js';
import { importCriterion, readMapping } from '../../../src/calibrate/criterion.js';
import type { CostModel } from '../../../src/schema/model.js';

const FIX = 'test/fixtures/calibrate';
const base = { profile: 'release' as const, 'dry-run': true, quick: false, features: [], unstable: false, runs: 1, seed: 1 };

test('--from-samples fits a schema-valid model with every runtime parameter', async () => {
  const { model } = await calibrate({ ...base, 'from-samples': [`${FIX}/small-release.jsonl`] });
  assert.deepEqual(validateDocument('model', model, 'x'), []);
  assert.deepEqual(
    checkModel(model, 'x').filter((d) => d.severity === 'error'),
    [],
  );
  for (const name of RUNTIME_PARAMETER_NAMES) assert.ok(model.parameters[name], `missing ${name}`);
  assert.equal(model.profile, 'release');
  assert.equal(model.tokio, '1.24.2');
  assert.equal(model.provenance.kind, 'calibrated');
  assert.ok(model.parameters.wake_latency.distribution, 'latency-type keeps its distribution');
  assert.ok(model.parameters.poll_self.spread?.ci95, 'slope-type has a bootstrap CI');
  // Plausible, not invented: a poll costs tens of ns in release; the noise rate is a positive rate.
  assert.ok(model.parameters.poll_self.value > 5 && model.parameters.poll_self.value < 500);
  assert.equal(model.parameters.noise_rate.unit, 'per_sec');
});

test('the same samples and seed give the same parameters', async () => {
  const a = await calibrate({ ...base, 'from-samples': [`${FIX}/small-release.jsonl`] });
  const b = await calibrate({ ...base, 'from-samples': [`${FIX}/small-release.jsonl`] });
  assert.deepEqual(a.model.parameters, b.model.parameters);
});

test('a malformed probe line is an error naming its line', () => {
  const text =
    '{"type":"header","profile":"release","tokio":"1.24.2","features":[]}\n{"type":"sample","bench":"x","params":{},"iters":0,"totalNs":5}\nnot json\n';
  assert.throws(
    () => parseProbeOutput(text, 'f.jsonl'),
    (e: unknown) => e instanceof InputError && e.diagnostics.map((d) => [d.code, d.line]).join() === 'DS1304,2,DS1304,3',
  );
});

test('missing benchmarks are reported per parameter and nothing is returned', async () => {
  const only = 'test/fixtures/calibrate/only-header.jsonl';
  await assert.rejects(
    () => calibrate({ ...base, 'from-samples': [only] }),
    (e: unknown) =>
      e instanceof InputError &&
      e.diagnostics.filter((d) => d.code === 'DS1305' && d.severity === 'error').length === RUNTIME_PARAMETER_NAMES.length &&
      // An optional parameter without its benchmark is a warning: the model falls back.
      e.diagnostics.some(
        (d) => d.code === 'DS1305' && d.severity === 'warning' && d.pointer === '/parameters/worker_wake_latency',
      ),
  );
});

test('criterion import: slope preferred, mean as fallback, with the CI', () => {
  const m = importCriterion(`${FIX}/criterion`, readMapping(`${FIX}/criterion-mapping.json`));
  const send = m.get('send_unbounded');
  assert.equal(send?.est.value, 15.1);
  assert.deepEqual(send?.est.ci95, [14.8, 15.4]);
  assert.equal(send?.est.samples, 5);
  assert.equal(m.get('record_sql')?.est.value, 1220);
});

test('criterion estimates override the probe and extra names are added', async () => {
  const { model } = await calibrate({
    ...base,
    'from-samples': [`${FIX}/small-release.jsonl`],
    'import-criterion': `${FIX}/criterion`,
    mapping: `${FIX}/criterion-mapping.json`,
  });
  assert.equal(model.parameters.send_unbounded.value, 15.1);
  assert.match(model.parameters.send_unbounded.source ?? '', /criterion/);
  assert.equal(model.parameters.record_sql.value, 1220);
});

test('model diff: ratios b/a, largest first, one-sided parameters last', () => {
  const p = (value: number) => ({ value, unit: 'ns' as const, provenance: 'calibrated' as const });
  const mk = (params: Record<string, ReturnType<typeof p>>): CostModel => ({
    name: 'm',
    profile: 'release',
    tokio: '1',
    provenance: { kind: 'calibrated' },
    parameters: params,
  });
  const rows = diffModels(mk({ a: p(10), b: p(100), c: p(5) }), mk({ a: p(120), b: p(200), d: p(1) }));
  assert.deepEqual(
    rows.map((r) => [r.name, r.ratio]),
    [
      ['a', 12],
      ['b', 2],
      ['c', undefined],
      ['d', undefined],
    ],
  );
});

test("the probe's CPUs (its header's allowedCpus) reach the model's provenance, also from saved samples", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-cal-'));
  const text = readFileSync(`${FIX}/small-release.jsonl`, 'utf8');
  const withCpus = (cpus: string) =>
    text
      .split('\n')
      .map((l) => (l.includes('"type":"header"') ? l.replace('"type":"header"', `"type":"header","allowedCpus":"${cpus}"`) : l))
      .join('\n');
  writeFileSync(join(dir, 'a.jsonl'), withCpus('0,1'));
  writeFileSync(join(dir, 'b.jsonl'), withCpus('1'));
  const one = await calibrate({ ...base, 'from-samples': [join(dir, 'a.jsonl')] });
  assert.equal(one.model.provenance.machine?.probeCpus, '0,1');
  assert.deepEqual(validateDocument('model', one.model, 'x'), []);
  const two = await calibrate({ ...base, 'from-samples': [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')] });
  assert.equal(two.model.provenance.machine?.probeCpus, '0,1 | 1');
  const old = await calibrate({ ...base, 'from-samples': [`${FIX}/small-release.jsonl`] });
  assert.equal(old.model.provenance.machine?.probeCpus, undefined, 'older probe output: not stated');
});

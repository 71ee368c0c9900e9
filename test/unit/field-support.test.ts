/**
 * One Result for every back-end, and the field table (src/plan/field-support.ts): every scenario
 * field is listed, docs/semantics.md prints exactly that table, every field the table says the
 * analytic model refuses is refused with DS4005 (and the default is not), and the analytic
 * Result carries the same `outputs` keys as the simulated one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIELD_SUPPORT, fieldSupportMarkdown } from '../../src/plan/field-support.js';
import { schemaFor } from '../../src/schema/schemas.js';
import { NOISE_NOTE } from '../../src/analytic/applicability.js';
import { analyze } from '../../src/analytic/analyze.js';
import { simulate } from '../../src/runtime/simulate.js';
import { loadScenario, planScenario } from '../../src/cli/load.js';
import { InputError } from '../../src/schema/diagnostics.js';
import type { Scenario } from '../../src/schema/scenario.js';
import { ROOT, listJson, model, readJson, runMain } from '../helpers.js';

type Props = Record<string, { properties?: Props }>;

test('the field table lists every scenario field, and no other', () => {
  const top = (schemaFor('scenario') as { properties: Props }).properties;
  const fields: string[] = [];
  for (const [k, v] of Object.entries(top)) {
    if (v.properties) for (const sub of Object.keys(v.properties)) fields.push(`${k}.${sub}`);
    else fields.push(k);
  }
  assert.deepEqual(FIELD_SUPPORT.map((f) => f.field).sort(), fields.sort());
});

test('docs/semantics.md holds the generated field table', () => {
  const doc = readFileSync(join(ROOT, 'docs/semantics.md'), 'utf8');
  const m = /<!-- field-support:begin[^>]*-->\n([\s\S]*?)<!-- field-support:end -->/.exec(doc);
  assert.ok(m, 'docs/semantics.md has the field-support markers');
  assert.equal(m[1], fieldSupportMarkdown(), 'regenerate the table between the markers from fieldSupportMarkdown()');
});

/** How to set each field the analytic model refuses, on a scenario it otherwise answers. */
const REFUSED: Record<string, (s: Scenario) => void> = {
  'runtime.lifoSlot': (s) => (s.runtime.lifoSlot = false),
  'runtime.globalQueueInterval': (s) => (s.runtime.globalQueueInterval = 7),
  'runtime.timerPhaseUs': (s) => (s.runtime.timerPhaseUs = 300),
  'machine.cores': (s) => (s.machine = { ...s.machine, cores: 1 }),
};

test('every field the table marks refused is refused by analyze with DS4005 at its pointer', () => {
  const rel = 'scenarios/validation/mt-await-2p.json';
  const base = readJson<Scenario>(rel);
  assert.equal(base.runtime.flavor, 'multi_thread');
  assert.equal(analyze(planScenario(base, model()), model()).source, 'analytic', 'the base scenario is answered');
  const refused = FIELD_SUPPORT.filter((f) => f.analytic.startsWith('refused')).map((f) => f.field);
  assert.deepEqual(refused.sort(), Object.keys(REFUSED).sort(), 'a mutation for every refused field');
  for (const field of refused) {
    const s = structuredClone(base);
    REFUSED[field](s);
    const plan = planScenario(s, model(), rel);
    assert.throws(
      () => analyze(plan, model()),
      (e: unknown) =>
        e instanceof InputError &&
        e.exitCode === 4 &&
        e.diagnostics[0].code === 'DS4005' &&
        e.diagnostics[0].pointer === `/${field.replace('.', '/')}` &&
        e.diagnostics[0].message.includes(field),
      field,
    );
  }
});

test('the analytic Result has the same outputs keys as the simulated one, on every bundled scenario it answers', () => {
  let answered = 0;
  for (const rel of listJson('scenarios')) {
    const { plan, model: m } = loadScenario(join(ROOT, rel));
    if (Object.keys(plan.outputs).length === 0) continue;
    let a;
    try {
      a = analyze(plan, m);
    } catch (e) {
      if (e instanceof InputError) continue;
      throw e;
    }
    answered++;
    assert.deepEqual(Object.keys(a.outputs), Object.keys(simulate(plan, m).outputs), rel);
    assert.deepEqual(Object.keys(a.outputs), Object.keys(plan.outputs), rel);
  }
  assert.ok(answered > 0);
});

test('analyze --json and simulate --json give the same outputs keys (v1-sequential-2c)', async () => {
  const file = 'scenarios/architectures/v1-sequential-2c.json';
  const a = await runMain(['analyze', file, '--json']);
  const s = await runMain(['simulate', file, '--json']);
  assert.equal(a.code, 0, a.out);
  assert.equal(s.code, 0, s.out);
  const keys = (out: string) => Object.keys((JSON.parse(out) as { outputs: object }).outputs);
  assert.deepEqual(keys(a.out), ['recordsPerSecK', 'waitingCpuShare']);
  assert.deepEqual(keys(a.out), keys(s.out));
});

test('platform noise is answered for the idealised machine, and the analytic Result says so', () => {
  const base = readJson<Scenario>('scenarios/validation/mt-await-2p.json');
  const noisy = structuredClone(base);
  noisy.machine = { cores: 2, ...noisy.machine, noise: true };
  const quiet = structuredClone(base);
  quiet.machine = { cores: 2, ...quiet.machine, noise: false };
  const a = analyze(planScenario(noisy, model()), model());
  assert.equal(a.source, 'analytic');
  assert.ok(
    a.warnings.some((w) => w.code === 'DS4090' && w.message === NOISE_NOTE),
    JSON.stringify(a.warnings),
  );
  const b = analyze(planScenario(quiet, model()), model());
  assert.ok(!b.warnings.some((w) => w.message === NOISE_NOTE));
  assert.equal(a.latencyUs.p99, b.latencyUs.p99, 'the closed form is the same: only the note differs');
});

/**
 * A run shows a model's noisy parameters (DS1301) as one line naming them all; `check` lists each
 * with its location. The 1.53 model calibrated in session 6 has four: every simulate of a 1.53
 * scenario printed four warning lines before its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, loadScenario } from '../../src/cli/load.js';

const MODEL = 'models/tokio-1.53-2vcpu-release.json';

test('loadScenario folds several DS1301 of its model into one warning naming each parameter', () => {
  const each = loadModel(MODEL).warnings.filter((w) => w.code === 'DS1301');
  assert.ok(each.length >= 2, `the shipped 1.53 model has ${each.length} DS1301 (the test needs ≥ 2)`);
  const { warnings } = loadScenario('scenarios/versions/lifo-pingpong.json', MODEL);
  const wide = warnings.filter((w) => w.code === 'DS1301');
  assert.equal(wide.length, 1, JSON.stringify(wide));
  for (const w of each) assert.match(wide[0].message, new RegExp(`\\b${String(w.params?.name)}\\b`));
  assert.match(wide[0].message, /dispatchsim check/);
  // Located like every diagnostic (the fuzzer checks it): at the first noisy parameter.
  assert.equal(wide[0].pointer, each[0].pointer);
  assert.ok(wide[0].line !== undefined && wide[0].column !== undefined, JSON.stringify(wide[0]));
});

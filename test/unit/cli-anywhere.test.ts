/**
 * The CLI works from any working directory: the default model, the probe's sources and the
 * schema folder are found inside the package, not under the cwd (a newcomer's
 * `npx --prefix <clone> dispatchsim simulate …` from elsewhere used to fail with
 * `<cwd>/models/tokio-1.24-2vcpu-release.json … ENOENT`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

const BIN = join(ROOT, 'bin', 'dispatchsim.js');

function runElsewhere(args: string[], files: Record<string, string> = {}): { status: number | null; out: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'ds-cwd-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

test('simulate from another directory: a bundled scenario, and one without a model gets the bundled default', () => {
  const bundled = join(ROOT, 'scenarios', 'velostream', 'partition-simulation.json');
  const r = runElsewhere(['simulate', bundled]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /velostream-seed/);
  const { model: _named, ...noModel } = JSON.parse(readFileSync(bundled, 'utf8')) as Record<string, unknown>;
  const d = runElsewhere(['simulate', 'mine.json'], { 'mine.json': JSON.stringify(noModel) });
  assert.equal(d.status, 0, d.out);
  assert.match(d.out, /model tokio-1\.24-2vcpu-release/);
});

test("schema --check from another directory checks the package's schema folder", () => {
  const r = runElsewhere(['schema', '--check']);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /up to date/);
});

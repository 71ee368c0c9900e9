/**
 * The probe build per tokio release, without running cargo: the generated manifest that pins a
 * release, which releases need one, and the cargo arguments for each crate source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cargoArgs, pinnedManifest, pinnedTokio, tokioVendorDir, variantName } from '../../../src/probe/build.js';
import { ROOT } from '../../helpers.js';

const manifest = readFileSync(join(ROOT, 'probe', 'Cargo.toml'), 'utf8');

test('pinnedManifest: the probe manifest with tokio pinned, sources by absolute path, its own workspace', () => {
  const m = pinnedManifest(manifest, '/abs/probe', '1.53.1');
  assert.match(m, /^tokio = \{ version = "=1\.53\.1", features = \[/m);
  assert.match(m, /^build = "\/abs\/probe\/build\.rs"$/m);
  assert.match(m, /^path = "\/abs\/probe\/src\/main\.rs"$/m);
  assert.match(m, /\n\[workspace\]\n$/);
  assert.doesNotMatch(m, /version = "1"/);
  assert.throws(() => pinnedManifest('[package]\nname = "x"\n', '/p', '1.53.1'), /internal/);
});

test("pinnedTokio: Debian's own release builds from probe/Cargo.toml as it is; any other is pinned", () => {
  const reg = mkdtempSync(join(tmpdir(), 'ds-reg-'));
  mkdirSync(join(reg, 'tokio-1.24.2'));
  assert.equal(pinnedTokio({ tokio: '1.24.2' }, reg), undefined);
  assert.equal(pinnedTokio({ tokio: '1.53.1' }, reg), '1.53.1');
  assert.equal(pinnedTokio({}, reg), undefined);
  // No Debian registry: every named release is pinned (crates.io would otherwise pick the newest).
  assert.equal(pinnedTokio({ tokio: '1.24.2' }, join(reg, 'missing')), '1.24.2');
});

test('cargoArgs: a pinned release builds the generated manifest into its own target folder, offline against the merged source', () => {
  const o = { profile: 'release' as const, features: ['io'], unstable: false, tokio: '1.53.1' };
  assert.equal(variantName(o), 'release-io-tokio1.53.1');
  const args = cargoArgs(o, '/p', { kind: 'merged', dir: '/p/target/registry-debian-vendor' });
  assert.deepEqual(args.slice(0, 5), [
    'build',
    '--manifest-path',
    '/p/target/tokio-1.53.1/Cargo.toml',
    '--target-dir',
    '/p/target/release-io-tokio1.53.1',
  ]);
  assert.ok(args.includes('source.crates-io.replace-with="newtokio"'));
  assert.ok(args.includes('source.newtokio.directory="/p/target/registry-debian-vendor"'));
  assert.ok(args.includes('net.offline=true'));
  const online = cargoArgs(o, '/p', { kind: 'crates-io' });
  assert.ok(!online.includes('--offline') && !online.some((a) => a.includes('replace-with')));
});

test('tokioVendorDir: $DISPATCHSIM_TOKIO_VENDOR when it holds that tokio, nothing when none does', () => {
  const v = mkdtempSync(join(tmpdir(), 'ds-vendor-'));
  mkdirSync(join(v, 'tokio-9.9.9'));
  assert.equal(tokioVendorDir('9.9.9', { DISPATCHSIM_TOKIO_VENDOR: v }), undefined, 'no Cargo.toml: not a crate');
  writeFileSync(join(v, 'tokio-9.9.9', 'Cargo.toml'), '[package]\n');
  assert.equal(tokioVendorDir('9.9.9', { DISPATCHSIM_TOKIO_VENDOR: v }), v);
  assert.equal(tokioVendorDir('9.9.8', { DISPATCHSIM_TOKIO_VENDOR: v }), undefined);
});

/**
 * Builds the Rust probe with cargo (used by `calibrate` and `measure`).
 *
 * Phase: probe (I/O: runs cargo). Where Debian's packaged crate registry is installed
 * (`/usr/share/cargo/registry` with a `tokio-*` crate), the build runs offline against it
 * through `--config` flags on the command line — never a committed `.cargo/config`, so other
 * machines build from crates.io unchanged. Each variant (profile × features × tokio_unstable ×
 * tokio release) gets its own target directory so that building one never invalidates another.
 *
 * Another tokio release than Debian's (`tokio: "1.53.1"`): cargo builds a generated manifest,
 * probe/target/tokio-<release>/Cargo.toml — the probe's own, with `tokio = "=<release>"` and
 * absolute paths to probe/src — never an edit of probe/Cargo.toml. Offline when Debian's registry
 * and a vendor folder holding that tokio (docs/calibration.md, "Other tokio versions":
 * $DISPATCHSIM_TOKIO_VENDOR, else ../shared/vendor/tokio-crates beside the package) are both
 * there: the two are merged into one directory source of symlinks (the vendor folder's
 * merge-with-debian.sh) under probe/target/; otherwise from crates.io.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diag, EXIT, InputError } from '../schema/diagnostics.js';
import { packagePath } from '../io/package-root.js';
import { writeFileAtomic } from '../io/files.js';

export const DEBIAN_REGISTRY = '/usr/share/cargo/registry';

export interface ProbeBuildOptions {
  profile: 'release' | 'debug';
  features: string[];
  /** Build with RUSTFLAGS="--cfg tokio_unstable" (runtime metrics, disable_lifo_slot). */
  unstable?: boolean;
  /**
   * The tokio release to build against, e.g. "1.53.1"; undefined: the manifest's requirement
   * (Debian's packaged tokio offline, the newest 1.x from crates.io). Debian's own release is the
   * same build as undefined.
   */
  tokio?: string;
  /** Directory of probe/Cargo.toml. */
  probeDir?: string;
  /** Receives one line per notable event and cargo's stderr (for the user's stderr). */
  onLog: (line: string) => void;
}

type Variant = Pick<ProbeBuildOptions, 'profile' | 'features' | 'unstable' | 'tokio'>;

/** Name of a build variant, e.g. `release-io-unstable`, `release-io-tokio1.53.1`; also its target-dir name. */
export function variantName(o: Variant): string {
  const t = pinnedTokio(o);
  return [o.profile, ...[...o.features].sort(), ...(o.unstable ? ['unstable'] : []), ...(t ? [`tokio${t}`] : [])].join('-');
}

/** The release a variant pins, or undefined when it builds from probe/Cargo.toml as it is (Debian's tokio, or no pin). */
export function pinnedTokio(o: Pick<ProbeBuildOptions, 'tokio'>, registry = DEBIAN_REGISTRY): string | undefined {
  if (!o.tokio) return undefined;
  return hasDebianRegistry(registry) && existsSync(join(registry, `tokio-${o.tokio}`)) ? undefined : o.tokio;
}

/**
 * The vendor folder with the newer tokio crates (a cargo directory source), when it holds tokio
 * `release`: $DISPATCHSIM_TOKIO_VENDOR, else `../shared/vendor/tokio-crates` beside the package.
 */
export function tokioVendorDir(release: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [env.DISPATCHSIM_TOKIO_VENDOR, packagePath('..', 'shared', 'vendor', 'tokio-crates')];
  for (const d of dirs) if (d && existsSync(join(d, `tokio-${release}`, 'Cargo.toml'))) return resolve(d);
  return undefined;
}

/** How cargo gets its crates: Debian's registry, Debian's merged with a vendor folder, or crates.io. */
export type CrateSource = { kind: 'debian' } | { kind: 'merged'; dir: string } | { kind: 'crates-io' };

/** Whether Debian's packaged registry (with tokio) is installed. */
export function hasDebianRegistry(dir = DEBIAN_REGISTRY): boolean {
  try {
    return readdirSync(dir).some((d) => d.startsWith('tokio-'));
  } catch {
    return false;
  }
}

/** The cargo arguments for a variant (exported for tests). `source`: a boolean is Debian (true) or crates.io. */
export function cargoArgs(o: Variant, probeDir: string, source: boolean | CrateSource): string[] {
  const src: CrateSource = typeof source === 'boolean' ? { kind: source ? 'debian' : 'crates-io' } : source;
  const pinned = pinnedTokio(o);
  const args = [
    'build',
    '--manifest-path',
    pinned ? join(probeDir, 'target', `tokio-${pinned}`, 'Cargo.toml') : join(probeDir, 'Cargo.toml'),
    '--target-dir',
    join(probeDir, 'target', variantName(o)),
  ];
  if (o.profile === 'release') args.push('--release');
  if (o.features.length) args.push('--features', o.features.join(','));
  if (src.kind === 'debian')
    args.push(
      '--offline',
      '--config',
      'source.crates-io.replace-with="debian"',
      '--config',
      `source.debian.directory="${DEBIAN_REGISTRY}"`,
    );
  else if (src.kind === 'merged')
    args.push(
      '--offline',
      '--config',
      'source.crates-io.replace-with="newtokio"',
      '--config',
      `source.newtokio.directory="${src.dir}"`,
      '--config',
      'net.offline=true',
    );
  return args;
}

/** Path of the built binary of a variant. */
export function probeBinaryPath(o: Variant, probeDir: string): string {
  return join(probeDir, 'target', variantName(o), o.profile, 'probe');
}

/**
 * probe/Cargo.toml for another tokio release: the same package with `tokio = "=<release>"`, its
 * build script and sources by absolute path, and an empty `[workspace]` (its own root). Throws when
 * the manifest no longer has the line it rewrites (an internal error: keep the two in step).
 */
export function pinnedManifest(manifest: string, probeDir: string, release: string): string {
  const tokioLine = /^tokio = \{ version = "[^"]*"/m;
  if (!tokioLine.test(manifest)) throw new Error(`internal: probe/Cargo.toml has no 'tokio = { version = …' line to pin`);
  return (
    `# Generated by dispatchsim (src/probe/build.ts) from ${join(probeDir, 'Cargo.toml')}: tokio pinned to ${release}.\n` +
    manifest
      .replace(tokioLine, `tokio = { version = "=${release}"`)
      .replace(/^build = "build\.rs"/m, `build = ${JSON.stringify(join(probeDir, 'build.rs'))}`)
      .replace(/^path = "src\/main\.rs"/m, `path = ${JSON.stringify(join(probeDir, 'src', 'main.rs'))}`) +
    '\n[workspace]\n'
  );
}

/**
 * Builds the probe variant and returns the binary's path. Errors: cargo missing or
 * probe/Cargo.toml missing → DS5003 (exit 5); a failed build → DS5004 with cargo's last lines.
 */
export async function buildProbe(o: ProbeBuildOptions): Promise<string> {
  const probeDir = resolve(o.probeDir ?? packagePath('probe'));
  const manifest = join(probeDir, 'Cargo.toml');
  if (!existsSync(manifest))
    throw new InputError([diag('DS5003', manifest, '', { name: 'probe build', detail: `${manifest} does not exist` })], EXIT.io);
  const debian = hasDebianRegistry();
  const pinned = pinnedTokio(o);
  let source: CrateSource = { kind: debian ? 'debian' : 'crates-io' };
  if (pinned) {
    // A generated manifest pinning the release; a lock file made against another source (crates.io,
    // or an earlier vendor folder) would not match, so cargo locks afresh each build.
    const dir = join(probeDir, 'target', `tokio-${pinned}`);
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, 'Cargo.toml'), pinnedManifest(readFileSync(manifest, 'utf8'), probeDir, pinned));
    rmSync(join(dir, 'Cargo.lock'), { force: true });
    const vendor = debian ? tokioVendorDir(pinned) : undefined;
    if (vendor) source = { kind: 'merged', dir: await mergedRegistry(vendor, probeDir, o.onLog) };
    else source = { kind: 'crates-io' };
  }
  o.onLog(
    source.kind === 'debian'
      ? `probe: building ${variantName(o)} offline against Debian's packaged crates (${DEBIAN_REGISTRY})`
      : source.kind === 'merged'
        ? `probe: building ${variantName(o)} offline against Debian's packaged crates merged with the vendor folder (${source.dir})`
        : pinned && debian
          ? `probe: building ${variantName(o)} from crates.io (tokio ${pinned} is not in Debian's registry and no vendor folder holds it: set DISPATCHSIM_TOKIO_VENDOR to a tokio-crates folder to build offline)`
          : `probe: building ${variantName(o)} from crates.io (no Debian crate registry found)`,
  );
  const env = { ...process.env };
  if (o.unstable) env.RUSTFLAGS = `${env.RUSTFLAGS ?? ''} --cfg tokio_unstable`.trim();
  const { code, tail } = await runTool('cargo', cargoArgs(o, probeDir, source), env, o.onLog);
  if (code !== 0) throw new InputError([diag('DS5004', manifest, '', { name: 'cargo build', code, detail: tail })], EXIT.io);
  return probeBinaryPath(o, probeDir);
}

/**
 * Debian's registry and the vendor folder as one directory source of symlinks, made by the vendor
 * folder's own merge-with-debian.sh (re-running it is harmless) in probe/target/; its absolute path.
 */
async function mergedRegistry(vendor: string, probeDir: string, onLog: (l: string) => void): Promise<string> {
  const dir = join(probeDir, 'target', 'registry-debian-vendor');
  const script = join(vendor, 'merge-with-debian.sh');
  const { code, tail } = await runTool('sh', [script, dir, DEBIAN_REGISTRY], process.env, onLog);
  if (code !== 0)
    throw new InputError([diag('DS5004', script, '', { name: 'merge-with-debian.sh', code, detail: tail })], EXIT.io);
  return dir;
}

/** Runs a tool, streaming its stderr lines to `onLog`; a missing executable is DS5003. */
function runTool(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLog: (l: string) => void,
): Promise<{ code: number; tail: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const lines: string[] = [];
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const l of parts) {
        lines.push(l);
        if (lines.length > 30) lines.shift();
        onLog(l);
      }
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      const detail =
        e.code === 'ENOENT' ? `'${cmd}' is not installed or not on PATH (install Rust from https://rustup.rs)` : e.message;
      reject(new InputError([diag('DS5003', cmd, '', { name: cmd, detail })], EXIT.io));
    });
    child.on('close', (code) => resolvePromise({ code: code ?? 1, tail: lines.slice(-8).join(' | ') }));
  });
}

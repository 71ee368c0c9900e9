/**
 * Builds the Rust probe with cargo (used by `calibrate` and `measure`).
 *
 * Phase: calibrate (I/O: runs cargo). Where Debian's packaged crate registry is installed
 * (`/usr/share/cargo/registry` with a `tokio-*` crate), the build runs offline against it
 * through `--config` flags on the command line — never a committed `.cargo/config`, so other
 * machines build from crates.io unchanged. Each variant (profile × features × tokio_unstable)
 * gets its own target directory so that building one never invalidates another.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diag, EXIT, InputError } from '../schema/diagnostics.js';
import { packagePath } from '../io/package-root.js';

export const DEBIAN_REGISTRY = '/usr/share/cargo/registry';

export interface ProbeBuildOptions {
  profile: 'release' | 'debug';
  features: string[];
  /** Build with RUSTFLAGS="--cfg tokio_unstable" (runtime metrics, disable_lifo_slot). */
  unstable?: boolean;
  /** Directory of probe/Cargo.toml. */
  probeDir?: string;
  /** Receives one line per notable event and cargo's stderr (for the user's stderr). */
  onLog: (line: string) => void;
}

/** Name of a build variant, e.g. `release-io-unstable`; also its target-dir name. */
export function variantName(o: Pick<ProbeBuildOptions, 'profile' | 'features' | 'unstable'>): string {
  return [o.profile, ...[...o.features].sort(), ...(o.unstable ? ['unstable'] : [])].join('-');
}

/** Whether Debian's packaged registry (with tokio) is installed. */
export function hasDebianRegistry(dir = DEBIAN_REGISTRY): boolean {
  try {
    return readdirSync(dir).some((d) => d.startsWith('tokio-'));
  } catch {
    return false;
  }
}

/** The cargo arguments for a variant (exported for tests). */
export function cargoArgs(
  o: Pick<ProbeBuildOptions, 'profile' | 'features' | 'unstable'>,
  probeDir: string,
  offline: boolean,
): string[] {
  const args = [
    'build',
    '--manifest-path',
    join(probeDir, 'Cargo.toml'),
    '--target-dir',
    join(probeDir, 'target', variantName(o)),
  ];
  if (o.profile === 'release') args.push('--release');
  if (o.features.length) args.push('--features', o.features.join(','));
  if (offline)
    args.push(
      '--offline',
      '--config',
      'source.crates-io.replace-with="debian"',
      '--config',
      `source.debian.directory="${DEBIAN_REGISTRY}"`,
    );
  return args;
}

/** Path of the built binary of a variant. */
export function probeBinaryPath(o: Pick<ProbeBuildOptions, 'profile' | 'features' | 'unstable'>, probeDir: string): string {
  return join(probeDir, 'target', variantName(o), o.profile, 'probe');
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
  const offline = hasDebianRegistry();
  o.onLog(
    offline
      ? `probe: building ${variantName(o)} offline against Debian's packaged crates (${DEBIAN_REGISTRY})`
      : `probe: building ${variantName(o)} from crates.io (no Debian crate registry found)`,
  );
  const env = { ...process.env };
  if (o.unstable) env.RUSTFLAGS = `${env.RUSTFLAGS ?? ''} --cfg tokio_unstable`.trim();
  const { code, tail } = await runTool('cargo', cargoArgs(o, probeDir, offline), env, o.onLog);
  if (code !== 0) throw new InputError([diag('DS5004', manifest, '', { name: 'cargo build', code, detail: tail })], EXIT.io);
  return probeBinaryPath(o, probeDir);
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

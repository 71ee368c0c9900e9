/**
 * Command-line and path mutations for the fuzzer (bench/fuzz.ts): what a hostile or careless user
 * types, as opposed to what a scenario holds. A case is a command line over a small valid
 * scenario, with one of
 *   - an option mutation: a numeric option with a bad value (abc, -1, 1.5, 1e30, NaN, 2^32…), an
 *     option given twice, an option with no value (last, or followed by another option);
 *   - an output path mutation: --out or --trace through a symlink, a hard link, a dangling symlink, a FIFO
 *     nobody reads, /dev/null, /dev/full, a read-only folder, a folder, the input itself;
 *   - an input path mutation: a FIFO, /dev/zero, a folder, '-', '' as the scenario.
 * and the invariants each must keep (`check`): the exit codes of the README (0, 2, 3, 5) with a
 * one-line usage error or DS-coded diagnostics; special files and links still what they were; the
 * input unchanged; no temp or lock file left.
 *
 * Phase: bench (fuzz). All randomness comes from the `Prng` passed in.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  linkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Prng } from '../src/engine/prng.js';

export interface CliCase {
  names: string[];
  argv: string[];
  /** Checks the invariants after the run; returns a finding's kind and detail, or undefined. */
  check: (r: { exit: number | null; stderr: string }) => { kind: string; detail: string } | undefined;
}

function pick<T>(rng: Prng, xs: readonly T[]): T {
  return xs[rng.nextInt(xs.length)];
}

const NUMERIC = ['--seed', '--max-events', '--max-simulated-ms', '--max-wall-ms', '--trace-events'];
const BAD_NUMBERS = ['abc', '-1', '1.5', '1e30', '4294967296', 'NaN', 'Infinity', '0', '', '-0', '0x10', '1e3', ' 7'];

/** A usage error: one `dispatchsim: …` line and the help hint. */
const USAGE = /^dispatchsim: .+\nRun 'dispatchsim --help' for usage\.\n$/;
const CODED = /\[DS\d{4}\]$/;

function linesOf(s: string): string[] {
  return s.split('\n').filter((l) => l.trim() !== '');
}

/** The exit-code contract: 0, 2 (one usage line), 3 or 5 (every line DS-coded). */
function contract(r: { exit: number | null; stderr: string }, allowed: number[]): { kind: string; detail: string } | undefined {
  if (r.exit === null || !allowed.includes(r.exit))
    return { kind: `cli-exit-${r.exit}`, detail: `expected exit ${allowed.join('/')}: ${linesOf(r.stderr)[0] ?? ''}` };
  if (r.exit === 2 && !USAGE.test(r.stderr)) return { kind: 'cli-usage-format', detail: r.stderr.slice(0, 200) };
  if (r.exit === 3 || r.exit === 5) {
    const bad = linesOf(r.stderr).filter((l) => !CODED.test(l));
    if (bad.length || !r.stderr.trim()) return { kind: 'cli-uncoded', detail: (bad[0] ?? '(nothing)').slice(0, 200) };
  }
  return undefined;
}

/** Temp and lock files left in `dir`. */
function leftovers(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')) : [];
}

/**
 * A command-line case in `dir` over `scenario` (a small valid scenario's text). `model` is the
 * model file the scenario should run with (absolute).
 */
export function cliCase(rng: Prng, dir: string, scenarioText: string): CliCase {
  const input = join(dir, 'input.json');
  writeFileSync(input, scenarioText);
  const outDir = join(dir, 'out');
  mkdirSync(outDir, { recursive: true });
  const base = ['simulate', input, '--max-wall-ms', '5000'];
  const inputUnchanged = () =>
    existsSync(input) && readFileSync(input, 'utf8') === scenarioText
      ? undefined
      : { kind: 'input-clobbered', detail: 'the input scenario changed' };
  const clean = () => {
    const left = leftovers(outDir);
    return left.length ? { kind: 'temp-left', detail: left.join(', ') } : undefined;
  };
  switch (rng.nextInt(3)) {
    case 0: {
      // Option mutations.
      const opt = pick(rng, NUMERIC);
      const how = rng.nextInt(4);
      let extra: string[];
      if (how === 0) extra = [opt, pick(rng, BAD_NUMBERS)];
      else if (how === 1) extra = [opt, '1', opt, '2'];
      else if (how === 2) extra = [pick(rng, [...NUMERIC, '--out', '--model', '--trace'])];
      else extra = [pick(rng, [...NUMERIC, '--out', '--model', '--trace']), '--json'];
      const argv = [...base, ...(opt === '--trace-events' ? ['--trace', join(outDir, 't.json')] : []), ...extra];
      return {
        names: [`option ${extra.join(' ')}`],
        argv,
        check: (r) => contract(r, [0, 2]) ?? inputUnchanged() ?? clean(),
      };
    }
    case 1: {
      // Output path mutations.
      const kind = pick(rng, [
        'symlink',
        'dangling',
        'fifo',
        'devnull',
        'devfull',
        'readonly',
        'dir',
        'input',
        'link-to-input',
        'hardlink',
        'hardlink-to-input',
      ]);
      const flag = pick(rng, ['--out', '--trace']);
      const target = join(outDir, 'target.json');
      let path = join(outDir, 'result.json');
      let after: () => { kind: string; detail: string } | undefined = () => undefined;
      let allowed = [0, 5];
      if (kind === 'symlink' || kind === 'dangling') {
        if (kind === 'symlink') writeFileSync(target, 'old');
        path = join(outDir, 'link.json');
        symlinkSync(target, path);
        after = () =>
          !lstatSync(path).isSymbolicLink()
            ? { kind: 'symlink-replaced', detail: `${flag} through a symlink replaced the link` }
            : undefined;
        allowed = [0];
      } else if (kind === 'fifo') {
        path = join(outDir, 'out.fifo');
        spawnSync('mkfifo', [path]);
        after = () => (!lstatSync(path).isFIFO() ? { kind: 'fifo-replaced', detail: `${flag} replaced a FIFO` } : undefined);
        allowed = [5];
      } else if (kind === 'devnull' || kind === 'devfull') {
        // A device node of its own in the case's folder (mknod needs root; else the system's):
        // a regression that replaces the device then replaces only this copy, not /dev/null.
        const own = join(outDir, kind === 'devnull' ? 'null' : 'full');
        const made = spawnSync('mknod', ['-m', '666', own, 'c', '1', kind === 'devnull' ? '3' : '7']).status === 0;
        path = made ? own : kind === 'devnull' ? '/dev/null' : '/dev/full';
        after = () => (!statSync(path).isCharacterDevice() ? { kind: 'device-replaced', detail: path } : undefined);
        allowed = kind === 'devnull' ? [0] : [5];
      } else if (kind === 'readonly') {
        const ro = join(outDir, 'ro');
        mkdirSync(ro);
        chmodSync(ro, 0o555);
        path = join(ro, 'result.json');
        after = () => {
          chmodSync(ro, 0o755);
          return leftovers(ro).length ? { kind: 'temp-left', detail: leftovers(ro).join(', ') } : undefined;
        };
      } else if (kind === 'dir') {
        path = outDir;
        allowed = [5];
      } else if (kind === 'input') {
        path = input;
        allowed = [5];
      } else if (kind === 'hardlink') {
        // An output with another name (hard link): both names must see the same, new file.
        writeFileSync(target, 'old');
        path = join(outDir, 'hardlink.json');
        linkSync(target, path);
        after = () => {
          const a = statSync(target);
          const b = statSync(path);
          return a.ino !== b.ino || a.nlink !== 2
            ? { kind: 'hardlink-broken', detail: `${flag} to a file with another hard link split the two names` }
            : undefined;
        };
      } else if (kind === 'hardlink-to-input') {
        path = join(outDir, 'in-hardlink.json');
        try {
          linkSync(input, path);
        } catch {
          symlinkSync(input, path); // another file system: a symlink to the input instead
        }
        allowed = [5];
      } else {
        path = join(outDir, 'in-link.json');
        symlinkSync(input, path);
        allowed = [5];
      }
      return {
        names: [`output ${flag} ${kind}`],
        argv: [...base, flag, path],
        check: (r) => contract(r, allowed) ?? after() ?? inputUnchanged() ?? clean(),
      };
    }
    default: {
      // Input path mutations.
      const kind = pick(rng, ['fifo', 'dev-zero', 'dir', 'dash', 'empty', 'dangling']);
      let path: string;
      let allowed = [5];
      if (kind === 'fifo') {
        path = join(dir, 'in.fifo');
        spawnSync('mkfifo', [path]);
      } else if (kind === 'dev-zero') path = '/dev/zero';
      else if (kind === 'dir') path = outDir;
      else if (kind === 'dash') {
        path = '-';
        allowed = [2];
      } else if (kind === 'empty') {
        path = '';
        allowed = [2];
      } else {
        path = join(dir, 'gone.json');
        symlinkSync(join(dir, 'nothing-here.json'), path);
      }
      const cmd = pick(rng, ['simulate', 'check', 'analyze']);
      return {
        names: [`input ${cmd} ${kind}`],
        argv: [cmd, path],
        check: (r) => contract(r, allowed),
      };
    }
  }
}

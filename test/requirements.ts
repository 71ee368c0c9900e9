/**
 * What some tests need from the machine (the Rust toolchain for the probe, Chromium for the
 * browser tests), checked one way for all of them.
 *
 * `npm test` provisions both first (scripts/setup.sh, its `pretest`). A test whose dependency is
 * still missing FAILS with what to install — it is never skipped silently. The only way to skip
 * is on purpose: DISPATCHSIM_TEST_SKIP=probe,browser (README), and then the skip says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type Requirement = 'probe' | 'browser';

const optedOut = new Set(
  (process.env.DISPATCHSIM_TEST_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** The Chromium executable the browser tests drive: $DISPATCHSIM_CHROMIUM, else Debian's, else on PATH. */
export function chromiumPath(): string | undefined {
  const env = process.env.DISPATCHSIM_CHROMIUM;
  if (env) return existsSync(env) ? env : undefined;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const c of ['chromium', 'chromium-browser']) {
    const r = spawnSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

function missing(kind: Requirement): string | undefined {
  if (kind === 'probe')
    return spawnSync('cargo', ['--version'], { stdio: 'ignore' }).status === 0
      ? undefined
      : 'cargo is not installed, so the probe cannot be built: run `npm test` (its setup installs it as root), ' +
          'or install Rust (https://rustup.rs); to skip these tests on purpose: DISPATCHSIM_TEST_SKIP=probe';
  return chromiumPath()
    ? undefined
    : 'Chromium not found (/usr/bin/chromium, $DISPATCHSIM_CHROMIUM or on PATH): run `npm test` (its setup installs it ' +
        'as root) or `apt-get install chromium`; to skip these tests on purpose: DISPATCHSIM_TEST_SKIP=browser';
}

/**
 * Options and a guard for a test that needs `kind`: `skip` is set only when the user opted out;
 * `check()` (call it first in the test body) fails the test with what to install when it is missing.
 */
export function requirement(kind: Requirement): { skip: string | false; check: () => void } {
  const skip = optedOut.has(kind) ? `skipped on purpose: DISPATCHSIM_TEST_SKIP=${kind}` : false;
  return {
    skip,
    check: () => {
      const why = missing(kind);
      if (why) throw new Error(why);
    },
  };
}

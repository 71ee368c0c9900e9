/**
 * Integration: the probe built against a newer tokio than Debian's (1.53.1) and run on a scenario
 * that separates the versions (scenarios/versions/lifo-pingpong.json: the LIFO cap of 1.29+).
 * Offline from Debian's registry + the vendor folder (../shared/vendor/tokio-crates beside the
 * repository, or $DISPATCHSIM_TOKIO_VENDOR) where both are; from crates.io where there is no Debian
 * registry (a user's machine with internet); skipped, saying why, on a Debian machine without the
 * vendor folder. A missing cargo fails it (requirements.ts); DISPATCHSIM_TEST_SKIP=probe skips it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { loadScenario } from '../../../src/cli/load.js';
import { simulate } from '../../../src/runtime/simulate.js';
import { hasDebianRegistry, tokioVendorDir } from '../../../src/probe/build.js';
import { validateDocument } from '../../../src/schema/validate.js';
import type { Result } from '../../../src/schema/result.js';
import { requirement } from '../../requirements.js';

const PROBE = requirement('probe');
const SCENARIO = 'scenarios/versions/lifo-pingpong.json';

test(
  'measure --tokio 1.53: the probe runs tokio 1.53.1 and its LIFO chain is capped',
  { skip: PROBE.skip, timeout: 900_000 },
  async (t) => {
    PROBE.check();
    if (hasDebianRegistry() && !tokioVendorDir('1.53.1')) {
      t.skip(
        "tokio 1.53.1 is not in Debian's registry and no vendor folder holds it (../shared/vendor/tokio-crates beside the repository, or DISPATCHSIM_TOKIO_VENDOR): not building it from crates.io on a machine set up to build offline",
      );
      return;
    }
    const out = join(mkdtempSync(join(tmpdir(), 'ds-versions-')), 'm.json');
    const code = await main(['measure', SCENARIO, '--tokio', '1.53', '--repeat', '3', '--warmup', '1', '--out', out]);
    assert.equal(code, 0);
    const r = JSON.parse(readFileSync(out, 'utf8')) as Result;
    assert.deepEqual(validateDocument('result', r, out), []);
    assert.equal(r.runtime.tokio, '1.53.1', 'the measured Result names the release the probe ran');
    assert.ok(!r.warnings.some((w) => w.code === 'DS1815'), JSON.stringify(r.warnings));
    // 1.24 would run b and a on one coop budget (~128 hops of 2 µs) before c: the simulator's 1.24
    // figure. Real 1.53 caps the chain at 3 polls: c waits a few hops (measured 22–76 µs here
    // under load), far below it.
    const old = loadScenario(SCENARIO, undefined, undefined, undefined, '1.24');
    const w24 = simulate(old.plan, old.model).outputs.cWaitUs;
    assert.ok(r.outputs.cWaitUs < 0.5 * w24, `measured c wait ${r.outputs.cWaitUs} µs on 1.53, simulated 1.24 ${w24} µs`);
  },
);

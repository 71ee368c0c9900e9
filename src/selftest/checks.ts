/**
 * The self-test suite: every check, in the order the table prints them.
 *
 * Phase: selftest.
 */
import type { Check, SelftestSize } from './check.js';
import { queueChecks } from './queue-checks.js';
import { pipelineCheck } from './pipeline-check.js';
import { timerChecks } from './timer-checks.js';
import { yieldChecks } from './yield-check.js';

export function selftestChecks(size: SelftestSize): Check[] {
  return [...queueChecks(size), pipelineCheck(), ...timerChecks(), ...yieldChecks()];
}

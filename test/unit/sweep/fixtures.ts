/** A small pipeline scenario for sweep and SLO tests (a few ms to simulate). */
import type { Scenario } from '../../../src/schema/scenario.js';

export const SMALL: Scenario = {
  name: 'sweep-test',
  seed: 7,
  runtime: { flavor: 'multi_thread', workers: 2 },
  template: {
    kind: 'pipeline',
    partitions: 2,
    source: { arrival: { kind: 'poisson', ratePerSec: 2000 }, batchRecords: 5, batches: 20 },
    partition: { wait: [{ kind: 'await_recv' }], recordCost: 5 },
  },
};

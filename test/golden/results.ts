/**
 * Stored goldens: a hash of every bundled scenario's Result, per top-level field, for each
 * back-end that runs without a machine (the simulator, and the analytic model or its refusal).
 *
 * The hashes live in test/golden/results.json. `results.test.ts` recomputes them and names each
 * scenario and field that changed; only `npm run golden:update` (scripts/golden-update.mjs, which
 * calls `writeGoldens`) rewrites the file, so a change to every Result at once cannot pass
 * unnoticed the way a same-run "a equals b" comparison would.
 *
 * What is left out of the hash: the `engine` block (event count, events/s, wall-clock ms,
 * fast-forward jumps: how the engine got there, not what it predicts), and `scenario.file` /
 * `model.file` (they depend on the working directory the command ran from).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadScenario } from '../../src/cli/load.js';
import { simulate } from '../../src/runtime/simulate.js';
import { analyze } from '../../src/analytic/analyze.js';
import { InputError } from '../../src/schema/diagnostics.js';
import type { Result } from '../../src/schema/result.js';
import { ROOT, listJson } from '../helpers.js';

/** Hash of each top-level field of a Result (engine and file paths left out), or a refusal code. */
export type FieldHashes = Record<string, string>;
export interface ScenarioGolden {
  simulated: FieldHashes;
  /** The analytic Result's field hashes, or `{ refused: 'DS40xx' }`. */
  analytic: FieldHashes;
}
export type Goldens = Record<string, ScenarioGolden>;

export const GOLDEN_FILE = 'test/golden/results.json';
/** The folders whose scenarios have goldens. */
export const GOLDEN_FOLDERS = ['scenarios'];

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

/** Per-field hashes of a Result, with the engine block and the file paths taken out. */
export function resultHashes(r: Result): FieldHashes {
  const out: FieldHashes = {};
  for (const [key, value] of Object.entries(r)) {
    if (key === 'engine') continue;
    if (key === 'scenario' || key === 'model') {
      const { file: _file, ...rest } = value as { file?: string };
      out[key] = hash(rest);
    } else out[key] = hash(value);
  }
  return out;
}

/** The goldens of one scenario file (repository-relative path). */
export function scenarioGolden(rel: string): ScenarioGolden {
  const { plan, model } = loadScenario(join(ROOT, rel));
  const simulated = resultHashes(simulate(plan, model));
  let analytic: FieldHashes;
  try {
    analytic = resultHashes(analyze(plan, model));
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    analytic = { refused: e.diagnostics.map((d) => d.code).join(',') };
  }
  return { simulated, analytic };
}

/** Every bundled scenario's goldens, computed now. */
export function computeGoldens(): Goldens {
  const out: Goldens = {};
  for (const folder of GOLDEN_FOLDERS) for (const rel of listJson(folder)) out[rel] = scenarioGolden(rel);
  return out;
}

export function readGoldens(): Goldens {
  return JSON.parse(readFileSync(join(ROOT, GOLDEN_FILE), 'utf8')) as Goldens;
}

/** Rewrites test/golden/results.json (the explicit update command; never called by a test). */
export function writeGoldens(g: Goldens): void {
  writeFileSync(join(ROOT, GOLDEN_FILE), JSON.stringify(g, null, 2) + '\n');
}

/** What differs between stored and computed goldens of one scenario, one line per back-end and field. */
export function diffGolden(rel: string, stored: ScenarioGolden | undefined, now: ScenarioGolden): string[] {
  if (!stored) return [`${rel}: no stored golden (new scenario)`];
  const out: string[] = [];
  for (const backEnd of ['simulated', 'analytic'] as const) {
    const a = stored[backEnd] ?? {};
    const b = now[backEnd];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    const changed = keys.filter((k) => a[k] !== b[k]);
    if (changed.length === 0) continue;
    if (a.refused !== undefined || b.refused !== undefined)
      out.push(
        `${rel} ${backEnd}: ${a.refused ? `refused ${a.refused}` : 'answered'} → ${b.refused ? `refused ${b.refused}` : 'answered'}`,
      );
    else out.push(`${rel} ${backEnd}: ${changed.join(', ')} changed`);
  }
  return out;
}

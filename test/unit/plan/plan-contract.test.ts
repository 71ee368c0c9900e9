/**
 * The Plan contract (src/schema/plan.ts): every bundled scenario's Plan is valid against the one
 * schema; the simulator encodes every instruction the schema has; and the Rust probe's parser
 * (`probe check-plan`, the same `Plan::parse` that `execute` runs) accepts each bundled Plan and a
 * Plan holding one of every instruction, and rejects an unknown instruction by name. So adding an
 * instruction to the schema without teaching the probe fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { loadScenario } from '../../../src/cli/load.js';
import { INSTRUCTION_SCHEMAS } from '../../../src/schema/plan.js';
import { validateDocument } from '../../../src/schema/validate.js';
import { encodeProgram, W } from '../../../src/runtime/code.js';
import { buildProbe } from '../../../src/probe/build.js';
import type { Instr, Plan } from '../../../src/plan/types.js';
import { requirement } from '../../requirements.js';
import { ROOT, listJson } from '../../helpers.js';

const PROBE = requirement('probe');
const plans = (): Array<[string, Plan]> => listJson('scenarios').map((rel) => [rel, loadScenario(join(ROOT, rel)).plan]);

/** One instance of an instruction from its schema: every integer operand 1, every choice its first. */
function sample(s: TSchema): Instr {
  const out: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(s.properties as Record<string, TSchema>)) {
    if (p.const !== undefined) out[key] = p.const;
    else if (Array.isArray(p.anyOf)) out[key] = (p.anyOf as TSchema[])[0].const;
    else if (p.type === 'integer') out[key] = 1;
    else if (p.type === 'number') out[key] = 0;
    else throw new Error(`sample: no value for ${key} (${JSON.stringify(p)})`);
  }
  return out as Instr;
}

/** A Plan whose last task holds one of every instruction the schema has (then `end`). */
export function everyInstructionPlan(base: Plan): Plan {
  const code: Instr[] = INSTRUCTION_SCHEMAS.map(sample).filter((i) => i.op !== 'end');
  code.push({ op: 'end' });
  const cost = base.costs[0];
  return {
    ...base,
    channels: [
      { name: 'a', kind: 'unbounded', capacity: 0 },
      { name: 'b', kind: 'unbounded', capacity: 0 },
    ],
    mutexes: ['m0', 'm1'],
    costs: [cost, cost],
    tasks: [
      { name: 'main', start: 'block_on', code: [{ op: 'end' }], slots: 0 },
      { name: 'every-op', start: 'spawn', code, slots: 2 },
    ],
    sources: [],
  };
}

test('every bundled scenario compiles to a Plan valid against schema/plan.schema.json', () => {
  const problems: string[] = [];
  for (const [rel, plan] of plans())
    for (const d of validateDocument('plan', plan, rel)) problems.push(`${rel}: ${d.pointer} ${d.message}`);
  assert.deepEqual(problems, []);
});

test('the simulator encodes every instruction of the schema to its own opcode', () => {
  const [, base] = plans()[0];
  const p = everyInstructionPlan(base);
  assert.deepEqual(validateDocument('plan', p, 'every-op'), []);
  const code = p.tasks[1].code;
  const ops = encodeProgram(code, []).filter((_, i) => i % W === 0);
  assert.equal(new Set(ops).size, code.length, 'one opcode per instruction');
  assert.equal(INSTRUCTION_SCHEMAS.length, code.length, 'the plan holds every instruction');
});

test(
  'the probe reads every bundled Plan and every instruction, and names an unknown one',
  { skip: PROBE.skip, timeout: 900_000 },
  async () => {
    PROBE.check();
    const bin = await buildProbe({ profile: 'release', features: ['io'], unstable: false, onLog: () => undefined });
    const dir = mkdtempSync(join(tmpdir(), 'ds-plan-contract-'));
    const all = plans();
    const files = all.map(([rel, plan], i) => {
      const f = join(dir, `${i}-${rel.replace(/[/\\]/g, '_')}`);
      writeFileSync(f, JSON.stringify(plan));
      return f;
    });
    const every = join(dir, 'every-op.json');
    writeFileSync(every, JSON.stringify(everyInstructionPlan(all[0][1])));
    files.push(every);
    const ok = spawnSync(bin, ['check-plan', ...files], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(
      ok.stdout
        .trim()
        .split('\n')
        .filter((l) => JSON.parse(l).type === 'plan_ok').length,
      files.length,
    );

    const bad = everyInstructionPlan(all[0][1]);
    bad.tasks[1].code.unshift({ op: 'frobnicate' } as unknown as Instr);
    const badFile = join(dir, 'unknown-op.json');
    writeFileSync(badFile, JSON.stringify(bad));
    const r = spawnSync(bin, ['check-plan', badFile], { encoding: 'utf8' });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /tasks\/1\/code\/0\/op: unknown instruction \\"frobnicate\\"/);
  },
);

/**
 * Input mutations for the fuzzer: each takes a parsed scenario or cost model and a PRNG and
 * returns the text of a mutated document (usually JSON; some mutations write text JSON cannot
 * hold, such as a bare NaN or a 10 MB file).
 *
 * Phase: bench (fuzz). Generic mutations act on a random node of the JSON tree (wrong types,
 * extreme numbers, NaN/Infinity as strings, deep nesting, unicode strings and keys, missing and
 * extra keys); scenario mutations know the language (spawn cycles, unknown references, huge
 * loop counts and rates, template/tasks mixes). All randomness comes from the `Prng` passed in.
 */
import type { Prng } from '../src/engine/prng.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

export interface Mutated {
  /** Mutation names applied, for the report. */
  names: string[];
  text: string;
}

const EXTREME_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  -1e-9,
  1e-300,
  5e-324,
  1e12,
  1e13,
  1e15,
  2 ** 31,
  2 ** 32,
  2 ** 53 + 2,
  1e21,
  1e100,
  1e308,
  -1e308,
  4294967295,
  1_000_000_000,
];
const NUMBER_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x10', '1_000', ' 1', '', '١٢٣'];
const UNICODE = [
  'тест',
  '任务',
  'ñame',
  '🧵🦀',
  'a\u200bb',
  'r\u202etl',
  '\u0000',
  'x\ud800',
  '\ufeffbom',
  'a/b~c',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  ' ',
  'x'.repeat(300),
];
const TYPED_VALUES: Json[] = [null, true, false, 0, -1, '', 'x', [], {}, [1, 2], { a: 1 }];

function pick<T>(rng: Prng, xs: readonly T[]): T {
  return xs[rng.nextInt(xs.length)];
}

/** Every path to a node of `doc` (the root is `[]`). */
function paths(doc: Json): Path[] {
  const out: Path[] = [];
  const walk = (v: Json, p: Path) => {
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk(v[k], [...p, k]);
  };
  walk(doc, []);
  return out;
}

function get(doc: Json, p: Path): Json {
  let cur: Json = doc;
  for (const k of p) cur = (cur as Record<string | number, Json>)[k];
  return cur;
}

function set(doc: Json, p: Path, v: Json): Json {
  if (p.length === 0) return v;
  const parent = get(doc, p.slice(0, -1)) as Record<string | number, Json>;
  parent[p[p.length - 1]] = v;
  return doc;
}

function remove(doc: Json, p: Path): Json {
  if (p.length === 0) return doc;
  const parent = get(doc, p.slice(0, -1));
  const k = p[p.length - 1];
  if (Array.isArray(parent)) parent.splice(k as number, 1);
  else if (parent && typeof parent === 'object') delete parent[k as string];
  return doc;
}

function pathOf<T extends Json>(rng: Prng, doc: Json, pred: (v: Json, p: Path) => v is T): Path | undefined;
function pathOf(rng: Prng, doc: Json, pred: (v: Json, p: Path) => boolean): Path | undefined;
function pathOf(rng: Prng, doc: Json, pred: (v: Json, p: Path) => boolean): Path | undefined {
  const ps = paths(doc).filter((p) => pred(get(doc, p), p));
  return ps.length ? pick(rng, ps) : undefined;
}

const isObj = (v: Json): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Raw text a mutation produced (not representable as a JSON value): it ends the chain. */
class Raw {
  constructor(readonly text: string) {}
}

/** A mutation returns the new document, or Raw text. */
type Mutation = (doc: Json, rng: Prng) => Json | Raw;

const MARKER = '__FUZZ_MARKER__';

/** `doc` as text with the node at `p` replaced by `text` (built as text: no deep recursion). */
function withRaw(doc: Json, p: Path, text: string): Raw {
  return new Raw(JSON.stringify(set(doc, p, MARKER), null, 2).replace(`"${MARKER}"`, () => text));
}

const GENERIC: Record<string, Mutation> = {
  wrongType: (doc, rng) => {
    const p = pick(rng, paths(doc));
    return set(doc, p, structuredClone(pick(rng, TYPED_VALUES)));
  },
  extremeNumber: (doc, rng) => {
    const p = pathOf(rng, doc, (v) => typeof v === 'number') ?? pick(rng, paths(doc));
    return set(doc, p, pick(rng, EXTREME_NUMBERS));
  },
  numberAsString: (doc, rng) => {
    const p = pathOf(rng, doc, (v) => typeof v === 'number') ?? pick(rng, paths(doc));
    return set(doc, p, pick(rng, NUMBER_STRINGS));
  },
  bareNaN: (doc, rng) => {
    const p = pathOf(rng, doc, (v) => typeof v === 'number');
    const bad = pick(rng, ['NaN', 'Infinity', '-Infinity', '1e999', '01', '.5', '+1']);
    return p ? withRaw(doc, p, bad) : new Raw(bad);
  },
  deepNesting: (doc, rng) => {
    const depth = pick(rng, [70, 200, 1000, 5000, 20000, 100000]);
    const p = pick(rng, paths(doc));
    const inner = JSON.stringify(get(doc, p));
    const asArray = rng.nextInt(2) === 0;
    const text = asArray ? '['.repeat(depth) + inner + ']'.repeat(depth) : '{"n":'.repeat(depth) + inner + '}'.repeat(depth);
    return withRaw(doc, p, text);
  },
  unicodeString: (doc, rng) => {
    const p = pathOf(rng, doc, (v) => typeof v === 'string') ?? pick(rng, paths(doc));
    return set(doc, p, pick(rng, UNICODE));
  },
  unicodeKey: (doc, rng) => {
    const p = pathOf(rng, doc, (v) => isObj(v) && Object.keys(v).length > 0);
    if (!p) return doc;
    const o = get(doc, p) as { [k: string]: Json };
    const k = pick(rng, Object.keys(o));
    const nk = pick(rng, UNICODE);
    const copy: { [k: string]: Json } = {};
    for (const key of Object.keys(o)) copy[key === k ? nk : key] = o[key];
    return set(doc, p, copy);
  },
  missingKey: (doc, rng) => {
    const p = pathOf(rng, doc, (_v, q) => q.length > 0);
    return p ? remove(doc, p) : doc;
  },
  extraKey: (doc, rng) => {
    const p = pathOf(rng, doc, isObj) ?? [];
    const o = get(doc, p);
    if (isObj(o))
      o[pick(rng, ['extra', 'op', 'kind', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ...UNICODE])] =
        structuredClone(pick(rng, TYPED_VALUES));
    return doc;
  },
  duplicateKey: (doc) => new Raw(JSON.stringify(doc, null, 2).replace(/^\{/, '{\n  "name": 1,')),
  hugeFile: (doc, rng) => {
    const mb = 10 * 1024 * 1024;
    switch (rng.nextInt(3)) {
      case 0:
        if (isObj(doc)) doc.description = 'x'.repeat(mb);
        return doc;
      case 1:
        return new Raw(JSON.stringify(doc) + ' '.repeat(mb));
      default: {
        const big: Json[] = [];
        for (let i = 0; i < mb / 8; i++) big.push(i);
        if (isObj(doc)) doc.extra = big;
        return doc;
      }
    }
  },
  truncatedText: (doc, rng) => {
    const t = JSON.stringify(doc, null, 2);
    return new Raw(t.slice(0, rng.nextInt(t.length)));
  },
  binaryGarbage: (_doc, rng) => {
    let s = '';
    for (let i = 0; i < 64; i++) s += String.fromCharCode(rng.nextInt(256));
    return new Raw(s);
  },
};

/** Scenario-aware mutations: they keep the document schema-plausible so later phases are reached. */
const SCENARIO: Record<string, Mutation> = {
  spawnCycle: (doc, rng) => {
    if (!isObj(doc) || !isObj(doc.tasks)) return doc;
    const names = Object.keys(doc.tasks);
    if (!names.length) return doc;
    const a = pick(rng, names);
    const b = pick(rng, names);
    const ta = doc.tasks[a];
    const tb = doc.tasks[b];
    if (isObj(ta) && Array.isArray(ta.program)) ta.program.push({ op: 'spawn', task: b });
    if (isObj(tb) && Array.isArray(tb.program)) tb.program.push({ op: 'spawn', task: a });
    if (isObj(tb) && rng.nextInt(2) === 0) tb.start = 'child';
    return doc;
  },
  selfSpawnLoop: (doc, rng) => {
    if (!isObj(doc) || !isObj(doc.tasks)) return doc;
    const names = Object.keys(doc.tasks);
    if (!names.length) return doc;
    const a = pick(rng, names);
    const t = doc.tasks[a];
    doc.tasks.kid = {
      start: 'child',
      program: [{ op: 'repeat', n: pick(rng, [10, 100000, 1000000000]), body: [{ op: 'spawn', task: 'kid2' }] }],
    };
    doc.tasks.kid2 = { start: 'child', program: [{ op: 'yield' }] };
    if (isObj(t) && Array.isArray(t.program)) t.program.unshift({ op: 'spawn', task: 'kid' });
    return doc;
  },
  unknownReference: (doc, rng) => {
    const p = pathOf(
      rng,
      doc,
      (v, q) => typeof v === 'string' && ['channel', 'task', 'mutex', 'model', 'file', 'cost'].includes(String(q[q.length - 1])),
    );
    return p ? set(doc, p, pick(rng, ['nope', 'part[99]', '', 'partition[0]', 'main', ...UNICODE])) : doc;
  },
  hugeCount: (doc, rng) => {
    const p = pathOf(
      rng,
      doc,
      (v, q) =>
        typeof v === 'number' &&
        [
          'n',
          'items',
          'records',
          'batches',
          'partitions',
          'tasks',
          'yields',
          'workers',
          'calls',
          'batchRecords',
          'ratePerSec',
          'capacity',
          'times',
          'yieldsPerRecord',
          'yieldsPerBatch',
          'cores',
        ].includes(String(q[q.length - 1])),
    );
    return p ? set(doc, p, pick(rng, [0, 1, 1000, 4096, 100000, 1_000_000, 1_000_000_000, 1e9, 1e13])) : doc;
  },
  tinyDuration: (doc, rng) => {
    const p = pathOf(rng, doc, (v, q) => typeof v === 'number' && /(Us|Ms|us)$/.test(String(q[q.length - 1])));
    return p ? set(doc, p, pick(rng, [0, 1e-9, 1e-3, 5e-324, 1e12, 1e9])) : doc;
  },
  templateAndTasks: (doc) => {
    if (isObj(doc)) {
      if (doc.template) doc.tasks = { t: { program: [{ op: 'yield' }] } };
      else doc.template = { kind: 'yield_loop', yields: 10 };
    }
    return doc;
  },
  nestedRepeats: (doc, rng) => {
    if (!isObj(doc) || !isObj(doc.tasks)) return doc;
    const depth = pick(rng, [10, 63, 65, 500, 3000]);
    // Built as text: a 3000-deep object would overflow the harness's own stack in the next
    // mutation's walk (paths) or in JSON.stringify, ending the fuzz run instead of testing it.
    const program = '[{"op":"repeat","n":2,"body":'.repeat(depth) + '[{"op":"yield"}]' + '}]'.repeat(depth);
    doc.tasks.deep = { start: 'spawn', program: [] };
    return withRaw(doc, ['tasks', 'deep', 'program'], program);
  },
  /** An `outputs` formula: dangerous mathjs (matrices, ranges, assignment, strings) or plain arithmetic. */
  formula: (doc, rng) => {
    if (!isObj(doc)) return doc;
    const outputs = isObj(doc.outputs) ? doc.outputs : (doc.outputs = {});
    outputs[pick(rng, ['f', 'g', '__proto__', 'constructor'])] = formulaOf(rng);
    return doc;
  },
  flavorFlip: (doc, rng) => {
    if (isObj(doc) && isObj(doc.runtime)) {
      doc.runtime.flavor = doc.runtime.flavor === 'multi_thread' ? 'current_thread' : 'multi_thread';
      if (rng.nextInt(2) === 0) doc.runtime.workers = pick(rng, [1, 2, 64, 1024]);
    }
    return doc;
  },
};

/** Formula pieces: what mathjs can do that a scalar formula must not, and what it may. */
const FORMULA_DANGER = [
  'size(range(0,1e9))[1]',
  'sum(ones(20000,20000))',
  'zeros(1e5,1e5)',
  'range(1,1e12)',
  'matrix([1,2])',
  '[1,2,3]',
  'concat([1],[2])',
  '"text"',
  'f(x) = x',
  'records = 3',
  'import({}, {})',
  'evaluate("1+1")',
  'parse("1")',
  'createUnit("x")',
  'cpuUs[1]',
  'tasks[records]',
  '{a: 1}',
  '1:10',
  'x; y',
  'nonsense',
  'cos(1)',
  'a = 1; a',
];
const FORMULA_SAFE = [
  'records',
  'cpuUs.total / max(records, 1)',
  'latencyUs.p99 - latencyUs.p50',
  'throughput.recordsPerSec * 2',
  'simulatedUs > 0 ? records / simulatedUs : 0',
  'pow(2, 1024)',
  'log(0)',
  '1 / 0',
  'outputs.f + 1',
  'abs(-yieldsPerRecord)',
  '1e308 * 10',
];

function formulaOf(rng: Prng): string {
  const a = pick(rng, rng.nextInt(2) === 0 ? FORMULA_DANGER : FORMULA_SAFE);
  if (rng.nextInt(3) > 0) return a;
  const b = pick(rng, [...FORMULA_DANGER, ...FORMULA_SAFE]);
  return `${a} ${pick(rng, ['+', '*', '^', 'and', '?', '-'])} ${b}${a.includes('?') ? '' : ''}`;
}

/** Applies 1–3 mutations to a deep copy of `base`. `kind` selects the scenario-aware set too. */
export function mutate(base: unknown, kind: 'scenario' | 'model', rng: Prng): Mutated {
  let doc = structuredClone(base) as Json;
  const table = kind === 'scenario' ? { ...GENERIC, ...SCENARIO } : GENERIC;
  const names = Object.keys(table);
  const count = 1 + rng.nextInt(3);
  const applied: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = pick(rng, names);
    applied.push(name);
    const out = table[name](doc, rng);
    if (out instanceof Raw) return { names: applied, text: out.text };
    doc = out;
  }
  return { names: applied, text: JSON.stringify(doc, null, 2) + '\n' };
}

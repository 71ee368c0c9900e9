/**
 * Schema validation with located errors.
 *
 * Phase: validate. Validators are precompiled: `schema/validators.cjs` is ajv's standalone code
 * for the four schemas (`dispatchsim schema --write` generates it with `validatorsText`; a test
 * and `schema --check` fail when it is stale), so a command compiles no schema at start-up (ajv's
 * compilation was about a quarter of a default `simulate`'s start-up, bench/scenario-times.ts).
 * Each schema's fingerprint is in that file: a schema that changed since it was generated is
 * compiled at run time instead (ajv, strict, all errors), with the same options and errors. Each
 * ajv error becomes a Diagnostic with the JSON pointer of the bad value and, from the source text
 * (parsed with jsonc-parser, which keeps offsets), its line and column. For unions, only the
 * branch the user meant is reported (ajv's discriminator for `op`/`kind`; for costs a single
 * summary message).
 */
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { parseTree, type Node, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { diag, type Diagnostic, InputError } from './diagnostics.js';
import type * as Schemas from './schemas.js';

/** ajv's options, for the precompiled validators and for a schema compiled at run time alike. */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  strict: true,
  discriminator: true,
  allowUnionTypes: true,
  strictRequired: false,
  verbose: true,
};

const require = createRequire(import.meta.url);
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** A new ajv instance with AJV_OPTIONS (and `extra`); ajv is loaded only when something is compiled. */
export function newAjv(extra: Options = {}): Ajv {
  const { Ajv: AjvClass } = require('ajv') as { Ajv: typeof Ajv };
  return new AjvClass({ ...AJV_OPTIONS, ...extra });
}

function getAjv(): Ajv {
  ajv ??= newAjv();
  return ajv;
}

export type DocumentKind = 'scenario' | 'model' | 'result' | 'plan';

/**
 * The modules the schemas are built from, as built (dist/src/schema/*.js): the four schema
 * modules and what they import from this folder, found by following their relative imports.
 */
const SCHEMA_MODULES = ['scenario.js', 'model.js', 'result.js', 'plan.js'];

/**
 * A hash of the text of every module the schemas are built from (SCHEMA_MODULES and their
 * relative imports, transitively) and of TypeBox's version: the schemas are a function of these,
 * so while it equals the one schema/validators.cjs was generated with (its `sources`), the
 * precompiled validators are those of the current schemas, and neither TypeBox nor the schema
 * objects need loading to know it (PERF, issue 20: they were about a third of a small
 * `simulate`'s start-up). A module that cannot be read gives a hash that matches nothing.
 */
export function schemaSourcesHash(): string {
  const h = createHash('sha256');
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    let text: string;
    try {
      text = readFileSync(new URL(name, import.meta.url), 'utf8');
    } catch {
      text = '\0unreadable';
    }
    h.update(`${name}\0${text}\0`);
    // Static relative imports (tsc's output: one `import … from './x.js';` per line); type-only
    // imports are gone from the built text.
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'\.\/([\w.-]+\.js)';/gm)) visit(m[1]);
  };
  for (const m of SCHEMA_MODULES) visit(m);
  h.update(`typebox ${typeboxVersion()}`);
  return h.digest('hex').slice(0, 32);
}

/** The installed TypeBox's version (its package.json is not in its exports: read beside its entry point). */
function typeboxVersion(): string {
  try {
    const entry = require.resolve('@sinclair/typebox');
    const root = entry.slice(0, entry.lastIndexOf('/@sinclair/typebox/') + '/@sinclair/typebox/'.length);
    return (JSON.parse(readFileSync(root + 'package.json', 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The schema objects (schemas.ts), loaded only when a schema must be compiled or fingerprinted. */
let schemaModule: typeof Schemas | undefined;

/** The ajv schema of `kind`, where the schema modules were loaded (not vouched). */
function schemaOf(kind: DocumentKind): Record<string, unknown> {
  if (!schemaModule) throw new Error('internal: the schema modules are not loaded');
  return schemaModule.schemaFor(kind);
}

/** The precompiled validators' file (generated into the package's schema/ folder). */
export const VALIDATORS_FILE = 'validators.cjs';

/** What schema/validators.cjs exports: a validator per kind, and the fingerprint of the schema each was generated from. */
interface Precompiled {
  /** schemaSourcesHash() of the build that generated it (absent in files generated before it existed). */
  sources?: string;
  fingerprints: Record<DocumentKind, string>;
  validators: Record<DocumentKind, ValidateFunction>;
}

/** A schema's fingerprint: what makes a precompiled validator stale when the schema changes. */
export function schemaFingerprint(schema: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 32);
}

/** schema/validators.cjs, or null where it is missing or unreadable (a fresh checkout before `schema --write`). */
function loadPrecompiled(): Precompiled | null {
  try {
    // dist/src/schema/validate.js → the package root's schema/.
    return require(fileURLToPath(new URL(`../../../schema/${VALIDATORS_FILE}`, import.meta.url))) as Precompiled;
  } catch {
    return null;
  }
}

const precompiled = loadPrecompiled();
/**
 * The precompiled validators were generated from the schema sources in this build: used as they
 * are. Otherwise each is used only while its schema's fingerprint matches, and the schema modules
 * are loaded to know it (and to compile a stale one).
 */
const vouched = precompiled !== null && precompiled.sources === schemaSourcesHash();
/** Whether this process uses the precompiled validators without loading the schemas (for tests). */
export const validatorsVouched = vouched;
if (!vouched) schemaModule = await import('./schemas.js');

/** The validator of `kind` from schema/validators.cjs when it was generated from this schema, else undefined. */
function precompiledValidator(kind: DocumentKind): ValidateFunction | undefined {
  if (!precompiled) return undefined;
  if (vouched) return precompiled.validators[kind];
  if (precompiled.fingerprints?.[kind] !== schemaFingerprint(schemaOf(kind))) return undefined;
  return precompiled.validators[kind];
}

/** How each kind's validator was obtained in this process (for tests and benchmarks). */
export const validatorOrigin = new Map<DocumentKind, 'precompiled' | 'compiled'>();

function validator(kind: DocumentKind): ValidateFunction {
  let v = compiled.get(kind);
  if (!v) {
    v = precompiledValidator(kind);
    validatorOrigin.set(kind, v ? 'precompiled' : 'compiled');
    v ??= getAjv().compile(schemaOf(kind));
    compiled.set(kind, v);
  }
  return v;
}

/**
 * The node at `path`, where a key given twice in one object resolves to its LAST occurrence:
 * JSON.parse keeps the last value, so that is the one validated, and a diagnostic about it must
 * point there, not at an earlier (valid, ignored) occurrence. (jsonc-parser's findNodeAtLocation
 * returns the first.) Array segments are decimal indices.
 */
function lastNodeAt(root: Node, path: string[]): Node | undefined {
  let node: Node | undefined = root;
  for (const seg of path) {
    if (!node?.children) return undefined;
    if (node.type === 'object') {
      let found: Node | undefined;
      for (const prop of node.children) {
        const [key, value] = prop.children ?? [];
        if (key?.value === seg && value) found = value;
      }
      node = found;
    } else if (node.type === 'array') {
      if (!/^\d+$/.test(seg)) return undefined;
      node = node.children[Number(seg)];
    } else return undefined;
  }
  return node;
}

/** Source text plus its offset tree, so pointers can be turned into line:column. */
export class SourceMap {
  private lineStarts: number[] = [0];
  private parsed: Node | undefined | null;
  /**
   * `tree` is the parsed syntax tree, or a function that parses it when first needed: only a
   * diagnostic needs it, and jsonc-parser takes seconds over megabytes of whitespace that
   * JSON.parse reads in milliseconds (a 50 MB padded file took 24 s to `check`).
   */
  constructor(
    readonly text: string,
    tree: Node | undefined | (() => Node | undefined),
  ) {
    if (typeof tree === 'function') {
      this.parsed = null;
      this.parse = tree;
    } else this.parsed = tree;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }
  private parse: (() => Node | undefined) | undefined;
  get tree(): Node | undefined {
    if (this.parsed === null) this.parsed = this.parse?.();
    return this.parsed ?? undefined;
  }
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }
  /** Offset of the value at a JSON pointer (or of its nearest existing ancestor). */
  locate(pointer: string): { line: number; column: number } | undefined {
    if (!this.tree) return undefined;
    const path = pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (let n = path.length; n >= 0; n--) {
      const node = lastNodeAt(this.tree, path.slice(0, n));
      if (node) {
        // Point at the property key when the value's parent is a property (more natural for editors).
        const at = node.parent?.type === 'property' && node.parent.children?.[0] ? node.parent.children[0].offset : node.offset;
        return this.position(at);
      }
    }
    return undefined;
  }
}

/**
 * Deepest array/object nesting accepted in a document. The parsers and validators recurse per
 * level, so a deeper document would exhaust the stack; real scenarios stay far below this (the
 * op nesting limit, DS1223 in normalize, is 64 levels ≈ 130 JSON levels). ajv's validator of
 * nested `repeat` bodies overflows Node's default stack at about 450 levels (440 passes), so
 * the limit leaves it a margin (test/unit/deep-json.test.ts).
 */
export const MAX_JSON_DEPTH = 256;

/** Offset of the first bracket that opens level `limit + 1` (strings skipped), or -1. Linear, no recursion. */
function tooDeepAt(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

/** Parses JSON text; syntax errors become DS1001 diagnostics with line:column, nesting deeper than MAX_JSON_DEPTH DS1223. */
export function parseJsonText(text: string, file: string): { value: unknown; map: SourceMap } {
  const deep = tooDeepAt(text, MAX_JSON_DEPTH);
  if (deep >= 0) throw new InputError([{ ...diag('DS1223', file, '', { limit: MAX_JSON_DEPTH }), ...new SourceMap(text, undefined).position(deep) }]);
  // JSON.parse gives the exact value semantics (numbers, duplicate keys: last wins, like jsonc)
  // and is fast; the syntax tree (for line:column) is built only when something must be located.
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const errors: ParseError[] = [];
    const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
    const map = new SourceMap(text, tree);
    if (errors.length > 0 || !tree) {
      const diags = (errors.length ? errors : [{ error: 1, offset: 0, length: 0 } as unknown as ParseError]).slice(0, 10).map((er) => {
        const d = diag('DS1001', file, '', { detail: errors.length ? printParseErrorCode(er.error) : 'empty document' });
        return { ...d, ...map.position(er.offset) };
      });
      throw new InputError(diags);
    }
    throw new InputError([{ ...diag('DS1001', file, '', { detail: (e as Error).message }), line: 1, column: 1 }]);
  }
  const map = new SourceMap(text, () => parseTree(text, [], { allowTrailingComma: false, disallowComments: true }));
  return { value, map };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'object') return 'object';
  return String(v);
}

function valueAt(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function toDiagnostic(e: ErrorObject, doc: unknown, file: string): Diagnostic {
  const got = describe(valueAt(doc, e.instancePath));
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return diag('DS1101', file, e.instancePath, { expected: `of type ${String(p.type)}`, got });
    case 'required':
      return diag('DS1102', file, e.instancePath, { property: p.missingProperty });
    case 'additionalProperties':
      return diag('DS1103', file, `${e.instancePath}/${String(p.additionalProperty)}`, { property: p.additionalProperty });
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return diag('DS1104', file, e.instancePath, { comparison: p.comparison, limit: p.limit, got });
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
      return diag('DS1106', file, e.instancePath, { detail: `${e.message} (got ${got})` });
    case 'const':
      return diag('DS1105', file, e.instancePath, { allowed: JSON.stringify(p.allowedValue), got });
    case 'enum':
      return diag('DS1105', file, e.instancePath, { allowed: (p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', '), got });
    case 'discriminator': {
      const tag = String(p.tag);
      const bad = valueAt(doc, `${e.instancePath}/${tag}`);
      if (p.error === 'mapping')
        return diag('DS1105', file, `${e.instancePath}/${tag}`, { allowed: `a known '${tag}'`, got: describe(bad) });
      return diag('DS1102', file, e.instancePath, { property: tag });
    }
    case 'anyOf': {
      const branches = (e.parentSchema as { anyOf?: Array<{ const?: unknown }> })?.anyOf ?? [];
      if (branches.length > 0 && branches.every((b) => b.const !== undefined))
        return diag('DS1105', file, e.instancePath, { allowed: branches.map((b) => JSON.stringify(b.const)).join(', '), got });
      return diag('DS1107', file, e.instancePath, {
        detail: `${(e.parentSchema as { description?: string })?.description ?? 'matches no allowed form'} (got ${got})`,
      });
    }
    case 'pattern':
      return diag('DS1106', file, e.instancePath, { detail: `must match ${String(p.pattern)} (got ${got})` });
    default:
      return diag('DS1107', file, e.instancePath, { detail: `${e.message ?? e.keyword} (got ${got})` });
  }
}

/**
 * Validates a parsed document. Returns all diagnostics (empty when valid). Union branch noise is
 * dropped: when an `anyOf` fails, the errors of its branches are replaced by one DS1107.
 */
export function validateDocument(kind: DocumentKind, doc: unknown, file: string, map?: SourceMap): Diagnostic[] {
  const v = validator(kind);
  if (v(doc)) return [];
  const errors = v.errors ?? [];
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  const kept = errors.filter(
    (e) => e.keyword === 'anyOf' || !anyOfPaths.some((sp) => e.schemaPath.startsWith(sp.replace(/\/anyOf$/, '/anyOf/'))),
  );
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of kept) {
    const d = toDiagnostic(e, doc, file);
    const key = `${d.code}|${d.pointer}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pos = map?.locate(d.pointer);
    out.push(pos ? { ...d, ...pos } : d);
  }
  return out;
}

/** Adds line:column to diagnostics produced by later phases (which know only pointers). */
export function locateAll(diags: Diagnostic[], map: SourceMap | undefined): Diagnostic[] {
  if (!map) return diags;
  return diags.map((d) => (d.line !== undefined ? d : { ...d, ...(map.locate(d.pointer) ?? {}) }));
}

/**
 * No import cycles in src/: a module graph of the value imports (`import … from`, `export … from`,
 * `import('…')` with a literal) has no strongly connected component larger than one file. Type-only
 * imports (`import type`, or every name marked `type`) are erased by TypeScript and do not count.
 * A variable-specifier `import()` escapes both this check and the layer rule, so it fails here too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ROOT } from '../helpers.js';

function tsFiles(rel: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, rel)).sort()) {
    const p = `${rel}/${e}`;
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...tsFiles(p));
    else if (e.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The repository-relative files a source file imports at run time. */
export function valueImports(file: string, text: string): string[] {
  const out: string[] = [];
  const re =
    /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[4] ?? m[5] ?? m[6];
    if (m[2]) continue; // import type / export type
    const names = m[3];
    if (names !== undefined && /^\{[^}]*\}$/.test(names.trim())) {
      const list = names
        .trim()
        .slice(1, -1)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (list.length > 0 && list.every((n) => n.startsWith('type '))) continue;
    }
    out.push(normalize(join(dirname(file), spec.replace(/\.js$/, '.ts'))).replace(/\\/g, '/'));
  }
  return out;
}

/** Strongly connected components with more than one file (Tarjan), each sorted. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

test('src/ has no import cycles', () => {
  const graph = new Map<string, string[]>();
  for (const f of tsFiles('src')) graph.set(f, valueImports(f, readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(cycles(graph), []);
});

test('src/ has no import() with a computed specifier (it escapes the layer rule and this check)', () => {
  const found: string[] = [];
  for (const f of tsFiles('src'))
    for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(/\bimport\(\s*([^'"\s)][^)]*)\)/g))
      found.push(`${f}: import(${m[1]})`);
  assert.deepEqual(found, []);
});

test('the cycle check finds a cycle, and ignores type-only imports', () => {
  const g = new Map<string, string[]>([
    ['src/a.ts', valueImports('src/a.ts', "import { x } from './b.js';")],
    ['src/b.ts', valueImports('src/b.ts', "import { y, type T } from './a.js';")],
    ['src/c.ts', valueImports('src/c.ts', "import type { T } from './d.js';\nimport { type U } from './d.js';")],
    ['src/d.ts', valueImports('src/d.ts', "export { z } from './c.js';")],
  ]);
  assert.deepEqual(cycles(g), [['src/a.ts', 'src/b.ts']]);
});

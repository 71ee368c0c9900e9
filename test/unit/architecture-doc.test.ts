/**
 * docs/architecture.md prints the layer table of eslint/layers.js (the one the lint rule and
 * layers.test.ts enforce) between its markers, exactly as `layerTableMarkdown` renders it; and it
 * names a room for every folder under src/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers.js';

interface LayersModule {
  LAYERS: Record<string, string[] | '*'>;
  IO_MODULES: string[];
}

/** The layer table as Markdown: one row per folder, what it may import, in eslint/layers.js order. */
export function layerTableMarkdown(L: LayersModule): string {
  const rows = Object.entries(L.LAYERS).map(([folder, allowed]) => {
    const may = allowed === '*' ? 'everything' : allowed.length ? allowed.map((a) => `\`${a}\``).join(', ') : 'nothing of ours';
    return `| \`src/${folder}/\` | ${may} |`;
  });
  const io = L.IO_MODULES.map((m) => `\`${m}\``).join(', ');
  return ['| folder | may import |', '|---|---|', ...rows, '', `I/O modules (besides \`src/cli/\`): ${io}.`].join('\n') + '\n';
}

const doc = () => readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');

test('docs/architecture.md holds the layer table generated from eslint/layers.js', async () => {
  const L = (await import(pathToFileURL(join(ROOT, 'eslint/layers.js')).href)) as LayersModule;
  const m = /<!-- layers:begin[^>]*-->\n([\s\S]*?)<!-- layers:end -->/.exec(doc());
  assert.ok(m, 'docs/architecture.md has the layers markers');
  assert.equal(m[1], layerTableMarkdown(L), 'regenerate the table between the markers from eslint/layers.js');
});

test('docs/architecture.md describes a room for every folder under src/, and the layer table lists each', async () => {
  const L = (await import(pathToFileURL(join(ROOT, 'eslint/layers.js')).href)) as LayersModule;
  const folders = readdirSync(join(ROOT, 'src')).filter((f) => statSync(join(ROOT, 'src', f)).isDirectory());
  const text = doc();
  assert.deepEqual(
    folders.filter((f) => !text.includes(`- **\`src/${f}/\`**`)),
    [],
    'a bullet "- **`src/<folder>/`**" under "The rooms"',
  );
  assert.deepEqual(
    folders.filter((f) => !(f in L.LAYERS)),
    [],
    'every folder is in eslint/layers.js',
  );
});

/**
 * The layer table of DESIGN.md as data, and an ESLint rule that enforces it.
 *
 * Imports point one way, down. `LAYERS[folder]` lists the folders under src/ that files in
 * `folder` may import (a folder may always import itself). `IO_MODULES` are the explicit I/O
 * modules: outside src/cli/ only they may touch the file system, child processes, the console or
 * `process` (STYLE.md §2). Both the lint rule below and test/unit/layers.test.ts read this file,
 * so the table is written once.
 */

/** @type {Record<string, string[] | '*'>} */
export const LAYERS = {
  cli: '*',
  report: ['schema', 'engine'],
  // validate measures by running the probe (src/probe/) and compares.
  validate: ['probe', 'io', 'plan', 'runtime', 'analytic', 'model', 'schema', 'engine'],
  sweep: ['plan', 'runtime', 'analytic', 'model', 'schema', 'engine'],
  selftest: ['plan', 'runtime', 'model', 'schema', 'engine'],
  calibrate: ['io', 'model', 'schema', 'engine'],
  // the third back-end's room: builds the Rust probe, runs its suite and its `execute` on a Plan.
  probe: ['io', 'plan', 'schema'],
  analytic: ['plan', 'model', 'schema', 'engine'],
  runtime: ['engine', 'plan', 'model', 'schema'],
  plan: ['schema', 'model', 'engine'],
  engine: [],
  model: ['schema'],
  schema: ['model'],
  io: ['schema'],
};

/**
 * Modules allowed to do I/O outside src/cli (paths relative to the repository root): src/io/, and
 * the few whose whole job is to drive the probe or read the machine (cargo, taskset, /proc,
 * criterion's files, the inlined vega bundles); each is named, so a new one needs a reason here.
 */
export const IO_MODULES = [
  'src/io/',
  'src/probe/build.ts', // runs cargo (offline Debian registry or crates.io)
  'src/probe/run.ts', // runs the probe under taskset, streams its JSON lines
  'src/probe/execute.ts', // runs the probe's `execute` on a Plan file
  'src/calibrate/machine.ts', // reads /proc/cpuinfo, uname, git revision for provenance
  'src/calibrate/criterion.ts', // reads a criterion target directory (--import-criterion)
  'src/report/assets.ts', // reads the vega/vega-lite/vega-embed bundles to inline them
  'src/schema/validate.ts', // reads the schema modules' built text to vouch for the precompiled validators (start-up, issue 20)
];

/** Node modules that are I/O (file system, processes, terminal). */
export const IO_PACKAGES = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'child_process',
  'node:child_process',
  'readline',
  'node:readline',
  'yargs',
];

/** The src/ folder of a repository-relative path, or undefined outside src/. */
export function layerOf(relPath) {
  const m = /^src\/([^/]+)\//.exec(relPath.replace(/\\/g, '/'));
  return m ? m[1] : undefined;
}

/** Why importing `target` (a src folder) from `from` (a src folder) breaks the table, or undefined. */
export function layerViolation(from, target) {
  if (from === undefined || target === undefined || from === target) return undefined;
  const allowed = LAYERS[from];
  if (allowed === undefined) return `src/${from}/ is not in the layer table (eslint/layers.js)`;
  if (allowed === '*' || allowed.includes(target)) return undefined;
  return `src/${from}/ may not import src/${target}/ (allowed: ${allowed.length ? allowed.join(', ') : 'nothing of ours'})`;
}

function isIoModule(relPath) {
  return layerOf(relPath) === 'cli' || IO_MODULES.some((p) => relPath.startsWith(p));
}

function relative(root, file) {
  const f = file.replace(/\\/g, '/');
  const r = root.replace(/\\/g, '/').replace(/\/$/, '');
  return f.startsWith(r + '/') ? f.slice(r.length + 1) : f;
}

function resolveRel(fromRel, spec) {
  const parts = fromRel.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

/** @type {import('eslint').Rule.RuleModule} */
const importDirection = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the layer table of DESIGN.md; only I/O modules do I/O' },
    schema: [],
  },
  create(context) {
    const rel = relative(context.cwd, context.filename);
    const from = layerOf(rel);
    if (from === undefined) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const why = layerViolation(from, layerOf(resolveRel(rel, spec)));
        if (why) context.report({ node, message: why });
      } else if (IO_PACKAGES.includes(spec) && !isIoModule(rel)) {
        context.report({ node, message: `'${spec}' is I/O: only src/cli/ and the I/O modules (eslint/layers.js) may import it` });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      MemberExpression: (node) => {
        if (isIoModule(rel) || node.object.type !== 'Identifier' || node.object.name !== 'process') return;
        const prop = node.property.type === 'Identifier' ? node.property.name : undefined;
        if (prop && ['stdout', 'stderr', 'stdin', 'argv', 'exit', 'exitCode', 'cwd', 'chdir', 'env'].includes(prop))
          context.report({
            node,
            message: `process.${prop} is I/O: only src/cli/ and the I/O modules (eslint/layers.js) may use it`,
          });
      },
    };
  },
};

export const layersPlugin = { rules: { 'import-direction': importDirection } };

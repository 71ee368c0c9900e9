/**
 * The published JSON Schema files (`schema/*.schema.json`), generated from the TypeBox sources.
 *
 * Phase: validate. The files hold exactly what ajv checks (`schemaFor`, with the discriminator
 * rewrite of `toAjvSchema`), plus `$schema`, `title` and a note that they are generated, so an
 * editor or another validator sees the same rules as the tool. `dispatchsim schema --write`
 * regenerates them; a test fails when the committed files are stale.
 */
import { createRequire } from 'node:module';
import { newAjv, schemaFingerprint, schemaSourcesHash, VALIDATORS_FILE, type DocumentKind } from './validate.js';
import { schemaFor } from './schemas.js';

export const SCHEMA_KINDS: DocumentKind[] = ['scenario', 'model', 'result', 'plan'];

/** The files `dispatchsim schema --write` generates into `schema/`: a schema per kind, then the precompiled validators. */
export function generatedFiles(kinds: readonly DocumentKind[] = SCHEMA_KINDS): { name: string; text: () => string }[] {
  return [
    ...kinds.map((kind) => ({ name: schemaFileName(kind), text: () => jsonSchemaText(kind) })),
    ...(kinds.length === SCHEMA_KINDS.length ? [{ name: VALIDATORS_FILE, text: validatorsText }] : []),
  ];
}

/** File name of each schema inside `schema/`. */
export function schemaFileName(kind: DocumentKind): string {
  return `${kind}.schema.json`;
}

const TITLES: Record<DocumentKind, string> = {
  scenario: 'dispatchsim scenario',
  model: 'dispatchsim cost model',
  result: 'dispatchsim result',
  plan: 'dispatchsim plan (the contract between the back-ends and the probe)',
};

/** The schema document for `kind`, as stable text (2-space JSON, trailing newline). */
export function jsonSchemaText(kind: DocumentKind): string {
  const doc = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: TITLES[kind],
    $comment: 'Generated from src/schema/*.ts by `dispatchsim schema --write`; do not edit.',
    ...schemaFor(kind),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * `schema/validators.cjs`: ajv's standalone code of the four validators (the options of
 * validate.ts, so the same errors), with each schema's fingerprint and the hash of the schema
 * modules' built text (`schemaSourcesHash`). validate.ts uses the validators as they are while
 * that hash matches (without loading the schemas), else each only while its schema's fingerprint
 * matches, so a stale file costs time, never correctness; a test fails when the committed file is
 * not what this generates (a change to a schema module's text, comments too, needs `schema --write`).
 */
export function validatorsText(): string {
  const require = createRequire(import.meta.url);
  const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: unknown, refs: Record<string, string>) => string })
    .default;
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const ajv = newAjv({ code: { source: true } });
  const fingerprints: Record<string, string> = {};
  const refs: Record<string, string> = {};
  for (const kind of SCHEMA_KINDS) {
    const schema = schemaFor(kind);
    ajv.addSchema(schema, kind);
    fingerprints[kind] = schemaFingerprint(schema);
    refs[kind] = kind;
  }
  return (
    `// Generated from src/schema/*.ts by \`dispatchsim schema --write\` (ajv ${ajvVersion} standalone code); do not edit.\n` +
    `// Loaded by src/schema/validate.ts; with other schema sources, a schema whose fingerprint differs is compiled at run time instead.\n` +
    standaloneCode(ajv, refs) +
    `\nexports.sources = ${JSON.stringify(schemaSourcesHash())};\n` +
    `exports.fingerprints = ${JSON.stringify(fingerprints)};\n` +
    `exports.validators = { ${SCHEMA_KINDS.map((k) => `${k}: exports.${k}`).join(', ')} };\n`
  );
}

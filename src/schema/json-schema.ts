/**
 * The published JSON Schema files (`schema/*.schema.json`), generated from the TypeBox sources.
 *
 * Phase: validate. The files hold exactly what ajv checks (`schemaFor`, with the discriminator
 * rewrite of `toAjvSchema`), plus `$schema`, `title` and a note that they are generated, so an
 * editor or another validator sees the same rules as the tool. `dispatchsim schema --write`
 * regenerates them; a test fails when the committed files are stale.
 */
import { schemaFor, type DocumentKind } from './validate.js';

export const SCHEMA_KINDS: DocumentKind[] = ['scenario', 'model', 'result', 'plan'];

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

/**
 * File I/O for the CLI layer: reading documents with located errors, atomic writes, and listing
 * a folder's JSON files (the tests and the fuzzer walk scenarios/ and models/ with it).
 *
 * Phase: I/O (used by cli/, never by the core). Every write goes to a temporary file in the
 * target's directory and is renamed into place, so a crash or an error never leaves a partial
 * output; nothing is written when validation fails.
 */
import { readFileSync, writeFileSync, renameSync, mkdirSync, unlinkSync, readdirSync, statSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { diag, InputError, EXIT } from '../schema/diagnostics.js';
import { parseJsonText, validateDocument, type DocumentKind, type SourceMap } from '../schema/validate.js';

/** Largest input file accepted (bytes): larger files are refused with a diagnostic, not parsed. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export function readText(file: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new InputError(
      [diag('DS5001', file, '', { name: file, detail: (e as NodeJS.ErrnoException).code ?? String(e) })],
      EXIT.io,
    );
  }
  if (buf.length > MAX_INPUT_BYTES)
    throw new InputError([diag('DS1106', file, '', { detail: `file is ${buf.length} bytes; the limit is ${MAX_INPUT_BYTES}` })]);
  return buf.toString('utf8');
}

/** Reads, parses and schema-validates a document; throws InputError with every problem found. */
export function readDocument<T>(kind: DocumentKind, file: string): { doc: T; map: SourceMap } {
  const text = readText(file);
  const { value, map } = parseJsonText(text, file);
  const diags = validateDocument(kind, value, file, map);
  if (diags.some((d) => d.severity === 'error')) throw new InputError(diags);
  return { doc: value as T, map };
}

/** Writes `text` to `file` atomically (temp file in the same directory, then rename). */
export function writeFileAtomic(file: string, text: string): void {
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, file);
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        /* the temp file may not exist */
      }
      throw e;
    }
  } catch (e) {
    throw new InputError(
      [diag('DS5002', file, '', { name: file, detail: (e as NodeJS.ErrnoException).code ?? String(e) })],
      EXIT.io,
    );
  }
}

/** JSON with stable formatting: 2-space indent, keys in insertion order (builders fix the order). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/**
 * The `.json` files under `dirRel` (a folder relative to `root`), recursively, as paths relative
 * to `root`; each folder's entries in sorted order, so the list is the same on every machine.
 * Used by the tests and the fuzzer to enumerate scenarios/ and models/. Throws the file system's
 * error when the folder cannot be read.
 */
export function listJsonFiles(root: string, dirRel: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(join(root, d)).sort()) {
      const p = join(d, e);
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else if (e.endsWith('.json')) out.push(p);
    }
  };
  walk(dirRel);
  return out;
}

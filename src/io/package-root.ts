/**
 * Where dispatchsim's own files are: the package root, found from this module's location (it is
 * compiled to dist/src/io/), never from the working directory — so the bundled default model,
 * the probe's sources and the schema folder are found when the CLI runs from anywhere
 * (`npx --prefix <clone> dispatchsim …`, or as an installed dependency).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder holding package.json, models/, probe/). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A path inside the package, e.g. packagePath('models', 'x.json'). */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

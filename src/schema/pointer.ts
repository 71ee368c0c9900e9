/**
 * JSON pointers (RFC 6901) into plain documents: split one into tokens, read the value at one.
 *
 * Phase: shared by the sweep (axes set values at pointers) and validate (compares scenario
 * fields at pointers); in schema/ so that neither imports the other for it.
 */

/** The unescaped tokens of a pointer (`''` is the whole document). */
export function pointerTokens(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `pointer`, or `{ found: false }`. Only own properties count. */
export function getAt(doc: unknown, pointer: string): { found: boolean; value?: unknown } {
  let cur: unknown = doc;
  for (const key of pointerTokens(pointer)) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return { found: false };
    cur = (cur as Record<string, unknown>)[key];
  }
  return { found: true, value: cur };
}

/** The pointers one axis sets: its own and those tied to it (`/machine/cores+/runtime/workers`). */
export function axisPointers(axis: { pointer: string; also?: string[] }): string[] {
  return axis.also ? [axis.pointer, ...axis.also] : [axis.pointer];
}

/**
 * Merging shard outputs (`dispatchsim sweep merge a.json b.json --out all.json`).
 *
 * Phase: sweep. Shards must describe the same sweep (same scenario hash, model, grid, engine,
 * seeds); points are united by index, an index present twice must hold identical data. When the
 * union covers the grid the result is byte-identical to an unsharded run.
 */
import { diag, InputError } from '../schema/diagnostics.js';
import type { SweepDoc, SweepPoint } from '../schema/sweep-doc.js';
import { headerMismatch, makeDoc } from './sweep.js';

export function mergeSweeps(inputs: readonly { file: string; doc: SweepDoc }[]): SweepDoc {
  const first = inputs[0];
  if (!first) throw new Error('internal: mergeSweeps given no input');
  const points = new Map<number, { p: SweepPoint; json: string }>();
  for (const { file, doc } of inputs) {
    const why = doc === first.doc ? undefined : headerMismatch(first.doc, doc);
    if (why)
      throw new InputError([diag('DS1606', file, '', { name: file, detail: `not the same sweep as ${first.file}: ${why}` })]);
    for (const p of doc.points) {
      const json = JSON.stringify(p);
      const had = points.get(p.index);
      if (had && had.json !== json)
        throw new InputError([
          diag('DS1606', file, `/points`, { name: file, detail: `point ${p.index} differs from another input's` }),
        ]);
      points.set(p.index, { p, json });
    }
  }
  // The merged document is unsharded: drop `shard`, keep the rest of the first header.
  const header = { ...first.doc };
  delete header.shard;
  return makeDoc(
    header,
    [...points.values()].map((x) => x.p),
  );
}

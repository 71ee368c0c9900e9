/**
 * Merging shard outputs (`dispatchsim sweep merge a.json b.json --out all.json`).
 *
 * Phase: sweep. Shards must describe the same sweep (same scenario hash, model, grid, engine,
 * seeds); points are united by index, an index present twice must hold identical data. When the
 * union covers the grid the result is byte-identical to an unsharded run.
 */
import { diag, InputError } from '../schema/diagnostics.js';
import type { SweepDoc, SweepPoint } from '../schema/sweep-doc.js';
import { foreignPoint, headerMismatch, makeDoc } from './sweep.js';

export function mergeSweeps(inputs: readonly { file: string; doc: SweepDoc }[]): SweepDoc {
  const first = inputs[0];
  if (!first) throw new Error('internal: mergeSweeps given no input');
  const points = new Map<number, { p: SweepPoint; json: string }>();
  const fail = (file: string, pointer: string, detail: string) =>
    new InputError([diag('DS1606', file, pointer, { name: file, detail })]);
  const split = inputs.find((x) => x.doc.shard)?.doc.shard?.count;
  for (const { file, doc } of inputs) {
    const why = doc === first.doc ? undefined : headerMismatch(first.doc, doc);
    if (why) throw fail(file, '', `not the same sweep as ${first.file}: ${why}`);
    if (doc.shard && doc.shard.count !== split)
      throw fail(
        file,
        '/shard',
        `it is shard ${doc.shard.index}/${doc.shard.count}, another input is of a split into ${split}: merge shards of one split`,
      );
    const bad = foreignPoint(doc);
    if (bad) throw fail(file, '/points', bad);
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
  if (points.size < first.doc.totalPoints) {
    const missing: number[] = [];
    for (let i = 0; i < first.doc.totalPoints && missing.length < 5; i++) if (!points.has(i)) missing.push(i);
    const shards =
      split === undefined
        ? ''
        : `; shards given: ${[...new Set(inputs.flatMap((x) => (x.doc.shard ? [x.doc.shard.index] : [])))]
            .sort((a, b) => a - b)
            .map((i) => `${i}/${split}`)
            .join(', ')}`;
    throw fail(
      inputs[inputs.length - 1].file,
      '/points',
      `the inputs hold ${points.size} of ${first.doc.totalPoints} points (missing ${missing.join(', ')}${points.size + missing.length < first.doc.totalPoints ? ', …' : ''})${shards}: merge every shard, or --resume the unfinished ones first`,
    );
  }
  // The merged document is unsharded: drop `shard`, keep the rest of the first header.
  const header = { ...first.doc };
  delete header.shard;
  return makeDoc(
    header,
    [...points.values()].map((x) => x.p),
  );
}

/**
 * `--shard i/n` parsing. Shard i (1-based) of n takes the points whose index ≡ i−1 (mod n):
 * interleaving spreads expensive corners of the grid across shards.
 *
 * Phase: sweep.
 */
import { diag, EXIT, InputError } from '../schema/diagnostics.js';

export function parseShard(spec: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || count < 1 || index > count)
    throw new InputError([diag('DS1604', '<command line>', '', { spec })], EXIT.usage);
  return { index, count };
}

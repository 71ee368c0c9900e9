/**
 * mathjs, loaded on first use. It takes ~1 s to load, and most simulations (every sweep worker
 * thread) never evaluate an expression; loading it eagerly made 2-worker sweeps barely faster
 * than 1. PERF: bench/sweep-scaling.ts.
 */
import { createRequire } from 'node:module';

type MathLike = { parse: (expr: string) => unknown; evaluate: (expr: string, scope?: object) => unknown };
let math: MathLike | undefined;

export function mathjs(): MathLike {
  if (!math) math = createRequire(import.meta.url)('mathjs') as MathLike;
  return math;
}

/**
 * Seeded pseudo-random numbers: xoshiro128** with independent streams.
 *
 * Phase: simulate. One `Prng` per purpose (arrivals, costs, stealing victims, noise…), each
 * derived from (seed, stream name) by hashing, so adding a stream never shifts another
 * stream's numbers. No global random source is used. All arithmetic is 32-bit integer (Math.imul), so the
 * sequence is identical on every machine.
 */
function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [state, z >>> 0];
}

/** FNV-1a over the UTF-16 code units of a string: a stable stream id. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** @param seed any integer (only the low 32 bits and the float's high part are used) @param stream purpose name */
  constructor(seed: number, stream: string) {
    let st = (Math.floor(seed) ^ Math.floor(seed / 4294967296) ^ hashString(stream)) | 0;
    let v: number;
    [st, v] = splitmix32(st);
    this.s0 = v | 0;
    [st, v] = splitmix32(st);
    this.s1 = v | 0;
    [st, v] = splitmix32(st);
    this.s2 = v | 0;
    [st, v] = splitmix32(st);
    this.s3 = v | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The generator's state (four 32-bit words), e.g. to prove a stretch drew no numbers. */
  stateWord(i: 0 | 1 | 2 | 3): number {
    return i === 0 ? this.s0 : i === 1 ? this.s1 : i === 2 ? this.s2 : this.s3;
  }

  /** Uniform unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits. */
  nextFloat(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.nextFloat());
  }

  /** Standard normal (Box–Muller, one value per call for simplicity of state). */
  normal(): number {
    const u = 1 - this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Gamma(shape, 1) (Marsaglia–Tsang; shape < 1 by the boost Γ(a) = Γ(a + 1)·U^(1/a)). A rejection
   * sampler: the number of draws it takes from the stream varies, so use it only on a stream of its
   * own (the run-level draws do).
   */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.nextFloat(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = 1 - this.nextFloat();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

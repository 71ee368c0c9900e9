/**
 * Latency distributions in closed form, and their percentiles.
 *
 * A record's latency is modelled as L = D + V:
 *   D  the delay before its batch's service starts — a mixture of "arrived to an idle runtime"
 *      (a wake-up drawn from the model's piecewise-linear quantile table, plus a constant) and
 *      "arrived while busy" (an exponential wait, the usual queueing tail approximation);
 *   V  the record's offset inside the service — a mixture of uniform segments [a, b] (the
 *      records of one partition are processed at evenly spaced times; a = b is an atom).
 * The CDF of D + V has a closed form per (component, segment) pair:
 *   P(D + V ≤ x) = (G(x − a) − G(x − b)) / (b − a),  G(y) = ∫_{−∞}^{y} F_D,
 * piecewise quadratic for a piecewise-linear F_D and y − m(1 − e^{−y/m}) for an exponential.
 * Percentiles come from a safeguarded Newton iteration on that CDF (its density is closed form too).
 *
 * Phase: analyze (hot path). One `LatencyDist` is built per prepared plan and re-filled per
 * evaluation; it allocates nothing after construction.
 */
import type { PlanCost } from '../plan/types.js';

const MAX_SEGMENTS = 256;

/** Knots (x ascending, F ascending) of a piecewise-linear CDF; a constant is one jump. */
export interface PiecewiseCdf {
  xs: Float64Array;
  ps: Float64Array;
  /** area[k] = ∫ F from xs[0] to xs[k]. */
  area: Float64Array;
}

/** The q-quantile of a piecewise-linear CDF (linear between knots; the first knot at a jump). */
export function cdfQuantile(cdf: PiecewiseCdf, q: number): number {
  const { xs, ps } = cdf;
  if (q <= ps[0]) return xs[0];
  for (let k = 1; k < xs.length; k++) {
    if (ps[k] >= q) {
      const dp = ps[k] - ps[k - 1];
      return dp > 0 ? xs[k - 1] + ((q - ps[k - 1]) / dp) * (xs[k] - xs[k - 1]) : xs[k];
    }
  }
  return xs[xs.length - 1];
}

/** The CDF of a Plan cost distribution as piecewise-linear knots (exponential/lognormal are tabulated). */
export function cdfOf(c: PlanCost): PiecewiseCdf {
  let xs: number[];
  let ps: number[];
  switch (c.dist) {
    case 'const':
      xs = [c.ns, c.ns];
      ps = [0, 1];
      break;
    case 'uniform':
      xs = [c.minNs, c.maxNs];
      ps = [0, 1];
      break;
    case 'quantiles':
      xs = [...c.ns];
      ps = [...c.p];
      break;
    case 'exponential':
    case 'lognormal': {
      // Tabulate the quantile function at 64 probabilities (plus the 0.999 tail).
      const qs = [0, ...Array.from({ length: 63 }, (_, i) => (i + 1) / 64), 0.999, 0.9999];
      const inv = (q: number) =>
        c.dist === 'exponential' ? -c.meanNs * Math.log(1 - q) : c.medianNs * Math.exp(c.sigma * normalQuantile(q));
      xs = qs.map((q) => (q === 0 ? (c.dist === 'exponential' ? 0 : inv(1e-6)) : inv(q)));
      ps = qs;
      break;
    }
  }
  const area = new Float64Array(xs.length);
  for (let k = 1; k < xs.length; k++) area[k] = area[k - 1] + ((xs[k] - xs[k - 1]) * (ps[k] + ps[k - 1])) / 2;
  return { xs: Float64Array.from(xs), ps: Float64Array.from(ps), area };
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e−9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** F(y) of piecewise-linear knots. */
export function plF(k: PiecewiseCdf, y: number): number {
  const xs = k.xs;
  const n = xs.length;
  if (y < xs[0]) return 0;
  if (y >= xs[n - 1]) return 1;
  let i = 1;
  while (xs[i] <= y) i++;
  const x0 = xs[i - 1];
  const w = xs[i] - x0;
  return w > 0 ? k.ps[i - 1] + ((y - x0) / w) * (k.ps[i] - k.ps[i - 1]) : k.ps[i];
}

/** ∫_{−∞}^{y} F of piecewise-linear knots. */
export function plG(k: PiecewiseCdf, y: number): number {
  const xs = k.xs;
  const n = xs.length;
  if (y <= xs[0]) return 0;
  if (y >= xs[n - 1]) return k.area[n - 1] + (y - xs[n - 1]);
  let i = 1;
  while (xs[i] <= y) i++;
  const x0 = xs[i - 1];
  const w = xs[i] - x0;
  const f0 = k.ps[i - 1];
  const fy = w > 0 ? f0 + ((y - x0) / w) * (k.ps[i] - f0) : k.ps[i];
  return k.area[i - 1] + ((y - x0) * (f0 + fy)) / 2;
}

/**
 * L = D + V as described in the module comment. Fill with `reset`, `setIdle`, `setBusy`,
 * `addSegment`, then read `cdf`, `quantile`, `mean`.
 */
export class LatencyDist {
  /** Weight of the idle component (wake-up from the table), the rest is the busy (exponential) one. */
  private pIdle = 1;
  private idleShift = 0;
  private busyMean = 0;
  private busyShift = 0;
  private nSeg = 0;
  private readonly cap: number;
  private readonly segA: Float64Array;
  private readonly segB: Float64Array;
  private readonly segW: Float64Array;
  private segWeight = 0;

  /**
   * `wake` is the idle component's random part (e.g. the OS wake-up); null = a constant 0.
   * `capacity`: segments kept apart (more are merged into the last).
   */
  constructor(
    private readonly wake: PiecewiseCdf | null,
    capacity = MAX_SEGMENTS,
  ) {
    this.cap = Math.max(1, capacity);
    this.segA = new Float64Array(this.cap);
    this.segB = new Float64Array(this.cap);
    this.segW = new Float64Array(this.cap);
  }

  reset(): void {
    this.nSeg = 0;
    this.segWeight = 0;
    this.pIdle = 1;
    this.idleShift = 0;
    this.busyMean = 0;
    this.busyShift = 0;
  }

  /** With probability `p` the delay is shift + wake-up. */
  setIdle(p: number, shiftNs: number): void {
    this.pIdle = p;
    this.idleShift = shiftNs;
  }

  /** With probability 1 − pIdle the delay is shift + Exp(mean). */
  setBusy(meanNs: number, shiftNs: number): void {
    this.busyMean = meanNs;
    this.busyShift = shiftNs;
  }

  /** Adds offsets uniform on [a, b] with relative weight w (merged into the last segment when it would overflow). */
  addSegment(a: number, b: number, w: number): void {
    if (w <= 0) return;
    if (this.nSeg === this.cap) {
      const i = this.cap - 1;
      this.segA[i] = Math.min(this.segA[i], a);
      this.segB[i] = Math.max(this.segB[i], b);
      this.segW[i] += w;
    } else {
      this.segA[this.nSeg] = a;
      this.segB[this.nSeg] = b;
      this.segW[this.nSeg] = w;
      this.nSeg++;
    }
    this.segWeight += w;
  }

  /** Copies the offset segments into another distribution (which is reset first). */
  copySegmentsTo(o: LatencyDist | { reset(): void; addSegment(a: number, b: number, w: number): void }): void {
    o.reset();
    for (let i = 0; i < this.nSeg; i++) o.addSegment(this.segA[i], this.segB[i], this.segW[i]);
  }

  segmentCount(): number {
    return this.nSeg;
  }

  /** Smallest segment start and largest segment end. */
  segmentRange(): [number, number] {
    let a = Infinity;
    let b = -Infinity;
    for (let i = 0; i < this.nSeg; i++) {
      if (this.segA[i] < a) a = this.segA[i];
      if (this.segB[i] > b) b = this.segB[i];
    }
    return this.nSeg ? [a, b] : [0, 0];
  }

  /** Largest value of the idle component's random part. */
  wakeMax(): number {
    return this.wake ? this.wake.xs[this.wake.xs.length - 1] : 0;
  }

  mean(): number {
    let v = 0;
    for (let i = 0; i < this.nSeg; i++) v += (this.segW[i] * (this.segA[i] + this.segB[i])) / 2;
    v /= this.segWeight || 1;
    // E[X] = x_last − ∫ F over the support of a piecewise-linear CDF.
    const n = this.wake ? this.wake.xs.length : 0;
    const wakeMean = this.wake ? this.wake.xs[n - 1] - this.wake.area[n - 1] : 0;
    return v + this.pIdle * (this.idleShift + wakeMean) + (1 - this.pIdle) * (this.busyShift + this.busyMean);
  }

  /** P(L ≤ x). */
  cdf(x: number): number {
    let s = 0;
    const pI = this.pIdle;
    for (let i = 0; i < this.nSeg; i++) {
      const a = this.segA[i];
      const b = this.segB[i];
      let v = 0;
      if (pI > 0) v += pI * this.idlePart(x - this.idleShift, a, b);
      if (pI < 1) v += (1 - pI) * this.busyPart(x - this.busyShift, a, b);
      s += this.segW[i] * v;
    }
    return s / (this.segWeight || 1);
  }

  /** Density of L at x (ns⁻¹); 0 where the CDF jumps. */
  pdf(x: number): number {
    let s = 0;
    const pI = this.pIdle;
    for (let i = 0; i < this.nSeg; i++) {
      const a = this.segA[i];
      const b = this.segB[i];
      if (b - a <= 0) continue;
      let v = 0;
      if (pI > 0) v += (pI * (this.idleF(x - this.idleShift - a) - this.idleF(x - this.idleShift - b))) / (b - a);
      if (pI < 1) v += ((1 - pI) * (this.busyF(x - this.busyShift - a) - this.busyF(x - this.busyShift - b))) / (b - a);
      s += this.segW[i] * v;
    }
    return s / (this.segWeight || 1);
  }

  private idleF(y: number): number {
    return this.wake ? plF(this.wake, y) : y >= 0 ? 1 : 0;
  }

  private idleG(y: number): number {
    return this.wake ? plG(this.wake, y) : y > 0 ? y : 0;
  }

  private idlePart(y: number, a: number, b: number): number {
    return b > a ? (this.idleG(y - a) - this.idleG(y - b)) / (b - a) : this.idleF(y - a);
  }

  private busyF(y: number): number {
    const m = this.busyMean;
    if (y < 0) return 0;
    return m > 0 ? 1 - Math.exp(-y / m) : 1;
  }

  private busyG(y: number): number {
    const m = this.busyMean;
    if (y <= 0) return 0;
    return m > 0 ? y - m * (1 - Math.exp(-y / m)) : y;
  }

  private busyPart(y: number, a: number, b: number): number {
    return b > a ? (this.busyG(y - a) - this.busyG(y - b)) / (b - a) : this.busyF(y - a);
  }

  /** Smallest x with P(L ≤ x) ≥ q, to ~0.01% (safeguarded Newton on a bracket). */
  quantile(q: number, loHint = 0): number {
    let lo = loHint;
    let hi = this.upperBound();
    if (this.cdf(lo) >= q) return lo;
    let x = (lo + hi) / 2;
    for (let it = 0; it < 60; it++) {
      const f = this.cdf(x) - q;
      if (f >= 0) hi = x;
      else lo = x;
      if (hi - lo <= 1e-4 * hi + 1e-3) break;
      const d = this.pdf(x);
      let nx = d > 0 ? x - f / d : NaN;
      if (!(nx > lo && nx < hi)) nx = (lo + hi) / 2;
      x = nx;
    }
    return hi;
  }

  private upperBound(): number {
    let b = 0;
    for (let i = 0; i < this.nSeg; i++) if (this.segB[i] > b) b = this.segB[i];
    const wakeMax = this.wake ? this.wake.xs[this.wake.xs.length - 1] : 0;
    const idle = this.idleShift + wakeMax;
    const busy = this.pIdle < 1 ? this.busyShift + this.busyMean * 40 : 0;
    return b + Math.max(idle, busy) + 1;
  }
}

const TABLE = 512;

/**
 * The hot-path form of a latency distribution whose offsets and idle-delay part are fixed (they
 * do not depend on the arrival rate): both parts' CDFs are tabulated once on a uniform grid, and
 * only the busy part (exponential wait of mean m, with probability p) is computed per evaluation,
 * against the offsets merged into one uniform segment. CDF and density are O(1); a percentile
 * is a few safeguarded Newton steps.
 *
 *   F(x) = (1 − p)·T_idle(x − s_idle) + p·F_busy(x − s_busy)
 *   F_busy = T_offsets (m = 0) or P(Exp(m) + U[a, b] ≤ ·)
 */
export class FastLatency {
  private readonly lo: number;
  private readonly h: number;
  private readonly invH: number;
  private readonly idleT = new Float64Array(TABLE + 1);
  private readonly offT = new Float64Array(TABLE + 1);
  readonly idleMean: number;
  readonly offMean: number;
  private readonly a: number;
  private readonly b: number;
  private p = 0;
  private m = 0;
  private sI = 0;
  private sB = 0;

  /**
   * `d` holds the offsets as segments and the idle component's wake-up (pIdle 1, shift 0).
   * `idle`, when given, is the idle component instead (its CDF, mean and largest value): a delay
   * whose draws are not independent of the offsets (IdleMixture).
   */
  constructor(
    d: LatencyDist,
    offsetLo: number,
    offsetHi: number,
    wakeHi: number,
    idle?: { cdf(x: number): number; mean: number; hi: number },
  ) {
    this.lo = Math.max(0, offsetLo);
    const hi = Math.max(offsetHi + wakeHi, idle ? idle.hi : 0) + 1;
    this.h = (hi - this.lo) / TABLE;
    this.invH = 1 / this.h;
    this.a = offsetLo;
    this.b = offsetHi;
    for (let k = 0; k <= TABLE; k++) this.idleT[k] = idle ? idle.cdf(this.lo + k * this.h) : d.cdf(this.lo + k * this.h);
    this.idleMean = idle ? idle.mean : d.mean();
    d.setIdle(1, 0);
    // Offsets alone: the same segments with no wake-up.
    const noWake = new LatencyDist(null, d.segmentCount());
    d.copySegmentsTo(noWake);
    for (let k = 0; k <= TABLE; k++) this.offT[k] = noWake.cdf(this.lo + k * this.h);
    this.offMean = noWake.mean();
  }

  /** Per evaluation: busy with probability p (mean wait m; m = 0: no wait), shifts of each part. */
  set(p: number, m: number, idleShift: number, busyShift: number): void {
    this.p = p;
    this.m = m;
    this.sI = idleShift;
    this.sB = busyShift;
  }

  mean(): number {
    return (1 - this.p) * (this.sI + this.idleMean) + this.p * (this.sB + this.m + this.offMean);
  }

  private lastD = 0;

  /** F(x), and the density at x into `lastD`; table index and exponentials shared by both. */
  private evalAt(x: number): number {
    // PERF: one table lookup gives value and slope; bench/analytic.ts (≥ 1 M evaluations/s).
    const p = this.p;
    const inv = this.invH;
    let f = 0;
    let d = 0;
    let u = (x - this.sI - this.lo) * inv;
    if (u >= TABLE) f = 1 - p;
    else if (u >= 0) {
      const k = u | 0;
      const t0 = this.idleT[k];
      const dt = this.idleT[k + 1] - t0;
      f = (1 - p) * (t0 + (u - k) * dt);
      d = (1 - p) * dt * inv;
    }
    if (p > 0) {
      const y = x - this.sB;
      const m = this.m;
      if (m <= 0) {
        u = (y - this.lo) * inv;
        if (u >= TABLE) f += p;
        else if (u >= 0) {
          const k = u | 0;
          const t0 = this.offT[k];
          const dt = this.offT[k + 1] - t0;
          f += p * (t0 + (u - k) * dt);
          d += p * dt * inv;
        }
      } else {
        const a = this.a;
        const w = this.b - a;
        const za = y - a;
        const zb = za - w;
        const ea = za > 0 ? Math.exp(-za / m) : 1;
        const eb = zb > 0 ? Math.exp(-zb / m) : 1;
        if (w < 1e-9) {
          f += p * (1 - ea);
          d += za > 0 ? (p * ea) / m : 0;
        } else {
          const Ka = za > 0 ? za - m * (1 - ea) : 0;
          const Kb = zb > 0 ? zb - m * (1 - eb) : 0;
          f += (p * (Ka - Kb)) / w;
          d += (p * (eb - ea)) / w;
        }
      }
    }
    this.lastD = d;
    return f;
  }

  cdf(x: number): number {
    return this.evalAt(x);
  }

  pdf(x: number): number {
    this.evalAt(x);
    return this.lastD;
  }

  /** The idle part alone: invert the table (binary search, then linear inside the cell). */
  private invertIdle(q: number): number {
    const t = this.idleT;
    if (q <= t[0]) return this.sI + this.lo;
    let lo = 0;
    let hi = TABLE;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (t[mid] < q) lo = mid;
      else hi = mid;
    }
    const dt = t[hi] - t[lo];
    const f = dt > 0 ? (q - t[lo]) / dt : 1;
    return this.sI + this.lo + (lo + f) * this.h;
  }

  /** Smallest x with F(x) ≥ q (to ~0.01%), searching upward from `from`: safeguarded Newton. */
  quantile(q: number, from = 0): number {
    if (this.p === 0) return this.invertIdle(q);
    if (this.m > 0) {
      // Beyond the idle part's support and the offsets, 1 − F = p·m·(e^{w/m} − 1)/w · e^{−(x − s_B − a)/m}: invert it.
      const w = this.b - this.a;
      const c = w > 1e-9 ? (this.m * Math.expm1(w / this.m)) / w : 1;
      const x = this.sB + this.a + this.m * Math.log((this.p * c) / (1 - q));
      if (x >= this.sI + this.lo + TABLE * this.h && x >= this.sB + this.b && x >= from) return x;
    }
    let lo = from;
    let hi = Math.max(this.sI, this.sB) + this.lo + TABLE * this.h + (this.p > 0 ? this.m * 40 : 0) + 1;
    // Start where the idle part alone would put it, or the exponential tail when that dominates.
    let x = this.sI + this.lo + this.h * TABLE * q;
    if (this.p > 0 && this.m > 0) {
      const tail = this.sB + this.b + this.m * Math.log(Math.max(1, this.p / Math.max(1e-12, 1 - q)));
      if (tail > x) x = tail;
    }
    if (!(x > lo && x < hi)) x = (lo + hi) / 2;
    for (let it = 0; it < 40; it++) {
      const f = this.evalAt(x) - q;
      if (f >= 0) hi = x;
      else lo = x;
      const d = this.lastD;
      let nx = d > 0 ? x - f / d : NaN;
      if (!(nx > lo && nx < hi)) nx = (lo + hi) / 2;
      if (Math.abs(nx - x) <= 1e-4 * x + 0.5 || hi - lo <= 1e-4 * hi + 0.5) return Math.min(hi, Math.max(lo, nx));
      x = nx;
    }
    return hi;
  }
}

/** Mean of a piecewise-linear CDF: x_last − ∫ F over its support. */
export function cdfMean(k: PiecewiseCdf): number {
  const n = k.xs.length;
  return k.xs[n - 1] - k.area[n - 1];
}

/** E[X | lo < X ≤ hi] of a piecewise-linear CDF (∫ x dF = [x F] − ∫ F over the range); NaN without mass there. */
export function cdfMeanBetween(k: PiecewiseCdf, lo: number, hi: number): number {
  const fl = plF(k, lo);
  const fh = plF(k, hi);
  if (!(fh > fl)) return NaN;
  return (hi * fh - lo * fl - (plG(k, hi) - plG(k, lo))) / (fh - fl);
}

/**
 * F_{X+Y}(x) where Y has the piecewise-linear CDF `y` (uniform between its knots, a jump an
 * atom) and X is given by its CDF `fx` and its integral `gx` (∫_{−∞}^{·} F_X):
 * Σ over Y's pieces of mass·(G_X(x − y0) − G_X(x − y1))/(y1 − y0), or mass·F_X(x − y0) at an atom.
 * `from` clips Y to (from, ∞) (its mass below is left out: the caller divides by P(Y > from)).
 */
export function convolveAt(
  x: number,
  y: PiecewiseCdf,
  fx: (v: number) => number,
  gx: (v: number) => number,
  from = -Infinity,
): number {
  const { xs, ps } = y;
  let s = 0;
  if (ps[0] > 0 && xs[0] > from) s += ps[0] * fx(x - xs[0]);
  for (let i = 1; i < xs.length; i++) {
    let y0 = xs[i - 1];
    const y1 = xs[i];
    let m = ps[i] - ps[i - 1];
    if (!(m > 0) || y1 <= from) continue;
    if (y0 < from) {
      m *= (y1 - from) / (y1 - y0);
      y0 = from;
    }
    s += y1 > y0 ? (m * (gx(x - y0) - gx(x - y1))) / (y1 - y0) : m * fx(x - y0);
  }
  return s;
}

/** A CDF tabulated on [0, hi] (n + 1 points), with its integral; 0 below, 1 above. */
export class GridCdf {
  readonly f: Float64Array;
  readonly g: Float64Array;
  readonly h: number;
  constructor(
    readonly hi: number,
    readonly n: number,
  ) {
    this.f = new Float64Array(n + 1);
    this.g = new Float64Array(n + 1);
    this.h = hi / n;
  }

  /** Fills F from `fx` at the grid points and integrates it (trapezoid). */
  fill(fx: (v: number) => number): this {
    for (let j = 0; j <= this.n; j++) this.f[j] = Math.min(1, Math.max(0, fx(j * this.h)));
    this.integrate();
    return this;
  }

  integrate(): void {
    this.g[0] = 0;
    for (let j = 1; j <= this.n; j++) this.g[j] = this.g[j - 1] + ((this.f[j] + this.f[j - 1]) * this.h) / 2;
  }

  F = (v: number): number => {
    if (v < 0) return 0;
    const u = v / this.h;
    if (u >= this.n) return 1;
    const j = u | 0;
    return this.f[j] + (u - j) * (this.f[j + 1] - this.f[j]);
  };

  G = (v: number): number => {
    if (v <= 0) return 0;
    const u = v / this.h;
    if (u >= this.n) return this.g[this.n] + (v - this.hi);
    const j = u | 0;
    // F is linear in the cell: G's exact quadratic there.
    const t = (u - j) * this.h;
    const slope = (this.f[j + 1] - this.f[j]) / this.h;
    return this.g[j] + this.f[j] * t + (slope * t * t) / 2;
  };
}

/**
 * The idle component of a latency L = wake + X_c + V_c where the component c (weight w_c) is
 * drawn per batch and decides both a delay X_c before the batch's first job and the job offsets
 * V_c (segments): the multi_thread notify chain, where the notifying worker's time off its vCPU
 * decides whether the helper it woke re-parks (a second notify on the same path) and when the
 * helper arrives. Tabulates F_Y, Y = Σ_c w_c (X_c + V_c), on `n` cells of [0, yHi]; `finish`
 * adds the wake-up (F_{wake+Y}) and returns what FastLatency takes as its idle component.
 */
export class IdleMixture {
  private readonly y: GridCdf;
  private readonly x: GridCdf;
  private wSum = 0;
  private meanSum = 0;

  constructor(
    readonly yHi: number,
    n = 1024,
  ) {
    this.y = new GridCdf(Math.max(1, yHi), n);
    this.x = new GridCdf(Math.max(1, yHi), n);
  }

  /** A CDF on this mixture's grid (for draws evaluated at many points: O(1) lookups). */
  grid(fx: (v: number) => number): GridCdf {
    return new GridCdf(this.y.hi, this.y.n).fill(fx);
  }

  /**
   * Adds component c: weight `w`, X_c's CDF `fx` (0 below 0, 1 from yHi minus the offsets on) and
   * mean, and its offset segments [a[i], b[i]] with record weights ws[i] (i in [from, to)).
   */
  add(
    w: number,
    fx: (v: number) => number,
    xMean: number,
    a: ArrayLike<number>,
    b: ArrayLike<number>,
    ws: ArrayLike<number>,
    from: number,
    to: number,
  ): void {
    if (!(w > 0)) return;
    let segW = 0;
    let segMean = 0;
    for (let i = from; i < to; i++) {
      segW += ws[i];
      segMean += (ws[i] * (a[i] + b[i])) / 2;
    }
    if (!(segW > 0)) return;
    const x = this.x.fill(fx);
    const fy = this.y.f;
    const h = this.y.h;
    for (let j = 0; j <= this.y.n; j++) {
      const v = j * h;
      let s = 0;
      for (let i = from; i < to; i++) {
        const ai = a[i];
        const bi = b[i];
        s += ws[i] * (bi > ai ? (x.G(v - ai) - x.G(v - bi)) / (bi - ai) : x.F(v - ai));
      }
      fy[j] += (w * s) / segW;
    }
    this.wSum += w;
    this.meanSum += w * (xMean + segMean / segW);
  }

  /** The idle component with the wake-up added: its CDF, mean and largest value. */
  finish(wake: PiecewiseCdf | null): { cdf(x: number): number; mean: number; hi: number } {
    const y = this.y;
    const W = this.wSum || 1;
    for (let j = 0; j <= y.n; j++) y.f[j] /= W;
    y.integrate();
    const meanY = this.meanSum / W;
    if (!wake) return { cdf: y.F, mean: meanY, hi: y.hi };
    return {
      cdf: (v: number) => convolveAt(v, wake, y.F, y.G),
      mean: meanY + cdfMean(wake),
      hi: y.hi + wake.xs[wake.xs.length - 1],
    };
  }
}

/**
 * Queueing formulas (Kendall notation; times in any one unit, rates in its inverse). Each is
 * the textbook closed form, named for where it comes from, with its assumptions in
 * `docs/analytic.md`. All return `Infinity` when the queue is unstable (ρ ≥ 1).
 *
 * Phase: analyze. Plain arithmetic only: these run in the model's hot path.
 */

/** M/D/1 mean wait in queue: ρ·s / (2(1 − ρ)), ρ = λs. */
export function md1WaitMean(lambda: number, s: number): number {
  const rho = lambda * s;
  return rho >= 1 ? Infinity : (rho * s) / (2 * (1 - rho));
}

/** M/M/1 mean wait in queue: ρ / (μ − λ). */
export function mm1WaitMean(lambda: number, mu: number): number {
  return lambda >= mu ? Infinity : lambda / mu / (mu - lambda);
}

/**
 * Erlang C: probability that an arrival waits in M/M/c, offered load a = λ/μ (< c). Computed with
 * the stable recurrence for Erlang B (B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1))), then
 * C = c·B / (c − a·(1 − B)).
 */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return (c * b) / (c - a * (1 - b));
}

/** M/M/c mean wait in queue: C(c, λ/μ) / (cμ − λ). */
export function mmcWaitMean(lambda: number, mu: number, c: number): number {
  if (lambda >= c * mu) return Infinity;
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}

/** M/G/1 Pollaczek–Khinchine mean wait: λ·E[S²] / (2(1 − ρ)). */
export function mg1WaitMean(lambda: number, sMean: number, sM2: number): number {
  const rho = lambda * sMean;
  return rho >= 1 ? Infinity : (lambda * sM2) / (2 * (1 - rho));
}

/**
 * M/G/1 with a setup time U for the first customer of each busy period (Welch 1964; Takagi,
 * Queueing Analysis vol. 1 §2.3): W = λE[S²]/(2(1 − ρ)) + (2E[U] + λE[U²]) / (2(1 + λE[U])).
 * Here U is the OS wake-up of a parked runtime thread.
 */
export function mg1SetupWaitMean(lambda: number, sMean: number, sM2: number, uMean: number, uM2: number): number {
  const rho = lambda * sMean;
  if (rho >= 1) return Infinity;
  return (lambda * sM2) / (2 * (1 - rho)) + (2 * uMean + lambda * uM2) / (2 * (1 + lambda * uMean));
}

/** Probability that the server of an M/G/1 with setup times is busy or in setup when a customer arrives. */
export function mg1SetupBusyProb(lambda: number, sMean: number, uMean: number): number {
  // Fraction of time idle = (1 − ρ) / (1 + λE[U]) (renewal argument over a busy cycle).
  const rho = lambda * sMean;
  if (rho >= 1) return 1;
  return 1 - (1 - rho) / (1 + lambda * uMean);
}

/** Kingman's G/G/1 approximation: (ρ/(1 − ρ)) · ((ca² + cs²)/2) · E[S]. Exact for M/M/1 and M/G/1 means. */
export function kingmanWaitMean(lambda: number, sMean: number, ca2: number, cs2: number): number {
  const rho = lambda * sMean;
  return rho >= 1 ? Infinity : (rho / (1 - rho)) * ((ca2 + cs2) / 2) * sMean;
}

/** Allen–Cunneen G/G/c approximation: W(M/M/c) · (ca² + cs²)/2. */
export function allenCunneenWaitMean(lambda: number, sMean: number, c: number, ca2: number, cs2: number): number {
  if (sMean <= 0) return 0;
  return mmcWaitMean(lambda, 1 / sMean, c) * ((ca2 + cs2) / 2);
}

/**
 * Waiting-time tail used with the approximations above: P(W > t) ≈ p·exp(−t·p/E[W]), where p is
 * the probability of waiting at all (exact for M/M/c with p = Erlang C; the usual heavy-traffic
 * exponential approximation elsewhere). Returns the mean of the exponential part, E[W]/p.
 */
export function conditionalWaitMean(waitMean: number, pWait: number): number {
  return pWait > 0 ? waitMean / pWait : 0;
}

/** Squared coefficient of variation of inter-arrival times for the arrival processes the Plan has. */
export function arrivalScv(
  kind: 'periodic' | 'poisson' | 'bursty' | 'trace',
  burstOnNs = 0,
  burstOffNs = 0,
  ratePerSec = 0,
): number {
  switch (kind) {
    case 'periodic':
      return 0;
    case 'poisson':
      return 1;
    case 'bursty': {
      // Interrupted Poisson process with exponential on/off periods (Kuczura 1973): its
      // inter-arrival times are hyperexponential with c² = 1 + 2·r1·λ / (r1 + r2)², where λ is the
      // rate while on and r1 = 1/on, r2 = 1/off are the rates of leaving the on and off states.
      if (burstOffNs <= 0) return 1;
      const r1 = 1 / burstOnNs;
      const r2 = 1 / burstOffNs;
      const lam = ratePerSec / 1e9;
      return 1 + (2 * r1 * lam) / ((r1 + r2) * (r1 + r2));
    }
    case 'trace':
      return 1;
  }
}

/**
 * Exact mean waiting and sojourn times of textbook queues (Kendall notation), the reference the
 * self-test compares the simulator with.
 *
 * Phase: selftest. Times are in µs, rates per µs. `wqUs` is the mean wait in queue (arrival to
 * start of service), `wUs` the mean sojourn (arrival to end of service). All formulas assume a
 * stable queue (ρ < 1) and FIFO service; they throw otherwise, since a self-test built on an
 * unstable queue is a bug in the self-test.
 */

export interface QueueMeans {
  /** Server utilization ρ = λ·E[S]/c. */
  rho: number;
  wqUs: number;
  wUs: number;
}

function stable(rho: number): void {
  if (!(rho > 0 && rho < 1)) throw new Error(`internal: queue with utilization ${rho} is not stable`);
}

/**
 * M/G/1 by Pollaczek–Khinchine: Wq = λ·E[S²] / (2(1 − ρ)). Covers M/M/1 (E[S²] = 2·E[S]²) and
 * M/D/1 (E[S²] = E[S]²).
 */
export function mg1(lambdaPerUs: number, meanServiceUs: number, secondMomentUs2: number): QueueMeans {
  const rho = lambdaPerUs * meanServiceUs;
  stable(rho);
  const wqUs = (lambdaPerUs * secondMomentUs2) / (2 * (1 - rho));
  return { rho, wqUs, wUs: wqUs + meanServiceUs };
}

export function mm1(lambdaPerUs: number, meanServiceUs: number): QueueMeans {
  return mg1(lambdaPerUs, meanServiceUs, 2 * meanServiceUs * meanServiceUs);
}

export function md1(lambdaPerUs: number, serviceUs: number): QueueMeans {
  return mg1(lambdaPerUs, serviceUs, serviceUs * serviceUs);
}

/** E[S²] of a uniform(min, max) service time. */
export function uniformSecondMoment(minUs: number, maxUs: number): number {
  return (minUs * minUs + minUs * maxUs + maxUs * maxUs) / 3;
}

/** Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a = λ/μ. */
export function erlangC(servers: number, offeredLoad: number): number {
  const rho = offeredLoad / servers;
  stable(rho);
  let term = 1; // a^k / k!
  let sum = 0;
  for (let k = 0; k < servers; k++) {
    sum += term;
    term *= offeredLoad / (k + 1);
  }
  const last = term / (1 - rho); // a^c / c! · 1/(1 − ρ)
  return last / (sum + last);
}

/** M/M/c with one FIFO queue: Wq = C(c, a) / (cμ − λ). */
export function mmc(servers: number, lambdaPerUs: number, meanServiceUs: number): QueueMeans {
  const mu = 1 / meanServiceUs;
  const a = lambdaPerUs / mu;
  const pWait = erlangC(servers, a);
  const wqUs = pWait / (servers * mu - lambdaPerUs);
  return { rho: a / servers, wqUs, wUs: wqUs + meanServiceUs };
}

/**
 * Runtime costs: the cost model's mechanistic parameters read once into plain numbers, and the
 * samplers for cost distributions.
 *
 * Phase: simulate. Sampling draws from a dedicated PRNG stream per purpose.
 */
import type { CostModel } from '../schema/model.js';
import type { PlanCost } from '../plan/types.js';
import { type Prng } from '../engine/prng.js';
import { paramNs, param } from '../model/load.js';

export interface RuntimeCosts {
  poll: number;
  yieldExtra: number;
  driverPoll: number;
  remoteCheck: number;
  driverUnparkIo: number;
  unparkWorker: number;
  steal: number;
  spawn: number;
  join: number;
  sendU: number;
  recvU: number;
  tryRecvU: number;
  sendB: number;
  recvB: number;
  tryRecvB: number;
  wakerRegister: number;
  lfPush: number;
  lfPop: number;
  mutex: number;
  timerRegister: number;
  spinCheck: number;
  noiseRate: number;
  wakeLatency: PlanCost;
  parkOvershoot: PlanCost;
  noisePause: PlanCost;
}

function dist(model: CostModel, name: string): PlanCost {
  const p = param(model, name);
  if (!p) return { dist: 'const', ns: 0 };
  if (p.distribution) return { dist: 'quantiles', p: [...p.distribution.p], ns: [...p.distribution.ns] };
  return { dist: 'const', ns: p.value };
}

export function runtimeCosts(model: CostModel, driver: 'none' | 'timer' | 'timer_io'): RuntimeCosts {
  // Simulated time is integer ns: every fixed cost is rounded once here (28.6 → 29 ns), so clocks
  // stay exact integers and results are the same bytes on any machine.
  const v = (n: string) => Math.round(paramNs(model, n));
  return {
    poll: v('poll_self'),
    yieldExtra: v('yield_extra'),
    driverPoll: driver === 'none' ? v('driver_poll_none') : driver === 'timer' ? v('driver_poll_timer') : v('driver_poll_io'),
    remoteCheck: v('remote_check'),
    driverUnparkIo: driver === 'timer_io' ? v('driver_unpark_io') : 0,
    unparkWorker: v('unpark_worker'),
    steal: v('steal'),
    spawn: v('spawn'),
    join: v('join'),
    sendU: v('send_unbounded'),
    recvU: v('recv_unbounded'),
    tryRecvU: v('try_recv_unbounded'),
    sendB: v('send_bounded'),
    recvB: v('recv_bounded'),
    tryRecvB: v('try_recv_bounded'),
    wakerRegister: v('waker_register'),
    lfPush: v('lockfree_push'),
    lfPop: v('lockfree_pop'),
    mutex: v('mutex_lock'),
    timerRegister: v('timer_register'),
    spinCheck: v('spin_check'),
    noiseRate: paramNs(model, 'noise_rate'),
    wakeLatency: dist(model, 'wake_latency'),
    parkOvershoot: dist(model, 'park_overshoot'),
    noisePause: dist(model, 'noise_pause'),
  };
}

/** Draws one value (integer ns) from a cost distribution. Constant costs draw no random numbers. */
export function sampleCost(c: PlanCost, rng: Prng): number {
  switch (c.dist) {
    case 'const':
      return Math.round(c.ns);
    case 'uniform':
      return Math.round(c.minNs + rng.nextFloat() * (c.maxNs - c.minNs));
    case 'exponential':
      return Math.round(rng.exponential(c.meanNs));
    case 'lognormal':
      return Math.round(c.medianNs * Math.exp(c.sigma * rng.normal()));
    case 'quantiles': {
      // Inverse CDF by linear interpolation between the stored quantiles.
      const u = rng.nextFloat();
      const p = c.p;
      const ns = c.ns;
      let i = 1;
      while (i < p.length - 1 && p[i] < u) i++;
      const p0 = p[i - 1];
      const p1 = p[i];
      const f = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
      return Math.round(ns[i - 1] + Math.min(1, Math.max(0, f)) * (ns[i] - ns[i - 1]));
    }
  }
}

/** Mean of a cost distribution in ns (for the analytic model and for reports). */
export function meanCost(c: PlanCost): number {
  switch (c.dist) {
    case 'const':
      return c.ns;
    case 'uniform':
      return (c.minNs + c.maxNs) / 2;
    case 'exponential':
      return c.meanNs;
    case 'lognormal':
      return c.medianNs * Math.exp((c.sigma * c.sigma) / 2);
    case 'quantiles': {
      let m = 0;
      for (let i = 1; i < c.p.length; i++) m += ((c.ns[i] + c.ns[i - 1]) / 2) * (c.p[i] - c.p[i - 1]);
      return m;
    }
  }
}

//! sources: the plan's arrival processes, delivered by one std::thread outside the runtime.
//!
//! The schedule is computed up front with the simulator's own rules and random stream
//! (`arrival` in `src/runtime/simulator.ts`, PRNG stream "arrival"), so a Poisson or bursty
//! source delivers its batches at the same planned instants as in the simulation. The thread
//! sleeps until each instant (absolute deadlines, so lateness never accumulates) and sends
//! the batch stamped with the time it really sent it: a record's latency starts when its
//! batch entered the channel. OS sleeps overshoot (tens of µs); the lateness is reported.

use crate::histogram::Histogram;
use crate::interp::{Msg, Shared, CLOSE};
use crate::plan::{Arrival, Plan};
use crate::prng::{js_round, Prng};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One delivery: a batch of `records` (or the close marker) into `channel` at `t_ns`.
pub struct Delivery {
    pub t_ns: f64,
    pub channel: usize,
    pub records: u32,
}

/// Most deliveries one run may plan (guards memory against a mistaken plan).
pub const MAX_DELIVERIES: usize = 20_000_000;

struct SourceState {
    next: f64,
    seq: u64,
    sent: u64,
    phase_end: f64,
}

/// Every delivery of every source in the order the simulator's event queue processes them
/// ((time, insertion sequence)), drawing random gaps in that same order.
pub fn schedule(plan: &Plan) -> Result<Vec<Delivery>, String> {
    let mut rng = Prng::new(plan.seed, "arrival");
    let mut seq = 0u64;
    let mut st: Vec<SourceState> = Vec::new();
    let mut out = Vec::new();
    for s in &plan.sources {
        let mut phase_end = 0.0;
        let t = match &s.arrival {
            Arrival::Periodic { phase_ns, .. } => *phase_ns,
            Arrival::Poisson { rate_per_sec } => js_round(rng.exponential(1e9 / rate_per_sec)),
            Arrival::Bursty {
                rate_per_sec,
                on_ns,
                ..
            } => {
                phase_end = js_round(rng.exponential(*on_ns));
                js_round(rng.exponential(1e9 / rate_per_sec))
            }
            Arrival::Trace { times_ns, .. } => times_ns.first().copied().unwrap_or(-1.0),
        };
        if t < 0.0 && s.close {
            out.push(Delivery {
                t_ns: 0.0,
                channel: s.channel,
                records: CLOSE,
            });
        }
        st.push(SourceState {
            next: t,
            seq,
            sent: 0,
            phase_end,
        });
        seq += 1;
    }
    // The earliest pending arrival; ties go to the one scheduled first.
    while let Some(i) = (0..st.len())
        .filter(|&i| st[i].next >= 0.0)
        .min_by(|&a, &b| {
            st[a]
                .next
                .total_cmp(&st[b].next)
                .then(st[a].seq.cmp(&st[b].seq))
        })
    {
        let s = &plan.sources[i];
        let t = st[i].next;
        let k = st[i].sent as usize;
        st[i].sent += 1;
        let records = match &s.arrival {
            Arrival::Trace { records, .. } => records.get(k).copied().unwrap_or(1),
            _ => s.records,
        };
        out.push(Delivery {
            t_ns: t,
            channel: s.channel,
            records,
        });
        if out.len() > MAX_DELIVERIES {
            return Err(format!(
                "the plan's sources deliver more than {MAX_DELIVERIES} batches"
            ));
        }
        let sent = st[i].sent;
        let more = s.batches.is_none_or(|b| sent < b);
        let mut next = -1.0;
        if more {
            next = match &s.arrival {
                Arrival::Periodic {
                    interval_ns,
                    phase_ns,
                } => phase_ns + sent as f64 * interval_ns,
                Arrival::Poisson { rate_per_sec } => {
                    t + js_round(rng.exponential(1e9 / rate_per_sec)).max(1.0)
                }
                Arrival::Bursty {
                    rate_per_sec,
                    on_ns,
                    off_ns,
                } => {
                    let gap =
                        |rng: &mut Prng| js_round(rng.exponential(1e9 / rate_per_sec)).max(1.0);
                    let mut n = t + gap(&mut rng);
                    while n > st[i].phase_end {
                        let off = js_round(rng.exponential(off_ns.max(1.0)));
                        let on_start = st[i].phase_end + off;
                        st[i].phase_end = on_start + js_round(rng.exponential(*on_ns));
                        n = on_start + gap(&mut rng);
                    }
                    n
                }
                Arrival::Trace { times_ns, .. } => {
                    times_ns.get(sent as usize).copied().unwrap_or(-1.0)
                }
            };
        }
        if next >= 0.0 && s.duration_ns.is_some_and(|d| next > d) {
            next = -1.0;
        }
        if next >= 0.0 {
            st[i].next = next;
            st[i].seq = seq;
            seq += 1;
        } else {
            st[i].next = -1.0;
            if s.close {
                out.push(Delivery {
                    t_ns: t,
                    channel: s.channel,
                    records: CLOSE,
                });
            }
        }
    }
    Ok(out)
}

/// What the source thread saw: how late it sent (vs the plan) and how many batches a full
/// bounded channel refused.
#[derive(Default)]
pub struct SourceReport {
    pub lateness: Histogram,
    pub dropped: u64,
}

/// Asks Linux to wake this thread's sleeps on time: the default timer slack of a thread
/// (50 µs) lets a sleep end up to that much late, and the simulator's sources are punctual.
/// Only the source thread does this; tokio's threads keep the default, which the model's
/// park overshoot was calibrated with. Returns whether it worked.
#[cfg(target_os = "linux")]
pub(crate) fn tighten_timer_slack() -> bool {
    extern "C" {
        fn prctl(option: i32, ...) -> i32;
    }
    const PR_SET_TIMERSLACK: i32 = 29;
    // SAFETY: prctl(PR_SET_TIMERSLACK, ns) takes one unsigned long and changes only this
    // thread's timer slack.
    unsafe { prctl(PR_SET_TIMERSLACK, 1 as std::ffi::c_ulong) == 0 }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn tighten_timer_slack() -> bool {
    false
}

/// Delivers `plan` on the current thread (call from a dedicated std::thread). Stops early
/// when the run has ended. Releases its `live` count when done.
pub fn deliver(sh: Arc<Shared>, plan: Vec<Delivery>) -> SourceReport {
    let mut rep = SourceReport::default();
    tighten_timer_slack();
    // The run's t = 0 lies ahead (aligned on tokio's timer grid): `now_ns` reads 0 until
    // then, so wait for it first or a delivery planned at 0 would go out early.
    loop {
        let now = Instant::now();
        if now >= sh.t0 {
            break;
        }
        std::thread::sleep((sh.t0 - now).min(Duration::from_millis(10)));
    }
    for d in plan {
        loop {
            if sh.stopped.load(Ordering::Acquire) {
                sh.release();
                return rep;
            }
            let now = sh.now_ns() as f64;
            if now >= d.t_ns {
                break;
            }
            // Short sleeps so that a run that ends early is noticed within 10 ms.
            let left = (d.t_ns - now).min(10e6);
            std::thread::sleep(Duration::from_nanos(left as u64));
        }
        let now = sh.now_ns();
        if d.records != CLOSE {
            rep.lateness.record((now as f64 - d.t_ns).max(0.0) as u64);
            if let Some(tr) = &sh.trace {
                tr.lock().expect("trace poisoned").record_send(now);
            }
        }
        if !sh.tx[d.channel].send_external(Msg {
            records: d.records,
            ts_ns: now,
        }) {
            rep.dropped += 1;
        }
    }
    sh.release();
    rep
}

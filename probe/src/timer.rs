//! timer: `sleep(d)` latency on an idle or busy runtime (tokio-mechanics §3; model
//! parameter P14). Latency-type: one line per sleep, measured from just before the
//! `Sleep` is created to its completion; the TypeScript side fits the 1 ms grid and the
//! OS park overshoot from the distribution. `timer_unpark`: the cost of registering a
//! timer when the driver has promised no earlier wake-up (tokio's `reregister` then calls
//! `driver.unpark()`: an eventfd write with the I/O driver), a slope benchmark.

use crate::bench::{
    build_runtime, count_spec, emit_latencies, emit_metrics, n_spec, ns, ov, run_slope, Bench,
    Kind, Overrides, ParamSpec, Params, Ty, FLAVOR, FLAVOR_CT, REPS, WORKERS,
};
use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

/// Sleeps discarded at the start (phase settling, first timer-wheel allocation).
const WARMUP: u64 = 3;

const DRIVER_TIMED: ParamSpec = ParamSpec {
    name: "driver",
    default: "timer",
    ty: Ty::Choice(&["timer", "io"]),
    doc: "timer (enable_time) or io (enable_all with tokio/net)",
};
const D_US: ParamSpec = ParamSpec {
    name: "d_us",
    default: "100",
    ty: Ty::Int {
        min: 0,
        max: 10_000_000,
    },
    doc: "sleep duration in µs",
};
const LOAD: ParamSpec = ParamSpec {
    name: "load",
    default: "idle",
    ty: Ty::Choice(&["idle", "spinner"]),
    doc: "idle runtime, or a concurrent yield_now spinner task keeping the driver polled",
};

fn run_sleep(p: &Params) -> Result<(), String> {
    let count = p.int("count");
    let d = Duration::from_micros(p.int("d_us"));
    let spinner = p.str("load") == "spinner";
    let rt = build_runtime(p);
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let lat = rt.block_on(async move {
        let spin = if spinner {
            let stop = stop2.clone();
            Some(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    tokio::task::yield_now().await;
                }
            }))
        } else {
            None
        };
        let sleeper = tokio::spawn(async move {
            let mut v = Vec::with_capacity((count + WARMUP) as usize);
            for _ in 0..count + WARMUP {
                let t = Instant::now();
                tokio::time::sleep(d).await;
                v.push(ns(t.elapsed()));
            }
            v
        });
        let v = sleeper.await.expect("sleeper panicked");
        stop2.store(true, Ordering::Relaxed);
        if let Some(h) = spin {
            h.await.expect("spinner panicked");
        }
        v
    });
    stop.store(true, Ordering::Relaxed);
    emit_latencies(p, &lat[WARMUP as usize..]);
    emit_metrics(p, &rt, count + WARMUP);
    Ok(())
}

const SLEEP_PARAMS: &[ParamSpec] = &[FLAVOR, WORKERS, DRIVER_TIMED, D_US, LOAD, count_spec("200")];

fn grid_sleep() -> Vec<Overrides> {
    let mut g = Vec::new();
    for load in ["idle", "spinner"] {
        for d in ["0", "1", "100", "500", "1000", "2000"] {
            g.push(ov(&[("flavor", "ct"), ("d_us", d), ("load", load)]));
        }
        for d in ["100", "1000"] {
            g.push(ov(&[
                ("flavor", "mt"),
                ("workers", "2"),
                ("d_us", d),
                ("load", load),
            ]));
        }
    }
    if cfg!(feature = "io") {
        for d in ["100", "500"] {
            g.push(ov(&[("flavor", "ct"), ("driver", "io"), ("d_us", d)]));
        }
    }
    g
}

/// `timer_unpark`: `iters` timers registered and dropped inside one poll of the block_on
/// future on current_thread. Each `Sleep` is polled once (its first poll registers it:
/// `TimerEntry::reset` → `reregister`) and dropped (`clear_entry`). No driver poll runs in
/// between, so the driver's `next_wake` stays `None` (it is only set when the driver parks)
/// and every registration calls `driver.unpark()` (tokio 1.24.2 `runtime/time/mod.rs`
/// `reregister`, 1.53.1 the same, lines 400–431). With `driver=io` that unpark is mio's
/// eventfd write; with `driver=timer` an atomic swap on the parker. The difference of the two
/// slopes is the registration's unpark (calibrate: `timer_unpark_io`). Run unconstrained:
/// `Sleep::poll` charges the coop budget, and a spent budget would skip the registration.
fn run_timer_unpark(p: &Params) -> Result<(), String> {
    let rt = build_runtime(p);
    run_slope(p, |iters| {
        rt.block_on(tokio::task::unconstrained(async move {
            let t = Instant::now();
            for _ in 0..iters {
                let mut s = Box::pin(tokio::time::sleep(Duration::from_secs(3600)));
                std::future::poll_fn(|cx| {
                    black_box(s.as_mut().poll(cx).is_ready());
                    Poll::Ready(())
                })
                .await;
                drop(s);
            }
            (iters, t.elapsed())
        }))
    });
    Ok(())
}

const DRIVER_TIMER_UNPARK: ParamSpec = ParamSpec {
    name: "driver",
    default: "timer",
    ty: Ty::Choice(&["timer", "io"]),
    doc: "timer (enable_time: the unpark is an atomic swap) or io (enable_all with tokio/net: an eventfd write)",
};
const TIMER_UNPARK_PARAMS: &[ParamSpec] = &[FLAVOR_CT, DRIVER_TIMER_UNPARK, n_spec("20000"), REPS];

fn grid_timer_unpark() -> Vec<Overrides> {
    let mut g = vec![ov(&[("driver", "timer")])];
    if cfg!(feature = "io") {
        g.push(ov(&[("driver", "io")]));
    }
    g
}

pub const BENCHES: &[Bench] = &[
    Bench {
        name: "sleep",
        kind: Kind::Latency,
        feeds: &["P14"],
        about: "loop of sleep(d_us) in a spawned task, idle or next to a yield spinner; ns = one sleep's wall time",
        params: SLEEP_PARAMS,
        run: run_sleep,
        grid: grid_sleep,
    },
    Bench {
        name: "timer_unpark",
        kind: Kind::Slope,
        feeds: &["P14"],
        about: "register (first poll) and drop a 1 h sleep in the block_on future, current_thread, no driver poll between: every registration unparks the driver",
        params: TIMER_UNPARK_PARAMS,
        run: run_timer_unpark,
        grid: grid_timer_unpark,
    },
];

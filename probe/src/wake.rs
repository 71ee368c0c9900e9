//! wake: OS-level wake-up latencies (tokio-mechanics §2.4, §7.3; model parameters P8, P9).
//! Latency-type: one `latency` line per message; the TypeScript side keeps the
//! distribution (p10/p50/p90…), it does not fit a slope.

use crate::affinity::{allowed_cpus, pin_current_thread};
use crate::bench::{
    build_runtime, count_spec, emit, emit_latencies, emit_metrics, ns, ov, spin_for, Bench, Kind,
    Overrides, ParamSpec, Params, Ty, DRIVER, FLAVOR, FLAVOR_CT, FLAVOR_MT, WORKERS,
};
use crate::prng::Prng;
use serde_json::json;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

/// Messages discarded at the start of each run (runtime and thread warm-up).
const WARMUP: u64 = 5;

const GAP: ParamSpec = ParamSpec {
    name: "g",
    default: "500",
    ty: Ty::Int {
        min: 0,
        max: 1_000_000,
    },
    doc: "µs the sending std::thread sleeps between messages",
};
const GAP_SPREAD: ParamSpec = ParamSpec {
    name: "g_spread",
    default: "0",
    ty: Ty::Int {
        min: 0,
        max: 1_000_000,
    },
    doc: "µs of extra gap drawn uniformly from [0, g_spread) per message (seeded): spreads how long the receiver was idle when woken (each latency line then carries idleNs)",
};
const IN: ParamSpec = ParamSpec {
    name: "in",
    default: "task",
    ty: Ty::Choice(&["task", "block_on"]),
    doc: "receiver is a spawned task or the block_on future",
};
const PIN: ParamSpec = ParamSpec {
    name: "pin",
    default: "none",
    ty: Ty::Choice(&["none", "apart", "together"]),
    doc: "sender and runtime threads: left to the OS, apart (sender on the last allowed CPU, runtime on the first, as execute --place apart), or both on the first",
};
const SPIN: ParamSpec = ParamSpec {
    name: "spin_us",
    default: "200",
    ty: Ty::Int {
        min: 0,
        max: 1_000_000,
    },
    doc: "µs task A busy-spins after each send (without yielding)",
};
const DISABLE_LIFO: ParamSpec = ParamSpec {
    name: "disable_lifo",
    default: "0",
    ty: Ty::Int { min: 0, max: 1 },
    doc: "1 = Builder::disable_lifo_slot (needs --cfg tokio_unstable)",
};

/// Per message: send→receive ns, how long the receiver had been idle when it was sent
/// (send instant − the previous message's receive instant; 0 for the first), and the send instant.
async fn receive_all(mut rx: UnboundedReceiver<Instant>, cap: usize) -> Vec<(u64, u64, Instant)> {
    let mut v = Vec::with_capacity(cap);
    let mut last: Option<Instant> = None;
    while let Some(sent) = rx.recv().await {
        let now = Instant::now();
        let idle = last.map_or(0, |l| ns(sent.saturating_duration_since(l)));
        v.push((ns(now - sent), idle, sent));
        last = Some(now);
    }
    v
}

/// The CPUs of a wake benchmark's sender and runtime threads for `pin`: none (the OS places both),
/// together (both on the first allowed CPU) or apart (sender on the last, runtime on the first).
fn sender_and_runtime_cpus(
    bench: &str,
    pin: &str,
) -> Result<(Option<usize>, Option<usize>), String> {
    if pin == "none" {
        return Ok((None, None));
    }
    let cpus = allowed_cpus()?;
    match (pin, cpus.as_slice()) {
        ("together", [c, ..]) => Ok((Some(*c), Some(*c))),
        ("apart", [first, .., last]) => Ok((Some(*last), Some(*first))),
        _ => Err(format!(
            "{bench} pin={pin}: needs 2 allowed CPUs, this process has {}",
            cpus.len()
        )),
    }
}

/// P8: a std::thread sends `Instant::now()` every g µs to a task parked in `recv().await`.
/// `pin`: the runtime's threads are created by this (pinned) thread, so they inherit its CPU.
fn run_xwake(p: &Params) -> Result<(), String> {
    let count = p.int("count");
    let gap = Duration::from_micros(p.int("g"));
    let spread_us = p.int("g_spread");
    let (sender_cpu, runtime_cpu) = sender_and_runtime_cpus("xwake", p.str("pin"))?;
    let _guard = runtime_cpu.map(pin_current_thread).transpose()?;
    let rt = build_runtime(p);
    let (tx, rx) = unbounded_channel::<Instant>();
    let total = count + WARMUP;
    // Each latency line carries its send instant from here (atNs): calibrate finds the stretches
    // in which every wake-up is slow (host-contention episodes) on this time axis.
    let start = Instant::now();
    let sender = std::thread::spawn(move || {
        if let Some(c) = sender_cpu {
            // A failure here would leave the run unpinned: say so rather than mislabel it.
            pin_current_thread(c)
                .map(std::mem::forget)
                .expect("pinning the sender thread");
        }
        if spread_us > 0 {
            // Idle times below the default 50 µs timer slack are part of what is measured.
            crate::sources::tighten_timer_slack();
        }
        std::thread::sleep(Duration::from_millis(5));
        let mut rng = Prng::new(1, "xwake.gap");
        for _ in 0..total {
            let extra = (rng.next_float() * spread_us as f64 * 1e3) as u64;
            std::thread::sleep(gap + Duration::from_nanos(extra));
            if tx.send(Instant::now()).is_err() {
                break;
            }
        }
    });
    let cap = total as usize;
    let lat = if p.str("in") == "block_on" {
        rt.block_on(receive_all(rx, cap))
    } else {
        rt.block_on(async move {
            tokio::spawn(receive_all(rx, cap))
                .await
                .expect("receiver panicked")
        })
    };
    sender.join().expect("sender thread panicked");
    let kept = &lat[(WARMUP as usize).min(lat.len())..];
    let params = p.json();
    for (v, idle, sent) in kept {
        let at = ns(sent.saturating_duration_since(start));
        if spread_us > 0 {
            emit(
                &json!({"type": "latency", "bench": p.bench, "params": params, "ns": v, "idleNs": idle, "atNs": at}),
            );
        } else {
            emit(
                &json!({"type": "latency", "bench": p.bench, "params": params, "ns": v, "atNs": at}),
            );
        }
    }
    emit_metrics(p, &rt, total);
    Ok(())
}

/// The source thread's exit: a std::thread sends `Instant::now()` to a receiver parked in
/// `recv().await` and then returns (the thread exits), as the probe's source thread does after its
/// last batch (`sources::deliver`). Each message comes from a fresh thread, which sleeps g µs
/// first (the receiver parks) and is joined only after the next send, as `execute` joins the source
/// after the run: nothing waits on the exit. ns = send→receive. With pin=together (sender and
/// runtime thread on one CPU, where the guest places a thread woken by a source without a CPU of
/// its own) the woken thread runs once the exiting thread has left the CPU; compare with xwake
/// pin=together, whose sender goes back to sleep instead.
fn run_exit_wake(p: &Params) -> Result<(), String> {
    let count = p.int("count");
    let gap = Duration::from_micros(p.int("g"));
    let (sender_cpu, runtime_cpu) = sender_and_runtime_cpus("exit_wake", p.str("pin"))?;
    let _guard = runtime_cpu.map(pin_current_thread).transpose()?;
    let rt = build_runtime(p);
    let (tx, rx) = unbounded_channel::<Instant>();
    let total = count + WARMUP;
    let start = Instant::now();
    let spawner = std::thread::spawn(move || {
        if let Some(c) = sender_cpu {
            // The senders inherit this thread's CPU.
            pin_current_thread(c)
                .map(std::mem::forget)
                .expect("pinning the sender threads");
        }
        std::thread::sleep(Duration::from_millis(5));
        let mut last: Option<std::thread::JoinHandle<bool>> = None;
        for _ in 0..total {
            let tx = tx.clone();
            let h = std::thread::spawn(move || {
                crate::sources::tighten_timer_slack();
                std::thread::sleep(gap);
                tx.send(Instant::now()).is_ok()
            });
            // The previous sender exited long ago (a gap plus this spawn): joining it now waits
            // for nothing, so no thread is woken by an exit that is being timed.
            if let Some(l) = last.take() {
                if !l.join().unwrap_or(false) {
                    break;
                }
            }
            last = Some(h);
            // The next sender starts after this one has sent and exited.
            std::thread::sleep(gap + Duration::from_micros(1500));
        }
        if let Some(l) = last {
            let _ = l.join();
        }
    });
    let cap = total as usize;
    let lat = rt.block_on(async move {
        tokio::spawn(receive_all(rx, cap))
            .await
            .expect("receiver panicked")
    });
    spawner.join().expect("sender thread panicked");
    let kept = &lat[(WARMUP as usize).min(lat.len())..];
    let params = p.json();
    for (v, _, sent) in kept {
        let at = ns(sent.saturating_duration_since(start));
        emit(&json!({"type": "latency", "bench": p.bench, "params": params, "ns": v, "atNs": at}));
    }
    emit_metrics(p, &rt, total);
    Ok(())
}

/// P9: task A sends to task B (parked in recv) and then busy-spins spin_us before waiting
/// for B's ack; B records send→receive latency. LIFO on: ≈ spin_us; off: a steal.
fn run_handoff(p: &Params) -> Result<(), String> {
    let count = p.int("count");
    let spin = Duration::from_micros(p.int("spin_us"));
    let total = count + WARMUP;
    let rt = build_runtime(p);
    let lat = rt.block_on(async move {
        let (tx, rx) = unbounded_channel::<Instant>();
        let (ack_tx, mut ack_rx) = unbounded_channel::<()>();
        let b = tokio::spawn(async move {
            let mut rx = rx;
            let mut v = Vec::with_capacity(total as usize);
            while let Some(sent) = rx.recv().await {
                v.push(ns(sent.elapsed()));
                if ack_tx.send(()).is_err() {
                    break;
                }
            }
            v
        });
        let a = tokio::spawn(async move {
            for _ in 0..total {
                if tx.send(Instant::now()).is_err() {
                    break;
                }
                spin_for(spin);
                if ack_rx.recv().await.is_none() {
                    break;
                }
            }
        });
        a.await.expect("sender task panicked");
        b.await.expect("receiver task panicked")
    });
    emit_latencies(p, &lat[(WARMUP as usize).min(lat.len())..]);
    emit_metrics(p, &rt, total);
    Ok(())
}

/// Worker-to-worker wake-up, the path a pipeline's second partition takes: task A sends to
/// parked tasks B1 then B2 (B2 takes A's LIFO slot and pushes B1 to A's run queue, which
/// notifies a parked worker), then A busy-spins spin_us so that only another worker can run
/// B1. ns = B1's send→receive latency: the other worker's unpark, its search and steal, and
/// B1's poll. Then A waits for both acks and sleeps g µs, so that the other worker parks again.
/// B1 busy-spins b_spin_us after each receive (0: its worker parks again at once). holdNs = the
/// largest gap between two consecutive clock reads of A's spin: how long the waker was held off
/// its vCPU (by a woken worker that preempted it there: until that worker parks, or until the
/// guest moves one of them to the idle vCPU, whichever comes first). sendNs = A's first send
/// (B1 into its empty LIFO slot: a send and a wake, no notify), notifySendNs = its second (B2
/// displaces B1, whose push to the run queue notifies the parked worker): their difference is
/// what a worker's notify of a worker parked g µs (its vCPU halted) costs the notifying worker.
fn run_steal_wake(p: &Params) -> Result<(), String> {
    let count = p.int("count");
    let spin = Duration::from_micros(p.int("spin_us"));
    let gap = Duration::from_micros(p.int("g"));
    let b_spin = Duration::from_micros(p.int("b_spin_us"));
    let total = count + WARMUP;
    let rt = build_runtime(p);
    let lat = rt.block_on(async move {
        let (tx1, mut rx1) = unbounded_channel::<Instant>();
        let (tx2, mut rx2) = unbounded_channel::<Instant>();
        let (ack_tx, mut ack_rx) = unbounded_channel::<()>();
        let ack2 = ack_tx.clone();
        let b1 = tokio::spawn(async move {
            let mut v = Vec::with_capacity(total as usize);
            while let Some(sent) = rx1.recv().await {
                v.push(ns(sent.elapsed()));
                if !b_spin.is_zero() {
                    spin_for(b_spin);
                }
                if ack_tx.send(()).is_err() {
                    break;
                }
            }
            v
        });
        let b2 = tokio::spawn(async move {
            while rx2.recv().await.is_some() {
                if ack2.send(()).is_err() {
                    break;
                }
            }
        });
        let a = tokio::spawn(async move {
            let mut holds = Vec::with_capacity(total as usize);
            for _ in 0..total {
                tokio::time::sleep(gap).await;
                let now = Instant::now();
                // The first send wakes B1 into A's empty LIFO slot (no notify); the second wakes
                // B2 there and displaces B1 into the run queue, which notifies the parked worker:
                // its duration less the first's is what that notify cost A, on A's worker.
                if tx1.send(now).is_err() {
                    break;
                }
                let t1 = Instant::now();
                if tx2.send(now).is_err() {
                    break;
                }
                let t2 = Instant::now();
                let sends = (ns(t1 - now), ns(t2 - t1));
                holds.push((spin_max_gap(spin), sends));
                for _ in 0..2 {
                    if ack_rx.recv().await.is_none() {
                        return holds;
                    }
                }
            }
            holds
        });
        let holds = a.await.expect("sender task panicked");
        b2.await.expect("receiver task panicked");
        (b1.await.expect("receiver task panicked"), holds)
    });
    let (lat, holds) = lat;
    let params = p.json();
    for (i, v) in lat.iter().enumerate().skip(WARMUP as usize) {
        match holds.get(i) {
            Some((h, (send_ns, notify_send_ns))) => emit(&json!({
                "type": "latency", "bench": p.bench, "params": params, "ns": v, "holdNs": h,
                "sendNs": send_ns, "notifySendNs": notify_send_ns,
            })),
            None => emit(&json!({"type": "latency", "bench": p.bench, "params": params, "ns": v})),
        }
    }
    emit_metrics(p, &rt, total);
    Ok(())
}

/// Busy-spins `d` (as `spin_for`) and returns the largest gap in ns between two consecutive
/// clock reads: the longest time the spinning thread did not run (a few tens of ns when it kept
/// its vCPU).
fn spin_max_gap(d: Duration) -> u64 {
    let t = Instant::now();
    let mut last = t;
    let mut max = Duration::ZERO;
    loop {
        let now = Instant::now();
        let g = now - last;
        if g > max {
            max = g;
        }
        last = now;
        if now - t >= d {
            return ns(max);
        }
        std::hint::spin_loop();
    }
}

/// A parked worker woken by its own timer while another worker busy-spins: task B sleeps g µs in a
/// loop (its worker parks in the time driver with that deadline), task A busy-spins spin_us
/// stretches on the other worker without polling the driver, recording every gap over 1 µs
/// between two consecutive clock reads. ns = B's period minus g (the timer's lateness); holdNs =
/// the gap of A's that contains B's wake-up (B's worker ran on A's vCPU, A off it), 0 if none.
fn run_timer_pack(p: &Params) -> Result<(), String> {
    let count = p.int("count");
    let spin = Duration::from_micros(p.int("spin_us"));
    let gap = Duration::from_micros(p.int("g"));
    let total = count + WARMUP;
    let rt = build_runtime(p);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (wakes, gaps) = rt.block_on(async move {
        let d2 = done.clone();
        let a = tokio::spawn(async move {
            let mut gaps: Vec<(Instant, Instant)> = Vec::new();
            while !d2.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                let mut last = t;
                loop {
                    let now = Instant::now();
                    if now - last > Duration::from_micros(1) {
                        gaps.push((last, now));
                    }
                    last = now;
                    if now - t >= spin {
                        break;
                    }
                    std::hint::spin_loop();
                }
                tokio::task::yield_now().await;
            }
            gaps
        });
        let b = tokio::spawn(async move {
            let mut v = Vec::with_capacity(total as usize + 1);
            v.push(Instant::now());
            for _ in 0..total {
                tokio::time::sleep(gap).await;
                v.push(Instant::now());
            }
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            v
        });
        let wakes = b.await.expect("sleeper task panicked");
        (wakes, a.await.expect("spinner task panicked"))
    });
    let params = p.json();
    for i in (1 + WARMUP as usize)..wakes.len() {
        let t = wakes[i];
        let late = ns(wakes[i] - wakes[i - 1]).saturating_sub(ns(gap));
        let hold = gaps
            .iter()
            .find(|(s, e)| *s <= t && t <= *e)
            .map(|(s, e)| ns(*e - *s))
            .unwrap_or(0);
        emit(
            &json!({"type": "latency", "bench": p.bench, "params": params, "ns": late, "holdNs": hold}),
        );
    }
    emit_metrics(p, &rt, total);
    Ok(())
}

/// Where a thread woken by a busy runtime thread runs: a task on a worker wakes the block_on
/// future (parked in `recv().await` on the main thread: a futex wake of a parked OS thread) and
/// busy-spins spin_us. ns = send→receive on the main thread. A VM guest that places the woken
/// thread on the waker's own vCPU either runs it at once (it preempts the waker: a few µs) or
/// only when the waker's spin ends (≥ spin_us); one placed on the other, halted vCPU takes a
/// cross-vCPU wake-up (tens of µs). The share below spin_us is the share that preempts.
fn run_bo_wake(p: &Params) -> Result<(), String> {
    let count = p.int("count");
    let spin = Duration::from_micros(p.int("spin_us"));
    let gap = Duration::from_micros(p.int("g"));
    let total = count + WARMUP;
    let rt = build_runtime(p);
    let (tx, rx) = unbounded_channel::<Instant>();
    let _sender = rt.spawn(async move {
        for _ in 0..total {
            tokio::time::sleep(gap).await;
            if tx.send(Instant::now()).is_err() {
                break;
            }
            spin_for(spin);
        }
    });
    let lat = rt.block_on(receive_all(rx, total as usize));
    let kept: Vec<u64> = lat[(WARMUP as usize).min(lat.len())..]
        .iter()
        .map(|x| x.0)
        .collect();
    emit_latencies(p, &kept);
    emit_metrics(p, &rt, total);
    Ok(())
}

const STEAL_SPIN: ParamSpec = ParamSpec {
    name: "spin_us",
    default: "300",
    ty: Ty::Int {
        min: 0,
        max: 1_000_000,
    },
    doc: "µs task A busy-spins after the two sends (the other worker must steal B1 meanwhile)",
};
const STEAL_GAP: ParamSpec = ParamSpec {
    name: "g",
    default: "500",
    ty: Ty::Int {
        min: 0,
        max: 1_000_000,
    },
    doc: "µs task A sleeps before each round (the other worker parks meanwhile)",
};
const B_SPIN: ParamSpec = ParamSpec {
    name: "b_spin_us",
    default: "0",
    ty: Ty::Int {
        min: 0,
        max: 1_000_000,
    },
    doc: "steal_wake: µs the woken task B1 busy-spins after each receive (a woken worker that runs long: how long its preempted waker stays off the vCPU then)",
};
const STEAL_WAKE_PARAMS: &[ParamSpec] = &[
    FLAVOR_MT,
    WORKERS,
    DRIVER,
    STEAL_SPIN,
    STEAL_GAP,
    B_SPIN,
    count_spec("300"),
];
const TIMER_PACK_PARAMS: &[ParamSpec] = &[
    FLAVOR_MT,
    WORKERS,
    DRIVER,
    ParamSpec {
        name: "spin_us",
        default: "5000",
        ty: Ty::Int {
            min: 1,
            max: 1_000_000,
        },
        doc: "µs task A busy-spins between yields (several of B's timers fire inside one)",
    },
    ParamSpec {
        name: "g",
        default: "1000",
        ty: Ty::Int {
            min: 1,
            max: 1_000_000,
        },
        doc: "µs task B sleeps each round",
    },
    count_spec("300"),
];
const BO_WAKE_PARAMS: &[ParamSpec] = &[
    FLAVOR_MT,
    WORKERS,
    DRIVER,
    STEAL_SPIN,
    STEAL_GAP,
    count_spec("300"),
];

const XWAKE_PARAMS: &[ParamSpec] = &[
    FLAVOR,
    WORKERS,
    DRIVER,
    IN,
    GAP,
    GAP_SPREAD,
    PIN,
    count_spec("500"),
];
const EXIT_WAKE_PARAMS: &[ParamSpec] = &[FLAVOR, WORKERS, DRIVER, GAP, PIN, count_spec("200")];
const HANDOFF_PARAMS: &[ParamSpec] = &[
    FLAVOR_MT,
    WORKERS,
    DRIVER,
    SPIN,
    DISABLE_LIFO,
    count_spec("300"),
];

fn grid_xwake() -> Vec<Overrides> {
    let mut g = vec![
        ov(&[("flavor", "ct"), ("driver", "timer")]),
        ov(&[("flavor", "ct"), ("driver", "none")]),
        ov(&[("flavor", "ct"), ("driver", "timer"), ("in", "block_on")]),
        ov(&[("flavor", "mt"), ("workers", "1"), ("driver", "timer")]),
        ov(&[("flavor", "mt"), ("workers", "2"), ("driver", "timer")]),
        ov(&[
            ("flavor", "mt"),
            ("workers", "2"),
            ("driver", "timer"),
            ("in", "block_on"),
        ]),
        ov(&[
            ("flavor", "ct"),
            ("driver", "timer"),
            ("g", "50"),
            ("count", "1000"),
        ]),
    ];
    // wake_latency's configuration: the sender on another CPU than the runtime thread, as a
    // busy runtime is (the OS co-locates a sender with an idle one: 3–4 µs instead of 20–30
    // on a VM); `together` for comparison. Needs two allowed CPUs.
    if allowed_cpus().is_ok_and(|c| c.len() >= 2) {
        for pin in ["apart", "together"] {
            g.push(ov(&[("flavor", "ct"), ("driver", "timer"), ("pin", pin)]));
        }
        // halt_poll_window and wake_latency_warm: gaps spread over 0–600 µs, so that the
        // receiver is woken after idling anywhere from a few µs to past a VM host's halt-poll
        // window (each line carries idleNs).
        g.push(ov(&[
            ("flavor", "ct"),
            ("driver", "timer"),
            ("pin", "apart"),
            ("g", "0"),
            ("g_spread", "600"),
            ("count", "800"),
        ]));
        // halt_poll_max: steady idles (fixed gaps; g_spread=1 tightens the sender's timer slack
        // and adds idleNs), one run per gap, so that a VM host's adaptive halt-polling window
        // settles: short steady idles are woken warm, ones past its maximum cold.
        for gap in ["30", "60", "100", "150", "200", "300", "400"] {
            g.push(ov(&[
                ("flavor", "ct"),
                ("driver", "timer"),
                ("pin", "apart"),
                ("g", gap),
                ("g_spread", "1"),
                ("count", "300"),
            ]));
        }
    }
    if cfg!(feature = "io") {
        g.push(ov(&[("flavor", "ct"), ("driver", "io")]));
        g.push(ov(&[("flavor", "mt"), ("workers", "2"), ("driver", "io")]));
    }
    g
}

fn grid_steal_wake() -> Vec<Overrides> {
    vec![ov(&[("workers", "2"), ("driver", "timer")])]
}

/// Not in the calibration suite: no parameter is fitted from it yet (`probe microbench timer_pack`
/// on a quiet machine; on a loaded one the spinner is off its vCPU most of the time anyway and the
/// share means nothing).
fn grid_timer_pack() -> Vec<Overrides> {
    Vec::new()
}

fn grid_steal_hold() -> Vec<Overrides> {
    vec![ov(&[
        ("workers", "2"),
        ("driver", "timer"),
        ("b_spin_us", "2000"),
    ])]
}

fn grid_bo_wake() -> Vec<Overrides> {
    vec![ov(&[("workers", "2"), ("driver", "timer")])]
}

/// source_exit_latency's configuration (pin=together, as wake_latency_packed's xwake), and the
/// OS's own placement on a 2-worker runtime for comparison. Needs two allowed CPUs for `none` to
/// mean anything; `together` runs anywhere.
fn grid_exit_wake() -> Vec<Overrides> {
    let mut g = vec![ov(&[
        ("flavor", "ct"),
        ("driver", "timer"),
        ("pin", "together"),
    ])];
    if allowed_cpus().is_ok_and(|c| c.len() >= 2) {
        g.push(ov(&[
            ("flavor", "mt"),
            ("workers", "2"),
            ("driver", "timer"),
        ]));
    }
    g
}

fn grid_handoff() -> Vec<Overrides> {
    let lifo: &[&str] = if cfg!(tokio_unstable) {
        &["0", "1"]
    } else {
        &["0"]
    };
    let mut g = Vec::new();
    for l in lifo {
        for s in ["50", "200"] {
            g.push(ov(&[("spin_us", s), ("disable_lifo", l)]));
        }
    }
    g
}

/// A future whose every poll is timed (as the probe's poll trace times a task's polls): its output
/// comes back with the polls' durations in ns, in order.
struct TimedPolls<F: Future> {
    fut: Pin<Box<F>>,
    polls: Vec<u64>,
}

impl<F: Future> Future for TimedPolls<F> {
    type Output = (F::Output, Vec<u64>);
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let t = Instant::now();
        let r = self.fut.as_mut().poll(cx);
        let d = ns(t.elapsed());
        self.polls.push(d);
        match r {
            Poll::Ready(v) => Poll::Ready((v, std::mem::take(&mut self.polls))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// What idling costs the next poll: the block_on future waits g µs, either sleeping (`idle=park`:
/// the runtime thread parks in the time driver, its vCPU halts or runs other processes) or
/// busy-spinning (`idle=spin`: the thread keeps its CPU and touches nothing), then sends one
/// message of `records` items to task B, parked in recv().await, and waits for B's ack. B's poll
/// receives the message and, per item, reads the clock and counts the elapsed time in a
/// 1024-bucket histogram (the work of a record_end), then acks. ns = that poll of B, timed around
/// its future (the probe's poll trace times polls the same way); its median at idle=park less
/// the median at idle=spin is what the idle gap cost it (caches and TLB refilled after other work
/// ran on the CPU). Not in the calibration suite: the difference depends on how busy the host is
/// (docs/accuracy.md, session 14 w0floor), which one calibration window does not describe.
fn run_idle_poll(p: &Params) -> Result<(), String> {
    let count = p.int("count");
    let gap = Duration::from_micros(p.int("g"));
    let park = p.str("idle") == "park";
    let records = p.int("records");
    let total = count + WARMUP;
    let rt = build_runtime(p);
    let polls = rt.block_on(async move {
        let (tx, mut rx) = unbounded_channel::<u64>();
        let (ack_tx, mut ack_rx) = unbounded_channel::<()>();
        let b = tokio::spawn(TimedPolls {
            fut: Box::pin(async move {
                let mut hist = vec![0u64; 1024];
                while let Some(n) = rx.recv().await {
                    let t0 = Instant::now();
                    for _ in 0..n {
                        let d = ns(t0.elapsed()) >> 6;
                        hist[(d as usize).min(1023)] += 1;
                    }
                    if ack_tx.send(()).is_err() {
                        break;
                    }
                }
                hist.iter().sum::<u64>()
            }),
            polls: Vec::with_capacity(total as usize + 2),
        });
        for _ in 0..total {
            if park {
                tokio::time::sleep(gap).await;
            } else {
                spin_for(gap);
            }
            if tx.send(records).is_err() || ack_rx.recv().await.is_none() {
                break;
            }
        }
        drop(tx);
        let (_, polls) = b.await.expect("receiver task panicked");
        polls
    });
    // polls[0] registered B's receive; polls[i] received message i (1-based); the last saw the close.
    let per_msg: Vec<u64> = polls
        .iter()
        .skip(1 + WARMUP as usize)
        .take(count as usize)
        .copied()
        .collect();
    emit_latencies(p, &per_msg);
    emit_metrics(p, &rt, total);
    Ok(())
}

const IDLE_POLL_PARAMS: &[ParamSpec] = &[
    FLAVOR_CT,
    DRIVER,
    ParamSpec {
        name: "g",
        default: "1000",
        ty: Ty::Int {
            min: 1,
            max: 1_000_000,
        },
        doc: "µs the block_on future waits before each message (sleeping rounds up to tokio's 1 ms timer)",
    },
    ParamSpec {
        name: "idle",
        default: "park",
        ty: Ty::Choice(&["park", "spin"]),
        doc: "how it waits: park (sleep: the runtime thread parks) or spin (busy-wait: it keeps its CPU)",
    },
    ParamSpec {
        name: "records",
        default: "32",
        ty: Ty::Int {
            min: 1,
            max: 1_000_000,
        },
        doc: "items per message: clock reads and histogram inserts in B's poll",
    },
    count_spec("300"),
];

/// Not in the calibration suite (run_idle_poll says why): `probe microbench idle_poll idle=park|spin`.
fn grid_idle_poll() -> Vec<Overrides> {
    Vec::new()
}

pub const BENCHES: &[Bench] = &[
    Bench {
        name: "xwake",
        kind: Kind::Latency,
        feeds: &["P8"],
        about: "std::thread sends Instant::now() every g µs over unbounded mpsc to a receiver parked in recv().await; ns = send→receive",
        params: XWAKE_PARAMS,
        run: run_xwake,
        grid: grid_xwake,
    },
    Bench {
        name: "steal_wake",
        kind: Kind::Latency,
        feeds: &["P8"],
        about: "multi_thread: task A sends to parked B1 then B2 (B1 displaced from A's LIFO slot: a parked worker is notified) and busy-spins; ns = B1's send→receive on the other worker",
        params: STEAL_WAKE_PARAMS,
        run: run_steal_wake,
        grid: grid_steal_wake,
    },
    Bench {
        name: "steal_hold",
        kind: Kind::Latency,
        feeds: &["P8"],
        about: "steal_wake whose woken task B1 busy-spins b_spin_us after each receive; holdNs = the largest gap in A's busy-spin: how long a waker preempted on its vCPU by the worker it woke stays off it while that worker runs long",
        params: STEAL_WAKE_PARAMS,
        run: run_steal_wake,
        grid: grid_steal_hold,
    },
    Bench {
        name: "timer_pack",
        kind: Kind::Latency,
        feeds: &["P8"],
        about: "multi_thread: task B sleeps g µs in a loop (its worker parks in the driver) while task A busy-spins spin_us stretches on the other worker; ns = B's timer lateness, holdNs = the gap in A's spin containing B's wake-up (B's worker ran on A's vCPU), 0 if none",
        params: TIMER_PACK_PARAMS,
        run: run_timer_pack,
        grid: grid_timer_pack,
    },
    Bench {
        name: "bo_wake",
        kind: Kind::Latency,
        feeds: &["P8"],
        about: "multi_thread: a task on a worker sends to the block_on future (parked in recv().await) and busy-spins spin_us; ns = send→receive on the main thread (below spin_us: the woken thread preempted its waker)",
        params: BO_WAKE_PARAMS,
        run: run_bo_wake,
        grid: grid_bo_wake,
    },
    Bench {
        name: "exit_wake",
        kind: Kind::Latency,
        feeds: &["P8"],
        about: "a std::thread sends Instant::now() to a receiver parked in recv().await and exits (the source thread after its last batch); one fresh thread per message; ns = send→receive",
        params: EXIT_WAKE_PARAMS,
        run: run_exit_wake,
        grid: grid_exit_wake,
    },
    Bench {
        name: "handoff",
        kind: Kind::Latency,
        feeds: &["P9", "P16"],
        about: "task A sends to parked task B then busy-spins spin_us; ns = B's send→receive latency (≈ spin_us with the LIFO slot, a steal without)",
        params: HANDOFF_PARAMS,
        run: run_handoff,
        grid: grid_handoff,
    },
    Bench {
        name: "idle_poll",
        kind: Kind::Latency,
        feeds: &[],
        about: "current_thread: the block_on future waits g µs, parked (idle=park) or busy-spinning (idle=spin), then sends task B one message of `records` items; ns = B's poll (receive, per item a clock read and a histogram insert): what an idle gap costs the next poll",
        params: IDLE_POLL_PARAMS,
        run: run_idle_poll,
        grid: grid_idle_poll,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// TimedPolls times every poll of the future it wraps: one Pending then Ready is two polls,
    /// and the wrapped output comes back with them.
    #[test]
    fn timed_polls_records_one_duration_per_poll() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let (out, polls) = rt.block_on(TimedPolls {
            fut: Box::pin(async {
                tokio::task::yield_now().await;
                7u32
            }),
            polls: Vec::new(),
        });
        assert_eq!(out, 7);
        assert_eq!(polls.len(), 2);
    }
}

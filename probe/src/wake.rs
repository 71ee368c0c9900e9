//! wake: OS-level wake-up latencies (tokio-mechanics §2.4, §7.3; model parameters P8, P9).
//! Latency-type: one `latency` line per message; the TypeScript side keeps the
//! distribution (p10/p50/p90…), it does not fit a slope.

use crate::bench::{
    build_runtime, count_spec, emit_latencies, emit_metrics, ns, ov, spin_for, Bench, Kind,
    Overrides, ParamSpec, Params, Ty, DRIVER, FLAVOR, FLAVOR_MT, WORKERS,
};
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
const IN: ParamSpec = ParamSpec {
    name: "in",
    default: "task",
    ty: Ty::Choice(&["task", "block_on"]),
    doc: "receiver is a spawned task or the block_on future",
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

async fn receive_all(mut rx: UnboundedReceiver<Instant>, cap: usize) -> Vec<u64> {
    let mut v = Vec::with_capacity(cap);
    while let Some(sent) = rx.recv().await {
        v.push(ns(sent.elapsed()));
    }
    v
}

/// P8: a std::thread sends `Instant::now()` every g µs to a task parked in `recv().await`.
fn run_xwake(p: &Params) -> Result<(), String> {
    let count = p.int("count");
    let gap = Duration::from_micros(p.int("g"));
    let rt = build_runtime(p);
    let (tx, rx) = unbounded_channel::<Instant>();
    let total = count + WARMUP;
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(5));
        for _ in 0..total {
            std::thread::sleep(gap);
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
    emit_latencies(p, &lat[(WARMUP as usize).min(lat.len())..]);
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

const XWAKE_PARAMS: &[ParamSpec] = &[FLAVOR, WORKERS, DRIVER, IN, GAP, count_spec("500")];
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
    if cfg!(feature = "io") {
        g.push(ov(&[("flavor", "ct"), ("driver", "io")]));
        g.push(ov(&[("flavor", "mt"), ("workers", "2"), ("driver", "io")]));
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
        name: "handoff",
        kind: Kind::Latency,
        feeds: &["P9", "P16"],
        about: "task A sends to parked task B then busy-spins spin_us; ns = B's send→receive latency (≈ spin_us with the LIFO slot, a steal without)",
        params: HANDOFF_PARAMS,
        run: run_handoff,
        grid: grid_handoff,
    },
];

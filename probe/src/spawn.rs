//! spawn: cost of `tokio::spawn` and of awaiting its JoinHandle (tokio-mechanics §6; model
//! parameter P11). Slope-type; iters = tasks spawned. spawn_remote: the cost on a thread that is
//! not a worker (the block_on thread) of spawning into a multi_thread runtime (model parameter
//! spawn_remote): inject-queue push, and with a parked worker its unpark.

use crate::bench::{
    build_runtime, in_task, n_spec, ov, run_slope, Bench, Kind, Overrides, ParamSpec, Params, Ty,
    DRIVER, FLAVOR, FLAVOR_MT, REPS, WORKERS,
};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MODE: ParamSpec = ParamSpec {
    name: "mode",
    default: "hot",
    ty: Ty::Choice(&["hot", "bulk", "detached"]),
    doc: "hot: spawn then await, one at a time; bulk: spawn all, then await all; detached: spawn and drop the JoinHandle (only the spawn loop is timed)",
};
const FROM: ParamSpec = ParamSpec {
    name: "from",
    default: "task",
    ty: Ty::Choice(&["task", "block_on"]),
    doc: "spawning code runs in a spawned task or in the block_on future",
};

async fn spawn_body(mode: &'static str, n: u64) -> Duration {
    match mode {
        "hot" => {
            let t = Instant::now();
            for i in 0..n {
                black_box(
                    tokio::spawn(async move { black_box(i) })
                        .await
                        .expect("child panicked"),
                );
            }
            t.elapsed()
        }
        "bulk" => {
            let t = Instant::now();
            let hs: Vec<_> = (0..n)
                .map(|i| tokio::spawn(async move { black_box(i) }))
                .collect();
            for h in hs {
                black_box(h.await.expect("child panicked"));
            }
            t.elapsed()
        }
        _ => {
            let done = Arc::new(AtomicU64::new(0));
            let t = Instant::now();
            for _ in 0..n {
                let done = done.clone();
                drop(tokio::spawn(async move {
                    done.fetch_add(1, Ordering::Relaxed);
                }));
            }
            let d = t.elapsed();
            // Let the children finish outside the timed region before the next sample.
            while done.load(Ordering::Relaxed) < n {
                tokio::task::yield_now().await;
            }
            d
        }
    }
}

fn run_spawn_join(p: &Params) -> Result<(), String> {
    let mode: &'static str = match p.str("mode") {
        "hot" => "hot",
        "bulk" => "bulk",
        _ => "detached",
    };
    let from_task = p.str("from") == "task";
    let rt = build_runtime(p);
    run_slope(p, |iters| {
        let d = if from_task {
            in_task(&rt, spawn_body(mode, iters))
        } else {
            rt.block_on(spawn_body(mode, iters))
        };
        (iters, d)
    });
    Ok(())
}

const SPAWN_PARAMS: &[ParamSpec] = &[MODE, FROM, FLAVOR, WORKERS, DRIVER, n_spec("50000"), REPS];

fn grid_spawn_join() -> Vec<Overrides> {
    let mut g = Vec::new();
    for mode in ["hot", "bulk", "detached"] {
        g.push(ov(&[("mode", mode), ("flavor", "ct")]));
        g.push(ov(&[("mode", mode), ("flavor", "mt"), ("workers", "1")]));
        g.push(ov(&[("mode", mode), ("flavor", "mt"), ("workers", "2")]));
    }
    g.push(ov(&[
        ("mode", "hot"),
        ("from", "block_on"),
        ("flavor", "ct"),
    ]));
    g.push(ov(&[
        ("mode", "hot"),
        ("from", "block_on"),
        ("flavor", "mt"),
        ("workers", "2"),
        ("n", "1000"),
    ]));
    g
}

const LOAD: ParamSpec = ParamSpec {
    name: "load",
    default: "busy",
    ty: Ty::Choice(&["busy", "idle"]),
    doc: "busy: every worker runs a task that spins without yielding (no worker is parked, so a spawn unparks none); idle: every worker is parked before each spawn (each spawn unparks one)",
};

/// Spins until `cond` holds; panics after 10 s (a worker that never came).
fn spin_until(what: &str, cond: impl Fn() -> bool) {
    let t = Instant::now();
    while !cond() {
        std::hint::spin_loop();
        if t.elapsed() > Duration::from_secs(10) {
            panic!("spawn_remote: timed out waiting for {what}");
        }
    }
}

/// `iters` detached trivial tasks spawned from the block_on future (not a worker thread), each
/// pushed on the inject queue. busy: only the spawn loop is timed (median chunk, see below),
/// while every worker spins in a task (the spawned tasks run after it). idle: each spawn is timed alone (minus an empty
/// Instant pair), with the workers parked again before the next one.
fn spawn_remote_sample(
    rt: &tokio::runtime::Runtime,
    busy: bool,
    workers: usize,
    iters: u64,
) -> Duration {
    rt.block_on(async move {
        let done = Arc::new(AtomicU64::new(0));
        if busy {
            let stop = Arc::new(AtomicBool::new(false));
            let started = Arc::new(AtomicU64::new(0));
            let spinners: Vec<_> = (0..workers)
                .map(|_| {
                    let (stop, started) = (stop.clone(), started.clone());
                    tokio::spawn(async move {
                        started.fetch_add(1, Ordering::SeqCst);
                        while !stop.load(Ordering::Relaxed) {
                            std::hint::spin_loop();
                        }
                    })
                })
                .collect();
            spin_until("the spinning tasks to start", || {
                started.load(Ordering::SeqCst) == workers as u64
            });
            // Timed in chunks of CHUNK spawns; the sample is the median chunk's cost per spawn
            // × iters, so a chunk in which the OS took this thread's core away (two busy
            // threads on a small shared machine) does not count: platform noise is its own
            // parameter (noise_rate / noise_pause).
            const CHUNK: u64 = 128;
            let mut per: Vec<f64> = Vec::new();
            let mut left = iters;
            while left > 0 {
                let k = left.min(CHUNK);
                let t = Instant::now();
                for _ in 0..k {
                    let done = done.clone();
                    drop(tokio::spawn(async move {
                        done.fetch_add(1, Ordering::Relaxed);
                    }));
                }
                per.push(t.elapsed().as_nanos() as f64 / k as f64);
                left -= k;
            }
            per.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
            let d = Duration::from_nanos((per[per.len() / 2] * iters as f64).round() as u64);
            stop.store(true, Ordering::Relaxed);
            for s in spinners {
                s.await.expect("spinner panicked");
            }
            while done.load(Ordering::Relaxed) < iters {
                tokio::task::yield_now().await;
            }
            d
        } else {
            let mut total = Duration::ZERO;
            let mut empty = Duration::ZERO;
            for i in 0..iters {
                // Let the workers finish searching and park (blocking this thread, not a worker).
                std::thread::sleep(Duration::from_micros(100));
                let done2 = done.clone();
                let t = Instant::now();
                drop(tokio::spawn(async move {
                    done2.fetch_add(1, Ordering::Relaxed);
                }));
                total += t.elapsed();
                let t = Instant::now();
                empty += t.elapsed();
                spin_until("the spawned task to run", || {
                    done.load(Ordering::Relaxed) > i
                });
            }
            total.saturating_sub(empty)
        }
    })
}

fn run_spawn_remote(p: &Params) -> Result<(), String> {
    let busy = p.str("load") == "busy";
    let workers = p.int("workers") as usize;
    let rt = build_runtime(p);
    run_slope(p, |iters| {
        (iters, spawn_remote_sample(&rt, busy, workers, iters))
    });
    Ok(())
}

const SPAWN_REMOTE_PARAMS: &[ParamSpec] =
    &[LOAD, FLAVOR_MT, WORKERS, DRIVER, n_spec("20000"), REPS];

fn grid_spawn_remote() -> Vec<Overrides> {
    vec![
        // One spinning worker + the block_on thread: two threads, so the spawner keeps a core.
        ov(&[("load", "busy"), ("workers", "1")]),
        ov(&[("load", "idle"), ("workers", "1"), ("n", "1000")]),
        ov(&[("load", "idle"), ("workers", "2"), ("n", "1000")]),
    ]
}

pub const BENCHES: &[Bench] = &[
    Bench {
        name: "spawn_join",
        kind: Kind::Slope,
        feeds: &["P11"],
        about:
            "spawn trivial tasks (hot / bulk / detached) from a task or from block_on; iters = tasks",
        params: SPAWN_PARAMS,
        run: run_spawn_join,
        grid: grid_spawn_join,
    },
    Bench {
        name: "spawn_remote",
        kind: Kind::Slope,
        feeds: &["P11"],
        about: "multi_thread: detached spawns from the block_on thread (inject push; idle: + unparking a parked worker), the cost on the spawning thread; iters = tasks",
        params: SPAWN_REMOTE_PARAMS,
        run: run_spawn_remote,
        grid: grid_spawn_remote,
    },
];

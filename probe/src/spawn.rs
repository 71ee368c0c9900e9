//! spawn: cost of `tokio::spawn` and of awaiting its JoinHandle (tokio-mechanics §6; model
//! parameter P11). Slope-type; iters = tasks spawned.

use crate::bench::{
    build_runtime, in_task, n_spec, ov, run_slope, Bench, Kind, Overrides, ParamSpec, Params, Ty,
    DRIVER, FLAVOR, REPS, WORKERS,
};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
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

pub const BENCHES: &[Bench] = &[Bench {
    name: "spawn_join",
    kind: Kind::Slope,
    feeds: &["P11"],
    about:
        "spawn trivial tasks (hot / bulk / detached) from a task or from block_on; iters = tasks",
    params: SPAWN_PARAMS,
    run: run_spawn_join,
    grid: grid_spawn_join,
}];

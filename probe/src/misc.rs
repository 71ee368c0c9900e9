//! misc: small costs the simulator adds to task bodies or uses to correct other
//! measurements — an async fn call, an uncontended mutex, cloning a record, reading the
//! clock. Slope-type; iters = operations. The async ones run in a spawned task on a
//! current_thread runtime with no drivers.

use crate::bench::{
    build_runtime, in_task, n_spec, ov, run_slope, Bench, Kind, Overrides, ParamSpec, Params, Ty,
    REPS,
};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

const CALL_MODE: ParamSpec = ParamSpec {
    name: "mode",
    default: "async",
    ty: Ty::Choice(&["async", "sync"]),
    doc: "async: await a trivial async fn; sync: call the same body as a plain fn",
};
const MUTEX_KIND: ParamSpec = ParamSpec {
    name: "kind",
    default: "tokio",
    ty: Ty::Choice(&["tokio", "std"]),
    doc: "tokio::sync::Mutex (lock().await) or std::sync::Mutex",
};

#[inline(never)]
async fn trivial_async(x: u64) -> u64 {
    black_box(x).wrapping_add(1)
}

#[inline(never)]
fn trivial_sync(x: u64) -> u64 {
    black_box(x).wrapping_add(1)
}

/// A record shaped like the pipeline's payload: a few Strings and a small map.
#[derive(Clone)]
struct Record {
    id: String,
    partition_key: String,
    payload: String,
    seq: u64,
    attrs: HashMap<String, String>,
}

fn sample_record() -> Record {
    let mut attrs = HashMap::new();
    attrs.insert("source".to_string(), "sensor-17".to_string());
    attrs.insert("unit".to_string(), "celsius".to_string());
    attrs.insert("quality".to_string(), "good".to_string());
    Record {
        id: "3f2b9c1e-7a44-4d8e-9b1a-0c5d2e6f8a90".to_string(),
        partition_key: "tenant-42/device-1337".to_string(),
        payload: "{\"temperature\":21.5,\"humidity\":0.43}".to_string(),
        seq: 123_456,
        attrs,
    }
}

fn run_async_call(p: &Params) -> Result<(), String> {
    let rt = build_runtime(p);
    let is_async = p.str("mode") == "async";
    run_slope(p, |iters| {
        let d = in_task(&rt, async move {
            let t = Instant::now();
            let mut acc = 0u64;
            if is_async {
                for i in 0..iters {
                    acc = acc.wrapping_add(trivial_async(i).await);
                }
            } else {
                for i in 0..iters {
                    acc = acc.wrapping_add(trivial_sync(i));
                }
            }
            black_box(acc);
            t.elapsed()
        });
        (iters, d)
    });
    Ok(())
}

fn run_mutex(p: &Params) -> Result<(), String> {
    let rt = build_runtime(p);
    let is_tokio = p.str("kind") == "tokio";
    run_slope(p, |iters| {
        let d = in_task(&rt, async move {
            let t;
            if is_tokio {
                let m = tokio::sync::Mutex::new(0u64);
                t = Instant::now();
                for _ in 0..iters {
                    *m.lock().await += 1;
                }
                black_box(m.into_inner());
            } else {
                let m = std::sync::Mutex::new(0u64);
                t = Instant::now();
                for _ in 0..iters {
                    *m.lock().expect("poisoned") += 1;
                }
                black_box(m.into_inner().expect("poisoned"));
            }
            t.elapsed()
        });
        (iters, d)
    });
    Ok(())
}

fn run_clone(p: &Params) -> Result<(), String> {
    let r = sample_record();
    run_slope(p, |iters| {
        let t = Instant::now();
        for _ in 0..iters {
            let c = black_box(&r).clone();
            black_box(c.seq);
            black_box(&c.id);
            black_box(&c.partition_key);
            black_box(&c.payload);
            black_box(&c.attrs);
        }
        (iters, t.elapsed())
    });
    Ok(())
}

fn run_instant_now(p: &Params) -> Result<(), String> {
    run_slope(p, |iters| {
        let t = Instant::now();
        for _ in 0..iters {
            black_box(Instant::now());
        }
        (iters, t.elapsed())
    });
    Ok(())
}

/// `driver` fixed to none and flavor to ct: these costs do not involve the scheduler.
pub(crate) const CT_ONLY: ParamSpec = ParamSpec {
    name: "flavor",
    default: "ct",
    ty: Ty::Choice(&["ct"]),
    doc: "current_thread",
};
pub(crate) const NO_DRIVER: ParamSpec = ParamSpec {
    name: "driver",
    default: "none",
    ty: Ty::Choice(&["none"]),
    doc: "no drivers",
};
const ASYNC_CALL_PARAMS: &[ParamSpec] = &[CALL_MODE, CT_ONLY, NO_DRIVER, n_spec("1000000"), REPS];
const MUTEX_PARAMS: &[ParamSpec] = &[MUTEX_KIND, CT_ONLY, NO_DRIVER, n_spec("1000000"), REPS];
const CLONE_PARAMS: &[ParamSpec] = &[n_spec("100000"), REPS];
const INSTANT_PARAMS: &[ParamSpec] = &[n_spec("1000000"), REPS];

fn grid_async_call() -> Vec<Overrides> {
    vec![ov(&[("mode", "async")]), ov(&[("mode", "sync")])]
}
fn grid_mutex() -> Vec<Overrides> {
    vec![ov(&[("kind", "tokio")]), ov(&[("kind", "std")])]
}
fn grid_default() -> Vec<Overrides> {
    vec![Vec::new()]
}

pub const BENCHES: &[Bench] = &[
    Bench {
        name: "instant_now",
        kind: Kind::Slope,
        feeds: &["correction"],
        about: "cost of Instant::now(); subtract from benchmarks that read the clock per operation",
        params: INSTANT_PARAMS,
        run: run_instant_now,
        grid: grid_default,
    },
    Bench {
        name: "async_call",
        kind: Kind::Slope,
        feeds: &["task-body"],
        about: "await of a trivial non-suspending async fn (mode=async) vs the same plain call (mode=sync)",
        params: ASYNC_CALL_PARAMS,
        run: run_async_call,
        grid: grid_async_call,
    },
    Bench {
        name: "mutex",
        kind: Kind::Slope,
        feeds: &["task-body"],
        about: "uncontended lock + increment + unlock of tokio::sync::Mutex or std::sync::Mutex",
        params: MUTEX_PARAMS,
        run: run_mutex,
        grid: grid_mutex,
    },
    Bench {
        name: "clone",
        kind: Kind::Slope,
        feeds: &["task-body"],
        about: "clone + drop of a record (3 Strings, a u64, a HashMap of 3 String pairs)",
        params: CLONE_PARAMS,
        run: run_clone,
        grid: grid_default,
    },
];

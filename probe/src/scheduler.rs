//! scheduler: per-poll scheduler costs (tokio-mechanics §1, §2; model parameters P1–P6).
//! Every benchmark here is slope-type: K tasks each run M iterations of a self-wake or a
//! `yield_now`, timed from an outer spawned task, so the TypeScript side fits
//! totalNs = a + b·iters where `iters` is the operation the parameter is about.

use crate::bench::{
    build_runtime, driver_kinds, emit, emit_metrics, emit_summary, in_task, n_spec, ov, run_slope,
    runtime_builder, slope_total_iters, Bench, Kind, Overrides, ParamSpec, Params, Ty, DRIVER,
    FLAVOR, FLAVOR_CT, FLAVOR_MT, REPS, WORKERS,
};
use serde_json::json;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::runtime::Runtime;

/// A future that wakes its own task and returns Pending once: the self-wake path
/// (what coop exhaustion does), as opposed to `yield_now`'s deferred wake.
struct SelfWake {
    woken: bool,
}

impl Future for SelfWake {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.woken {
            Poll::Ready(())
        } else {
            self.woken = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

pub async fn self_wake_loop(m: u64) {
    for _ in 0..m {
        SelfWake { woken: false }.await;
    }
}

pub async fn yield_loop(m: u64) {
    for _ in 0..m {
        tokio::task::yield_now().await;
    }
}

const K: ParamSpec = ParamSpec {
    name: "k",
    default: "1",
    ty: Ty::Int { min: 1, max: 4096 },
    doc: "number of concurrent tasks",
};
const K4: ParamSpec = ParamSpec {
    name: "k",
    default: "4",
    ..K
};
const EVI: ParamSpec = ParamSpec {
    name: "evi",
    default: "61",
    ty: Ty::Int {
        min: 1,
        max: 1_000_000_000,
    },
    doc: "Builder::event_interval",
};
const GQI: ParamSpec = ParamSpec {
    name: "gqi",
    default: "31",
    ty: Ty::Int {
        min: 1,
        max: 1_000_000_000,
    },
    doc: "Builder::global_queue_interval (ct default 31, mt default 61)",
};
const IN: ParamSpec = ParamSpec {
    name: "in",
    default: "task",
    ty: Ty::Choice(&["task", "block_on"]),
    doc: "where the loop runs: a spawned task or the block_on future itself",
};
const LOOP: ParamSpec = ParamSpec {
    name: "loop",
    default: "yield",
    ty: Ty::Choice(&["yield", "self"]),
    doc: "yield = tokio::task::yield_now, self = hand-written self-wake",
};

/// K tasks × M iterations of `body`, timed in an outer task; iters = K·M.
fn run_k_tasks(p: &Params, yield_now: bool) {
    let rt = build_runtime(p);
    run_k_tasks_on(p, &rt, yield_now);
    emit_metrics(p, &rt, slope_total_iters(p));
}

fn run_k_tasks_on(p: &Params, rt: &Runtime, yield_now: bool) {
    let k = p.int("k");
    run_slope(p, |iters| {
        let m = (iters / k).max(1);
        let d = in_task(rt, async move {
            let t = Instant::now();
            let hs: Vec<_> = (0..k)
                .map(|_| {
                    if yield_now {
                        tokio::spawn(async move { yield_loop(m).await })
                    } else {
                        tokio::spawn(async move { self_wake_loop(m).await })
                    }
                })
                .collect();
            for h in hs {
                h.await.expect("spinner panicked");
            }
            t.elapsed()
        });
        (m * k, d)
    });
}

fn run_poll_self(p: &Params) -> Result<(), String> {
    run_k_tasks(p, false);
    Ok(())
}

fn run_yield_lone(p: &Params) -> Result<(), String> {
    let rt = build_runtime(p);
    let on_block_on = p.str("in") == "block_on";
    run_slope(p, |iters| {
        let d = if on_block_on {
            rt.block_on(async move {
                let t = Instant::now();
                yield_loop(iters).await;
                t.elapsed()
            })
        } else {
            in_task(&rt, async move {
                let t = Instant::now();
                yield_loop(iters).await;
                t.elapsed()
            })
        };
        (iters, d)
    });
    emit_metrics(p, &rt, slope_total_iters(p));
    Ok(())
}

/// K tasks each yielding M times: iters = M = number of rounds.
fn run_yield_round(p: &Params) -> Result<(), String> {
    let k = p.int("k");
    let rt = build_runtime(p);
    run_slope(p, |rounds| {
        let d = in_task(&rt, async move {
            let t = Instant::now();
            let hs: Vec<_> = (0..k).map(|_| tokio::spawn(yield_loop(rounds))).collect();
            for h in hs {
                h.await.expect("spinner panicked");
            }
            t.elapsed()
        });
        (rounds, d)
    });
    emit_metrics(p, &rt, slope_total_iters(p));
    Ok(())
}

/// The lone loop on `workers` workers, counting worker parks with `on_thread_park` (a stable
/// hook: no tokio_unstable build needed). A yielding worker never calls `park()` (it has deferred
/// wakers: `park_timeout(0)`), so the parks are the idle workers going back to sleep, one per
/// time the yielder, leaving the searching state as the last searcher, woke one: the summary's
/// `parks` / `ops` is the wake-ups per yield that `unpark_worker` is divided by.
fn run_mt_yield_idle(p: &Params) -> Result<(), String> {
    let parks = Arc::new(AtomicU64::new(0));
    let counter = parks.clone();
    let rt = runtime_builder(p)
        .on_thread_park(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        })
        .build()
        .expect("building the tokio runtime failed");
    run_k_tasks_on(p, &rt, p.str("loop") == "yield");
    let ops = slope_total_iters(p);
    emit_summary(
        p,
        json!({"parks": parks.load(Ordering::Relaxed), "ops": ops, "counter": "on_thread_park"}),
    );
    emit_metrics(p, &rt, ops);
    Ok(())
}

/// Two yield loops on two workers, both spinning at once (each worker's park_timeout(0) every
/// round polls the one shared driver: its TryLock, the time driver's lock and wheel move between
/// the two CPUs every round). Slope over the total yields of both tasks: with the two loops in
/// parallel, one task's round is twice the slope. `parks` (on_thread_park) says how often a worker
/// parked instead (the two tasks on one worker for a while).
fn run_mt_yield_pair(p: &Params) -> Result<(), String> {
    run_mt_yield_idle(p)
}

/// At most this many park cycles are kept per configuration (the first ones of the measured loop).
const CYCLE_CAP: usize = 3_000;

#[cfg(target_os = "linux")]
extern "C" {
    fn sched_getcpu() -> i32;
}

/// The CPU the calling thread runs on now (-1 where unknown).
pub fn current_cpu() -> i32 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: no arguments; glibc reads it from rseq or the vDSO.
        unsafe { sched_getcpu() }
    }
    #[cfg(not(target_os = "linux"))]
    {
        -1
    }
}

/// One idle worker's trip through `Context::park`, seen by tokio's stable hooks: how long it
/// was awake before (from its last `on_thread_unpark`), how long it stayed in park (until
/// `on_thread_unpark`: woken, scheduled, running again), and where it ran when it came back.
struct Cycle {
    awake_ns: u64,
    parked_ns: u64,
    cpu: i32,
    yielder_cpu: i32,
}

struct CycleLog {
    start: Instant,
    armed: AtomicBool,
    cycles: Mutex<Vec<Cycle>>,
    parks: AtomicU64,
    yielder_cpu: AtomicI32,
}

thread_local! {
    /// This worker's last park start and last unpark, ns since the log's start (0 = none yet).
    static PARK_AT: Cell<u64> = const { Cell::new(0) };
    static UNPARK_AT: Cell<u64> = const { Cell::new(0) };
}

impl CycleLog {
    fn now(&self) -> u64 {
        (self.start.elapsed().as_nanos() as u64).max(1)
    }
    fn parked(&self) {
        PARK_AT.with(|c| c.set(self.now()));
    }
    fn unparked(&self) {
        let t = self.now();
        let p = PARK_AT.with(|c| c.replace(0));
        let u = UNPARK_AT.with(|c| c.replace(t));
        if !self.armed.load(Ordering::Relaxed) || p == 0 {
            return;
        }
        self.parks.fetch_add(1, Ordering::Relaxed);
        let mut v = self.cycles.lock().expect("cycle log poisoned");
        if v.len() < CYCLE_CAP {
            v.push(Cycle {
                awake_ns: if u == 0 || u > p { 0 } else { p - u },
                parked_ns: t - p,
                cpu: current_cpu(),
                yielder_cpu: self.yielder_cpu.load(Ordering::Relaxed),
            });
        }
    }
}

/// The idle worker's wake-up cycle under a lone yielder (or `k` yielders): tokio's stable
/// `on_thread_park`/`on_thread_unpark` hooks time each idle worker's trip through
/// `Context::park` (parked = from the hook before `transition_to_parked` to the one after it
/// returns: the notify, the wake-up and the wait for a CPU), and the time it was awake before
/// it (its search); each cycle also says whether the worker came back on the CPU the yielder
/// last ran on (`sched_getcpu`, read by the yielder every yield: this loop is not a cost
/// benchmark). One `latency` line per cycle of the measured loop (the first 3,000): `ns` the
/// parked time, `awakeNs`, `sameCpu` (1/0); then a summary: `ops` yields, `parks` (all cycles),
/// `elapsedNs`, `sameCpuCycles` and `keptCycles`.
fn run_mt_yield_cycle(p: &Params) -> Result<(), String> {
    let k = p.int("k");
    let n = p.int("n");
    let log = Arc::new(CycleLog {
        start: Instant::now(),
        armed: AtomicBool::new(false),
        cycles: Mutex::new(Vec::with_capacity(CYCLE_CAP)),
        parks: AtomicU64::new(0),
        yielder_cpu: AtomicI32::new(-1),
    });
    let (lp, lu) = (log.clone(), log.clone());
    let rt = runtime_builder(p)
        .on_thread_park(move || lp.parked())
        .on_thread_unpark(move || lu.unparked())
        .build()
        .expect("building the tokio runtime failed");
    let run = |m: u64, log: Arc<CycleLog>| {
        in_task(&rt, async move {
            let t = Instant::now();
            let hs: Vec<_> = (0..k)
                .map(|_| {
                    let log = log.clone();
                    tokio::spawn(async move {
                        for _ in 0..m {
                            log.yielder_cpu.store(current_cpu(), Ordering::Relaxed);
                            tokio::task::yield_now().await;
                        }
                    })
                })
                .collect();
            for h in hs {
                h.await.expect("spinner panicked");
            }
            t.elapsed()
        })
    };
    let _ = run((n / 4).max(1), log.clone());
    log.armed.store(true, Ordering::Relaxed);
    let d = run(n, log.clone());
    log.armed.store(false, Ordering::Relaxed);
    let cycles = log.cycles.lock().expect("cycle log poisoned");
    let params = p.json();
    for c in cycles.iter() {
        emit(&json!({
            "type": "latency", "bench": p.bench, "params": params, "ns": c.parked_ns,
            "awakeNs": c.awake_ns, "sameCpu": u8::from(c.cpu >= 0 && c.cpu == c.yielder_cpu),
        }));
    }
    emit_summary(
        p,
        json!({
            "ops": n * k,
            "elapsedNs": d.as_nanos() as u64,
            "parks": log.parks.load(Ordering::Relaxed),
            "counter": "on_thread_park/on_thread_unpark",
            "sameCpuCycles": cycles.iter().filter(|c| c.cpu >= 0 && c.cpu == c.yielder_cpu).count(),
            "keptCycles": cycles.len(),
        }),
    );
    emit_metrics(p, &rt, n * k);
    Ok(())
}

const POLL_SELF_PARAMS: &[ParamSpec] = &[FLAVOR, WORKERS, DRIVER, K, n_spec("200000"), REPS];
const YIELD_LONE_PARAMS: &[ParamSpec] = &[FLAVOR, WORKERS, DRIVER, IN, n_spec("100000"), REPS];
const DRIVER_POLL_PARAMS: &[ParamSpec] =
    &[FLAVOR, WORKERS, DRIVER, K4, EVI, n_spec("200000"), REPS];
const YIELD_ROUND_PARAMS: &[ParamSpec] = &[FLAVOR, WORKERS, DRIVER, K4, n_spec("20000"), REPS];
const MT_YIELD_IDLE_PARAMS: &[ParamSpec] = &[
    FLAVOR_MT,
    WORKERS,
    DRIVER,
    LOOP,
    ParamSpec {
        name: "k",
        default: "1",
        ty: Ty::Int { min: 1, max: 1 },
        doc: "always 1 (a lone task)",
    },
    n_spec("50000"),
    REPS,
];
const MT_YIELD_PAIR_PARAMS: &[ParamSpec] = &[
    FLAVOR_MT,
    WORKERS,
    DRIVER,
    LOOP,
    ParamSpec {
        name: "k",
        default: "2",
        ty: Ty::Int { min: 2, max: 2 },
        doc: "always 2 (one yield loop per worker)",
    },
    n_spec("50000"),
    REPS,
];
const MT_YIELD_CYCLE_PARAMS: &[ParamSpec] = &[
    FLAVOR_MT,
    WORKERS,
    DRIVER,
    ParamSpec {
        name: "k",
        default: "1",
        ty: Ty::Int { min: 1, max: 64 },
        doc: "yielding tasks",
    },
    n_spec("200000"),
];
const REMOTE_CHECK_PARAMS: &[ParamSpec] = &[FLAVOR_CT, DRIVER, K4, GQI, n_spec("200000"), REPS];

fn grid_poll_self() -> Vec<Overrides> {
    let mut g = Vec::new();
    for d in driver_kinds() {
        for k in ["1", "4", "16"] {
            g.push(ov(&[("flavor", "ct"), ("driver", d), ("k", k)]));
        }
    }
    g.push(ov(&[
        ("flavor", "mt"),
        ("workers", "1"),
        ("driver", "timer"),
    ]));
    g.push(ov(&[
        ("flavor", "mt"),
        ("workers", "2"),
        ("driver", "timer"),
        ("n", "50000"),
    ]));
    g
}

fn grid_yield_lone() -> Vec<Overrides> {
    let mut g = Vec::new();
    for d in driver_kinds() {
        g.push(ov(&[("flavor", "ct"), ("driver", d)]));
        let n = if d == "io" { "20000" } else { "100000" };
        g.push(ov(&[
            ("flavor", "ct"),
            ("driver", d),
            ("in", "block_on"),
            ("n", n),
        ]));
    }
    g.push(ov(&[
        ("flavor", "mt"),
        ("workers", "1"),
        ("driver", "timer"),
    ]));
    g.push(ov(&[
        ("flavor", "mt"),
        ("workers", "2"),
        ("driver", "timer"),
        ("in", "block_on"),
    ]));
    g
}

fn grid_driver_poll() -> Vec<Overrides> {
    let mut g = Vec::new();
    for d in driver_kinds() {
        for evi in ["1", "8", "61", "1000000"] {
            let n = if d == "io" && evi == "1" {
                "40000"
            } else {
                "200000"
            };
            g.push(ov(&[
                ("flavor", "ct"),
                ("driver", d),
                ("evi", evi),
                ("n", n),
            ]));
        }
    }
    for evi in ["1", "1000000"] {
        g.push(ov(&[
            ("flavor", "mt"),
            ("workers", "1"),
            ("driver", "timer"),
            ("evi", evi),
        ]));
    }
    g
}

fn grid_yield_round() -> Vec<Overrides> {
    let mut g = Vec::new();
    for d in driver_kinds() {
        if d == "none" {
            continue;
        }
        for k in [1u64, 2, 4, 8, 16, 64] {
            let n = (160_000 / k).clamp(2_000, 40_000);
            let n = if d == "io" { n / 2 } else { n };
            g.push(ov(&[
                ("flavor", "ct"),
                ("driver", d),
                ("k", &k.to_string()),
                ("n", &n.to_string()),
            ]));
        }
    }
    g
}

fn grid_mt_yield_idle() -> Vec<Overrides> {
    let mut g = Vec::new();
    for w in ["1", "2", "4"] {
        g.push(ov(&[("workers", w), ("loop", "yield")]));
    }
    g.push(ov(&[("workers", "2"), ("loop", "self")]));
    g
}

fn grid_mt_yield_cycle() -> Vec<Overrides> {
    vec![
        ov(&[("workers", "2"), ("k", "1")]),
        ov(&[("workers", "2"), ("k", "2")]),
    ]
}

fn grid_mt_yield_pair() -> Vec<Overrides> {
    vec![ov(&[("workers", "2"), ("k", "2"), ("loop", "yield")])]
}

fn grid_remote_check() -> Vec<Overrides> {
    vec![
        ov(&[("gqi", "1")]),
        ov(&[("gqi", "31")]),
        ov(&[("gqi", "1000000")]),
    ]
}

pub const BENCHES: &[Bench] = &[
    Bench {
        name: "poll_self",
        kind: Kind::Slope,
        feeds: &["P1"],
        about: "k spawned tasks each awaiting hand-written self-wake futures; iters = total polls",
        params: POLL_SELF_PARAMS,
        run: run_poll_self,
        grid: grid_poll_self,
    },
    Bench {
        name: "yield_lone",
        kind: Kind::Slope,
        feeds: &["P2", "P3"],
        about: "lone yield_now loop in a spawned task or in the block_on future; iters = yields",
        params: YIELD_LONE_PARAMS,
        run: run_yield_lone,
        grid: grid_yield_lone,
    },
    Bench {
        name: "driver_poll",
        kind: Kind::Slope,
        feeds: &["P3", "P15"],
        about: "k=4 self-waking tasks with event_interval=evi; iters = total polls; fit per-poll cost vs 1/evi, slope = one non-blocking driver poll",
        params: DRIVER_POLL_PARAMS,
        run: run_poll_self,
        grid: grid_driver_poll,
    },
    Bench {
        name: "yield_round",
        kind: Kind::Slope,
        feeds: &["P4"],
        about: "k tasks each yielding n times on current_thread; iters = rounds; fit round = a + b*k",
        params: YIELD_ROUND_PARAMS,
        run: run_yield_round,
        grid: grid_yield_round,
    },
    Bench {
        name: "mt_yield_idle",
        kind: Kind::Slope,
        feeds: &["P5"],
        about: "lone yield (or self-wake) loop on multi_thread with idle workers; unstable builds add a metrics summary (parks/noops/steals)",
        params: MT_YIELD_IDLE_PARAMS,
        run: run_mt_yield_idle,
        grid: grid_mt_yield_idle,
    },
    Bench {
        name: "mt_yield_cycle",
        kind: Kind::Latency,
        feeds: &["P5"],
        about: "lone (k=1) or k yield loops on multi_thread: each idle worker's park cycle (awake, parked, same CPU as the yielder) from the on_thread_park/unpark hooks",
        params: MT_YIELD_CYCLE_PARAMS,
        run: run_mt_yield_cycle,
        grid: grid_mt_yield_cycle,
    },
    Bench {
        name: "mt_yield_pair",
        kind: Kind::Slope,
        feeds: &["P5"],
        about: "two yield loops on two workers, spinning at once; iters = both tasks' yields (one task's round = 2 x slope when they run in parallel); parks say when they did not",
        params: MT_YIELD_PAIR_PARAMS,
        run: run_mt_yield_pair,
        grid: grid_mt_yield_pair,
    },
    Bench {
        name: "remote_check",
        kind: Kind::Slope,
        feeds: &["P6", "P15"],
        about: "k=4 self-waking tasks on current_thread with global_queue_interval=gqi; iters = total polls",
        params: REMOTE_CHECK_PARAMS,
        run: run_poll_self,
        grid: grid_remote_check,
    },
];

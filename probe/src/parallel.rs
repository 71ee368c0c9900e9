//! par_record: the probe interpreter's per-record work on one multi_thread worker while the
//! other worker is idle (`mode=alone`) against the same work while the other worker runs the same
//! loop at once on the other CPU (`mode=both`). On a VM whose vCPUs share a host core (SMT
//! siblings), a cache or memory bandwidth, work on one vCPU may run slower while the other vCPU is
//! busy; both − alone, or both / alone, is that slowdown. Slope-type; iters = records.
//!
//! The two modes are measured interleaved in one run (alone, both, alone, both, … over the
//! ladder), so a change of the host's load between them moves both alike; every sample line
//! carries `mode` in its params. The timed task runs `record`'s one-task program (`body`: end,
//! compute_end; its own channel and histogram, nothing shared with the other task) pinned to the
//! first allowed CPU; in `both` the companion task runs the same program in rounds, pinned to the
//! last allowed CPU, from before the timed run starts until after it ends. `body=alu` times a
//! plain dependent integer loop of 64 xor-shift-multiply steps per iteration instead (no clock reads, no interpreter):
//! the core's own speed with the other vCPU busy.
//!
//! `mode=tick` (tick_us > 0): as `both`, plus a plain thread pinned to the timed task's CPU that
//! sleeps to absolute deadlines tick_us apart (a source thread's pattern, 1 ns timer slack) and
//! does nothing else: each wake-up takes that busy vCPU from the worker for a while (the timer
//! interrupt, two context switches, the thread's own run). With period P, the timed run's time
//! per record grows from `both` b to t = b / (1 − H/P): H = P·(1 − b/t) is the hold per wake-up.

use crate::bench::{
    emit, n_spec, ns, ov, Bench, Kind, Overrides, ParamSpec, Params, Ty, DRIVER, FLAVOR_MT, REPS,
    WORKERS,
};
use crate::interp::{run_task, Msg, Shared, CLOSE};
use crate::plan::Plan;
use crate::record::WORK;
use serde_json::json;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BODY: ParamSpec = ParamSpec {
    name: "body",
    default: "compute_end",
    ty: Ty::Choice(&["end", "compute_end", "alu"]),
    doc: "per-record body: record_end; compute(work_ns) + record_end (as bench record); alu: 64 dependent integer steps per iteration, no interpreter",
};
const MSGS: ParamSpec = ParamSpec {
    name: "msgs",
    default: "16",
    ty: Ty::Int { min: 1, max: 100_000 },
    doc: "messages per sample (their per-message costs fall into the intercept); records per message = iters / msgs",
};
const TICK: ParamSpec = ParamSpec {
    name: "tick_us",
    default: "100",
    ty: Ty::Int { min: 0, max: 100_000 },
    doc: "mode=tick (measured only when > 0): a plain thread pinned to the timed task's CPU wakes every tick_us (absolute deadlines, 1 ns timer slack, as a source thread) and sleeps again, while both workers run",
};

/// How long each task waits for the other to start before the sample is retried.
const START_LIMIT: Duration = Duration::from_millis(20);
const ATTEMPTS: u32 = 50;
const COMPANION_LIMIT: Duration = Duration::from_secs(10);

#[cfg(target_os = "linux")]
extern "C" {
    fn sched_getcpu() -> i32;
}

/// The CPU the calling thread runs on now (-1 where unknown).
fn current_cpu() -> i32 {
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

/// The two CPUs the tasks pin their workers to; None where placement is not possible.
fn cpus() -> Option<(usize, usize)> {
    match crate::affinity::allowed_cpus().ok()?.as_slice() {
        [first, .., last] => Some((*first, *last)),
        _ => None,
    }
}

struct Flags {
    timed: AtomicBool,
    companion: AtomicBool,
    /// The timed run is over: the companion stops after its current round.
    done: AtomicBool,
    /// The CPU the timed task runs on (-1 until it starts): the ticker pins itself there.
    cpu: AtomicI32,
    abort: AtomicBool,
}

impl Default for Flags {
    fn default() -> Flags {
        Flags {
            timed: AtomicBool::new(false),
            companion: AtomicBool::new(false),
            done: AtomicBool::new(false),
            cpu: AtomicI32::new(-1),
            abort: AtomicBool::new(false),
        }
    }
}

impl Flags {
    /// Marks `me` started and waits (at most START_LIMIT) for `other`; false, with `abort` set,
    /// when the other did not start in time or gave up.
    fn meet(&self, me: &AtomicBool, other: &AtomicBool) -> bool {
        me.store(true, Ordering::SeqCst);
        let t = Instant::now();
        while !other.load(Ordering::SeqCst) {
            if self.abort.load(Ordering::SeqCst) || t.elapsed() > START_LIMIT {
                self.abort.store(true, Ordering::SeqCst);
                return false;
            }
            std::hint::spin_loop();
        }
        !self.abort.load(Ordering::SeqCst)
    }
}

/// A fresh interpreter state for one run of the one-task program: `msgs` messages of `per`
/// records already queued, then the close marker.
fn filled(plan: &Arc<Plan>, msgs: u64, per: u64) -> Arc<Shared> {
    let sh = Arc::new(Shared::new(plan.clone(), Instant::now(), 0));
    let ts_ns = sh.now_ns();
    for _ in 0..msgs {
        sh.tx[0].send_external(Msg {
            records: per as u32,
            ts_ns,
        });
    }
    sh.tx[0].send_external(Msg {
        records: CLOSE,
        ts_ns: 0,
    });
    sh
}

/// 64 dependent integer steps per iteration (xor-shift-multiply: not affine, so the compiler
/// cannot fold the chain).
#[inline(never)]
fn alu(iters: u64, seed: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..iters {
        for _ in 0..64 {
            x ^= x >> 29;
            x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
        x = black_box(x);
    }
    x
}

/// One unit of work of `iters` records (or alu iterations), run in the calling task.
async fn work(plan: Option<Arc<Plan>>, msgs: u64, iters: u64) {
    match plan {
        None => {
            black_box(alu(iters, iters));
        }
        Some(plan) => {
            let sh = filled(&plan, msgs, (iters / msgs).max(1));
            run_task(sh.clone(), 0).await;
            let errors = sh.errors.lock().expect("errors poisoned");
            if let Some(e) = errors.first() {
                panic!("par_record: the interpreter failed: {e}");
            }
        }
    }
}

/// One timed run of `iters` records on the first CPU, the other worker idle (`both` false) or
/// running the same work in rounds on the last CPU. None when the companion did not start in time.
fn sample(
    rt: &tokio::runtime::Runtime,
    plan: &Option<Arc<Plan>>,
    msgs: u64,
    iters: u64,
    both: bool,
    tick_ns: u64,
) -> Option<Duration> {
    let flags = Arc::new(Flags::default());
    // mode=tick: a source-like thread on the timed task's CPU, from its start to after it ends.
    let ticker = (tick_ns > 0).then(|| {
        let stop = Arc::new(AtomicBool::new(false));
        let s2 = stop.clone();
        let f3 = flags.clone();
        let h = std::thread::spawn(move || {
            let mut cpu = f3.cpu.load(Ordering::SeqCst);
            while cpu < 0 && !s2.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_micros(50));
                cpu = f3.cpu.load(Ordering::SeqCst);
            }
            let _pin = (cpu >= 0).then(|| crate::affinity::pin_current_thread(cpu as usize).ok());
            crate::sources::tighten_timer_slack();
            let period = Duration::from_nanos(tick_ns);
            let mut next = Instant::now() + period;
            while !s2.load(Ordering::Relaxed) {
                let now = Instant::now();
                if now < next {
                    std::thread::sleep(next - now);
                }
                black_box(Instant::now());
                next += period;
            }
        });
        (stop, h)
    });
    let (p1, p2) = (plan.clone(), plan.clone());
    let f1 = flags.clone();
    rt.block_on(async move {
        let timed = tokio::spawn(async move {
            if both && !f1.meet(&f1.timed, &f1.companion) {
                // The companion may have seen this task's start before the abort: it stops on
                // `done` (or `abort`) after its current round.
                f1.done.store(true, Ordering::SeqCst);
                return None;
            }
            // The thread it started on (the two tasks meet on two threads; a task that yields may
            // end on another).
            let thread = std::thread::current().id();
            f1.cpu.store(current_cpu(), Ordering::SeqCst);
            let t = Instant::now();
            work(p1, msgs, iters).await;
            let d = t.elapsed();
            f1.done.store(true, Ordering::SeqCst);
            Some((d, thread))
        });
        if !both {
            return timed.await.expect("timed task panicked").map(|(d, _)| d);
        }
        let companion = tokio::spawn(async move {
            if !flags.meet(&flags.companion, &flags.timed) {
                return None;
            }
            let thread = std::thread::current().id();
            // Rounds a quarter of the timed run's size, so it overruns the timed run by little
            // (and never past COMPANION_LIMIT, should the timed task not finish).
            let t0 = Instant::now();
            while !flags.done.load(Ordering::SeqCst)
                && !flags.abort.load(Ordering::SeqCst)
                && t0.elapsed() < COMPANION_LIMIT
            {
                work(p2.clone(), msgs, (iters / 4).max(msgs)).await;
            }
            Some(thread)
        });
        let t = timed.await.expect("timed task panicked");
        let c = companion.await.expect("companion task panicked");
        if let Some((stop, h)) = ticker {
            stop.store(true, Ordering::Relaxed);
            h.join().expect("ticker panicked");
        }
        let ((d, tt), ct) = (t?, c?);
        assert_ne!(tt, ct, "par_record: both tasks ran on the same thread");
        Some(d)
    })
}

fn run_par(p: &Params) -> Result<(), String> {
    if p.int("workers") < 2 {
        return Err("par_record: needs workers >= 2".into());
    }
    let msgs = p.int("msgs");
    let body = p.str("body");
    if body != "alu" && p.int("n") < 4 * msgs {
        return Err(format!(
            "par_record: n ({}) must be at least 4 × msgs ({msgs}) so that every message holds ≥ 1 record",
            p.int("n")
        ));
    }
    let plan =
        (body != "alu").then(|| Arc::new(crate::record::plan(body, p.int("work_ns") as f64)));
    // Each worker thread is pinned for life as it starts, the first to the first allowed CPU, the
    // second to the last (the block_on thread stays unpinned): the tasks need not pin (a pin
    // taken in a task would stay behind on its thread if the task moved).
    let started = Arc::new(AtomicUsize::new(0));
    let places = cpus();
    let rt = crate::bench::runtime_builder(p)
        .on_thread_start(move || {
            if let Some((a, b)) = places {
                let i = started.fetch_add(1, Ordering::SeqCst);
                if let Ok(g) = crate::affinity::pin_current_thread(if i % 2 == 0 { a } else { b }) {
                    std::mem::forget(g);
                }
            }
        })
        .build()
        .expect("building the tokio runtime failed");
    let mut retries = 0u64;
    let mut one = |iters: u64, both: bool, tick_ns: u64| -> Duration {
        for _ in 0..ATTEMPTS {
            if let Some(d) = sample(&rt, &plan, msgs, iters, both, tick_ns) {
                return d;
            }
            retries += 1;
        }
        panic!(
            "par_record: the companion task never started on the second worker in {ATTEMPTS} attempts of {} ms each",
            START_LIMIT.as_millis()
        );
    };
    let n = p.int("n");
    let params = |mode: &str| {
        let mut v = p.json();
        v["mode"] = json!(mode);
        v
    };
    let tick_ns = p.int("tick_us") * 1000;
    let mut modes = vec![(false, 0, params("alone")), (true, 0, params("both"))];
    if tick_ns > 0 {
        modes.push((true, tick_ns, params("tick")));
    }
    let _ = one((n / 4).max(1), true, 0);
    for _ in 0..p.int("reps") {
        for iters in crate::bench::ladder(n) {
            for (is_both, tick, params) in &modes {
                let d = one(iters, *is_both, *tick);
                let done = if body == "alu" {
                    iters
                } else {
                    (iters / msgs).max(1) * msgs
                };
                emit(
                    &json!({"type": "sample", "bench": p.bench, "params": params, "iters": done, "totalNs": ns(d)}),
                );
            }
        }
    }
    crate::bench::emit_summary(p, json!({ "retries": retries }));
    Ok(())
}

const PAR_PARAMS: &[ParamSpec] = &[
    BODY,
    FLAVOR_MT,
    WORKERS,
    DRIVER,
    MSGS,
    WORK,
    TICK,
    n_spec("16384"),
    REPS,
];

fn grid_par() -> Vec<Overrides> {
    vec![
        ov(&[("body", "end"), ("driver", "none")]),
        ov(&[("body", "compute_end"), ("driver", "none")]),
        ov(&[("body", "alu"), ("driver", "none")]),
    ]
}

pub const BENCHES: &[Bench] = &[Bench {
    name: "par_record",
    kind: Kind::Slope,
    feeds: &["parallel_slowdown"],
    about: "multi_thread, 2 workers: record's per-record interpreter loop (body=end, compute_end) or a plain integer loop (alu) on one worker with the other idle (mode=alone) and with the other worker running the same loop at once on the other CPU (mode=both), interleaved; iters = records",
    params: PAR_PARAMS,
    run: run_par,
    grid: grid_par,
}];

//! execute: `probe execute --plan <file|-> [--repeat n] [--timeout-s s] [--trace-spans n]
//! [--place os|apart]` runs a dispatchsim
//! Plan on a real tokio runtime of the plan's flavor, workers, driver and knobs, `repeat`
//! times, each on a fresh runtime.
//!
//! ```text
//! plan JSON ─► Plan::parse ─► per repeat: build runtime (Instants before/after)
//!          ─► place t = 0 on tokio's 1 ms timer grid at the plan's timerPhaseNs (place_t0)
//!          ─► Shared (channels, stats) ─► source thread (sources::deliver, waits for t = 0)
//!          + wait for t = 0, rt.block_on(interp::root) ─► result line
//! ```
//!
//! Stdout: the header line, then one `{"type":"result","repeat":i,"result":{…},"probe":{…}}`
//! (with `"trace":{"threads":[names],"spans":[[thread,task,startNs,endNs,cpu],…],"dropped":n}`
//! under `--trace-spans n`: every task poll of that run, up to n)
//! per repeat, where `result` holds the Result document's measured fields (source
//! `measured`; the same latency buckets as the simulator) and `probe` what only a real run
//! has (source lateness, dropped batches). dispatchsim's `measure` owns the statistics over
//! repeats. Stderr: `{"type":"progress",…}` after each repeat, errors as JSON lines.
//! Exit codes: 0 ok, 2 usage, 3 the plan cannot be executed, 4 a run exceeded the timeout.

use crate::affinity::{allowed_cpus, pin_current_thread, pin_current_thread_to};
use crate::bench::{emit, emit_err, header};
use crate::histogram::Histogram;
use crate::interp::{root, Shared};
use crate::plan::{ChannelKind, Driver, Instr, Plan, Start};
use crate::sources::{deliver, schedule, SourceReport};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::{Builder, Runtime};

struct Args {
    plan: String,
    repeat: u64,
    warmup: u64,
    timeout_s: u64,
    /// Task polls recorded per measured run (0: none): `--trace-spans n`.
    trace_spans: u64,
    /// `--place apart`: the source thread on a CPU of its own, the runtime's threads on the
    /// others (when there are enough); `os` (default): wherever the OS puts them.
    apart: bool,
}

fn fail(code: i32, kind: &str, msg: &str) -> ! {
    emit_err(&json!({"type": "error", "code": kind, "message": msg}));
    std::process::exit(code);
}

fn parse_args(argv: &[String]) -> Args {
    let mut a = Args {
        plan: String::new(),
        repeat: 1,
        warmup: 0,
        timeout_s: 120,
        trace_spans: 0,
        apart: false,
    };
    let mut it = argv[2..].iter();
    while let Some(k) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .unwrap_or_else(|| fail(2, "usage", &format!("execute: {name} needs a value")))
        };
        let int = |name: &str, v: String, max: u64| -> u64 {
            match v.parse::<u64>() {
                Ok(x) if x <= max && (x >= 1 || name == "--warmup") => x,
                _ => fail(
                    2,
                    "usage",
                    &format!("execute: {name} must be an integer in 1..={max}, got {v:?}"),
                ),
            }
        };
        match k.as_str() {
            "--plan" => a.plan = value("--plan"),
            "--repeat" => a.repeat = int("--repeat", value("--repeat"), 1000),
            "--warmup" => a.warmup = int("--warmup", value("--warmup"), 100).min(100),
            "--timeout-s" => a.timeout_s = int("--timeout-s", value("--timeout-s"), 86_400),
            "--trace-spans" => {
                a.trace_spans = int("--trace-spans", value("--trace-spans"), 10_000_000)
            }
            "--place" => {
                a.apart = match value("--place").as_str() {
                    "apart" => true,
                    "os" => false,
                    v => fail(
                        2,
                        "usage",
                        &format!("execute: --place must be os or apart, got {v:?}"),
                    ),
                }
            }
            other => fail(2, "usage", &format!("execute: unknown argument {other:?}")),
        }
    }
    if a.plan.is_empty() {
        fail(
            2,
            "usage",
            "execute: --plan <file> (or - for stdin) is required",
        );
    }
    a
}

fn read_plan(path: &str) -> Plan {
    let text = if path == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .unwrap_or_else(|e| fail(3, "plan", &format!("cannot read the plan from stdin: {e}")));
        s
    } else {
        std::fs::read_to_string(path)
            .unwrap_or_else(|e| fail(3, "plan", &format!("cannot read {path}: {e}")))
    };
    Plan::parse(&text).unwrap_or_else(|e| {
        fail(
            3,
            "plan",
            &format!("the plan cannot be executed: {path}: {e}"),
        )
    })
}

/// What this build cannot honour, as errors; what it honours differently, as warnings.
fn check_support(plan: &Plan) -> Vec<(String, String)> {
    let mut warnings = Vec::new();
    if plan.runtime.driver == Driver::TimerIo && !cfg!(feature = "io") {
        fail(
            3,
            "plan",
            "driver timer_io needs a probe built with --features io (tokio/net)",
        );
    }
    if plan.runtime.timer_resolution_ns != TICK_NS {
        fail(
            3,
            "plan",
            &format!(
                "the plan's timer resolution is {} ns; tokio's is fixed at 1 ms",
                plan.runtime.timer_resolution_ns
            ),
        );
    }
    if !plan.runtime.lifo_slot && !cfg!(tokio_unstable) {
        fail(
            3,
            "plan",
            "lifoSlot=false needs a probe built with RUSTFLAGS=\"--cfg tokio_unstable\"",
        );
    }
    for t in &plan.tasks {
        for ins in &t.code {
            match ins {
                Instr::Recv { ch, .. } if plan.channels[*ch].kind == ChannelKind::LockFree => fail(
                    3,
                    "plan",
                    &format!(
                        "task '{}' awaits a recv on lock-free channel '{}', which has no waker",
                        t.name, plan.channels[*ch].name
                    ),
                ),
                Instr::Sleep { .. } if plan.runtime.driver == Driver::None => {
                    warnings.push((
                        "DS1811".into(),
                        format!("task '{}' sleeps but the plan's driver is 'none': the probe enables the timer", t.name),
                    ));
                }
                _ => {}
            }
        }
    }
    warnings.dedup();
    warnings
}

/// Whether some task of the plan sleeps: only then do timers, and so the grid's phase, matter.
fn plan_sleeps(plan: &Plan) -> bool {
    plan.tasks
        .iter()
        .any(|t| t.code.iter().any(|i| matches!(i, Instr::Sleep { .. })))
}

/// The runtime, with `Instant`s read just before and just after `Builder::build`: tokio's
/// time driver reads its start (the origin of its 1 ms ticks) in between.
fn build_runtime(plan: &Plan) -> (Runtime, Instant, Instant) {
    let rt = &plan.runtime;
    let mut b = if rt.multi_thread {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(rt.workers);
        b
    } else {
        Builder::new_current_thread()
    };
    let sleeps = plan_sleeps(plan);
    match rt.driver {
        Driver::None if !sleeps => {}
        Driver::None | Driver::Timer => {
            b.enable_time();
        }
        Driver::TimerIo => {
            b.enable_all();
        }
    }
    b.event_interval(rt.event_interval);
    if !rt.gqi_tuned {
        b.global_queue_interval(rt.global_queue_interval);
    }
    #[cfg(tokio_unstable)]
    if !rt.lifo_slot {
        b.disable_lifo_slot();
    }
    let before = Instant::now();
    let built = b.build();
    let after = Instant::now();
    let runtime = built.unwrap_or_else(|e| {
        fail(
            3,
            "plan",
            &format!("building the tokio runtime failed: {e}"),
        )
    });
    (runtime, before, after)
}

/// tokio's timer resolution: its time driver counts whole milliseconds since it started
/// (`TimeSource::new` reads the clock while the runtime is built; deadlines round up to the
/// next whole ms, `deadline_to_tick`).
pub const TICK_NS: u64 = 1_000_000;

/// Timer samples taken to find the driver's start (the minimum is kept).
const TICK_SAMPLES: usize = 6;

/// Setup time left between the grid measurement and the scenario's t = 0 (Shared, the
/// source thread): t = 0 is the first aligned instant at least this far ahead.
const SETUP_NS: u64 = 3_000_000;

/// Where the time driver's tick origin falls, in ns after the `before` instant of the build,
/// from timer wake-ups (`wakes_ns`, ns after `before`). A timer fires at the first driver
/// poll at or after its tick, origin + k ms, so every wake-up is a tick plus a latency ≥ 0:
/// the smallest wake-up offset within the ms is the origin plus the smallest latency. The
/// origin lies between before and after (`gap_ns`), so a larger offset is cut to the gap.
/// None without wake-ups.
pub fn tick_origin_from_wakes(wakes_ns: &[u64], gap_ns: u64) -> Option<u64> {
    let min = wakes_ns.iter().map(|w| w % TICK_NS).min()?;
    Some(if gap_ns < TICK_NS {
        min.min(gap_ns)
    } else {
        min
    })
}

/// The scenario's t = 0 as ns after `before`: the first instant at or after `earliest_ns`
/// at which scenario time `phase_ns` (the plan's `timerPhaseNs`) falls on a tick of the
/// driver whose ticks are at `origin_ns` + k ms, i.e. t0 + phase ≡ origin (mod 1 ms).
pub fn aligned_t0_ns(origin_ns: u64, earliest_ns: u64, phase_ns: u64) -> u64 {
    let want = (origin_ns % TICK_NS + TICK_NS - phase_ns % TICK_NS) % TICK_NS;
    let base = earliest_ns - earliest_ns % TICK_NS + want;
    if base >= earliest_ns {
        base
    } else {
        base + TICK_NS
    }
}

/// How far into a driver tick t = 0 falls, in µs (the scenario's `runtime.timerPhaseUs`
/// convention: the first tick after t = 0 is at 1000 − phase µs).
pub fn timer_phase_us(t0_ns: u64, origin_ns: u64) -> f64 {
    ((t0_ns + TICK_NS - origin_ns % TICK_NS) % TICK_NS) as f64 / 1000.0
}

/// Wake-up instants (ns after `before`) of short sleeps on the freshly built runtime while
/// one `yield_now` spinner per worker keeps every worker polling the driver (a deferred
/// yield makes a worker poll it with a zero timeout), so that a timer fires within about a
/// µs of its tick.
fn timer_wakes(rt: &Runtime, plan: &Plan, before: Instant) -> Vec<u64> {
    let spinners = if plan.runtime.multi_thread {
        plan.runtime.workers
    } else {
        1
    };
    rt.block_on(async move {
        let stop = Arc::new(AtomicBool::new(false));
        let spin: Vec<_> = (0..spinners)
            .map(|_| {
                let stop = stop.clone();
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        let mut wakes = Vec::with_capacity(TICK_SAMPLES);
        for _ in 0..TICK_SAMPLES {
            let woke = tokio::spawn(async {
                tokio::time::sleep(Duration::from_micros(100)).await;
                Instant::now()
            })
            .await;
            if let Ok(w) = woke {
                wakes.push(w.saturating_duration_since(before).as_nanos() as u64);
            }
        }
        stop.store(true, Ordering::Relaxed);
        for h in spin {
            let _ = h.await;
        }
        wakes
    })
}

/// Where a run's t = 0 lies on tokio's timer grid.
struct Grid {
    /// The scenario's t = 0 (the source's time 0 and the latency origin).
    t0: Instant,
    /// How far into a driver tick t = 0 falls (µs), against the estimated tick origin.
    phase_us: f64,
    /// `after − before` of the build (µs): the driver's start is somewhere in it.
    build_gap_us: f64,
    /// Where the estimated tick origin lies after `before` (µs).
    origin_us: f64,
    /// Whether the origin was measured from timer wake-ups (else: the middle of the build).
    measured: bool,
}

/// Places t = 0 so that the plan's timer grid (ticks at `timerPhaseNs` + k ms of scenario
/// time) falls on the driver's ticks. Plans that sleep measure the driver's tick origin
/// (`timer_wakes`): where in the build tokio reads its clock depends on the flavor (a
/// current_thread runtime starts its timer at the end of `build`, a multi_thread one before
/// starting its worker threads, tens of µs earlier). Other plans have no timers, and the
/// middle of the build serves.
fn place_t0(rt: &Runtime, plan: &Plan, before: Instant, after: Instant) -> Grid {
    let gap = after.duration_since(before).as_nanos() as u64;
    let origin = plan_sleeps(plan)
        .then(|| tick_origin_from_wakes(&timer_wakes(rt, plan, before), gap))
        .flatten();
    let measured = origin.is_some();
    let origin = origin.unwrap_or(gap / 2);
    let earliest = before.elapsed().as_nanos() as u64 + SETUP_NS;
    let t0_ns = aligned_t0_ns(origin, earliest, plan.runtime.timer_phase_ns);
    Grid {
        t0: before + Duration::from_nanos(t0_ns),
        phase_us: timer_phase_us(t0_ns, origin),
        build_gap_us: us(gap as f64),
        origin_us: us(origin as f64),
        measured,
    }
}

/// Sleeps, then spins, until `t`: returns how late it got there (ns).
fn wait_until(t: Instant) -> u64 {
    let now = Instant::now();
    let margin = Duration::from_micros(300);
    if t > now + margin {
        std::thread::sleep(t - now - margin);
    }
    while Instant::now() < t {
        std::hint::spin_loop();
    }
    Instant::now().duration_since(t).as_nanos() as u64
}

/// (run ns, run-queue wait ns) summed over this process's threads, from Linux's
/// `/proc/self/task/*/schedstat`; None where it is not available. The wait is time a
/// runnable thread spent waiting for a CPU: other processes' load shows up here.
fn sched_totals() -> Option<(u64, u64)> {
    let mut run = 0;
    let mut wait = 0;
    for e in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let text = std::fs::read_to_string(e.path().join("schedstat")).ok()?;
        let mut it = text
            .split_whitespace()
            .map(|x| x.parse::<u64>().unwrap_or(0));
        run += it.next()?;
        wait += it.next()?;
    }
    Some((run, wait))
}

fn us(ns: f64) -> f64 {
    ns.round() / 1000.0
}

fn latency_json(h: &Histogram) -> Value {
    json!({
        "p50": us(h.quantile(0.5)),
        "p90": us(h.quantile(0.9)),
        "p99": us(h.quantile(0.99)),
        "p999": us(h.quantile(0.999)),
        "max": us(if h.count > 0 { h.max as f64 } else { 0.0 }),
        "mean": us(h.mean()),
        "count": h.count,
    })
}

/// Per-worker runtime metrics (tokio_unstable builds); empty otherwise.
#[allow(unused_variables)]
fn workers_json(rt: &Runtime, plan: &Plan) -> Vec<Value> {
    #[cfg(tokio_unstable)]
    {
        let m = rt.metrics();
        (0..m.num_workers())
            .map(|i| {
                let name = if plan.runtime.multi_thread {
                    format!("worker-{i}")
                } else {
                    "current_thread".to_string()
                };
                json!({
                    "name": name,
                    "busyUs": us(m.worker_total_busy_duration(i).as_nanos() as f64),
                    "spinUs": 0, "idleUs": 0, "descheduledUs": 0,
                    "polls": m.worker_poll_count(i),
                    "driverPolls": 0,
                    "steals": m.worker_steal_count(i),
                    "parks": m.worker_park_count(i),
                    "unparks": 0,
                    "noopWakes": m.worker_noop_count(i),
                    "lifoHits": 0,
                    "injectPops": 0,
                })
            })
            .collect()
    }
    #[cfg(not(tokio_unstable))]
    Vec::new()
}

/// Places the threads for `--place apart`: narrows this (main) thread — and so every runtime
/// thread it creates — to all allowed CPUs but the last, and returns the last for the source
/// thread, when more CPUs are allowed than threads run tasks (current_thread: 1; multi_thread:
/// the workers, plus the main thread when a task is the block_on future). Waking a thread
/// parked on another CPU costs several times a wake-up on the waker's own CPU on a VM (an
/// interrupt through the hypervisor: xwake pin=apart vs together), and the OS co-locates a
/// source with an idle runtime thread but not with a busy one, so an unplaced run mixes both.
/// The note (DS1814) says what was done.
fn place_threads(plan: &Plan, apart: bool) -> Placement {
    let none = |kind: &'static str, m: String| Placement {
        source_cpu: None,
        kind,
        note: ("DS1814".to_string(), m),
    };
    if plan.sources.is_empty() {
        return none("none", "no source thread: nothing to place".into());
    }
    if !apart {
        return none(
            "os",
            "the OS placed the source thread and the runtime's threads (--place os)".into(),
        );
    }
    // Threads that run tasks: current_thread's one; multi_thread's workers, plus the main
    // thread when a task runs as the block_on future.
    let block_on = plan.tasks.iter().any(|t| t.start == Start::BlockOn);
    let need = if plan.runtime.multi_thread {
        plan.runtime.workers + usize::from(block_on)
    } else {
        1
    };
    match allowed_cpus() {
        Ok(cpus) if cpus.len() > need => {
            let (src, rest) = cpus.split_last().expect("at least two CPUs");
            if let Err(e) = pin_current_thread_to(rest).map(std::mem::forget) {
                return none("os", format!("--place apart failed ({e}); the OS placed the threads"));
            }
            let list = rest
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(",");
            Placement {
                source_cpu: Some(*src),
                kind: "apart",
                note: (
                    "DS1814".to_string(),
                    format!("the source thread ran on CPU {src}, the runtime's threads on CPUs {list} (--place apart)"),
                ),
            }
        }
        Ok(cpus) => none(
            "os",
            format!(
                "the source thread could not have a CPU of its own: {} allowed CPUs for {need} runtime thread(s) and the source; the OS placed them (--place apart)",
                cpus.len()
            ),
        ),
        Err(e) => none("os", format!("--place apart: {e}; the OS placed the threads")),
    }
}

/// Where the source thread runs (`--place`): its CPU when pinned; `kind` is what each result
/// line's `probe.placement` says (apart, os, or none without a source); `note` the DS1814 note.
struct Placement {
    source_cpu: Option<usize>,
    kind: &'static str,
    note: (String, String),
}

/// One run on a fresh runtime; returns the result line.
fn run_once(
    plan: &Arc<Plan>,
    repeat: u64,
    warnings: &[(String, String)],
    watch: &Watch,
    trace_spans: u64,
    place: &Placement,
) -> Value {
    let source_cpu = place.source_cpu;
    let deliveries = schedule(plan).unwrap_or_else(|e| fail(3, "plan", &e));
    let (rt, before, after) = build_runtime(plan);
    watch.arm(before);
    let grid = place_t0(&rt, plan, before, after);
    let started = grid.t0;
    let sh = Arc::new(Shared::new(plan.clone(), started, trace_spans as usize));
    let source = (!deliveries.is_empty()).then(|| {
        sh.live.fetch_add(1, Ordering::AcqRel);
        let s = sh.clone();
        std::thread::Builder::new()
            .name("dispatchsim-source".into())
            .spawn(move || {
                if let Some(c) = source_cpu {
                    // Pinned for this thread's life. It was allowed a moment ago, so a failure
                    // is unexpected: say so on stderr (the run goes on where the OS puts it).
                    if let Err(e) = pin_current_thread(c).map(std::mem::forget) {
                        emit_err(&json!({"type": "warning", "code": "place", "message": format!("the source thread stayed unplaced: {e}")}));
                    }
                }
                deliver(s, deliveries)
            })
            .unwrap_or_else(|e| fail(3, "plan", &format!("cannot start the source thread: {e}")))
    });
    let sched0 = sched_totals();
    let start_late_ns = wait_until(started);
    rt.block_on(root(sh.clone()));
    let end_ns = sh.end_ns.load(Ordering::Acquire);
    let workers = workers_json(&rt, plan);
    // Before the runtime and the source thread go away, so that their time is counted.
    let sched = match (sched0, sched_totals()) {
        (Some((r0, w0)), Some((r1, w1))) => {
            json!({"cpuMs": r1.saturating_sub(r0) as f64 / 1e6, "runQueueWaitMs": w1.saturating_sub(w0) as f64 / 1e6})
        }
        _ => Value::Null,
    };
    drop(rt); // drops unfinished tasks: their statistics merge into `sh`
    let rep: SourceReport = source
        .map(|h| h.join().unwrap_or_default())
        .unwrap_or_default();
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Some(e) = sh.errors.lock().map(|e| e.first().cloned()).unwrap_or(None) {
        fail(3, "plan", &e);
    }
    let mut in_flight = 0u64;
    for slot in &sh.rx {
        if let Some(r) = slot.lock().ok().and_then(|mut s| s.take()) {
            let mut r = r;
            in_flight += r.drain_records();
        }
    }
    let hist = sh
        .hist
        .lock()
        .map(|mut h| std::mem::take(&mut *h))
        .unwrap_or_default();
    let records = hist.count;
    let mut tasks = Map::new();
    let mut yields_total = 0u64;
    let get = |a: &AtomicU64| a.load(Ordering::Acquire);
    for (d, t) in plan.tasks.iter().enumerate() {
        let s = &sh.defs[d];
        let (instances, yields) = (get(&s.instances), get(&s.yields));
        let unfinished = s.unfinished.load(Ordering::Acquire);
        yields_total += yields;
        let first = get(&s.first_start_ns).min(end_ns);
        let last = if unfinished {
            get(&s.last_end_ns).max(end_ns)
        } else {
            get(&s.last_end_ns)
        };
        tasks.insert(
            t.name.clone(),
            json!({
                "elapsedUs": if instances > 0 { us(last.saturating_sub(first) as f64) } else { 0.0 },
                "busyUs": us(get(&s.busy_ns) as f64),
                "polls": get(&s.polls),
                "yields": yields,
                "waitUs": {},
                "completed": instances > 0 && !unfinished,
            }),
        );
    }
    let bd = sh
        .breakdown_ns
        .lock()
        .map(|b| b.clone())
        .unwrap_or_default();
    let mut by_cat: BTreeMap<&str, f64> = BTreeMap::new();
    let (mut useful, mut waiting) = (0.0, 0.0);
    for (i, ns) in bd.iter().enumerate() {
        let cat = plan.costs.get(i).map_or("spin", |c| c.category.as_str());
        *by_cat.entry(cat).or_default() += ns;
        if cat == "spin" {
            waiting += ns;
        } else {
            useful += ns;
        }
    }
    let breakdown: Map<String, Value> = by_cat
        .into_iter()
        .map(|(k, ns)| (k.to_string(), json!(us(ns))))
        .collect();
    let mut warn: Vec<Value> = warnings
        .iter()
        .map(|(c, m)| json!({"code": c, "message": m}))
        .collect();
    warn.push(json!({"code": "DS1812", "message": "measured busyUs and cpuUs count compute/spin instructions only; scheduler time is not timed in a real run"}));
    if rep.dropped > 0 {
        warn.push(json!({"code": "DS1813", "message": format!("{} batches found a full bounded channel and were dropped", rep.dropped)}));
    }
    let result = json!({
        "source": "measured",
        "scenario": plan.scenario,
        "model": plan.model,
        "runtime": {
            "flavor": if plan.runtime.multi_thread { "multi_thread" } else { "current_thread" },
            "workers": plan.runtime.workers,
            "cores": plan.runtime.cores,
            "driver": match plan.runtime.driver { Driver::None => "none", Driver::Timer => "timer", Driver::TimerIo => "timer_io" },
        },
        "seed": plan.seed,
        "records": records,
        "recordsInFlight": in_flight,
        "simulatedUs": us(end_ns as f64),
        "throughput": {"recordsPerSec": if end_ns > 0 { (records as f64 / end_ns as f64 * 1e9 * 1000.0).round() / 1000.0 } else { 0.0 }},
        "latencyUs": latency_json(&hist),
        "latencyBuckets": hist.buckets().iter().map(|(lo, c)| json!([lo, c])).collect::<Vec<_>>(),
        "yieldsPerRecord": if records > 0 { (yields_total as f64 / records as f64 * 1e6).round() / 1e6 } else { 0.0 },
        "tasks": tasks,
        "workers": workers,
        "breakdownUs": breakdown,
        "cpuUs": {"useful": us(useful), "waiting": us(waiting), "scheduler": 0.0, "total": us(useful + waiting)},
        "outputs": {
            "measure.timerPhaseUs": grid.phase_us,
            "measure.timerStartUncertaintyUs": grid.build_gap_us,
            "measure.timerStartUs": grid.origin_us,
        },
        "warnings": warn,
        "engine": {"events": 0, "eventsPerSec": 0, "wallMs": (wall_ms * 1000.0).round() / 1000.0},
    });
    let mut line = json!({
        "type": "result",
        "repeat": repeat,
        "result": result,
        "probe": {
            "sourceLatenessUs": latency_json(&rep.lateness),
            "placement": place.kind,
            "droppedBatches": rep.dropped,
            "sched": sched,
            "wallMs": (wall_ms * 1000.0).round() / 1000.0,
            "timer": {
                "phaseUs": grid.phase_us,
                "buildGapUs": grid.build_gap_us,
                "originUs": grid.origin_us,
                "originMeasured": grid.measured,
                "startLateUs": us(start_late_ns as f64),
            },
        },
    });
    if let Some(tr) = &sh.trace {
        let tr = tr.lock().expect("trace poisoned");
        let threads: Vec<&str> = tr.threads.iter().map(|(_, name)| name.as_str()).collect();
        line["trace"] = json!({"threads": threads, "spans": tr.spans, "dropped": tr.dropped});
    }
    line
}

/// Exits with code 4 when a run passes its deadline: a plan that blocks forever would
/// otherwise hang the caller. Deadlines are ms since `origin`; 0 = disarmed.
struct Watch {
    origin: Instant,
    timeout: Duration,
    deadline_ms: Arc<AtomicU64>,
}

impl Watch {
    fn start(timeout: Duration) -> Watch {
        let w = Watch {
            origin: Instant::now(),
            timeout,
            deadline_ms: Arc::new(AtomicU64::new(0)),
        };
        let (origin, deadline) = (w.origin, w.deadline_ms.clone());
        std::thread::Builder::new()
            .name("dispatchsim-watchdog".into())
            .spawn(move || loop {
                std::thread::sleep(Duration::from_millis(100));
                let d = deadline.load(Ordering::Acquire);
                if d > 0 && origin.elapsed().as_millis() as u64 > d {
                    fail(4, "timeout", "a run exceeded --timeout-s (a task blocked forever, or the plan is too long)");
                }
            })
            .expect("starting the watchdog thread failed");
        w
    }

    fn arm(&self, run_start: Instant) {
        let at = (run_start + self.timeout)
            .duration_since(self.origin)
            .as_millis() as u64;
        self.deadline_ms.store(at.max(1), Ordering::Release);
    }
}

/// `probe check-plan <file|->...`: the contract check. Parses each plan exactly as `execute`
/// would (every instruction known, every operand in range), runs nothing, and prints one
/// `plan_ok` line per plan; the first plan it cannot read fails with exit 3 and names the file.
/// What this build supports (features, cfg flags) is `execute`'s business, not the contract's.
pub fn check_plan(argv: &[String]) {
    let files = &argv[2..];
    if files.is_empty() {
        fail(2, "usage", "check-plan: name one or more plan files (or -)");
    }
    for f in files {
        let plan = read_plan(f);
        let instructions: usize = plan.tasks.iter().map(|t| t.code.len()).sum();
        emit(
            &json!({"type": "plan_ok", "file": f, "tasks": plan.tasks.len(), "instructions": instructions}),
        );
    }
}

pub fn execute(argv: &[String]) {
    let a = parse_args(argv);
    let plan = Arc::new(read_plan(&a.plan));
    let mut warnings = check_support(&plan);
    // The header first: it reports the CPUs this process may use, before placing narrows them.
    let mut h = header(argv);
    let place = place_threads(&plan, a.apart);
    warnings.push(place.note.clone());
    h["plan"] = json!({"scenario": plan.scenario, "tasks": plan.tasks.len(), "channels": plan.channels.len(), "sources": plan.sources.len()});
    emit(&h);
    let watch = Watch::start(Duration::from_secs(a.timeout_s));
    for _ in 0..a.warmup {
        run_once(&plan, 0, &warnings, &watch, 0, &place);
    }
    let started = Instant::now();
    for i in 0..a.repeat {
        let line = run_once(&plan, i, &warnings, &watch, a.trace_spans, &place);
        emit(&line);
        emit_err(
            &json!({"type": "progress", "done": i + 1, "total": a.repeat, "bench": "execute", "elapsedMs": started.elapsed().as_millis() as u64}),
        );
    }
    watch.deadline_ms.store(0, Ordering::Release);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t0_puts_the_plans_grid_on_the_drivers_ticks() {
        // Driver ticks at 12 345 ns + k ms after `before`; scenario ticks at phase + k ms.
        let origin = 12_345;
        for phase in [0, 1, 300_000, 500_000, 999_999] {
            let t0 = aligned_t0_ns(origin, 5_000_000, phase);
            assert!(
                (5_000_000..6_000_000).contains(&t0),
                "phase {phase}: t0 {t0}"
            );
            // Scenario time `phase` is a driver tick.
            assert_eq!((t0 + phase - origin) % TICK_NS, 0, "phase {phase}");
            // The scenario's timerPhaseUs convention: t = 0 lies (1 ms − phase) into a tick.
            let want_us = ((TICK_NS - phase) % TICK_NS) as f64 / 1000.0;
            assert_eq!(timer_phase_us(t0, origin), want_us, "phase {phase}");
        }
        // Already aligned: the earliest instant itself.
        assert_eq!(aligned_t0_ns(0, 7_000_000, 0), 7_000_000);
        assert_eq!(aligned_t0_ns(250_000, 7_250_000, 0), 7_250_000);
        // Just past an aligned instant: the next one, a whole ms later.
        assert_eq!(aligned_t0_ns(0, 7_000_001, 0), 8_000_000);
        // An origin beyond a whole ms reduces mod 1 ms.
        assert_eq!(aligned_t0_ns(3_250_000, 7_000_000, 0), 7_250_000);
        // phase 700 µs: scenario ticks at 0.7, 1.7 … ms, so t = 0 is 300 µs into a tick.
        let t0 = aligned_t0_ns(40_000, 5_000_000, 700_000);
        assert_eq!(t0, 5_340_000);
        assert_eq!(timer_phase_us(t0, 40_000), 300.0);
    }

    #[test]
    fn tick_origin_is_the_earliest_wake_within_the_ms_cut_to_the_build() {
        // Ticks at before + 15 µs + k ms; wake-ups 0.6–40 µs after their tick.
        let wakes = [1_015_600, 2_055_000, 3_015_900, 4_016_000];
        assert_eq!(tick_origin_from_wakes(&wakes, 90_000), Some(15_600));
        // Every wake-up late: the origin cannot lie past the end of the build.
        assert_eq!(
            tick_origin_from_wakes(&[1_200_000, 2_300_000], 30_000),
            Some(30_000)
        );
        // A build longer than a tick does not bound the phase.
        assert_eq!(
            tick_origin_from_wakes(&[5_200_000], 2_000_000),
            Some(200_000)
        );
        assert_eq!(tick_origin_from_wakes(&[], 30_000), None);
    }
}

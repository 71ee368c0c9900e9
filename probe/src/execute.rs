//! execute: `probe execute --plan <file|-> [--repeat n] [--timeout-s s]` runs a dispatchsim
//! Plan on a real tokio runtime of the plan's flavor, workers, driver and knobs, `repeat`
//! times, each on a fresh runtime.
//!
//! ```text
//! plan JSON ─► Plan::parse ─► per repeat: build runtime ─► Shared (channels, stats)
//!          ─► source thread (sources::deliver) + rt.block_on(interp::root) ─► result line
//! ```
//!
//! Stdout: the header line, then one `{"type":"result","repeat":i,"result":{…},"probe":{…}}`
//! per repeat, where `result` holds the Result document's measured fields (source
//! `measured`; the same latency buckets as the simulator) and `probe` what only a real run
//! has (source lateness, dropped batches). dispatchsim's `measure` owns the statistics over
//! repeats. Stderr: `{"type":"progress",…}` after each repeat, errors as JSON lines.
//! Exit codes: 0 ok, 2 usage, 3 the plan cannot be executed, 4 a run exceeded the timeout.

use crate::bench::{emit, emit_err, header};
use crate::histogram::Histogram;
use crate::interp::{root, Shared};
use crate::plan::{ChannelKind, Driver, Instr, Plan};
use crate::sources::{deliver, schedule, SourceReport};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::{Builder, Runtime};

struct Args {
    plan: String,
    repeat: u64,
    warmup: u64,
    timeout_s: u64,
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
    Plan::parse(&text)
        .unwrap_or_else(|e| fail(3, "plan", &format!("the plan cannot be executed: {e}")))
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

fn build_runtime(plan: &Plan) -> Runtime {
    let rt = &plan.runtime;
    let mut b = if rt.multi_thread {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(rt.workers);
        b
    } else {
        Builder::new_current_thread()
    };
    let sleeps = plan
        .tasks
        .iter()
        .any(|t| t.code.iter().any(|i| matches!(i, Instr::Sleep { .. })));
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
    b.global_queue_interval(rt.global_queue_interval);
    #[cfg(tokio_unstable)]
    if !rt.lifo_slot {
        b.disable_lifo_slot();
    }
    b.build().unwrap_or_else(|e| {
        fail(
            3,
            "plan",
            &format!("building the tokio runtime failed: {e}"),
        )
    })
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

/// One run on a fresh runtime; returns the result line.
fn run_once(plan: &Arc<Plan>, repeat: u64, warnings: &[(String, String)], watch: &Watch) -> Value {
    let deliveries = schedule(plan).unwrap_or_else(|e| fail(3, "plan", &e));
    let rt = build_runtime(plan);
    let started = Instant::now();
    watch.arm(started);
    let sched0 = sched_totals();
    let sh = Arc::new(Shared::new(plan.clone(), started));
    let source = (!deliveries.is_empty()).then(|| {
        sh.live.fetch_add(1, Ordering::AcqRel);
        let s = sh.clone();
        std::thread::Builder::new()
            .name("dispatchsim-source".into())
            .spawn(move || deliver(s, deliveries))
            .unwrap_or_else(|e| fail(3, "plan", &format!("cannot start the source thread: {e}")))
    });
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
        "outputs": {},
        "warnings": warn,
        "engine": {"events": 0, "eventsPerSec": 0, "wallMs": (wall_ms * 1000.0).round() / 1000.0},
    });
    json!({
        "type": "result",
        "repeat": repeat,
        "result": result,
        "probe": {
            "sourceLatenessUs": latency_json(&rep.lateness),
            "droppedBatches": rep.dropped,
            "sched": sched,
            "wallMs": (wall_ms * 1000.0).round() / 1000.0,
        },
    })
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

pub fn execute(argv: &[String]) {
    let a = parse_args(argv);
    let plan = Arc::new(read_plan(&a.plan));
    let warnings = check_support(&plan);
    let mut h = header(argv);
    h["plan"] = json!({"scenario": plan.scenario, "tasks": plan.tasks.len(), "channels": plan.channels.len(), "sources": plan.sources.len()});
    emit(&h);
    let watch = Watch::start(Duration::from_secs(a.timeout_s));
    for _ in 0..a.warmup {
        run_once(&plan, 0, &warnings, &watch);
    }
    let started = Instant::now();
    for i in 0..a.repeat {
        let line = run_once(&plan, i, &warnings, &watch);
        emit(&line);
        emit_err(
            &json!({"type": "progress", "done": i + 1, "total": a.repeat, "bench": "execute", "elapsedMs": started.elapsed().as_millis() as u64}),
        );
    }
    watch.deadline_ms.store(0, Ordering::Release);
}

//! bench: the machinery every microbenchmark shares — parameter specs and parsing, runtime
//! construction, the sampling schedule for slope-type benchmarks, and the JSON-line
//! output contract (header, sample, latency, summary). Benchmarks never print on their
//! own; they call the `emit_*` functions here so that stdout carries JSON lines only.

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write;
use std::time::{Duration, Instant};
use tokio::runtime::{Builder, Runtime};

/// How a benchmark's output is meant to be fitted on the TypeScript side.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `sample` lines: fit totalNs = a + b·iters; b is the per-operation cost.
    Slope,
    /// `latency` lines: one observation each; keep the distribution (quantiles).
    Latency,
    /// Only `summary` lines with counts (structural facts such as coop polls).
    Count,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Slope => "slope",
            Kind::Latency => "latency",
            Kind::Count => "count",
        }
    }
}

/// The type (and accepted values) of one benchmark parameter.
pub enum Ty {
    Int { min: u64, max: u64 },
    Choice(&'static [&'static str]),
}

pub struct ParamSpec {
    pub name: &'static str,
    pub default: &'static str,
    pub ty: Ty,
    pub doc: &'static str,
}

/// One benchmark: its description for `probe list`, its runner and its suite grid.
pub struct Bench {
    pub name: &'static str,
    pub kind: Kind,
    /// Model parameters of tokio-mechanics §9 that this benchmark feeds (e.g. "P1").
    pub feeds: &'static [&'static str],
    pub about: &'static str,
    pub params: &'static [ParamSpec],
    /// Runs the benchmark; `Err` is a usage problem (exit code 2).
    pub run: fn(&Params) -> Result<(), String>,
    /// Parameter overrides for each configuration `probe suite` runs.
    pub grid: fn() -> Vec<Overrides>,
}

pub type Overrides = Vec<(&'static str, String)>;

/// Builds an override list from string pairs (used by the suite grids).
pub fn ov(pairs: &[(&'static str, &str)]) -> Overrides {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

/// Driver kinds this build can start: "io" only when compiled with feature `io`.
pub fn driver_kinds() -> Vec<&'static str> {
    if cfg!(feature = "io") {
        vec!["none", "timer", "io"]
    } else {
        vec!["none", "timer"]
    }
}

// ---- common parameter specs -------------------------------------------------------------

pub const FLAVOR: ParamSpec = ParamSpec {
    name: "flavor",
    default: "ct",
    ty: Ty::Choice(&["ct", "mt"]),
    doc: "runtime flavor: ct = current_thread, mt = multi_thread",
};
pub const FLAVOR_CT: ParamSpec = ParamSpec {
    name: "flavor",
    default: "ct",
    ty: Ty::Choice(&["ct"]),
    doc: "current_thread only",
};
pub const FLAVOR_MT: ParamSpec = ParamSpec {
    name: "flavor",
    default: "mt",
    ty: Ty::Choice(&["mt"]),
    doc: "multi_thread only",
};
pub const WORKERS: ParamSpec = ParamSpec {
    name: "workers",
    default: "2",
    ty: Ty::Int { min: 1, max: 64 },
    doc: "worker threads (mt only; omitted from output params for ct)",
};
pub const DRIVER: ParamSpec = ParamSpec {
    name: "driver",
    default: "timer",
    ty: Ty::Choice(&["none", "timer", "io"]),
    doc: "resource drivers: none, timer (enable_time), io (enable_all with tokio/net; needs --features io)",
};
pub const REPS: ParamSpec = ParamSpec {
    name: "reps",
    default: "5",
    ty: Ty::Int { min: 1, max: 1000 },
    doc: "repetitions of the iteration-count ladder",
};

/// Base iteration count `n` with a benchmark-specific default.
pub const fn n_spec(default: &'static str) -> ParamSpec {
    ParamSpec {
        name: "n",
        default,
        ty: Ty::Int {
            min: 4,
            max: 100_000_000,
        },
        doc: "base iteration count; samples use n/4, n/2, n, 2n",
    }
}

/// Number of latency observations with a benchmark-specific default.
pub const fn count_spec(default: &'static str) -> ParamSpec {
    ParamSpec {
        name: "count",
        default,
        ty: Ty::Int {
            min: 1,
            max: 10_000_000,
        },
        doc: "number of latency observations (after a short discarded warm-up)",
    }
}

// ---- parameters -------------------------------------------------------------------------

/// Resolved, validated parameters of one benchmark run.
pub struct Params {
    pub bench: &'static str,
    specs: &'static [ParamSpec],
    values: BTreeMap<&'static str, String>,
}

impl Params {
    /// Defaults, then `key=value` arguments. Errors name the offending argument.
    pub fn parse(bench: &Bench, args: &[String]) -> Result<Params, String> {
        let mut p = Params {
            bench: bench.name,
            specs: bench.params,
            values: bench
                .params
                .iter()
                .map(|s| (s.name, s.default.to_string()))
                .collect(),
        };
        for arg in args {
            let (k, v) = arg
                .split_once('=')
                .ok_or_else(|| format!("{}: expected key=value, got {arg:?}", bench.name))?;
            p.set(k, v)?;
        }
        p.check_build()?;
        Ok(p)
    }

    /// Sets one parameter after validating it against its spec.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let spec = self.specs.iter().find(|s| s.name == key).ok_or_else(|| {
            let names: Vec<&str> = self.specs.iter().map(|s| s.name).collect();
            format!(
                "{}: unknown parameter {key:?} (accepted: {})",
                self.bench,
                names.join(", ")
            )
        })?;
        match spec.ty {
            Ty::Int { min, max } => {
                let x: u64 = value.parse().map_err(|_| {
                    format!("{}: {key} must be an integer, got {value:?}", self.bench)
                })?;
                if x < min || x > max {
                    return Err(format!(
                        "{}: {key} must be in {min}..={max}, got {x}",
                        self.bench
                    ));
                }
            }
            Ty::Choice(choices) => {
                if !choices.contains(&value) {
                    return Err(format!(
                        "{}: {key} must be one of {}, got {value:?}",
                        self.bench,
                        choices.join("|")
                    ));
                }
            }
        }
        self.values.insert(spec.name, value.to_string());
        Ok(())
    }

    /// Rejects parameter values this build cannot honour.
    fn check_build(&self) -> Result<(), String> {
        if self.has("driver") && self.str("driver") == "io" && !cfg!(feature = "io") {
            return Err(format!(
                "{}: driver=io needs a probe built with --features io (tokio/net)",
                self.bench
            ));
        }
        if self.has("disable_lifo") && self.int("disable_lifo") == 1 && !cfg!(tokio_unstable) {
            return Err(format!(
                "{}: disable_lifo=1 needs a build with RUSTFLAGS=\"--cfg tokio_unstable\"",
                self.bench
            ));
        }
        Ok(())
    }

    pub fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// An integer parameter. Panics if the benchmark did not declare it (a bug).
    pub fn int(&self, key: &str) -> u64 {
        self.values[key]
            .parse()
            .unwrap_or_else(|_| panic!("parameter {key} is not an integer"))
    }

    /// A choice parameter. Panics if the benchmark did not declare it (a bug).
    pub fn str(&self, key: &str) -> &str {
        &self.values[key]
    }

    pub fn is_mt(&self) -> bool {
        self.has("flavor") && self.str("flavor") == "mt"
    }

    /// The params object printed on every line (`workers` is left out for ct).
    pub fn json(&self) -> Value {
        let mut m = Map::new();
        for spec in self.specs {
            if spec.name == "workers" && !self.is_mt() {
                continue;
            }
            let v = &self.values[spec.name];
            let jv = match spec.ty {
                Ty::Int { .. } => json!(v.parse::<u64>().unwrap_or(0)),
                Ty::Choice(_) => json!(v),
            };
            m.insert(spec.name.to_string(), jv);
        }
        Value::Object(m)
    }
}

/// The `probe list` line describing one benchmark.
pub fn describe(b: &Bench) -> Value {
    let params: Vec<Value> = b
        .params
        .iter()
        .map(|s| match s.ty {
            Ty::Int { min, max } => json!({"name": s.name, "type": "int", "default": s.default.parse::<u64>().unwrap_or(0), "min": min, "max": max, "doc": s.doc}),
            Ty::Choice(c) => json!({"name": s.name, "type": "choice", "default": s.default, "choices": c, "doc": s.doc}),
        })
        .collect();
    json!({"type": "bench", "name": b.name, "kind": b.kind.name(), "feeds": b.feeds, "about": b.about, "params": params})
}

// ---- output -----------------------------------------------------------------------------

/// Writes one JSON line to stdout (the only way anything reaches stdout).
pub fn emit(v: &Value) {
    let mut out = std::io::stdout().lock();
    // A closed stdout (e.g. `| head`) is not worth a panic message mid-benchmark.
    if writeln!(out, "{v}").is_err() {
        std::process::exit(0);
    }
}

/// Writes one JSON line to stderr (progress and errors).
pub fn emit_err(v: &Value) {
    let _ = writeln!(std::io::stderr().lock(), "{v}");
}

/// The header line: what was built, with what, where.
pub fn header(command: &[String]) -> Value {
    let mut features = vec!["rt", "rt-multi-thread", "sync", "time", "macros"];
    if cfg!(feature = "io") {
        features.push("net");
    }
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    // Which CPUs (the affinity mask, e.g. under taskset): a model fitted from saved output can
    // still say where it was measured.
    let allowed = crate::affinity::allowed_cpus().ok().map(|c| {
        c.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(",")
    });
    let unix_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    json!({
        "type": "header",
        "probe": "dispatchsim-probe",
        "probeVersion": env!("CARGO_PKG_VERSION"),
        "tokio": env!("PROBE_TOKIO_VERSION"),
        "tokioVersionSource": env!("PROBE_TOKIO_VERSION_SOURCE"),
        "features": features,
        "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
        "tokioUnstable": cfg!(tokio_unstable),
        "rustc": env!("PROBE_RUSTC_VERSION"),
        "target": env!("PROBE_TARGET"),
        "os": std::env::consts::OS,
        "cpus": cpus,
        "allowedCpus": allowed,
        "pid": std::process::id(),
        "startedUnixMs": unix_ms,
        "command": command,
    })
}

pub fn ns(d: Duration) -> u64 {
    d.as_nanos() as u64
}

/// Iteration counts of one rep of the ladder: n/4, n/2, n, 2n.
pub fn ladder(n: u64) -> [u64; 4] {
    [(n / 4).max(1), (n / 2).max(1), n, 2 * n]
}

/// Slope-type sampling (criterion's method): one discarded warm-up at n/4, then `reps`
/// passes over the ladder. `measure(iters)` returns (iterations actually done, time).
pub fn run_slope(p: &Params, mut measure: impl FnMut(u64) -> (u64, Duration)) {
    let n = p.int("n");
    let reps = p.int("reps");
    let params = p.json();
    let _ = measure((n / 4).max(1));
    for _ in 0..reps {
        for iters in ladder(n) {
            let (done, d) = measure(iters);
            emit(
                &json!({"type": "sample", "bench": p.bench, "params": params, "iters": done, "totalNs": ns(d)}),
            );
        }
    }
}

/// One `latency` line per observation, in observation order.
pub fn emit_latencies(p: &Params, values_ns: &[u64]) {
    let params = p.json();
    for v in values_ns {
        emit(&json!({"type": "latency", "bench": p.bench, "params": params, "ns": v}));
    }
}

/// A `summary` line: `fields` (an object) merged after type/bench/params.
pub fn emit_summary(p: &Params, fields: Value) {
    let mut m = Map::new();
    m.insert("type".into(), json!("summary"));
    m.insert("bench".into(), json!(p.bench));
    m.insert("params".into(), p.json());
    if let Value::Object(f) = fields {
        m.extend(f);
    }
    emit(&Value::Object(m));
}

// ---- runtimes ---------------------------------------------------------------------------

/// Builds the runtime a benchmark asked for: flavor/workers, driver kind, and the optional
/// knobs `evi` (event_interval), `gqi` (global_queue_interval; 0 = default) and
/// `disable_lifo` (tokio_unstable builds only).
pub fn build_runtime(p: &Params) -> Runtime {
    runtime_builder(p)
        .build()
        .expect("building the tokio runtime failed")
}

/// The `Builder` behind `build_runtime`, for a benchmark that adds hooks of its own.
pub fn runtime_builder(p: &Params) -> Builder {
    let mut b = if p.is_mt() {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(p.int("workers") as usize);
        b
    } else {
        Builder::new_current_thread()
    };
    if p.has("driver") {
        match p.str("driver") {
            "timer" => {
                b.enable_time();
            }
            "io" => {
                b.enable_all();
            }
            _ => {}
        }
    }
    if p.has("evi") && p.int("evi") > 0 {
        b.event_interval(p.int("evi").min(u32::MAX as u64) as u32);
    }
    if p.has("gqi") && p.int("gqi") > 0 {
        b.global_queue_interval(p.int("gqi").min(u32::MAX as u64) as u32);
    }
    #[cfg(tokio_unstable)]
    if p.has("disable_lifo") && p.int("disable_lifo") == 1 {
        b.disable_lifo_slot();
    }
    b
}

/// Runs `fut` as a spawned task (not as the block_on future) and returns its output.
pub fn in_task<F>(rt: &Runtime, fut: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    rt.block_on(async move { tokio::spawn(fut).await.expect("benchmark task panicked") })
}

/// Busy-waits (no syscall, no yield) for `d`.
pub fn spin_for(d: Duration) {
    let t = Instant::now();
    while t.elapsed() < d {
        std::hint::spin_loop();
    }
}

/// Runtime metrics (tokio_unstable builds): per-worker counters since the runtime started.
#[cfg(tokio_unstable)]
pub fn metrics_json(rt: &Runtime) -> Value {
    let m = rt.metrics();
    let w = m.num_workers();
    let per = |f: &dyn Fn(usize) -> u64| (0..w).map(f).collect::<Vec<u64>>();
    json!({
        "workers": w,
        "remoteScheduleCount": m.remote_schedule_count(),
        "parkCount": per(&|i| m.worker_park_count(i)),
        "noopCount": per(&|i| m.worker_noop_count(i)),
        "stealCount": per(&|i| m.worker_steal_count(i)),
        "pollCount": per(&|i| m.worker_poll_count(i)),
        "localScheduleCount": per(&|i| m.worker_local_schedule_count(i)),
        "overflowCount": per(&|i| m.worker_overflow_count(i)),
    })
}

/// Emits a summary line with the runtime's metrics (tokio_unstable builds only) and the
/// number of benchmark operations they cover; a no-op otherwise.
pub fn emit_metrics(p: &Params, rt: &Runtime, ops: u64) {
    #[cfg(tokio_unstable)]
    emit_summary(p, json!({"metrics": metrics_json(rt), "ops": ops}));
    #[cfg(not(tokio_unstable))]
    let _ = (p, rt, ops);
}

/// Total iterations `run_slope` performs (warm-up included), for metrics summaries.
pub fn slope_total_iters(p: &Params) -> u64 {
    let n = p.int("n");
    (n / 4).max(1) + p.int("reps") * ladder(n).iter().sum::<u64>()
}

//! dispatchsim-probe: microbenchmarks of tokio's scheduler, channels, timers and spawn,
//! printed as JSON lines so that dispatchsim's TypeScript calibration owns all the
//! statistics; and `execute`, which runs a dispatchsim Plan on a real tokio runtime (the
//! measured side of `dispatchsim validate`). See README.md for the output contracts.
//!
//! ```text
//! argv ──► command ──► (Params::parse) ──► Bench::run ──► emit_* ──► stdout (JSON lines)
//!                                   progress / errors ──► stderr (JSON lines)
//! ```
//!
//! Exit codes: 0 ok, 1 a benchmark failed inside the suite, 2 usage (bad command or
//! parameter), 3 a plan `execute` cannot run, 4 an `execute` run timed out; a panic (an
//! internal bug) exits with Rust's 101.

mod affinity;
mod bench;
mod channel;
mod execute;
mod histogram;
mod interp;
mod misc;
mod noise;
mod parallel;
mod plan;
mod prng;
mod record;
mod scheduler;
mod sources;
mod spawn;
mod timer;
mod wake;

use bench::{describe, emit, emit_err, header, Bench, Params};
use serde_json::json;

const USAGE: &str = "usage: probe info | probe list | probe microbench <bench> [key=value ...] | probe suite [quick=1] [only=a,b] [hint ...] | probe execute --plan <file|-> [--repeat n] [--warmup n] [--timeout-s s] [--trace-spans n] [--place os|apart] | probe check-plan <file|->...";

/// Every benchmark, in suite order.
fn all_benches() -> Vec<&'static Bench> {
    misc::BENCHES[..1]
        .iter()
        .chain(scheduler::BENCHES)
        .chain(spawn::BENCHES)
        .chain(channel::BENCHES)
        .chain(misc::BENCHES[1..].iter())
        .chain(timer::BENCHES)
        .chain(wake::BENCHES)
        .chain(noise::BENCHES)
        .chain(record::BENCHES)
        .chain(parallel::BENCHES)
        .collect()
}

fn usage_error(msg: &str) -> ! {
    emit_err(&json!({"type": "error", "code": "usage", "message": msg, "usage": USAGE}));
    std::process::exit(2);
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let args = &argv[1..];
    match args.first().map(String::as_str) {
        Some("info") => emit(&header(&argv)),
        Some("list") => {
            emit(&header(&argv));
            for b in all_benches() {
                emit(&describe(b));
            }
        }
        Some("microbench") => microbench(&argv),
        Some("suite") => suite(&argv),
        Some("execute") => execute::execute(&argv),
        Some("check-plan") => execute::check_plan(&argv),
        Some(other) => usage_error(&format!("unknown command {other:?}")),
        None => usage_error("missing command"),
    }
}

fn find_bench(name: &str) -> Option<&'static Bench> {
    all_benches().into_iter().find(|b| b.name == name)
}

fn microbench(argv: &[String]) {
    let Some(name) = argv.get(2) else {
        usage_error("microbench: missing benchmark name (see `probe list`)")
    };
    let Some(bench) = find_bench(name) else {
        usage_error(&format!("unknown benchmark {name:?} (see `probe list`)"))
    };
    let p = Params::parse(bench, &argv[3..]).unwrap_or_else(|e| usage_error(&e));
    emit(&header(argv));
    if let Err(e) = (bench.run)(&p) {
        usage_error(&e);
    }
}

/// Shrinks a configuration for `quick=1`: n and count ÷4, reps ≤ 2, noise ms ÷4.
fn quicken(p: &mut Params) -> Result<(), String> {
    let scale = |p: &mut Params, key: &str, min: u64| -> Result<(), String> {
        if p.has(key) {
            let v = (p.int(key) / 4).max(min);
            p.set(key, &v.to_string())?;
        }
        Ok(())
    };
    scale(p, "n", 16)?;
    scale(p, "count", 20)?;
    scale(p, "ms", 50)?;
    if p.has("reps") {
        let r = p.int("reps").min(2);
        p.set("reps", &r.to_string())?;
    }
    Ok(())
}

fn suite(argv: &[String]) {
    let mut quick = false;
    let mut only: Option<Vec<String>> = None;
    let mut hints = Vec::new();
    for a in &argv[2..] {
        match a.split_once('=') {
            Some(("quick", v)) => quick = v == "1" || v == "true",
            Some(("only", v)) => only = Some(v.split(',').map(str::to_string).collect()),
            Some((k, _)) => usage_error(&format!("suite: unknown parameter {k:?}")),
            None => hints.push(a.clone()),
        }
    }
    let benches: Vec<&Bench> = all_benches()
        .into_iter()
        .filter(|b| match &only {
            Some(o) => o.iter().any(|x| x == b.name),
            None => true,
        })
        .collect();
    if let Some(o) = &only {
        for name in o {
            if find_bench(name).is_none() {
                usage_error(&format!("suite: unknown benchmark {name:?} in only="));
            }
        }
    }
    // Resolve every configuration first so that a bad grid fails before anything runs.
    let mut runs: Vec<(&Bench, Params)> = Vec::new();
    for b in benches {
        for overrides in (b.grid)() {
            let mut p = Params::parse(b, &[]).unwrap_or_else(|e| usage_error(&e));
            for (k, v) in &overrides {
                p.set(k, v).unwrap_or_else(|e| usage_error(&e));
            }
            if quick {
                quicken(&mut p).unwrap_or_else(|e| usage_error(&e));
            }
            runs.push((b, p));
        }
    }
    let mut h = header(argv);
    h["suite"] = json!({"quick": quick, "hints": hints, "configurations": runs.len()});
    emit(&h);
    let started = std::time::Instant::now();
    let total = runs.len();
    let mut failed = 0;
    for (i, (b, p)) in runs.iter().enumerate() {
        if let Err(e) = (b.run)(p) {
            failed += 1;
            emit_err(
                &json!({"type": "error", "code": "bench", "bench": b.name, "params": p.json(), "message": e}),
            );
        }
        emit_err(
            &json!({"type": "progress", "done": i + 1, "total": total, "bench": b.name, "params": p.json(), "elapsedMs": started.elapsed().as_millis() as u64}),
        );
    }
    emit(
        &json!({"type": "suite_end", "configurations": total, "failed": failed, "durationNs": started.elapsed().as_nanos() as u64}),
    );
    if failed > 0 {
        std::process::exit(1);
    }
}

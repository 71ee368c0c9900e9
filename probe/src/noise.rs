//! noise: a hiccup detector. One thread spins reading `Instant::now()`; every gap between
//! consecutive reads longer than `threshold_ns` is a pause (VM steal, interrupts,
//! preemption). Latency-type: one `latency` line per pause (`ns` = gap, `atNs` = offset
//! from the start) and a `summary` line with the rate, so the simulator can add machine
//! noise and the calibration can discount samples hit by it.

use crate::bench::{emit, emit_summary, ns, Bench, Kind, Overrides, ParamSpec, Params, Ty};
use serde_json::json;
use std::time::{Duration, Instant};

const MS: ParamSpec = ParamSpec {
    name: "ms",
    default: "1000",
    ty: Ty::Int {
        min: 1,
        max: 600_000,
    },
    doc: "how long to spin, in milliseconds",
};
const THRESHOLD: ParamSpec = ParamSpec {
    name: "threshold_ns",
    default: "2000",
    ty: Ty::Int {
        min: 100,
        max: 1_000_000_000,
    },
    doc: "a gap between consecutive clock reads longer than this is a pause",
};

fn run_noise(p: &Params) -> Result<(), String> {
    let dur = Duration::from_millis(p.int("ms"));
    let threshold = Duration::from_nanos(p.int("threshold_ns"));
    // Preallocated so the loop never allocates; pauses beyond capacity are only counted.
    let mut pauses: Vec<(Duration, Duration)> = Vec::with_capacity(200_000);
    let mut dropped = 0u64;
    let mut reads = 0u64;
    let mut paused = Duration::ZERO;
    let mut max_gap = Duration::ZERO;
    let start = Instant::now();
    let mut last = start;
    loop {
        let now = Instant::now();
        reads += 1;
        let gap = now - last;
        if gap > threshold {
            paused += gap;
            max_gap = max_gap.max(gap);
            if pauses.len() < pauses.capacity() {
                pauses.push((last - start, gap));
            } else {
                dropped += 1;
            }
        }
        last = now;
        if now - start >= dur {
            break;
        }
    }
    let total = last - start;
    let params = p.json();
    for (at, gap) in &pauses {
        emit(
            &json!({"type": "latency", "bench": p.bench, "params": params, "ns": ns(*gap), "atNs": ns(*at)}),
        );
    }
    let n = pauses.len() as u64 + dropped;
    emit_summary(
        p,
        json!({
            "durationNs": ns(total),
            "pauses": n,
            "pausesPerSec": n as f64 / total.as_secs_f64(),
            "pausedNs": ns(paused),
            "pausedFraction": paused.as_secs_f64() / total.as_secs_f64(),
            "maxPauseNs": ns(max_gap),
            "clockReads": reads,
            "nsPerRead": total.as_nanos() as f64 / reads as f64,
            "unlistedPauses": dropped,
        }),
    );
    Ok(())
}

fn grid_noise() -> Vec<Overrides> {
    vec![Vec::new()]
}

pub const BENCHES: &[Bench] = &[Bench {
    name: "noise",
    kind: Kind::Latency,
    feeds: &["noise"],
    about: "hiccup detector: spin on Instant::now() for ms; one latency line per gap > threshold_ns, then a summary (pausesPerSec, pausedFraction)",
    params: &[MS, THRESHOLD],
    run: run_noise,
    grid: grid_noise,
}];

//! record: the per-record bookkeeping of the probe's own Plan interpreter (`interp.rs`) when a
//! record does no work — what `execute` pays for every record on top of the work the plan
//! charges, and what a user's own per-record loop pays at least (a loop step, a clock read, a
//! histogram insert). Slope-type; iters = records.
//!
//! Each sample runs one task program through `interp::run_task` on a current_thread runtime
//! (no drivers) over `msgs` messages already queued on an unbounded channel, each of
//! `iters / msgs` records, then the close marker:
//!
//! | `body` | program (per message) | slope per record = |
//! |---|---|---|
//! | `end` | `recv; for_each_record { record_end }` | loop step + record_end (clock read, histogram) |
//! | `start_end` | `recv; for_each_record { record_start; record_end }` | the above + record_start (a clock read) |
//! | `compute_end` | `recv; for_each_record { compute(work_ns); record_end }` | work_ns + the compute's overshoot and sampling + record_end reusing the compute's clock read (− work_ns − body=end: `compute_op`) |
//!
//! With the number of messages fixed, the per-message costs (recv, loop set-up, the coop
//! yields every 128 receives) are the same in every sample of a configuration and fall into
//! the fit's intercept; the slope over the ladder of records per message is the per-record cost.

use crate::bench::{n_spec, ov, run_slope, Bench, Kind, Overrides, ParamSpec, Params, Ty, REPS};
use crate::interp::{run_task, Msg, Shared};
use crate::misc::{CT_ONLY, NO_DRIVER};
use crate::plan::{
    Channel, ChannelKind, CostEntry, Driver, Instr, Plan, Runtime as PlanRuntime, Start, Task,
};
use crate::prng::Cost;
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

const BODY: ParamSpec = ParamSpec {
    name: "body",
    default: "end",
    ty: Ty::Choice(&["end", "start_end", "compute_end"]),
    doc: "per-record body: record_end; record_start + record_end; compute(work_ns) + record_end",
};
const MSGS: ParamSpec = ParamSpec {
    name: "msgs",
    default: "128",
    ty: Ty::Int { min: 1, max: 100_000 },
    doc: "messages per sample (fixed: their per-message costs fall into the intercept); records per message = iters / msgs",
};
/// `work_ns`, shared with `par_record` (parallel.rs), whose compute_end body is this bench's.
pub(crate) const WORK: ParamSpec = ParamSpec {
    name: "work_ns",
    default: "200",
    ty: Ty::Int {
        min: 1,
        max: 1_000_000,
    },
    doc: "body=compute_end: the compute's constant cost (ns); ignored otherwise",
};
/// The one-task plan of a configuration: `recv` → for each record: body → back to `recv`.
pub(crate) fn plan(body: &str, work_ns: f64) -> Plan {
    let mut code = vec![Instr::Recv {
        ch: 0,
        closed: None, // patched below: the `end` instruction
    }];
    let body_at = 2;
    let mut body_code = match body {
        "start_end" => vec![Instr::RecordStart, Instr::RecordEnd],
        "compute_end" => vec![Instr::Compute { cost: 0, n: 1 }, Instr::RecordEnd],
        _ => vec![Instr::RecordEnd],
    };
    let next = body_at + body_code.len();
    code.push(Instr::LoopInit {
        slot: 0,
        n: None,
        exit: next + 1,
    });
    code.append(&mut body_code);
    code.push(Instr::LoopNext {
        slot: 0,
        target: body_at,
    });
    code.push(Instr::Jump { target: 0 });
    let end = code.len();
    code.push(Instr::End);
    code[0] = Instr::Recv {
        ch: 0,
        closed: Some(end),
    };
    Plan {
        scenario: Value::Null,
        model: Value::Null,
        seed: 1,
        runtime: PlanRuntime {
            multi_thread: false,
            workers: 1,
            cores: 1,
            driver: Driver::None,
            event_interval: 61,
            global_queue_interval: 31,
            gqi_tuned: false,
            lifo_slot: true,
            timer_resolution_ns: 1_000_000,
            timer_phase_ns: 0,
        },
        channels: vec![Channel {
            name: "records".into(),
            kind: ChannelKind::Unbounded,
            capacity: 0,
        }],
        mutexes: 0,
        costs: vec![CostEntry {
            category: "work".into(),
            cost: Cost::Const(work_ns),
        }],
        tasks: vec![Task {
            name: "consumer".into(),
            start: Start::Spawn,
            code,
            slots: 1,
        }],
        sources: Vec::new(),
    }
}

fn run_record(p: &Params) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("building the tokio runtime failed");
    let plan = Arc::new(plan(p.str("body"), p.int("work_ns") as f64));
    let msgs = p.int("msgs");
    if p.int("n") < 4 * msgs {
        return Err(format!(
            "record: n ({}) must be at least 4 × msgs ({msgs}) so that every message holds ≥ 1 record",
            p.int("n")
        ));
    }
    let one = |iters: u64| {
        let per = (iters / msgs).max(1);
        let sh = Arc::new(Shared::new(plan.clone(), Instant::now(), 0));
        let ts_ns = sh.now_ns();
        for _ in 0..msgs {
            sh.tx[0].send_external(Msg {
                records: per as u32,
                ts_ns,
            });
        }
        sh.tx[0].send_external(Msg {
            records: crate::interp::CLOSE,
            ts_ns: 0,
        });
        let task = sh.clone();
        let t = Instant::now();
        rt.block_on(async move {
            tokio::spawn(run_task(task, 0))
                .await
                .expect("record task panicked")
        });
        let d = t.elapsed();
        if let Some(e) = sh.errors.lock().expect("errors poisoned").first() {
            panic!("record: the interpreter failed: {e}");
        }
        (per * msgs, d)
    };
    run_slope(p, one);
    Ok(())
}

const RECORD_PARAMS: &[ParamSpec] = &[BODY, CT_ONLY, NO_DRIVER, MSGS, WORK, n_spec("16384"), REPS];

fn grid_record() -> Vec<Overrides> {
    vec![
        ov(&[("body", "end")]),
        ov(&[("body", "start_end")]),
        ov(&[("body", "compute_end")]),
    ]
}

pub const BENCHES: &[Bench] = &[Bench {
    name: "record",
    kind: Kind::Slope,
    feeds: &["record_end", "record_start", "compute_op"],
    about: "per-record bookkeeping of the probe's Plan interpreter for a record that does no work: for_each_record { record_end } (and with record_start, or after a compute) over messages of iters/msgs records",
    params: RECORD_PARAMS,
    run: run_record,
    grid: grid_record,
}];

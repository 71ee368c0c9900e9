//! plan: reads dispatchsim's Plan JSON (`src/plan/types.ts`) into typed Rust values.
//!
//! The Plan is the normalized program the simulator runs; `execute` runs the very same
//! instructions on a real tokio runtime. Parsing is by hand over serde_json values (serde's
//! derive is not among the offline crates); every problem is an `Err` naming the JSON path.

use crate::prng::Cost;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    RoundRobin,
    Hash,
    Sticky,
    AllToOne,
}

/// One instruction; operands are indices (channels, tasks, mutexes, costs, pcs).
#[derive(Clone, Debug)]
pub enum Instr {
    End,
    Compute {
        cost: usize,
        n: u64,
    },
    Spin {
        cost: usize,
    },
    YieldNow,
    SelfWake,
    Sleep {
        ns: u64,
    },
    /// `tokio::time::interval(ns)` created on the first visit, `tick().await` on each.
    Interval {
        slot: usize,
        ns: u64,
    },
    Send {
        ch: usize,
        items: u64,
        records: u32,
    },
    Recv {
        ch: usize,
        closed: Option<usize>,
    },
    TryRecv {
        ch: usize,
        got: usize,
        closed: usize,
    },
    SpinWait {
        ch: usize,
        ns: Option<u64>,
    },
    Close {
        ch: usize,
    },
    Spawn {
        task: usize,
    },
    Join {
        task: usize,
    },
    Lock {
        mutex: usize,
    },
    Unlock {
        mutex: usize,
    },
    LoopInit {
        slot: usize,
        n: Option<u64>,
        exit: usize,
    },
    LoopNext {
        slot: usize,
        target: usize,
    },
    Jump {
        target: usize,
    },
    RecordStart,
    RecordEnd,
    Route {
        ch: usize,
        partitions: usize,
        policy: Policy,
        skew: f64,
        cost: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    BlockOn,
    Spawn,
    Child,
}

pub struct Task {
    pub name: String,
    pub start: Start,
    pub code: Vec<Instr>,
    pub slots: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelKind {
    Unbounded,
    Bounded,
    LockFree,
}

pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    pub capacity: usize,
}

pub enum Arrival {
    Periodic {
        interval_ns: f64,
        phase_ns: f64,
    },
    Poisson {
        rate_per_sec: f64,
    },
    Bursty {
        rate_per_sec: f64,
        on_ns: f64,
        off_ns: f64,
    },
    Trace {
        times_ns: Vec<f64>,
        records: Vec<u32>,
    },
}

pub struct Source {
    pub name: String,
    pub channel: usize,
    pub arrival: Arrival,
    pub records: u32,
    /// None = until `duration_ns`.
    pub batches: Option<u64>,
    /// None = until `batches`.
    pub duration_ns: Option<f64>,
    pub close: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    None,
    Timer,
    TimerIo,
}

pub struct Runtime {
    pub multi_thread: bool,
    pub workers: usize,
    pub cores: usize,
    pub driver: Driver,
    pub event_interval: u32,
    pub global_queue_interval: u32,
    pub lifo_slot: bool,
    /// The simulator's timer resolution (ns); tokio's is fixed at 1 ms.
    pub timer_resolution_ns: u64,
    /// Where the timer grid lies in scenario time: ticks at `timer_phase_ns` + k·resolution
    /// (0 ≤ phase < resolution; absent in the plan = 0, t = 0 on a tick).
    pub timer_phase_ns: u64,
}

pub struct CostEntry {
    pub category: String,
    pub cost: Cost,
}

pub struct Plan {
    /// The raw `scenario` and `model` objects, copied into the Result as they are.
    pub scenario: Value,
    pub model: Value,
    pub seed: u64,
    pub runtime: Runtime,
    pub channels: Vec<Channel>,
    pub mutexes: usize,
    pub costs: Vec<CostEntry>,
    pub tasks: Vec<Task>,
    pub sources: Vec<Source>,
}

type R<T> = Result<T, String>;

fn field<'a>(v: &'a Value, key: &str, at: &str) -> R<&'a Value> {
    v.get(key).ok_or_else(|| format!("{at}: missing '{key}'"))
}
fn num(v: &Value, key: &str, at: &str) -> R<f64> {
    field(v, key, at)?
        .as_f64()
        .ok_or_else(|| format!("{at}/{key}: expected a number"))
}
/// A non-negative integer operand.
fn uint(v: &Value, key: &str, at: &str) -> R<u64> {
    let x = num(v, key, at)?;
    if x < 0.0 || x.fract() != 0.0 {
        return Err(format!(
            "{at}/{key}: expected a non-negative integer (got {x})"
        ));
    }
    Ok(x as u64)
}
/// An integer operand where a negative value means "none".
fn opt_uint(v: &Value, key: &str, at: &str) -> R<Option<u64>> {
    let x = num(v, key, at)?;
    Ok(if x < 0.0 { None } else { Some(x as u64) })
}
fn string<'a>(v: &'a Value, key: &str, at: &str) -> R<&'a str> {
    field(v, key, at)?
        .as_str()
        .ok_or_else(|| format!("{at}/{key}: expected a string"))
}
fn array<'a>(v: &'a Value, key: &str, at: &str) -> R<&'a Vec<Value>> {
    field(v, key, at)?
        .as_array()
        .ok_or_else(|| format!("{at}/{key}: expected an array"))
}
fn floats(v: &Value, key: &str, at: &str) -> R<Vec<f64>> {
    array(v, key, at)?
        .iter()
        .map(|x| {
            x.as_f64()
                .ok_or_else(|| format!("{at}/{key}: expected numbers"))
        })
        .collect()
}

fn parse_cost(v: &Value, at: &str) -> R<Cost> {
    Ok(match string(v, "dist", at)? {
        "const" => Cost::Const(num(v, "ns", at)?),
        "uniform" => Cost::Uniform {
            min: num(v, "minNs", at)?,
            max: num(v, "maxNs", at)?,
        },
        "exponential" => Cost::Exponential {
            mean: num(v, "meanNs", at)?,
        },
        "lognormal" => Cost::Lognormal {
            median: num(v, "medianNs", at)?,
            sigma: num(v, "sigma", at)?,
        },
        "quantiles" => {
            let p = floats(v, "p", at)?;
            let ns = floats(v, "ns", at)?;
            if p.len() < 2 || p.len() != ns.len() {
                return Err(format!("{at}: quantiles need ≥ 2 points of equal length"));
            }
            Cost::Quantiles { p, ns }
        }
        other => return Err(format!("{at}/dist: unknown distribution {other:?}")),
    })
}

fn parse_instr(v: &Value, at: &str) -> R<Instr> {
    let u = |k: &str| uint(v, k, at);
    let idx = |k: &str| uint(v, k, at).map(|x| x as usize);
    Ok(match string(v, "op", at)? {
        "end" => Instr::End,
        "compute" => Instr::Compute {
            cost: idx("cost")?,
            n: if v.get("n").is_some() { u("n")? } else { 1 },
        },
        "spin" => Instr::Spin { cost: idx("cost")? },
        "yield_now" => Instr::YieldNow,
        "self_wake" => Instr::SelfWake,
        "sleep" => Instr::Sleep { ns: u("ns")? },
        "interval" => Instr::Interval {
            slot: idx("slot")?,
            ns: u("ns")?.max(1),
        },
        "send" => Instr::Send {
            ch: idx("channel")?,
            items: u("items")?,
            records: u("records")?.min(u32::MAX as u64 - 1) as u32,
        },
        "recv" => Instr::Recv {
            ch: idx("channel")?,
            closed: opt_uint(v, "closed", at)?.map(|x| x as usize),
        },
        "try_recv" => Instr::TryRecv {
            ch: idx("channel")?,
            got: idx("got")?,
            closed: idx("closed")?,
        },
        "spin_wait" => Instr::SpinWait {
            ch: idx("channel")?,
            ns: opt_uint(v, "ns", at)?,
        },
        "close" => Instr::Close {
            ch: idx("channel")?,
        },
        "spawn" => Instr::Spawn { task: idx("task")? },
        "join" => Instr::Join { task: idx("task")? },
        "lock" => Instr::Lock {
            mutex: idx("mutex")?,
        },
        "unlock" => Instr::Unlock {
            mutex: idx("mutex")?,
        },
        "loop_init" => Instr::LoopInit {
            slot: idx("slot")?,
            n: opt_uint(v, "n", at)?,
            exit: idx("exit")?,
        },
        "loop_next" => Instr::LoopNext {
            slot: idx("slot")?,
            target: idx("target")?,
        },
        "jump" => Instr::Jump {
            target: idx("target")?,
        },
        "record_start" => Instr::RecordStart,
        "record_end" => Instr::RecordEnd,
        "route" => Instr::Route {
            ch: idx("channel")?,
            partitions: idx("partitions")?,
            policy: match string(v, "policy", at)? {
                "round_robin" => Policy::RoundRobin,
                "hash" => Policy::Hash,
                "sticky" => Policy::Sticky,
                "all_to_one" => Policy::AllToOne,
                other => return Err(format!("{at}/policy: unknown routing {other:?}")),
            },
            skew: num(v, "skew", at)?,
            cost: idx("cost")?,
        },
        other => return Err(format!("{at}/op: unknown instruction {other:?}")),
    })
}

fn parse_arrival(v: &Value, at: &str) -> R<Arrival> {
    Ok(match string(v, "kind", at)? {
        "periodic" => Arrival::Periodic {
            interval_ns: num(v, "intervalNs", at)?,
            phase_ns: num(v, "phaseNs", at)?,
        },
        "poisson" => Arrival::Poisson {
            rate_per_sec: num(v, "ratePerSec", at)?,
        },
        "bursty" => Arrival::Bursty {
            rate_per_sec: num(v, "ratePerSec", at)?,
            on_ns: num(v, "onNs", at)?,
            off_ns: num(v, "offNs", at)?,
        },
        "trace" => Arrival::Trace {
            times_ns: floats(v, "timesNs", at)?,
            records: floats(v, "records", at)?
                .into_iter()
                .map(|r| r as u32)
                .collect(),
        },
        other => return Err(format!("{at}/kind: unknown arrival {other:?}")),
    })
}

impl Plan {
    pub fn parse(text: &str) -> R<Plan> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("plan is not JSON: {e}"))?;
        if v.get("version").and_then(Value::as_u64) != Some(1) {
            return Err("/version: expected plan version 1".into());
        }
        let rt = field(&v, "runtime", "")?;
        let runtime = Runtime {
            multi_thread: string(rt, "flavor", "/runtime")? == "multi_thread",
            workers: uint(rt, "workers", "/runtime")?.max(1) as usize,
            cores: uint(rt, "cores", "/runtime")?.max(1) as usize,
            driver: match string(rt, "driver", "/runtime")? {
                "none" => Driver::None,
                "timer" => Driver::Timer,
                "timer_io" => Driver::TimerIo,
                other => return Err(format!("/runtime/driver: unknown driver {other:?}")),
            },
            event_interval: uint(rt, "eventInterval", "/runtime")?.clamp(1, u32::MAX as u64) as u32,
            global_queue_interval: uint(rt, "globalQueueInterval", "/runtime")?
                .clamp(1, u32::MAX as u64) as u32,
            lifo_slot: field(rt, "lifoSlot", "/runtime")?.as_bool().unwrap_or(true),
            timer_resolution_ns: match rt.get("timerResolutionNs") {
                Some(_) => uint(rt, "timerResolutionNs", "/runtime")?.max(1),
                None => 1_000_000,
            },
            timer_phase_ns: match rt.get("timerPhaseNs") {
                Some(_) => uint(rt, "timerPhaseNs", "/runtime")?,
                None => 0,
            },
        };
        if runtime.timer_phase_ns >= runtime.timer_resolution_ns {
            return Err(format!(
                "/runtime/timerPhaseNs: expected 0 ≤ phase < timerResolutionNs ({}), got {}",
                runtime.timer_resolution_ns, runtime.timer_phase_ns
            ));
        }
        let channels = array(&v, "channels", "")?
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let at = format!("/channels/{i}");
                Ok(Channel {
                    name: string(c, "name", &at)?.to_string(),
                    kind: match string(c, "kind", &at)? {
                        "unbounded" => ChannelKind::Unbounded,
                        "bounded" => ChannelKind::Bounded,
                        "lockfree" => ChannelKind::LockFree,
                        other => return Err(format!("{at}/kind: unknown channel kind {other:?}")),
                    },
                    capacity: uint(c, "capacity", &at)? as usize,
                })
            })
            .collect::<R<Vec<_>>>()?;
        let costs = array(&v, "costs", "")?
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let at = format!("/costs/{i}");
                Ok(CostEntry {
                    category: string(c, "category", &at)?.to_string(),
                    cost: parse_cost(field(c, "cost", &at)?, &format!("{at}/cost"))?,
                })
            })
            .collect::<R<Vec<_>>>()?;
        let tasks = array(&v, "tasks", "")?
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let at = format!("/tasks/{i}");
                let code = array(t, "code", &at)?
                    .iter()
                    .enumerate()
                    .map(|(pc, ins)| parse_instr(ins, &format!("{at}/code/{pc}")))
                    .collect::<R<Vec<_>>>()?;
                Ok(Task {
                    name: string(t, "name", &at)?.to_string(),
                    start: match string(t, "start", &at)? {
                        "block_on" => Start::BlockOn,
                        "spawn" => Start::Spawn,
                        "child" => Start::Child,
                        other => return Err(format!("{at}/start: unknown start {other:?}")),
                    },
                    code,
                    slots: uint(t, "slots", &at)? as usize,
                })
            })
            .collect::<R<Vec<_>>>()?;
        let sources = array(&v, "sources", "")?
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let at = format!("/sources/{i}");
                let batches = num(s, "batches", &at)?;
                let duration = num(s, "durationNs", &at)?;
                Ok(Source {
                    name: string(s, "name", &at)?.to_string(),
                    channel: uint(s, "channel", &at)? as usize,
                    arrival: parse_arrival(field(s, "arrival", &at)?, &format!("{at}/arrival"))?,
                    records: uint(s, "records", &at)? as u32,
                    batches: (batches >= 0.0).then_some(batches as u64),
                    duration_ns: (duration >= 0.0).then_some(duration),
                    close: field(s, "close", &at)?.as_bool().unwrap_or(true),
                })
            })
            .collect::<R<Vec<_>>>()?;
        let plan = Plan {
            scenario: field(&v, "scenario", "")?.clone(),
            model: field(&v, "model", "")?.clone(),
            seed: uint(&v, "seed", "")?,
            runtime,
            channels,
            mutexes: array(&v, "mutexes", "")?.len(),
            costs,
            tasks,
            sources,
        };
        plan.check()?;
        Ok(plan)
    }

    /// Every index in range, so the interpreter can index without checks failing at run time.
    fn check(&self) -> R<()> {
        let nch = self.channels.len();
        for s in &self.sources {
            if s.channel >= nch {
                return Err(format!(
                    "source {}: channel {} out of range",
                    s.name, s.channel
                ));
            }
        }
        for (ti, t) in self.tasks.iter().enumerate() {
            let len = t.code.len();
            let bad =
                |what: &str, pc: usize| Err(format!("/tasks/{ti}/code/{pc}: {what} out of range"));
            for (pc, ins) in t.code.iter().enumerate() {
                let ok = match ins {
                    Instr::Compute { cost, .. } | Instr::Spin { cost } => *cost < self.costs.len(),
                    Instr::Send { ch, .. } | Instr::Close { ch } => *ch < nch,
                    Instr::Recv { ch, closed } => *ch < nch && closed.is_none_or(|c| c <= len),
                    Instr::TryRecv { ch, got, closed } => {
                        *ch < nch && *got <= len && *closed <= len
                    }
                    Instr::SpinWait { ch, .. } => *ch < nch,
                    Instr::Spawn { task } | Instr::Join { task } => *task < self.tasks.len(),
                    Instr::Lock { mutex } | Instr::Unlock { mutex } => *mutex < self.mutexes,
                    Instr::LoopInit { slot, exit, .. } => *slot < t.slots && *exit <= len,
                    Instr::Interval { slot, .. } => *slot < t.slots,
                    Instr::LoopNext { slot, target } => *slot < t.slots && *target <= len,
                    Instr::Jump { target } => *target <= len,
                    Instr::Route {
                        ch,
                        partitions,
                        cost,
                        ..
                    } => ch + partitions <= nch && *partitions > 0 && *cost < self.costs.len(),
                    _ => true,
                };
                if !ok {
                    return bad("operand", pc);
                }
            }
            if !matches!(t.code.last(), Some(Instr::End)) {
                return Err(format!("/tasks/{ti}/code: must end with 'end'"));
            }
        }
        Ok(())
    }
}

//! channel: tokio::sync::mpsc per-item costs and the coop budget (tokio-mechanics §1.7, §4;
//! model parameters P12, P13). Each operation runs inside a spawned task (so the coop
//! budget and wakes behave as in a real partition task) and is timed there.

use crate::bench::{
    build_runtime, emit_summary, in_task, n_spec, ov, run_slope, Bench, Kind, Overrides, ParamSpec,
    Params, Ty, DRIVER, FLAVOR, FLAVOR_MT, REPS, WORKERS,
};
use serde_json::json;
use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{channel, unbounded_channel};

const OP: ParamSpec = ParamSpec {
    name: "op",
    default: "send_u",
    ty: Ty::Choice(&[
        "send_u",
        "recv_u",
        "try_recv_u",
        "send_b",
        "recv_b",
        "try_send_b",
        "try_recv_b",
        "stream",
        "pingpong",
    ]),
    doc: "operation: _u unbounded, _b bounded; stream = producer task → consumer task; pingpong = round trips between two tasks",
};
const CAP: ParamSpec = ParamSpec {
    name: "cap",
    default: "0",
    ty: Ty::Int {
        min: 0,
        max: 1 << 24,
    },
    doc: "capacity for stream/pingpong (0 = unbounded); the other ops size their channel to hold every item",
};
const COOP_MODE: ParamSpec = ParamSpec {
    name: "mode",
    default: "recv_u",
    ty: Ty::Choice(&["recv_u", "send_b", "stream_b"]),
    doc: "recv_u: drain a prefilled unbounded channel; send_b: fill a bounded channel with send().await; stream_b: producer→consumer through capacity cap, consumer polls counted",
};
const COOP_CAP: ParamSpec = ParamSpec {
    name: "cap",
    default: "16",
    ty: Ty::Int {
        min: 1,
        max: 1 << 24,
    },
    doc: "capacity for mode=stream_b",
};

/// Times `n` operations of kind `op`; all channel work happens in one spawned task.
async fn channel_op(op: &'static str, cap: usize, n: u64) -> Duration {
    match op {
        "send_u" => {
            let (tx, rx) = unbounded_channel::<u64>();
            let t = Instant::now();
            for i in 0..n {
                tx.send(black_box(i)).expect("closed");
            }
            let d = t.elapsed();
            drop(rx);
            d
        }
        "recv_u" | "try_recv_u" => {
            let (tx, mut rx) = unbounded_channel::<u64>();
            for i in 0..n {
                tx.send(i).expect("closed");
            }
            let t = Instant::now();
            if op == "recv_u" {
                for _ in 0..n {
                    black_box(rx.recv().await);
                }
            } else {
                for _ in 0..n {
                    black_box(rx.try_recv().ok());
                }
            }
            t.elapsed()
        }
        "send_b" | "try_send_b" => {
            let (tx, rx) = channel::<u64>(n as usize);
            let t = Instant::now();
            if op == "send_b" {
                for i in 0..n {
                    tx.send(black_box(i)).await.expect("closed");
                }
            } else {
                for i in 0..n {
                    tx.try_send(black_box(i)).expect("full");
                }
            }
            let d = t.elapsed();
            drop(rx);
            d
        }
        "recv_b" | "try_recv_b" => {
            let (tx, mut rx) = channel::<u64>(n as usize);
            for i in 0..n {
                tx.try_send(i).expect("full");
            }
            let t = Instant::now();
            if op == "recv_b" {
                for _ in 0..n {
                    black_box(rx.recv().await);
                }
            } else {
                for _ in 0..n {
                    black_box(rx.try_recv().ok());
                }
            }
            t.elapsed()
        }
        "stream" => stream(cap, n).await,
        "pingpong" => pingpong(cap, n).await,
        _ => unreachable!("op validated by its spec"),
    }
}

/// Producer task → consumer task, n items; timed until the consumer has all of them.
async fn stream(cap: usize, n: u64) -> Duration {
    let t = Instant::now();
    let consumer = if cap == 0 {
        let (tx, mut rx) = unbounded_channel::<u64>();
        tokio::spawn(async move {
            for i in 0..n {
                tx.send(black_box(i)).expect("closed");
            }
        });
        tokio::spawn(async move { while black_box(rx.recv().await).is_some() {} })
    } else {
        let (tx, mut rx) = channel::<u64>(cap);
        tokio::spawn(async move {
            for i in 0..n {
                tx.send(black_box(i)).await.expect("closed");
            }
        });
        tokio::spawn(async move { while black_box(rx.recv().await).is_some() {} })
    };
    consumer.await.expect("consumer panicked");
    t.elapsed()
}

/// n round trips between this task and an echo task (two hops each).
async fn pingpong(cap: usize, n: u64) -> Duration {
    if cap == 0 {
        let (tx, mut rx) = unbounded_channel::<u64>();
        let (back_tx, mut back_rx) = unbounded_channel::<u64>();
        let echo = tokio::spawn(async move {
            while let Some(x) = rx.recv().await {
                if back_tx.send(x).is_err() {
                    break;
                }
            }
        });
        let t = Instant::now();
        for i in 0..n {
            tx.send(i).expect("closed");
            black_box(back_rx.recv().await);
        }
        let d = t.elapsed();
        drop(tx);
        echo.await.expect("echo panicked");
        d
    } else {
        let (tx, mut rx) = channel::<u64>(cap);
        let (back_tx, mut back_rx) = channel::<u64>(cap);
        let echo = tokio::spawn(async move {
            while let Some(x) = rx.recv().await {
                if back_tx.send(x).await.is_err() {
                    break;
                }
            }
        });
        let t = Instant::now();
        for i in 0..n {
            tx.send(i).await.expect("closed");
            black_box(back_rx.recv().await);
        }
        let d = t.elapsed();
        drop(tx);
        echo.await.expect("echo panicked");
        d
    }
}

fn op_name(p: &Params) -> &'static str {
    let op = p.str("op");
    match OP.ty {
        Ty::Choice(c) => c.iter().find(|x| **x == op).copied().unwrap_or("send_u"),
        Ty::Int { .. } => unreachable!(),
    }
}

fn run_channel(p: &Params) -> Result<(), String> {
    let op = op_name(p);
    let cap = p.int("cap") as usize;
    let rt = build_runtime(p);
    run_slope(p, |iters| (iters, in_task(&rt, channel_op(op, cap, iters))));
    Ok(())
}

/// Polls `fut` to completion, counting how many times it was polled.
async fn count_polls<F: Future>(fut: F) -> (F::Output, u64) {
    let mut polls = 0u64;
    let mut fut = Box::pin(fut);
    let out = std::future::poll_fn(|cx| {
        polls += 1;
        fut.as_mut().poll(cx)
    })
    .await;
    (out, polls)
}

/// P13: how many polls a consumer needs to drain n items (coop budget = 128 per poll).
fn run_coop(p: &Params) -> Result<(), String> {
    let n = p.int("n");
    let cap = p.int("cap") as usize;
    let mode = p.str("mode").to_string();
    let rt = build_runtime(p);
    let m = mode.clone();
    let (polls, d) = in_task(&rt, async move {
        let t = Instant::now();
        let polls = match m.as_str() {
            "recv_u" => {
                let (tx, mut rx) = unbounded_channel::<u64>();
                for i in 0..n {
                    tx.send(i).expect("closed");
                }
                drop(tx);
                count_polls(async move { while black_box(rx.recv().await).is_some() {} })
                    .await
                    .1
            }
            "send_b" => {
                let (tx, rx) = channel::<u64>(n as usize);
                let polls = count_polls(async move {
                    for i in 0..n {
                        tx.send(i).await.expect("closed");
                    }
                })
                .await
                .1;
                drop(rx);
                polls
            }
            _ => {
                let (tx, mut rx) = channel::<u64>(cap);
                tokio::spawn(async move {
                    for i in 0..n {
                        tx.send(i).await.expect("closed");
                    }
                });
                tokio::spawn(count_polls(async move {
                    while black_box(rx.recv().await).is_some() {}
                }))
                .await
                .expect("consumer panicked")
                .1
            }
        };
        (polls, t.elapsed())
    });
    let expected = if mode == "stream_b" {
        json!(null)
    } else {
        json!(n.div_ceil(128))
    };
    emit_summary(
        p,
        json!({"items": n, "polls": polls, "expectedPolls": expected, "durationNs": d.as_nanos() as u64}),
    );
    Ok(())
}

const CHANNEL_PARAMS: &[ParamSpec] = &[OP, CAP, FLAVOR, WORKERS, DRIVER, n_spec("200000"), REPS];
const COOP_PARAMS: &[ParamSpec] = &[
    COOP_MODE,
    COOP_CAP,
    FLAVOR,
    WORKERS,
    DRIVER,
    ParamSpec {
        name: "n",
        default: "100000",
        ty: Ty::Int {
            min: 1,
            max: 100_000_000,
        },
        doc: "items",
    },
];

fn grid_channel() -> Vec<Overrides> {
    let mut g = Vec::new();
    for op in [
        "send_u",
        "recv_u",
        "try_recv_u",
        "send_b",
        "recv_b",
        "try_send_b",
        "try_recv_b",
    ] {
        g.push(ov(&[("op", op), ("flavor", "ct")]));
    }
    for cap in ["0", "16", "1024"] {
        g.push(ov(&[("op", "stream"), ("cap", cap), ("flavor", "ct")]));
    }
    for cap in ["0", "1024"] {
        g.push(ov(&[
            ("op", "stream"),
            ("cap", cap),
            ("flavor", "mt"),
            ("workers", "2"),
            ("n", "100000"),
        ]));
    }
    g.push(ov(&[
        ("op", "pingpong"),
        ("cap", "0"),
        ("flavor", "ct"),
        ("n", "50000"),
    ]));
    g.push(ov(&[
        ("op", "pingpong"),
        ("cap", "16"),
        ("flavor", "ct"),
        ("n", "50000"),
    ]));
    g.push(ov(&[
        ("op", "pingpong"),
        ("cap", "0"),
        ("flavor", "mt"),
        ("workers", "2"),
        ("n", "20000"),
    ]));
    g
}

fn grid_coop() -> Vec<Overrides> {
    vec![
        ov(&[("mode", "recv_u")]),
        ov(&[("mode", "send_b")]),
        ov(&[("mode", "stream_b"), ("cap", "16")]),
        ov(&[("mode", "stream_b"), ("cap", "1024")]),
    ]
}

const HANDOFF_CHAN: ParamSpec = ParamSpec {
    name: "chan",
    default: "u",
    ty: Ty::Choice(&["u", "b"]),
    doc: "u: unbounded mpsc; b: bounded mpsc (capacity = items)",
};
const HANDOFF_WHERE: ParamSpec = ParamSpec {
    name: "where",
    default: "cross",
    ty: Ty::Choice(&["same", "cross", "conc_send", "conc_recv"]),
    doc: "cross: a task on one worker sends the items, a task on the other worker receives them; same: one task sends then receives them; conc_send: the sends are timed while the other worker's task receives them at once (try_recv spin); conc_recv: the receives of n items sent beforehand are timed while the other worker's task keeps sending more at once. The conc_* tasks pin their workers to two CPUs",
};

/// Where a handoff sample's items are sent and received, and which side is timed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Where {
    /// One task sends n items, then receives them (timed).
    Same,
    /// A task on one worker sends n items; then a task on the other receives them (timed).
    Cross,
    /// The sends are timed while the receiver drains the channel on the other worker at once.
    ConcSend,
    /// The receives of n items sent beforehand are timed while the sender keeps sending at once.
    ConcRecv,
}
impl Where {
    fn parse(s: &str) -> Where {
        match s {
            "same" => Where::Same,
            "cross" => Where::Cross,
            "conc_send" => Where::ConcSend,
            "conc_recv" => Where::ConcRecv,
            _ => unreachable!("where validated by its spec"),
        }
    }
}

/// How long a handoff sample's producer waits for the consumer task to start on the other worker
/// before it gives the sample up. Spawned from the block_on thread, the two tasks go through the
/// inject queue; now and then the second worker stays parked (the producer, spinning, holds the
/// first), so the consumer would never start while the producer waits for it.
const HANDOFF_START_LIMIT: Duration = Duration::from_millis(20);
/// Sample attempts before the benchmark fails (a runtime whose second worker never comes).
const HANDOFF_ATTEMPTS: u32 = 50;

/// The handshake of a cross sample's two tasks.
#[derive(Default)]
struct HandoffFlags {
    producer: AtomicBool,
    consumer: AtomicBool,
    filled: AtomicBool,
    /// conc_recv: the consumer has its n items (the producer stops its extra sends).
    drained: AtomicBool,
    abort: AtomicBool,
}
impl HandoffFlags {
    /// Marks `me` started and waits for `other`; false (and `abort` set) when the other task
    /// did not start within HANDOFF_START_LIMIT or has already given up.
    fn meet(&self, me: &AtomicBool, other: &AtomicBool) -> bool {
        if self.abort.load(Ordering::SeqCst) {
            return false;
        }
        me.store(true, Ordering::SeqCst);
        let met = spin_until(
            || other.load(Ordering::SeqCst) || self.abort.load(Ordering::SeqCst),
            HANDOFF_START_LIMIT,
        );
        if !met || self.abort.load(Ordering::SeqCst) {
            self.abort.store(true, Ordering::SeqCst);
            return false;
        }
        true
    }
}

/// Spins until `cond` holds (true) or `limit` has passed (false).
fn spin_until(cond: impl Fn() -> bool, limit: Duration) -> bool {
    let t = Instant::now();
    while !cond() {
        std::hint::spin_loop();
        if t.elapsed() > limit {
            return cond();
        }
    }
    true
}

enum Tx {
    U(tokio::sync::mpsc::UnboundedSender<u64>),
    B(tokio::sync::mpsc::Sender<u64>),
}
enum Rx {
    U(tokio::sync::mpsc::UnboundedReceiver<u64>),
    B(tokio::sync::mpsc::Receiver<u64>),
}
impl Tx {
    fn fill(&self, n: u64) {
        for i in 0..n {
            self.put(i);
        }
    }
    fn put(&self, i: u64) {
        assert!(self.offer(i), "handoff: the channel is closed or full");
    }
    /// Sends one item; false when the channel is closed (its receiver gone) or full.
    fn offer(&self, i: u64) -> bool {
        match self {
            Tx::U(t) => t.send(black_box(i)).is_ok(),
            Tx::B(t) => t.try_send(black_box(i)).is_ok(),
        }
    }
}
impl Rx {
    /// Receives n items with try_recv (no coop budget, so the task never yields); timed.
    fn drain(&mut self, n: u64) -> Duration {
        let t = Instant::now();
        for _ in 0..n {
            match self {
                Rx::U(r) => black_box(r.try_recv().ok()),
                Rx::B(r) => black_box(r.try_recv().ok()),
            };
        }
        t.elapsed()
    }
    /// Receives until `n` items have come (try_recv spin: the task keeps its worker busy), or
    /// until `abort` is set; not timed.
    fn take(&mut self, n: u64, abort: &AtomicBool) {
        let mut got = 0;
        while got < n {
            let ok = match self {
                Rx::U(r) => r.try_recv().is_ok(),
                Rx::B(r) => r.try_recv().is_ok(),
            };
            if ok {
                got += 1;
            } else if abort.load(Ordering::Relaxed) {
                return;
            } else {
                std::hint::spin_loop();
            }
        }
    }
}

/// conc_recv: the most items the producer sends after the first n while the consumer drains them
/// (in units of n; a bounded channel is sized for them).
const CONC_EXTRA: u64 = 4;

/// The two CPUs the conc_* tasks pin their workers to (so both ends run at once on different
/// CPUs, whatever the scheduler would have done); None where placement is not possible.
fn conc_cpus() -> Option<(usize, usize)> {
    match crate::affinity::allowed_cpus().ok()?.as_slice() {
        [first, .., last] => Some((*first, *last)),
        _ => None,
    }
}

/// `n` items sent, then received and timed: by the sending task (same) or by a task spinning on
/// the other worker (cross: the two tasks never yield, so each holds its worker). Only the
/// receiving loop is timed; cross − same is the cost of the items' cache lines moving from the
/// producer's core to the consumer's. conc_send times the producer's n sends while the consumer
/// takes them off at once on the other worker; conc_recv times the consumer's receives of n items
/// sent beforehand while the producer keeps sending more at once: conc_* − (send, try_recv alone)
/// is what each end pays per item when both work on the channel at the same time (its shared
/// counter, tail and ready bits move between the CPUs on every item). None when the consumer did
/// not start within HANDOFF_START_LIMIT: both tasks were told to return (nothing spins on), and
/// the caller retries with fresh tasks.
fn handoff_sample(
    rt: &tokio::runtime::Runtime,
    bounded: bool,
    mode: Where,
    n: u64,
) -> Option<Duration> {
    let cap = if mode == Where::ConcRecv {
        (n * (1 + CONC_EXTRA)) as usize
    } else {
        n as usize
    };
    let (tx, mut rx) = if bounded {
        let (t, r) = channel::<u64>(cap);
        (Tx::B(t), Rx::B(r))
    } else {
        let (t, r) = unbounded_channel::<u64>();
        (Tx::U(t), Rx::U(r))
    };
    let cpus = if matches!(mode, Where::ConcSend | Where::ConcRecv) {
        conc_cpus()
    } else {
        None
    };
    rt.block_on(async move {
        if mode == Where::Same {
            return Some(
                tokio::spawn(async move {
                    tx.fill(n);
                    rx.drain(n)
                })
                .await
                .expect("task panicked"),
            );
        }
        // Each task marks its start and waits (at most HANDOFF_START_LIMIT) for the other's,
        // whichever the workers took first; one that waits in vain sets `abort` and returns,
        // and the other sees it, so neither spins for ever on a task that cannot run.
        let flags = Arc::new(HandoffFlags::default());
        let f1 = flags.clone();
        let producer = tokio::spawn(async move {
            let _pin = cpus.and_then(|(c, _)| crate::affinity::pin_current_thread(c).ok());
            if !f1.meet(&f1.producer, &f1.consumer) {
                return None;
            }
            let timed = match mode {
                Where::ConcSend => {
                    let t = Instant::now();
                    tx.fill(n);
                    Some(t.elapsed())
                }
                Where::ConcRecv => {
                    tx.fill(n);
                    f1.filled.store(true, Ordering::SeqCst);
                    // The consumer may finish (and drop the receiver) between the check and a
                    // send: a refused send ends the extra sends too.
                    let mut i = 0;
                    while i < CONC_EXTRA * n && !f1.drained.load(Ordering::Relaxed) && tx.offer(i) {
                        i += 1;
                    }
                    None
                }
                _ => {
                    tx.fill(n);
                    f1.filled.store(true, Ordering::SeqCst);
                    None
                }
            };
            Some((timed, std::thread::current().id()))
        });
        let consumer = tokio::spawn(async move {
            let _pin = cpus.and_then(|(_, c)| crate::affinity::pin_current_thread(c).ok());
            if !flags.meet(&flags.consumer, &flags.producer) {
                return None;
            }
            if mode == Where::ConcSend {
                rx.take(n, &flags.abort);
                return Some((None, std::thread::current().id()));
            }
            while !flags.filled.load(Ordering::SeqCst) {
                if flags.abort.load(Ordering::SeqCst) {
                    return None;
                }
                std::hint::spin_loop();
            }
            let d = rx.drain(n);
            flags.drained.store(true, Ordering::SeqCst);
            Some((Some(d), std::thread::current().id()))
        });
        let pt = producer.await.expect("producer panicked");
        let got = consumer.await.expect("consumer panicked");
        let ((pd, pt), (cd, ct)) = (pt?, got?);
        assert_ne!(
            pt, ct,
            "handoff: producer and consumer ran on the same thread"
        );
        pd.or(cd)
    })
}

fn run_handoff(p: &Params) -> Result<(), String> {
    if p.int("workers") < 2 {
        return Err("handoff: needs workers >= 2".into());
    }
    let bounded = p.str("chan") == "b";
    let mode = Where::parse(p.str("where"));
    let rt = build_runtime(p);
    let mut retries = 0u64;
    run_slope(p, |iters| {
        for _ in 0..HANDOFF_ATTEMPTS {
            if let Some(d) = handoff_sample(&rt, bounded, mode, iters) {
                return (iters, d);
            }
            retries += 1;
        }
        panic!(
            "handoff: the consumer task never started on the second worker in {HANDOFF_ATTEMPTS} attempts of {} ms each",
            HANDOFF_START_LIMIT.as_millis()
        );
    });
    // How many samples were taken again because the consumer did not start in time (a parked
    // worker that was not woken for it): counted, so a run where it was frequent can be seen.
    emit_summary(p, json!({ "retries": retries }));
    Ok(())
}

const HANDOFF_PARAMS: &[ParamSpec] = &[
    HANDOFF_CHAN,
    HANDOFF_WHERE,
    FLAVOR_MT,
    WORKERS,
    DRIVER,
    n_spec("4096"),
    REPS,
];

fn grid_handoff() -> Vec<Overrides> {
    let mut g = Vec::new();
    for chan in ["u", "b"] {
        for w in ["same", "cross", "conc_send", "conc_recv"] {
            g.push(ov(&[("chan", chan), ("where", w)]));
        }
    }
    g
}

pub const BENCHES: &[Bench] = &[
    Bench {
        name: "channel",
        kind: Kind::Slope,
        feeds: &["P12"],
        about: "mpsc per-item cost of op (iters = items, or round trips for pingpong)",
        params: CHANNEL_PARAMS,
        run: run_channel,
        grid: grid_channel,
    },
    Bench {
        name: "coop",
        kind: Kind::Count,
        feeds: &["P13"],
        about: "polls needed to move n items through a channel; summary line with polls and expectedPolls = ceil(n/128)",
        params: COOP_PARAMS,
        run: run_coop,
        grid: grid_coop,
    },
    Bench {
        name: "handoff",
        kind: Kind::Slope,
        feeds: &["P12"],
        about: "multi_thread, 2 workers: receiving items another worker sent (cross) against items the same task sent (same), try_recv loop timed; conc_send / conc_recv: the sends / receives timed while the other end works on the channel at once on the other worker (two CPUs); iters = items",
        params: HANDOFF_PARAMS,
        run: run_handoff,
        grid: grid_handoff,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// With one worker, the producer holds it while it waits: the consumer cannot start, so the
    /// sample must be given up (None) after HANDOFF_START_LIMIT instead of spinning for ever.
    #[test]
    fn a_cross_sample_gives_up_when_the_consumer_cannot_start() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .expect("runtime");
        let t = Instant::now();
        assert_eq!(handoff_sample(&rt, false, Where::Cross, 64), None);
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        // Two workers: the sample is taken (retried here the way run_handoff does).
        let rt2 = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("runtime");
        assert!(
            (0..HANDOFF_ATTEMPTS).any(|_| handoff_sample(&rt2, true, Where::Cross, 64).is_some())
        );
        // Both ends at once: each conc mode gives a sample (its timed side), bounded and not.
        for mode in [Where::ConcSend, Where::ConcRecv] {
            for bounded in [false, true] {
                assert!(
                    (0..HANDOFF_ATTEMPTS)
                        .any(|_| handoff_sample(&rt2, bounded, mode, 256).is_some()),
                    "{mode:?} bounded={bounded}"
                );
            }
        }
    }
}

//! interp: runs a Plan's task programs as real tokio tasks — the measured twin of the
//! simulator's `execPoll` (`src/runtime/simulator.ts`). Each instruction means what it means
//! there:
//!
//! | instruction | here |
//! |---|---|
//! | `compute(cost, n)`, `spin(cost)` | busy-wait on the clock for a sampled cost (never yields) |
//! | `yield_now` / `self_wake` | `tokio::task::yield_now()` / a future that wakes itself once |
//! | `sleep(d)` | `tokio::time::sleep(d)` |
//! | `interval(slot, p)` | `tokio::time::interval(p)` made on the first visit (Burst), then `.tick().await` |
//! | `send` / `recv` / `try_recv` | tokio mpsc (unbounded or bounded); `lockfree`: see `LfQueue` |
//! | `spin_wait(ch, d)` | busy-polls `ch` with `try_recv` until a message or close (at most d) |
//! | `close(ch)` | an in-band close marker, so queued messages drain first (as in the simulator) |
//! | `spawn` / `join` | `tokio::spawn` / awaiting the `JoinHandle`s of a task in spawn order |
//! | `lock` / `unlock` | `tokio::sync::Mutex::lock_owned` / dropping the guard |
//! | `record_start` / `record_end` | clock reads (a `record_end` right after a `compute` reuses the compute's last read); latency = end − the record's origin time |
//! | `route` | the coordinator's split of a batch over partition channels (same policies) |
//!
//! A message carries (records, origin ns since the run's start). Statistics are kept per task
//! and merged into `Shared` once, when the task ends or is dropped at shutdown.

use crate::histogram::Histogram;
use crate::plan::{ChannelKind, Instr, Plan, Policy, Start};
use crate::prng::Prng;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::sync::{Notify, OwnedMutexGuard};
use tokio::task::JoinHandle;

/// One channel message: `records` records that originated at `ts_ns` (ns since the run start).
#[derive(Clone, Copy, Debug)]
pub struct Msg {
    pub records: u32,
    pub ts_ns: u64,
}

/// `records` value of the close marker.
pub const CLOSE: u32 = u32::MAX;

impl Msg {
    fn is_close(&self) -> bool {
        self.records == CLOSE
    }
}

/// The plan's `lockfree` channel. Only serde_json and tokio are available offline (no
/// crossbeam), so this is a `std::sync::Mutex<VecDeque>` with an atomic length for the
/// spinners' emptiness check: push and pop take an uncontended lock (tens of ns), which is
/// what a lock-free queue costs too, but under contention a real lock-free queue would not
/// block. Like a lock-free queue it has no waker: consumers poll it (try_recv, spin_wait).
pub struct LfQueue {
    q: Mutex<VecDeque<Msg>>,
    len: AtomicUsize,
}

impl LfQueue {
    fn push(&self, m: Msg) {
        let mut q = self.q.lock().expect("lockfree queue poisoned");
        q.push_back(m);
        self.len.store(q.len(), Ordering::Release);
    }
    fn pop(&self) -> Option<Msg> {
        if self.len.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut q = self.q.lock().expect("lockfree queue poisoned");
        let m = q.pop_front();
        self.len.store(q.len(), Ordering::Release);
        m
    }
}

pub enum Tx {
    Unbounded(mpsc::UnboundedSender<Msg>),
    Bounded(mpsc::Sender<Msg>),
    LockFree(Arc<LfQueue>),
}

enum RxKind {
    Unbounded(mpsc::UnboundedReceiver<Msg>),
    Bounded(mpsc::Receiver<Msg>),
    LockFree(Arc<LfQueue>),
}

/// The receiving end of a channel, owned by the task that receives from it.
pub struct Rx {
    kind: RxKind,
    /// A message a spin wait saw; the next receive returns it first.
    peeked: Option<Msg>,
    closed: bool,
}

enum Try {
    Got(Msg),
    Empty,
    Closed,
}

impl Rx {
    fn try_recv(&mut self) -> Try {
        if self.closed {
            return Try::Closed;
        }
        let m = match self.peeked.take() {
            Some(m) => Some(m),
            None => match &mut self.kind {
                RxKind::Unbounded(r) => r.try_recv().ok(),
                RxKind::Bounded(r) => r.try_recv().ok(),
                RxKind::LockFree(q) => q.pop(),
            },
        };
        match m {
            Some(m) if m.is_close() => {
                self.closed = true;
                Try::Closed
            }
            Some(m) => Try::Got(m),
            None => Try::Empty,
        }
    }

    /// `recv().await`; None once the channel is closed and drained.
    async fn recv(&mut self) -> Option<Msg> {
        if self.closed {
            return None;
        }
        let m = match self.peeked.take() {
            Some(m) => Some(m),
            None => match &mut self.kind {
                RxKind::Unbounded(r) => r.recv().await,
                RxKind::Bounded(r) => r.recv().await,
                // Rejected when the plan is loaded (a lock-free queue has no waker).
                RxKind::LockFree(_) => unreachable!("await recv on a lockfree channel"),
            },
        };
        match m {
            Some(m) if !m.is_close() => Some(m),
            _ => {
                self.closed = true;
                None
            }
        }
    }

    /// For spin waits: whether a message or the close marker is there (peeks it).
    fn ready(&mut self) -> bool {
        if self.closed || self.peeked.is_some() {
            return true;
        }
        let m = match &mut self.kind {
            RxKind::Unbounded(r) => r.try_recv().ok(),
            RxKind::Bounded(r) => r.try_recv().ok(),
            RxKind::LockFree(q) => q.pop(),
        };
        self.peeked = m;
        self.peeked.is_some()
    }

    /// Records still queued (at the end of a run).
    pub fn drain_records(&mut self) -> u64 {
        let mut n = 0;
        while let Try::Got(m) = self.try_recv() {
            n += m.records as u64;
        }
        n
    }
}

impl Tx {
    /// Sends from inside the runtime; a bounded channel waits for room.
    async fn send(&self, m: Msg) {
        match self {
            // An error means the receiver is gone (its task ended): the message is dropped.
            Tx::Unbounded(s) => drop(s.send(m)),
            // Boxed for the same reason as `sleep` in `run_task` (the future holds a waiter node).
            Tx::Bounded(s) => drop(Box::pin(s.send(m)).await),
            Tx::LockFree(q) => q.push(m),
        }
    }

    /// Sends from a source thread (outside the runtime): a full bounded channel drops the
    /// batch (as the simulator does) except for the close marker, which waits. Returns false
    /// when the batch was dropped.
    pub fn send_external(&self, m: Msg) -> bool {
        match self {
            Tx::Unbounded(s) => {
                let _ = s.send(m);
                true
            }
            Tx::Bounded(s) if m.is_close() => {
                let _ = s.blocking_send(m);
                true
            }
            Tx::Bounded(s) => !matches!(s.try_send(m), Err(mpsc::error::TrySendError::Full(_))),
            Tx::LockFree(q) => {
                q.push(m);
                true
            }
        }
    }
}

/// Per task definition: what the Result's `tasks` entry needs. Atomics, so that spawning and
/// finishing many small tasks on several workers takes no lock.
pub struct DefStats {
    pub instances: AtomicU64,
    pub first_start_ns: AtomicU64,
    pub last_end_ns: AtomicU64,
    pub unfinished: AtomicBool,
    pub polls: AtomicU64,
    pub yields: AtomicU64,
    pub busy_ns: AtomicU64,
}

impl Default for DefStats {
    fn default() -> Self {
        DefStats {
            instances: AtomicU64::new(0),
            first_start_ns: AtomicU64::new(u64::MAX),
            last_end_ns: AtomicU64::new(0),
            unfinished: AtomicBool::new(false),
            polls: AtomicU64::new(0),
            yields: AtomicU64::new(0),
            busy_ns: AtomicU64::new(0),
        }
    }
}

/// Everything the tasks of one run share.
pub struct Shared {
    pub plan: Arc<Plan>,
    pub t0: Instant,
    pub tx: Vec<Tx>,
    pub rx: Vec<Mutex<Option<Rx>>>,
    mutexes: Vec<Arc<tokio::sync::Mutex<()>>>,
    joins: Vec<Mutex<VecDeque<JoinHandle<()>>>>,
    pub hist: Mutex<Histogram>,
    /// Busy ns per cost index (compute/spin ops), plus one last slot for spin waits.
    pub breakdown_ns: Mutex<Vec<f64>>,
    pub defs: Vec<DefStats>,
    /// Live task instances and running source threads; 0 ends a run without a block_on task.
    pub live: AtomicUsize,
    pub all_done: Notify,
    pub stopped: AtomicBool,
    pub end_ns: AtomicU64,
    rr: AtomicU64,
    sticky: AtomicU64,
    route_rng: Mutex<Prng>,
    next_instance: AtomicU64,
    pub errors: Mutex<Vec<String>>,
    /// Every task poll of a traced run (`execute --trace-spans n`), else None.
    pub trace: Option<Mutex<PollTrace>>,
}

/// The polls of a traced run, up to `cap`: which thread polled (an index into `threads`, in the
/// order of their first poll, with the thread's name), the task definition, and when (ns since
/// t0), and the CPU the thread was on when the poll began (`sched_getcpu`; u64::MAX where unknown),
/// so a trace shows which vCPU ran each poll (where the guest placed a woken thread). Two clock
/// reads, a CPU read and a lock per poll: a traced run is a little slower than an untraced one.
pub struct PollTrace {
    cap: usize,
    pub threads: Vec<(std::thread::ThreadId, String)>,
    pub spans: Vec<[u64; 5]>,
    pub dropped: u64,
}

impl PollTrace {
    pub fn new(cap: usize) -> PollTrace {
        PollTrace {
            cap,
            threads: Vec::new(),
            spans: Vec::with_capacity(cap.min(1 << 20)),
            dropped: 0,
        }
    }

    /// A source's send (a zero-length span on the source thread; task index u32::MAX).
    pub fn record_send(&mut self, at_ns: u64) {
        self.record(
            u32::MAX as usize,
            at_ns,
            at_ns,
            crate::scheduler::current_cpu(),
        );
    }

    fn record(&mut self, def: usize, start_ns: u64, end_ns: u64, cpu: i32) {
        if self.spans.len() >= self.cap {
            self.dropped += 1;
            return;
        }
        let me = std::thread::current();
        let ix = match self.threads.iter().position(|(id, _)| *id == me.id()) {
            Some(i) => i,
            None => {
                self.threads
                    .push((me.id(), me.name().unwrap_or("unnamed").to_string()));
                self.threads.len() - 1
            }
        };
        self.spans.push([
            ix as u64,
            def as u64,
            start_ns,
            end_ns,
            if cpu < 0 { u64::MAX } else { cpu as u64 },
        ]);
    }
}

impl Shared {
    /// Channels, mutexes and statistics for one run. Must be created outside the runtime.
    /// `trace_cap` > 0 records up to that many task polls (PollTrace).
    pub fn new(plan: Arc<Plan>, t0: Instant, trace_cap: usize) -> Shared {
        let mut tx = Vec::new();
        let mut rx = Vec::new();
        for c in &plan.channels {
            let (t, r) = match c.kind {
                ChannelKind::Unbounded => {
                    let (t, r) = mpsc::unbounded_channel();
                    (Tx::Unbounded(t), RxKind::Unbounded(r))
                }
                ChannelKind::Bounded => {
                    let (t, r) = mpsc::channel(c.capacity.max(1));
                    (Tx::Bounded(t), RxKind::Bounded(r))
                }
                ChannelKind::LockFree => {
                    let q = Arc::new(LfQueue {
                        q: Mutex::new(VecDeque::new()),
                        len: AtomicUsize::new(0),
                    });
                    (Tx::LockFree(q.clone()), RxKind::LockFree(q))
                }
            };
            tx.push(t);
            rx.push(Mutex::new(Some(Rx {
                kind: r,
                peeked: None,
                closed: false,
            })));
        }
        let n_tasks = plan.tasks.len();
        let n_costs = plan.costs.len();
        let seed = plan.seed;
        Shared {
            t0,
            tx,
            rx,
            mutexes: (0..plan.mutexes)
                .map(|_| Arc::new(tokio::sync::Mutex::new(())))
                .collect(),
            joins: (0..n_tasks).map(|_| Mutex::new(VecDeque::new())).collect(),
            hist: Mutex::new(Histogram::default()),
            breakdown_ns: Mutex::new(vec![0.0; n_costs + 1]),
            defs: (0..n_tasks).map(|_| DefStats::default()).collect(),
            live: AtomicUsize::new(0),
            all_done: Notify::new(),
            stopped: AtomicBool::new(false),
            end_ns: AtomicU64::new(0),
            rr: AtomicU64::new(0),
            sticky: AtomicU64::new(0),
            route_rng: Mutex::new(Prng::new(seed, "route")),
            next_instance: AtomicU64::new(0),
            errors: Mutex::new(Vec::new()),
            trace: (trace_cap > 0).then(|| Mutex::new(PollTrace::new(trace_cap))),
            plan,
        }
    }

    pub fn now_ns(&self) -> u64 {
        self.t0.elapsed().as_nanos() as u64
    }

    /// Ends the run: later records are not counted.
    pub fn finish(&self) {
        if !self.stopped.swap(true, Ordering::AcqRel) {
            self.end_ns.store(self.now_ns(), Ordering::Release);
        }
    }

    /// One fewer live task or source; the last one wakes the root future.
    pub fn release(&self) {
        if self.live.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.all_done.notify_one();
        }
    }

    fn error(&self, e: String) {
        self.errors.lock().expect("errors poisoned").push(e);
    }
}

/// Busy-waits for `ns` (no syscall, no yield) and returns the time actually spent and the
/// instant it ended (None for no wait: a zero cost reads no clock).
pub fn spin_ns(ns: f64) -> (u64, Option<Instant>) {
    if ns <= 0.0 {
        return (0, None);
    }
    let start = Instant::now();
    let d = Duration::from_nanos(ns as u64);
    loop {
        let now = Instant::now();
        let e = now.duration_since(start);
        if e >= d {
            return (e.as_nanos() as u64, Some(now));
        }
        std::hint::spin_loop();
    }
}

/// A hand-written yield: wakes itself and returns Pending once (tokio's self-wake path).
struct SelfWake(bool);

impl Future for SelfWake {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// A task instance's future wrapped to count its polls and time its life.
pub struct Tracked {
    sh: Arc<Shared>,
    def: usize,
    start_ns: u64,
    polls: u64,
    end_ns: Option<u64>,
    counted: bool,
    fut: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl Future for Tracked {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls += 1;
        let traced = self
            .sh
            .trace
            .is_some()
            .then(|| (self.sh.now_ns(), crate::scheduler::current_cpu()));
        let r = self.fut.as_mut().poll(cx);
        if let (Some((start, cpu)), Some(tr)) = (traced, &self.sh.trace) {
            let end = self.sh.now_ns();
            tr.lock()
                .expect("trace poisoned")
                .record(self.def, start, end, cpu);
        }
        match r {
            Poll::Ready(()) => {
                self.end_ns = Some(self.sh.now_ns());
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let d = &self.sh.defs[self.def];
        d.instances.fetch_add(1, Ordering::Relaxed);
        d.first_start_ns.fetch_min(self.start_ns, Ordering::Relaxed);
        match self.end_ns {
            Some(e) => d.last_end_ns.fetch_max(e, Ordering::Relaxed),
            None => u64::from(d.unfinished.swap(true, Ordering::Relaxed)),
        };
        d.polls.fetch_add(self.polls, Ordering::Relaxed);
        if self.counted {
            self.sh.release();
        }
    }
}

/// Wraps instance `def` of the plan for polling: as a spawned task (`counted`) or inline.
pub fn tracked(sh: &Arc<Shared>, def: usize, counted: bool) -> Tracked {
    if counted {
        sh.live.fetch_add(1, Ordering::AcqRel);
    }
    Tracked {
        sh: sh.clone(),
        def,
        start_ns: sh.now_ns(),
        polls: 0,
        end_ns: None,
        counted,
        fut: if sh.plan.tasks[def].code.len() == 1 {
            // An empty program (spawn/join benchmarks spawn thousands): a zero-sized future,
            // so the probe adds no allocation to what tokio's spawn costs.
            Box::pin(std::future::ready(()))
        } else {
            Box::pin(run_task(sh.clone(), def))
        },
    }
}

/// `tokio::spawn`s an instance of task `def` and queues its handle for `join`.
pub fn spawn_task(sh: &Arc<Shared>, def: usize) {
    let h = tokio::spawn(tracked(sh, def, true));
    sh.joins[def].lock().expect("joins poisoned").push_back(h);
}

/// The root future (`Runtime::block_on`): starts the plan's `spawn` tasks, then runs the
/// block_on task inline, or waits until every task and source is done.
pub async fn root(sh: Arc<Shared>) {
    let plan = sh.plan.clone();
    for (def, t) in plan.tasks.iter().enumerate() {
        if t.start == Start::Spawn {
            spawn_task(&sh, def);
        }
    }
    match plan.tasks.iter().position(|t| t.start == Start::BlockOn) {
        Some(def) => tracked(&sh, def, false).await,
        None => {
            if sh.live.load(Ordering::Acquire) > 0 {
                sh.all_done.notified().await;
            }
        }
    }
    sh.finish();
}

/// A task's local state; merged into `Shared` on drop (completion or shutdown).
struct Local {
    sh: Arc<Shared>,
    def: usize,
    rx: Vec<Option<Rx>>,
    guards: Vec<Option<OwnedMutexGuard<()>>>,
    hist: Option<Histogram>,
    yields: u64,
    busy_ns: u64,
    breakdown: Vec<f64>,
    rng: Prng,
}

impl Local {
    /// Allocates only what the task's code uses: a task with an empty program (spawn/join
    /// benchmarks spawn thousands) costs no allocation here.
    fn new(sh: Arc<Shared>, def: usize) -> Local {
        let plan = sh.plan.clone();
        let code = &plan.tasks[def].code;
        let mut rx: Vec<Option<Rx>> = Vec::new();
        for ins in code {
            let ch = match ins {
                Instr::Recv { ch, .. } | Instr::TryRecv { ch, .. } | Instr::SpinWait { ch, .. } => {
                    *ch
                }
                _ => continue,
            };
            if rx.is_empty() {
                rx = (0..plan.channels.len()).map(|_| None).collect();
            }
            if rx[ch].is_none() {
                rx[ch] = sh.rx[ch].lock().expect("rx poisoned").take();
                if rx[ch].is_none() {
                    sh.error(format!(
                        "channel '{}' has two receiving tasks alive at once (task '{}'); tokio mpsc has one receiver",
                        plan.channels[ch].name, plan.tasks[def].name
                    ));
                }
            }
        }
        let instance = sh.next_instance.fetch_add(1, Ordering::Relaxed);
        let locks = code.iter().any(|i| matches!(i, Instr::Lock { .. }));
        Local {
            // One cost stream per task instance: "cost" mixed with the instance number.
            rng: Prng::new(
                plan.seed ^ instance.wrapping_mul(0x9e37_79b9_7f4a_7c15),
                "cost",
            ),
            guards: if locks {
                (0..plan.mutexes).map(|_| None).collect()
            } else {
                Vec::new()
            },
            breakdown: Vec::new(),
            hist: None,
            yields: 0,
            busy_ns: 0,
            rx,
            def,
            sh,
        }
    }

    fn record(&mut self, latency_ns: u64) {
        if self.sh.stopped.load(Ordering::Relaxed) {
            return;
        }
        self.hist
            .get_or_insert_with(Histogram::default)
            .record(latency_ns);
    }

    fn busy(&mut self, slot: usize, ns: u64) {
        self.busy_ns += ns;
        if self.breakdown.is_empty() {
            self.breakdown = vec![0.0; self.sh.plan.costs.len() + 1];
        }
        self.breakdown[slot] += ns as f64;
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        let sh = &self.sh;
        if let Some(h) = &self.hist {
            if let Ok(mut g) = sh.hist.lock() {
                g.merge(h);
            }
        }
        if !self.breakdown.is_empty() {
            if let Ok(mut b) = sh.breakdown_ns.lock() {
                for (a, x) in b.iter_mut().zip(&self.breakdown) {
                    *a += x;
                }
            }
        }
        let d = &sh.defs[self.def];
        d.yields.fetch_add(self.yields, Ordering::Relaxed);
        d.busy_ns.fetch_add(self.busy_ns, Ordering::Relaxed);
        for (ch, r) in self.rx.iter_mut().enumerate() {
            if let Some(r) = r.take() {
                if let Ok(mut slot) = sh.rx[ch].lock() {
                    *slot = Some(r);
                }
            }
        }
    }
}

/// Records per partition for one routed batch of `n` records (the simulator's `route`).
fn route_counts(sh: &Shared, policy: Policy, skew: f64, n: u64, p: usize) -> Vec<u64> {
    let mut counts = vec![0u64; p];
    match policy {
        Policy::RoundRobin => {
            let start = (sh.rr.fetch_add(n, Ordering::Relaxed) % p as u64) as usize;
            let (q, r) = (n / p as u64, (n % p as u64) as usize);
            for (i, c) in counts.iter_mut().enumerate() {
                *c = q + u64::from((i + p - start) % p < r);
            }
        }
        Policy::Hash => {
            let w: Vec<f64> = (0..p).map(|i| 1.0 / ((i + 1) as f64).powf(skew)).collect();
            let total: f64 = w.iter().sum();
            let mut rng = sh.route_rng.lock().expect("route rng poisoned");
            for _ in 0..n {
                let mut u = rng.next_float() * total;
                let mut i = 0;
                while i < p - 1 {
                    u -= w[i];
                    if u < 0.0 {
                        break;
                    }
                    i += 1;
                }
                counts[i] += 1;
            }
        }
        Policy::Sticky => {
            counts[(sh.sticky.fetch_add(1, Ordering::Relaxed) % p as u64) as usize] = n
        }
        // velostream's AlwaysHash without GROUP BY: FNV-1a 64 offset basis mod P.
        Policy::AllToOne => counts[(0xcbf2_9ce4_8422_2325_u64 % p as u64) as usize] = n,
    }
    counts
}

/// Runs one instance of task `def` to its `end` (also the `record` benchmark's timed body).
pub async fn run_task(sh: Arc<Shared>, def: usize) {
    let plan = sh.plan.clone();
    let code = &plan.tasks[def].code;
    let spin_slot = plan.costs.len();
    let mut l = Local::new(sh.clone(), def);
    let mut slots = vec![0u64; plan.tasks[def].slots];
    let mut intervals: Vec<Option<std::pin::Pin<Box<tokio::time::Interval>>>> = Vec::new();
    let (mut item_records, mut item_ts, mut has_item) = (0u64, 0u64, false);
    let mut pc = 0usize;
    // The instant the previous instruction's busy-wait ended, when it was a compute: a
    // record_end right after it takes that as the record's end instead of reading the clock
    // again (the simulator charges nothing for record_end; a clock read is ≈25 ns).
    let mut ended: Option<Instant> = None;
    loop {
        let just_ended = ended.take();
        match &code[pc] {
            Instr::End => return,
            Instr::Compute { cost, n } => {
                let d = plan.costs[*cost].cost.sample(&mut l.rng) * *n as f64;
                let (spent, end) = spin_ns(d);
                l.busy(*cost, spent);
                ended = end;
                pc += 1;
            }
            Instr::Spin { cost } => {
                let d = plan.costs[*cost].cost.sample(&mut l.rng);
                let (spent, end) = spin_ns(d);
                l.busy(*cost, spent);
                ended = end;
                pc += 1;
            }
            Instr::YieldNow => {
                l.yields += 1;
                tokio::task::yield_now().await;
                pc += 1;
            }
            Instr::SelfWake => {
                l.yields += 1;
                SelfWake(false).await;
                pc += 1;
            }
            Instr::Sleep { ns } => {
                // Boxed: a `Sleep` is large, and every task's future would carry its size.
                Box::pin(tokio::time::sleep(Duration::from_nanos(*ns))).await;
                pc += 1;
            }
            Instr::Interval { slot, ns } => {
                // Created on the first visit (its first tick due at once), default
                // MissedTickBehavior::Burst; boxed like `sleep` (an Interval holds a Sleep).
                if intervals.is_empty() {
                    intervals = (0..slots.len()).map(|_| None).collect();
                }
                intervals[*slot]
                    .get_or_insert_with(|| {
                        Box::pin(tokio::time::interval(Duration::from_nanos(*ns)))
                    })
                    .tick()
                    .await;
                pc += 1;
            }
            Instr::Send { ch, items, records } => {
                let ts_ns = if has_item { item_ts } else { sh.now_ns() };
                for _ in 0..*items {
                    sh.tx[*ch]
                        .send(Msg {
                            records: *records,
                            ts_ns,
                        })
                        .await;
                }
                pc += 1;
            }
            Instr::Recv { ch, closed } => {
                let Some(rx) = l.rx[*ch].as_mut() else { return };
                match rx.recv().await {
                    Some(m) => {
                        (item_records, item_ts, has_item) = (m.records as u64, m.ts_ns, true);
                        pc += 1;
                    }
                    None => {
                        has_item = false;
                        pc = closed.unwrap_or(pc + 1);
                    }
                }
            }
            Instr::TryRecv { ch, got, closed } => {
                let Some(rx) = l.rx[*ch].as_mut() else { return };
                match rx.try_recv() {
                    Try::Got(m) => {
                        (item_records, item_ts, has_item) = (m.records as u64, m.ts_ns, true);
                        pc = *got;
                    }
                    Try::Closed => {
                        has_item = false;
                        pc = *closed;
                    }
                    Try::Empty => pc += 1,
                }
            }
            Instr::SpinWait { ch, ns } => {
                let Some(rx) = l.rx[*ch].as_mut() else { return };
                let start = Instant::now();
                let limit = ns.map(Duration::from_nanos);
                while !rx.ready() && limit.is_none_or(|d| start.elapsed() < d) {
                    std::hint::spin_loop();
                }
                let spent = start.elapsed().as_nanos() as u64;
                l.busy(spin_slot, spent);
                pc += 1;
            }
            Instr::Close { ch } => {
                sh.tx[*ch]
                    .send(Msg {
                        records: CLOSE,
                        ts_ns: 0,
                    })
                    .await;
                pc += 1;
            }
            Instr::Spawn { task } => {
                spawn_task(&sh, *task);
                pc += 1;
            }
            Instr::Join { task } => {
                let h = sh.joins[*task].lock().expect("joins poisoned").pop_front();
                if let Some(h) = h {
                    if let Err(e) = h.await {
                        if e.is_panic() {
                            sh.error(format!("task '{}' panicked", plan.tasks[*task].name));
                        }
                    }
                }
                pc += 1;
            }
            Instr::Lock { mutex } => {
                if l.guards[*mutex].is_none() {
                    let g = Box::pin(sh.mutexes[*mutex].clone().lock_owned()).await;
                    l.guards[*mutex] = Some(g);
                }
                pc += 1;
            }
            Instr::Unlock { mutex } => {
                l.guards[*mutex] = None;
                pc += 1;
            }
            Instr::LoopInit { slot, n, exit } => {
                let n = n.unwrap_or(item_records);
                if n == 0 {
                    pc = *exit;
                } else {
                    slots[*slot] = n;
                    pc += 1;
                }
            }
            Instr::LoopNext { slot, target } => {
                slots[*slot] -= 1;
                pc = if slots[*slot] > 0 { *target } else { pc + 1 };
            }
            Instr::Jump { target } => pc = *target,
            Instr::RecordStart => {
                (item_ts, item_records, has_item) = (sh.now_ns(), 0, true);
                pc += 1;
            }
            Instr::RecordEnd => {
                let now = match just_ended {
                    Some(t) => t.saturating_duration_since(sh.t0).as_nanos() as u64,
                    None => sh.now_ns(),
                };
                l.record(now.saturating_sub(item_ts));
                pc += 1;
            }
            Instr::Route {
                ch,
                partitions,
                policy,
                skew,
                cost,
            } => {
                let per = plan.costs[*cost].cost.sample(&mut l.rng);
                let (spent, _) = spin_ns(per * item_records as f64);
                l.busy(*cost, spent);
                let counts = route_counts(&sh, *policy, *skew, item_records, *partitions);
                for (p, &c) in counts.iter().enumerate() {
                    if c > 0 {
                        let m = Msg {
                            records: c as u32,
                            ts_ns: item_ts,
                        };
                        sh.tx[ch + p].send(m).await;
                    }
                }
                pc += 1;
            }
        }
    }
}

/**
 * The mechanistic cost-model parameters the runtime models read, with what each means and
 * which probe benchmark calibrates it (P-numbers of tokio-mechanics.md §9).
 *
 * Phase: model. A model may hold further parameters (user work such as `record_sql`); those are
 * looked up by name from scenario costs.
 */
export interface ParameterInfo {
  name: string;
  unit: 'ns' | 'per_sec' | 'ratio';
  kind: 'cost' | 'latency' | 'rate' | 'dispersion' | 'share';
  p: string;
  meaning: string;
}

export const RUNTIME_PARAMETERS = [
  {
    name: 'poll_self',
    unit: 'ns',
    kind: 'cost',
    p: 'P1',
    meaning: 'scheduler cost of one task poll (state transitions, queue push/pop, empty poll)',
  },
  {
    name: 'yield_extra',
    unit: 'ns',
    kind: 'cost',
    p: 'P2',
    meaning: 'extra cost of yield_now over a self-wake (defer push, waker clone, deferred wake), excluding the driver poll',
  },
  {
    name: 'driver_poll_none',
    unit: 'ns',
    kind: 'cost',
    p: 'P3',
    meaning: 'non-blocking driver poll with no timer and no I/O (ParkThread CAS)',
  },
  { name: 'driver_poll_timer', unit: 'ns', kind: 'cost', p: 'P3', meaning: 'non-blocking driver poll with the timer enabled' },
  {
    name: 'driver_poll_io',
    unit: 'ns',
    kind: 'cost',
    p: 'P3',
    meaning: 'non-blocking driver poll with timer and I/O (one epoll_wait syscall)',
  },
  {
    name: 'remote_check',
    unit: 'ns',
    kind: 'cost',
    p: 'P6',
    meaning: 'current_thread remote-queue lock (every 31 ticks or when local is empty); inject pop on multi_thread',
  },
  {
    name: 'driver_unpark_io',
    unit: 'ns',
    kind: 'cost',
    p: 'P3/§1.6',
    meaning: 'driver.unpark() with I/O enabled (eventfd write), paid by the block_on waker on current_thread',
  },
  {
    name: 'unpark_worker',
    unit: 'ns',
    kind: 'cost',
    p: 'P5',
    meaning: 'cost to the notifier of unparking an idle worker (sleeper-list lock + futex wake)',
  },
  {
    name: 'wake_latency',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      'time from a thread outside the runtime (a source) unparking the parked runtime thread to it running (OS futex/condvar wake-up), the two threads on different CPUs (benchmark xwake pin=apart); distribution',
  },
  { name: 'steal', unit: 'ns', kind: 'cost', p: 'P10', meaning: 'one steal-half attempt that finds work' },
  {
    name: 'spawn',
    unit: 'ns',
    kind: 'cost',
    p: 'P11',
    meaning: 'tokio::spawn of a trivial task (allocation, OwnedTasks insert, schedule)',
  },
  {
    name: 'join',
    unit: 'ns',
    kind: 'cost',
    p: 'P11',
    meaning: 'awaiting a JoinHandle of a finished task (incl. completion bookkeeping)',
  },
  { name: 'send_unbounded', unit: 'ns', kind: 'cost', p: 'P12', meaning: 'unbounded mpsc send, per item' },
  { name: 'recv_unbounded', unit: 'ns', kind: 'cost', p: 'P12', meaning: 'unbounded mpsc recv().await with an item present' },
  { name: 'try_recv_unbounded', unit: 'ns', kind: 'cost', p: 'P12', meaning: 'unbounded mpsc try_recv' },
  { name: 'send_bounded', unit: 'ns', kind: 'cost', p: 'P12', meaning: 'bounded mpsc send().await with a permit available' },
  {
    name: 'recv_bounded',
    unit: 'ns',
    kind: 'cost',
    p: 'P12',
    meaning: 'bounded mpsc recv().await (returns a permit: semaphore mutex)',
  },
  { name: 'try_recv_bounded', unit: 'ns', kind: 'cost', p: 'P12', meaning: 'bounded mpsc try_recv' },
  {
    name: 'waker_register',
    unit: 'ns',
    kind: 'cost',
    p: 'P12',
    meaning: 'recv on an empty channel: register the waker and re-check',
  },
  { name: 'lockfree_push', unit: 'ns', kind: 'cost', p: 'P12', meaning: 'lock-free queue (SegQueue) push' },
  { name: 'lockfree_pop', unit: 'ns', kind: 'cost', p: 'P12', meaning: 'lock-free queue pop (hit or miss)' },
  { name: 'mutex_lock', unit: 'ns', kind: 'cost', p: '-', meaning: 'uncontended tokio::sync::Mutex lock+unlock' },
  { name: 'clone_record', unit: 'ns', kind: 'cost', p: '-', meaning: 'clone of one record' },
  { name: 'async_call', unit: 'ns', kind: 'cost', p: '-', meaning: 'one trivial async fn call+await' },
  {
    name: 'timer_register',
    unit: 'ns',
    kind: 'cost',
    p: 'P14',
    meaning: 'creating and first-polling a Sleep (timer mutex, wheel insert)',
  },
  {
    name: 'park_overshoot',
    unit: 'ns',
    kind: 'latency',
    p: 'P14',
    meaning: 'OS overshoot of a timed park (condvar wait_timeout / epoll_wait); distribution',
  },
  {
    name: 'spin_check',
    unit: 'ns',
    kind: 'cost',
    p: '-',
    meaning: 'one iteration of a spin_loop wait that checks a queue and the clock',
  },
  {
    name: 'noise_rate',
    unit: 'per_sec',
    kind: 'rate',
    p: 'noise',
    meaning: 'OS/hypervisor pauses per second of a running thread',
  },
  { name: 'noise_pause', unit: 'ns', kind: 'latency', p: 'noise', meaning: 'duration of one OS/hypervisor pause; distribution' },
] as const satisfies readonly ParameterInfo[];

/** The name of a parameter every model holds: the runtime, the analytic model and calibration key on these. */
export type RuntimeParameterName = (typeof RUNTIME_PARAMETERS)[number]['name'];

export const RUNTIME_PARAMETER_NAMES: readonly RuntimeParameterName[] = RUNTIME_PARAMETERS.map((p) => p.name);

/**
 * Parameters a model may hold; a model without one behaves as before it existed (the fallback
 * named in `meaning`). `calibrate` writes them when the probe output has their benchmark.
 */
export const OPTIONAL_PARAMETERS = [
  {
    name: 'record_end',
    unit: 'ns',
    kind: 'cost',
    p: '-',
    meaning:
      "per-record bookkeeping of a record that does no work, as the measuring harness (the probe's Plan interpreter) pays it: one for_each_record loop step, a clock read and a latency-histogram insert (benchmark record body=end). A user's own per-record loop pays at least as much. Absent: 0 (not charged)",
  },
  {
    name: 'record_start',
    unit: 'ns',
    kind: 'cost',
    p: '-',
    meaning:
      "record_start in the probe's Plan interpreter: the clock read that stamps a self-generated record (benchmark record body=start_end − body=end). Absent: 0 (not charged)",
  },
  {
    name: 'compute_op',
    unit: 'ns',
    kind: 'cost',
    p: '-',
    meaning:
      "what a compute (or spin) instruction costs the measuring harness (the probe's Plan interpreter) beyond the work it busy-waits: drawing the cost, the busy-wait's clock reads and its overshoot past the deadline, the time accounting — net of the clock read a record_end right after it then saves (benchmark record body=compute_end − work_ns − record_end). Charged once per instruction, not per unit of its count. Absent: 0 (not charged)",
  },
  {
    name: 'worker_wake_latency',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      'multi_thread: from a worker notifying a parked worker (a task displaced from its LIFO slot, the last searcher leaving) to the woken worker running the task it steals; distribution (benchmark steal_wake). Absent: wake_latency',
  },
  {
    name: 'worker_rewake_latency',
    unit: 'ns',
    kind: 'latency',
    p: 'P5',
    meaning:
      "multi_thread: an idle worker re-woken by a yield-spinning worker (the yielder, leaving the searching state as the last searcher, notifies it; tokio 1.24 worker.rs 451–456, 843–850; 1.53 640–649, 1500–1508): from the idle worker's park to it running again, as tokio's on_thread_park/on_thread_unpark hooks see it beside a lone yield loop on 2 workers (benchmark mt_yield_cycle workers=2 k=1); distribution. Used when the notifier has been yield-spinning since before the woken worker parked and that park is at most this parameter's value (its median) old. Absent: worker_wake_latency, with DS3030",
  },
  {
    name: 'wake_latency_warm',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      'as wake_latency, for a runtime thread unparked less than halt_poll_window after it parked (its vCPU still polling, not halted): benchmark xwake pin=apart, the wake-ups whose receiver had been idle less than halt_poll_window; distribution. Absent (or halt_poll_window absent): every wake-up takes wake_latency / worker_wake_latency',
  },
  {
    name: 'wake_latency_packed',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      "a parked runtime thread woken by a source thread that has no CPU of its own (the runtime's task-running threads — current_thread's one, multi_thread's workers and a block_on thread — occupy every core): the guest places the woken thread on the source's own vCPU, awake because the source runs on it, so no halted vCPU is woken through the hypervisor (benchmark xwake pin=together: sender and runtime thread on one CPU); distribution. Replaces wake_latency, wake_latency_warm and wake_latency_nopoll for those wake-ups; scaled by run_wake_sd. Absent: those wake-ups take wake_latency as from another CPU, with DS3030",
  },
  {
    name: 'source_exit_latency',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      "as wake_latency_packed, for the wake-up a source thread without a CPU of its own makes with its last delivery (its last batch, or its channel's close), after which the thread exits on the vCPU where the guest placed the woken thread: that thread runs once the exit (glibc's stack madvise, TLS destructors, the kernel's do_exit) has left the vCPU (benchmark exit_wake pin=together: each message sent by a fresh thread that exits at once, sender and runtime thread on one CPU); distribution. Scaled by run_wake_sd. Absent: that wake-up takes wake_latency_packed (a source that goes back to sleep), with DS3030",
  },
  {
    name: 'halt_poll_window',
    unit: 'ns',
    kind: 'cost',
    p: 'P8',
    meaning:
      "how long an idle CPU polls before it halts (a VM host's halt-polling): a thread parked for less is woken in wake_latency_warm. Fitted from xwake pin=apart g_spread>0 (wake-up latency against how long the receiver had been idle). Absent: no warm wake-ups",
  },
  {
    name: 'halt_poll_max',
    unit: 'ns',
    kind: 'cost',
    p: 'P8',
    meaning:
      "the most a VM host's adaptive halt-polling window grows to (KVM's halt_poll_ns): each runtime thread's window starts at 0, doubles (from 10 µs) after a halt shorter than this that outlasted it, halves (below 10 µs: 0) after a longer one (KVM kvm_vcpu_halt); a thread unparked within its window wakes in wake_latency_warm (with probability halt_poll_warm_share). Fitted from xwake pin=apart at fixed gaps (steady idles), per probe run (a run whose host did not poll counts as all cold): the longest idle still woken warm. Present, it replaces halt_poll_window. Absent: the fixed halt_poll_window (DS3030)",
  },
  {
    name: 'halt_poll_warm_share',
    unit: 'ratio',
    kind: 'share',
    p: 'P8',
    meaning:
      "with halt_poll_max, the probability that a parked thread unparked inside its adaptive window is woken warm (wake_latency_warm), else cold (wake_latency / worker_wake_latency), drawn per wake-up from the run's latency stream: the share of the xwake pin=apart steady-gap wake-ups inside the replayed window that were fast, in the probe runs whose host halt-polled. Absent: 1 (every wake-up inside the window warm)",
  },
  {
    name: 'halt_poll_run_share',
    unit: 'ratio',
    kind: 'share',
    p: 'P8',
    meaning:
      "with halt_poll_max, the share of runs in which the VM host halt-polls at all (KVM polls only while the vCPU's task is the only one runnable on its host CPU): from calibrate's probe runs, each one draw of the host's state counted by the share of its steady-gap wake-ups inside the window that polled (a run can switch part-way): the mean of a Beta posterior (Jeffreys' prior), its 95 % interval in spread.ci95. Each run of a run set polls with this probability (its own draw); in a run that does not, no wake-up is warm and each takes wake_latency_nopoll. A single run (no run set) is the typical run: it polls when the share is at least 0.5. Needs calibrate --runs ≥ 2. Absent: every run polls",
  },
  {
    name: 'wake_latency_nopoll',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      'as wake_latency, for a parked runtime thread in a run whose host does not halt-poll (halt_poll_run_share): the steady-gap xwake pin=apart wake-ups of the probe runs whose host did not poll; distribution. Absent: wake_latency / worker_wake_latency',
  },
  {
    name: 'spawn_remote',
    unit: 'ns',
    kind: 'cost',
    p: 'P11',
    meaning:
      'multi_thread: tokio::spawn on a thread that is not a worker (the block_on thread), on that thread: task allocation, OwnedTasks insert, inject-queue push; no worker unparked (benchmark spawn_remote load=busy). Absent: spawn',
  },
  {
    name: 'unpark_remote',
    unit: 'ns',
    kind: 'cost',
    p: 'P5',
    meaning:
      'multi_thread: cost to a thread that is not a worker (the block_on thread) of unparking a parked worker (futex wake of a sleeping CPU), e.g. on a spawn or a send that wakes a task (benchmark spawn_remote load=idle − load=busy). Absent: unpark_worker',
  },
  {
    name: 'unpark_halted',
    unit: 'ns',
    kind: 'latency',
    p: 'P5',
    meaning:
      "multi_thread: cost to a worker of notifying a parked worker whose vCPU has halted (notify_parked: the sleeper-list lock and a futex wake or driver unpark that sends the halted vCPU an IPI), inside the notifying worker's poll or before its first one; distribution (benchmark steal_wake: A's send that displaces B1 from its LIFO slot and notifies, minus its send into the empty slot, plus A's longest gap off its vCPU right after: the woken worker preempting it there, in about half the wake-ups). Absent: unpark_remote",
  },
  {
    name: 'clock_read',
    unit: 'ns',
    kind: 'cost',
    p: '-',
    meaning:
      'one Instant::now() (a vDSO clock_gettime) (benchmark instant_now). Charged where tokio itself reads the clock on a scheduling path: from 1.29, a multi_thread worker stopping and starting to process scheduled tasks (its Stats and MetricsBatch), which every yield round does. Absent: spin_check − try_recv_unbounded (the same clock read, as spin_check was derived), with DS3030',
  },
  {
    name: 'timer_unpark_io',
    unit: 'ns',
    kind: 'cost',
    p: 'P14',
    meaning:
      "current_thread with the I/O driver: the driver.unpark() (mio's eventfd write) that tokio's reregister makes when a timer is registered while the driver has promised no earlier wake-up (its next_wake is none or later; 1.24.2 runtime/time/mod.rs reregister, 1.53.1 the same, 400–431), on the registering thread (benchmark timer_unpark: register and drop a sleep in one poll of the block_on future, driver=io − driver=timer). Absent: driver_unpark_io (the block_on waker's eventfd write, the same syscall; tokio 1.50+ no longer makes that one, so a 1.53 calibration measures it ≈ 0: DS3030 on such a scenario)",
  },
  {
    name: 'handoff_unbounded',
    unit: 'ns',
    kind: 'cost',
    p: 'P12',
    meaning:
      'extra cost of receiving an unbounded mpsc (or lock-free queue) item that another runtime thread sent, over one sent by the receiving thread: its cache lines move between cores (benchmark handoff chan=u, cross − same). Absent: 0',
  },
  {
    name: 'handoff_bounded',
    unit: 'ns',
    kind: 'cost',
    p: 'P12',
    meaning:
      'as handoff_unbounded, for a bounded mpsc item (the permit goes back through the shared semaphore) (benchmark handoff chan=b, cross − same). Absent: 0',
  },
  {
    name: 'conc_send_unbounded',
    unit: 'ns',
    kind: 'cost',
    p: 'P12',
    meaning:
      'extra cost of an unbounded mpsc send while the receiving task works on the channel at the same time on another thread (polling it, or receiving): the channel’s message counter, tail and ready bits move between the two CPUs on every item (benchmark handoff chan=u where=conc_send − channel op=send_u). Absent: 0, with DS3030',
  },
  {
    name: 'conc_recv_unbounded',
    unit: 'ns',
    kind: 'cost',
    p: 'P12',
    meaning:
      'extra cost of receiving an unbounded mpsc item while its sender is still sending on the channel at the same time on another thread (benchmark handoff chan=u where=conc_recv − where=same). Absent: 0, with DS3030',
  },
  {
    name: 'conc_send_bounded',
    unit: 'ns',
    kind: 'cost',
    p: 'P12',
    meaning:
      'as conc_send_unbounded, for a bounded mpsc send (the permit is taken from the semaphore the receiver gives permits back to) (benchmark handoff chan=b where=conc_send − channel op=try_send_b). Absent: 0, with DS3030',
  },
  {
    name: 'conc_recv_bounded',
    unit: 'ns',
    kind: 'cost',
    p: 'P12',
    meaning:
      'as conc_recv_unbounded, for a bounded mpsc item (each receive gives its permit back through the semaphore the sender takes from) (benchmark handoff chan=b where=conc_recv − where=same). Absent: 0, with DS3030',
  },
  {
    name: 'block_on_wake_preempt',
    unit: 'ratio',
    kind: 'share',
    p: 'P8',
    meaning:
      "multi_thread: the share of wake-ups of the parked block_on thread by a worker (a futex wake from a busy runtime thread) in which the woken thread runs at once on the waker's own vCPU, preempting the waker until it parks again; in the rest it waits on that vCPU until the waker parks or its time slice ends (a VM guest kernel that packs a woken thread onto its waker's vCPU rather than waking a halted one). Benchmark bo_wake: the share of send→receive latencies below the waker's busy-spin. With block_on_wake_latency; absent (either): the block_on thread is woken like any parked thread, on a free core after wake_latency",
  },
  {
    name: 'block_on_wake_latency',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      "multi_thread: from a worker's wake of the parked block_on thread to the block_on thread running, when it preempts its waker on the waker's vCPU (a context switch on one vCPU, no interrupt to a halted one); distribution: benchmark bo_wake, the latencies below the waker's busy-spin. With block_on_wake_preempt; absent (either): wake_latency on a free core",
  },
  {
    name: 'worker_wake_preempt',
    unit: 'ratio',
    kind: 'share',
    p: 'P8',
    meaning:
      "multi_thread: the share of wake-ups of a parked worker by another, busy worker (its notify_parked) in which the woken worker runs at once on the waker's own vCPU, preempting the waker until it parks again; in the rest it waits on that vCPU until the waker parks or its time slice ends (the guest packs a futex-woken thread onto its waker's vCPU, as for block_on_wake_preempt). Benchmark steal_wake: the share of send→receive latencies below the waker's busy-spin. With worker_wake_preempt_latency; absent (either): the worker is woken on a free core after worker_wake_latency, with DS3030. A wake by the block_on thread (unmeasured) keeps wake_latency on a free core",
  },
  {
    name: 'worker_wake_preempt_latency',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      "multi_thread: from a busy worker's notify of a parked worker to that worker running, when it preempts its waker on the waker's vCPU (a context switch on one vCPU; steal_wake's figure also holds the woken worker's search, steal and the task's poll, tens of ns); distribution: benchmark steal_wake, the latencies below the waker's busy-spin. With worker_wake_preempt; absent (either): worker_wake_latency on a free core",
  },
  {
    name: 'worker_wake_preempt_hold',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      "multi_thread: how long a worker preempted on its vCPU by the worker it woke (worker_wake_preempt) stays off the vCPU while the woken worker keeps running: the guest then moves one of the two to the idle vCPU (its load balancer), so the waker resumes at this hold's end or when the woken worker parks, whichever is first; distribution: benchmark steal_hold (the woken task busy-spins 2 ms), the largest gap in the waker's busy-spin of the wake-ups that preempted it. Absent: the waker waits until the woken worker parks (or a core frees up), as before",
  },
  {
    name: 'run_speed_sd',
    unit: 'ratio',
    kind: 'dispersion',
    p: 'runs',
    meaning:
      "between-run dispersion of the runtime's speed: the standard deviation of the log of a probe run's per-op costs relative to the other runs' (median over the slope benchmarks); each run of a run set scales the runtime's per-op costs by exp(run_speed_sd · z), z ~ N(0, 1). Needs calibrate --runs ≥ 2. Absent: unknown, no run-level variation",
  },
  {
    name: 'window_speed_sd',
    unit: 'ratio',
    kind: 'dispersion',
    p: 'runs',
    meaning:
      "between-window dispersion of the runtime's speed: how much faster or slower the same machine runs the same per-op work from one calibration window (hours apart) to another; the standard deviation of the log level of distinct calibrations of this machine, tokio version and profile (each calibration's per-op costs relative to their mean over the calibrations, median over the calibrated costs; calibrate --windows <earlier models>). A run of a run set is a run at an unknown time: it scales the per-op costs by exp(√(run_speed_sd² + window_speed_sd²) · z), each widened by its own uncertainty. Absent: unknown, the runs vary only as much as runs minutes apart do",
  },
  {
    name: 'run_wake_sd',
    unit: 'ratio',
    kind: 'dispersion',
    p: 'runs',
    meaning:
      "between-run dispersion of the OS wake-up latency: the standard deviation of the log of a probe run's wake-up medians (xwake, steal_wake) relative to the other runs'; each run of a run set scales wake_latency, worker_wake_latency, worker_rewake_latency, wake_latency_nopoll, block_on_wake_latency and worker_wake_preempt_latency (not wake_latency_warm) by exp(run_wake_sd · z), z Student-t with samples − 1 degrees of freedom (docs/semantics.md, Run sets). Needs calibrate --runs ≥ 2. Absent: unknown, no run-level variation",
  },
  {
    name: 'run_noise_sd',
    unit: 'ratio',
    kind: 'dispersion',
    p: 'runs',
    meaning:
      "between-run dispersion of the platform noise: the standard deviation of the log of the share of time a probe run's noise benchmark lost to pauses (pausedFraction) relative to the other runs'; each run of a run set with noise on scales noise_rate by exp(run_noise_sd · z), z ~ N(0, 1), its pauses still drawn from noise_pause. Needs calibrate --runs ≥ 2. Absent: unknown, the noise rate is the same in every run",
  },
  {
    name: 'yield_round_parallel',
    unit: 'ns',
    kind: 'cost',
    p: 'P5',
    meaning:
      "multi_thread: what a worker's yield round costs beyond a lone yield loop's while another worker yield-spins at the same time: both workers' park_timeout(0) every round poll the one shared driver (the Parker's driver TryLock, the time driver's lock and wheel: tokio 1.24 multi_thread/park.rs 106–125, time/mod.rs park_internal; 1.53 park.rs 132–149), whose cache lines then move between the two CPUs every round (benchmark mt_yield_pair: two yield loops on two workers, one task's round = 2 × slope, less mt_yield_idle workers=1's lone round). Charged on a worker's non-blocking driver poll while another worker is in a yield stretch. Absent: 0, with DS3030 where two workers spun at once",
  },
  {
    name: 'source_hold',
    unit: 'ns',
    kind: 'cost',
    p: 'P5',
    meaning:
      "multi_thread, a source thread without a CPU of its own: the running time a busy vCPU's thread loses each time the source thread wakes there from its sleep, runs and sleeps again (the timer interrupt, two context switches and the thread's own run; the probe's source sleeps to every delivery's instant). Benchmark par_record body=compute_end: two workers busy on two CPUs, with (mode=tick) and without (mode=both) a thread pinned to the timed worker's CPU that wakes every tick_us and sleeps again; with period P the timed work's time per record grows from b to t = b / (1 − H/P), so H = P·(1 − b/t). Charged at each delivery of a source that shares the runtime's vCPUs when no vCPU is idle (an idle one takes the source for free), to one running thread in turn. Absent: 0, with DS3030 where a delivery found every vCPU busy",
  },
  {
    name: 'episode_rate',
    unit: 'per_sec',
    kind: 'rate',
    p: 'P8',
    meaning:
      "host-contention episodes per second of wall time: stretches of tens of ms in which the VM's vCPUs wait for a host CPU, so that every wake-up of a halted vCPU takes ms (benchmark xwake, its time-ordered wake-ups: a run of ≥ 3 wake-ups above the configuration's Q3 + 3·IQR, ≤ 5 ms apart, is one episode; calibrate/episodes.ts). Each run draws its episodes as a Poisson process over simulated time from its own 'episode' stream. With episode_duration and episode_wake_latency; absent (any of the three): no episodes",
  },
  {
    name: 'episode_duration',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      "how long a host-contention episode lasts: from its first slow wake-up's send to its last one's receive (benchmark xwake, time-ordered); distribution. With episode_rate and episode_wake_latency",
  },
  {
    name: 'episode_wake_latency',
    unit: 'ns',
    kind: 'latency',
    p: 'P8',
    meaning:
      'during a host-contention episode, the wake-up latency of a parked runtime thread (from outside or by a worker): every xwake wake-up sent inside an episode, slow or not; distribution. Replaces wake_latency, worker_wake_latency, wake_latency_warm and wake_latency_nopoll for wake-ups inside an episode; not scaled by run_wake_sd. With episode_rate and episode_duration',
  },
] as const satisfies readonly ParameterInfo[];

export type OptionalParameterName = (typeof OPTIONAL_PARAMETERS)[number]['name'];
/**
 * A mechanistic parameter's name. The registries keyed by it (calibration `RULES` in
 * calibrate/derive.ts, the reads in plan/runtime-costs.ts) use this type, so a name that is not
 * here, or a parameter without a calibration rule, does not compile.
 */
export type ParameterName = RuntimeParameterName | OptionalParameterName;

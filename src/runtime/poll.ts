/**
 * The poll: a task's instructions run inline on the thread that polls it.
 *
 * Phase: simulate. The scheduler flavors (current-thread.ts, multi-thread.ts) extend this class:
 * their loops pick a task, `beginPoll` charges the scheduler's per-poll cost, `execPoll` runs the
 * task's encoded ops (code.ts) while the thread's clock stays at or before the next event, and
 * `finishPoll` accounts the poll and moves the task to its next state. The event loop, wakes,
 * channels, timers and sources are the core's (simulator.ts).
 */
import { sampleCost } from './costs.js';
import { K as S, type Channel } from './state.js';
import { Code as O } from './code.js';
import { Simulator, HIT_HANDOFF_B, HIT_HANDOFF_U, HIT_SPAWN_REMOTE } from './simulator.js';
import { Ev as E } from './events.js';

export abstract class PollingSimulator extends Simulator {
  private fnvP = 0; // all_to_one: the partition count the cached FNV index is for
  private fnvIdx = 0;

  /** Begin polling `task` on thread `th` (charges the scheduler's per-poll cost). */
  beginPoll(th: number, task: number): void {
    const tk = this.tasks;
    this.picked(task, th);
    tk.state[task] = S.T_RUNNING;
    tk.notified[task] = 0;
    tk.polls[task]++;
    tk.lastWorker[task] = th;
    this.stPolls[th]++;
    this.thrTask[th] = task;
    this.thrPollStart[th] = this.thrT[th];
    this.thrT[th] += this.c.poll;
    this.breakdown[S.C_POLL] += this.c.poll;
    this.thrPos[th] = E.P_POLL;
    this.events++;
  }

  /**
   * Executes instructions of the task being polled on `th` until the poll ends or the thread's
   * clock passes the next event. Effects happen at the op's start; its cost then advances the
   * clock. Returns an R_* outcome; R_AHEAD: the thread was handed back (re-queued by handBack),
   * the poll continues later.
   */
  execPoll(th: number): number {
    const tk = this.tasks;
    const task = this.thrTask[th];
    const code = this.codes[tk.def[task]];
    const c = this.c;
    const bd = this.breakdown;
    const thrT = this.thrT;
    const pollStart = this.thrPollStart;
    const noiseLeft = this.noiseLeft;
    let pc = tk.pc[task];
    for (;;) {
      // Platform noise: a pause falls at a running-time instant inside the poll (the poll's running
      // time is the clock less its start, which moves past pauses and core waits). It delays every
      // op from there on: records completed after it carry it. Without noise noiseLeft is Infinity.
      if (thrT[th] - pollStart[th] >= noiseLeft[th]) this.pauseInPoll(th);
      // Past the next event, or past the event budget (one poll can be long: a million-record
      // message), hand back to the event loop as the thread loops do between polls.
      if (this.handBack(th)) {
        tk.pc[task] = pc;
        return E.R_AHEAD;
      }
      this.events++;
      const o = pc * O.W;
      switch (code[o]) {
        case O.OP_COMPUTE: {
          const ci = code[o + 1];
          const k = this.costConst[ci];
          const d = (k >= 0 ? k : this.sample(this.costs[ci])) * code[o + 2];
          bd[this.costCat[ci]] += d;
          thrT[th] += d;
          // The harness's own cost of the instruction (compute_op: the draw, the busy-wait's clock
          // reads and overshoot, the accounting; 0 without it). A zero-length busy-wait reads no clock.
          if (c.computeOp > 0 && d > 0) {
            thrT[th] += c.computeOp;
            bd[this.cRecord] += c.computeOp;
          }
          pc++;
          break;
        }
        case O.OP_SPIN: {
          const ci = code[o + 1];
          const k = this.costConst[ci];
          const d = k >= 0 ? k : this.sample(this.costs[ci]);
          bd[S.C_SPIN] += d;
          this.stSpin[th] += d;
          thrT[th] += d;
          if (c.computeOp > 0 && d > 0) {
            thrT[th] += c.computeOp;
            bd[this.cRecord] += c.computeOp;
          }
          pc++;
          break;
        }
        case O.OP_YIELD:
          tk.yields[task]++;
          thrT[th] += c.yieldExtra;
          bd[S.C_YIELD] += c.yieldExtra;
          tk.pc[task] = pc + 1;
          return E.R_YIELD;
        case O.OP_SELF_WAKE:
          tk.yields[task]++;
          tk.pc[task] = pc + 1;
          return E.R_SELF;
        case O.OP_SLEEP: {
          if (this.thrBudget[th] <= 0) {
            tk.pc[task] = pc;
            return E.R_SELF;
          }
          this.thrBudget[th]--;
          thrT[th] += c.timerRegister;
          bd[S.C_TIMER] += c.timerRegister;
          const deadline = thrT[th] + this.extra[code[o + 1]];
          const tick = Math.ceil((deadline - this.phase) / this.res) * this.res + this.phase;
          pc++;
          if (tick <= this.lastTickNs) break; // already elapsed on the wheel: ready at once
          this.timers.push(tick, 0, task, 0);
          this.timerRegistered(tick, th);
          tk.pc[task] = pc;
          this.block(task, S.W_SLEEP, thrT[th]);
          return E.R_BLOCK;
        }
        case O.OP_INTERVAL: {
          // Interval::tick → Sleep::poll_elapsed: poll_proceed first; the unit is taken when the
          // tick completes (a pending tick gives it back). The slot holds the next deadline + 1
          // (0: the interval is created here, its first tick due now). Burst: tick k+1 is due at
          // tick k's deadline + period, however late tick k completed.
          if (this.thrBudget[th] <= 0) {
            tk.pc[task] = pc;
            return E.R_SELF;
          }
          const si = task * tk.slotsPerTask + code[o + 1];
          if (tk.slots[si] === 0) tk.slots[si] = thrT[th] + 1;
          const deadline = tk.slots[si] - 1;
          const tick = Math.ceil((deadline - this.phase) / this.res) * this.res + this.phase;
          if (tick <= this.lastTickNs) {
            // Due: the tick completes and reset() re-registers the next deadline on the wheel.
            this.thrBudget[th]--;
            tk.slots[si] += this.extra[code[o + 2]];
            thrT[th] += c.timerRegister;
            bd[S.C_TIMER] += c.timerRegister;
            pc++;
            break;
          }
          this.timers.push(tick, 0, task, 0);
          this.timerRegistered(tick, th);
          tk.pc[task] = pc; // polled again when the timer fires: the tick completes then
          this.block(task, S.W_SLEEP, thrT[th]);
          return E.R_BLOCK;
        }
        case O.OP_SEND: {
          const ch = this.channels[code[o + 1]];
          const items = code[o + 2];
          const recs = code[o + 3];
          const ts = tk.hasItem[task] ? tk.itemTs[task] : thrT[th];
          // Bounded channels: items left to send survive a block in the task's send counter.
          let left = tk.sendLeft[task] > 0 ? tk.sendLeft[task] : items;
          while (left > 0) {
            if (ch.kind === 1) {
              // Sender::send → reserve → batch_semaphore Acquire::poll: poll_proceed first (no
              // unit left: a self-wake, even when the channel is full); a send that waits for a
              // permit gives its unit back (RestoreOnPending).
              if (this.thrBudget[th] <= 0) {
                tk.sendLeft[task] = left;
                tk.pc[task] = pc;
                return E.R_SELF;
              }
              if (ch.q.length >= ch.capacity) {
                tk.sendLeft[task] = left;
                ch.senders.pushBack(task);
                tk.pc[task] = pc;
                this.block(task, S.W_SEND, thrT[th]);
                return E.R_BLOCK;
              }
              this.thrBudget[th]--;
            }
            const cost = ch.kind === 0 ? c.sendU : ch.kind === 1 ? c.sendB : c.lfPush;
            this.push(ch, recs, ts, th);
            thrT[th] += cost;
            bd[S.C_SEND] += cost;
            left--;
          }
          tk.sendLeft[task] = 0;
          pc++;
          break;
        }
        case O.OP_RECV: {
          const ch = this.channels[code[o + 1]];
          // chan::Rx::recv: poll_proceed before looking at the channel (no unit left: a
          // self-wake, whatever the channel holds); a message or the close takes the unit, an
          // empty open channel gives it back (RestoreOnPending).
          if (this.thrBudget[th] <= 0) {
            tk.pc[task] = pc;
            return E.R_SELF;
          }
          if (ch.q.length > 0) {
            this.thrBudget[th]--;
            this.pop(ch, task, th);
            const cost = ch.kind === 0 ? c.recvU : c.recvB;
            thrT[th] += cost;
            bd[S.C_RECV] += cost;
            pc++;
          } else if (ch.closed) {
            // recv() returned None: no message is held, so a following for_each_record counts none.
            this.thrBudget[th]--;
            tk.hasItem[task] = 0;
            tk.itemRecords[task] = 0;
            pc = code[o + 2] >= 0 ? code[o + 2] : pc + 1;
          } else {
            thrT[th] += c.wakerRegister;
            bd[S.C_RECV] += c.wakerRegister;
            ch.receiver = task;
            tk.pc[task] = pc;
            this.block(task, S.W_RECV, thrT[th]);
            return E.R_BLOCK;
          }
          break;
        }
        case O.OP_TRY_RECV: {
          const ch = this.channels[code[o + 1]];
          const cost = ch.kind === 0 ? c.tryRecvU : ch.kind === 1 ? c.tryRecvB : c.lfPop;
          thrT[th] += cost;
          bd[S.C_RECV] += cost;
          if (ch.q.length > 0) {
            this.pop(ch, task, th);
            pc = code[o + 2];
          } else if (ch.closed) {
            tk.hasItem[task] = 0;
            tk.itemRecords[task] = 0;
            pc = code[o + 3];
          } else pc++;
          break;
        }
        case O.OP_SPIN_WAIT: {
          const ch = this.channels[code[o + 1]];
          thrT[th] += c.spinCheck;
          bd[S.C_SPIN] += c.spinCheck;
          this.stSpin[th] += c.spinCheck;
          if (ch.q.length > 0 || ch.closed) {
            pc++;
            break;
          }
          const d = this.extra[code[o + 2]];
          tk.pc[task] = pc + 1;
          ch.spinners.pushBack(th);
          this.thrSpinChannel[th] = code[o + 1];
          this.thrSpinStart[th] = thrT[th];
          this.thrPos[th] = E.P_SPIN;
          if (d >= 0) this.wakeThreadAt(th, thrT[th] + d);
          else ++this.thrGen[th];
          return E.R_SPIN;
        }
        case O.OP_CLOSE: {
          const ch = this.channels[code[o + 1]];
          ch.closed = true;
          this.notifyChannel(ch, th);
          pc++;
          break;
        }
        case O.OP_SPAWN: {
          // On a thread that is not a worker (multi_thread's block_on thread) the task goes
          // through the inject queue: spawn_remote (its unpark, if any, is notifyParked's).
          let sc = c.spawn;
          if (th >= this.remoteFrom) {
            sc = c.spawnRemote;
            this.hitOptional[HIT_SPAWN_REMOTE] = 1;
          }
          thrT[th] += sc;
          bd[S.C_SPAWN] += sc;
          const id = this.spawnTask(code[o + 1], thrT[th]);
          this.wake(id, th);
          pc++;
          break;
        }
        case O.OP_JOIN: {
          const def = code[o + 1];
          const inst = this.instances[def];
          if (this.joinCursor[def] >= inst.length) {
            pc++; // nothing spawned to join (normalize warns); tokio would not compile this
            break;
          }
          // JoinHandle::poll: poll_proceed first; the unit is kept only when the output is read.
          if (this.thrBudget[th] <= 0) {
            tk.pc[task] = pc;
            return E.R_SELF;
          }
          const target = inst.at(this.joinCursor[def]);
          if (tk.state[target] === S.T_DONE) {
            this.thrBudget[th]--;
            this.joinCursor[def]++;
            thrT[th] += c.join;
            bd[S.C_JOIN] += c.join;
            pc++;
            break;
          }
          tk.joiner[target] = task;
          tk.pc[task] = pc;
          this.block(task, S.W_JOIN, thrT[th]);
          return E.R_BLOCK;
        }
        case O.OP_LOCK: {
          // Mutex::lock → batch_semaphore Acquire::poll: poll_proceed first (no unit left: a
          // self-wake, even for a free mutex); acquiring takes the unit — at once, or on the
          // poll after the releaser handed the permit over — and waiting gives it back.
          if (this.thrBudget[th] <= 0) {
            tk.pc[task] = pc;
            return E.R_SELF;
          }
          const m = this.mutexes[code[o + 1]];
          if (m.owner === task) {
            this.thrBudget[th]--;
            pc++;
            break;
          }
          thrT[th] += c.mutex;
          bd[S.C_LOCK] += c.mutex;
          if (m.owner < 0) {
            m.owner = task;
            this.thrBudget[th]--;
            pc++;
            break;
          }
          m.waiters.pushBack(task);
          tk.pc[task] = pc;
          this.block(task, S.W_LOCK, thrT[th]);
          return E.R_BLOCK;
        }
        case O.OP_UNLOCK: {
          const m = this.mutexes[code[o + 1]];
          if (m.waiters.length > 0) {
            m.owner = m.waiters.popFront();
            this.wake(m.owner, th);
          } else m.owner = -1;
          pc++;
          break;
        }
        case O.OP_LOOP_INIT: {
          const n = code[o + 2] < 0 ? tk.itemRecords[task] : code[o + 2];
          if (n <= 0) pc = code[o + 3];
          else {
            tk.slots[task * tk.slotsPerTask + code[o + 1]] = n;
            pc++;
          }
          break;
        }
        case O.OP_LOOP_NEXT: {
          const i = task * tk.slotsPerTask + code[o + 1];
          if (--tk.slots[i] > 0) pc = code[o + 2];
          else pc++;
          break;
        }
        case O.OP_JUMP:
          pc = code[o + 1];
          break;
        case O.OP_RECORD_START:
          tk.itemTs[task] = thrT[th];
          tk.itemRecords[task] = 0; // self-generated: not a record that arrived on a channel
          tk.hasItem[task] = 1;
          // The stamp is taken, then its clock read costs (record_start; 0 without it).
          if (c.recordStart > 0) {
            thrT[th] += c.recordStart;
            bd[this.cRecord] += c.recordStart;
          }
          pc++;
          break;
        case O.OP_RECORD_END:
          this.hist.record(thrT[th] - tk.itemTs[task]);
          this.records++;
          tk.doneOfItem[task]++;
          // The record's latency ends here; its bookkeeping (loop step, clock read, histogram
          // insert: record_end, 0 without it) delays the records after it. Charged after a
          // compute too, although the probe reuses the compute's clock read there: its busy-wait
          // costs more than the read saved (docs/calibration.md, record_end).
          if (c.recordEnd > 0) {
            thrT[th] += c.recordEnd;
            bd[this.cRecord] += c.recordEnd;
          }
          pc++;
          break;
        case O.OP_ROUTE:
          this.route(th, task, code, o);
          pc++;
          break;
        case O.OP_END:
          tk.pc[task] = pc;
          return E.R_DONE;
        default:
          throw new Error(`internal: unknown opcode ${code[o]} at pc ${pc}`);
      }
    }
  }

  /** The coordinator's routing of the current batch's records over P partition channels. */
  private route(th: number, task: number, code: Int32Array, o: number): void {
    const tk = this.tasks;
    const base = code[o + 1];
    const P = code[o + 2];
    const policy = code[o + 3] & 3;
    const skew = this.extra[code[o + 3] >> 2];
    const n = tk.itemRecords[task];
    const ci = code[o + 4];
    const k = this.costConst[ci];
    const per = k >= 0 ? k : this.sample(this.costs[ci]);
    this.thrT[th] += per * n;
    this.breakdown[this.costCat[ci]] += per * n;
    const counts = this.routeCounts;
    counts.fill(0, 0, P);
    if (policy === 0) {
      const startP = this.rr % P;
      const q = Math.floor(n / P);
      const r = n % P;
      for (let p = 0; p < P; p++) counts[p] = q + ((p - startP + P) % P < r ? 1 : 0);
      this.rr += n;
    } else if (policy === 1) {
      // Zipf(skew) over partitions; skew 0 = uniform hash.
      let total = 0;
      for (let p = 0; p < P; p++) total += 1 / Math.pow(p + 1, skew);
      for (let i = 0; i < n; i++) {
        let u = this.rngRoute.nextFloat() * total;
        let p = 0;
        while (p < P - 1) {
          u -= 1 / Math.pow(p + 1, skew);
          if (u < 0) break;
          p++;
        }
        counts[p]++;
      }
    } else if (policy === 2) {
      counts[this.sticky++ % P] = n;
    } else {
      // velostream's AlwaysHash with no GROUP BY: FNV offset basis mod P.
      if (P !== this.fnvP) {
        // PERF: the BigInt modulo once per partition count, not once per batch.
        this.fnvP = P;
        this.fnvIdx = Number(0xcbf29ce484222325n % BigInt(P));
      }
      counts[this.fnvIdx] = n;
    }
    const ts = tk.itemTs[task];
    for (let p = 0; p < P; p++) {
      if (counts[p] === 0) continue;
      const ch = this.channels[base + p];
      const cost = ch.kind === 0 ? this.c.sendU : ch.kind === 1 ? this.c.sendB : this.c.lfPush;
      this.push(ch, counts[p], ts, th);
      this.thrT[th] += cost;
      this.breakdown[S.C_SEND] += cost;
    }
  }

  /** Pops a message for `task` polled on thread `from`; an item another runtime thread sent pays the hand-off. */
  private pop(ch: Channel, task: number, from: number): void {
    const tk = this.tasks;
    ch.q.popFront();
    const sender = ch.q.outFrom;
    if (sender >= 0 && sender !== from) {
      const h = ch.kind === 1 ? this.c.handoffB : this.c.handoffU;
      this.thrT[from] += h;
      this.breakdown[S.C_RECV] += h;
      this.hitOptional[ch.kind === 1 ? HIT_HANDOFF_B : HIT_HANDOFF_U] = 1;
    }
    tk.itemRecords[task] = ch.q.outRecords;
    tk.itemTs[task] = ch.q.outTs;
    tk.hasItem[task] = 1;
    tk.doneOfItem[task] = 0;
    if (ch.kind === 1 && ch.senders.length > 0) this.wake(ch.senders.popFront(), from);
  }

  /** A spin wait ended (message arrived or time out): account the spin and continue the poll. */
  endSpin(th: number): void {
    const d = this.thrT[th] - this.thrSpinStart[th];
    this.stSpin[th] += d;
    this.breakdown[S.C_SPIN] += d;
    // A spin that timed out leaves the channel's spinner list (a notified one already has).
    this.channels[this.thrSpinChannel[th]].spinners.remove(th);
    this.thrPos[th] = E.P_POLL;
  }

  /**
   * Platform noise: the OS or hypervisor took the core away from a running thread. Pauses arrive
   * as a Poisson process in the thread's *running* time (rate noise_rate) and last noise_pause.
   * `noiseLeft[th]` is the running time from the current poll's start (between polls: from now)
   * to the next pause. A pause that falls inside a poll delays the rest of the poll from the
   * instant it falls (pauseInPoll, checked before each op: the op it fell in ends later by the
   * pause, and every later op starts later); one that falls in a poll's last op is taken at the
   * poll's end (notePause), which is the same instant as far as anything observable goes. Idle
   * (parked) time draws no pauses.
   */
  private pauseInPoll(th: number): void {
    const ran = this.thrT[th] - this.thrPollStart[th];
    // Not running time: the poll's start moves with each pause, as it does for a wait for a core.
    // The pause falls at the poll's start plus the running time to it (the start moved past earlier pauses).
    while (this.noiseLeft[th] <= ran) this.thrPollStart[th] += this.takePause(th, this.thrPollStart[th] + this.noiseLeft[th]);
  }

  private notePause(th: number): void {
    while (this.noiseLeft[th] <= 0) this.takePause(th, this.thrT[th]);
  }

  /**
   * One pause, falling at simulated time `at`: its length delays the thread (descheduled time); the
   * next one is drawn. Returns the length. Inside a host-contention episode (episode_*, platform
   * effects on) the thread's vCPU waits for a host CPU as a halted one does: the pause is a draw of
   * episode_wake_latency instead of noise_pause (one draw from the noise stream either way), so a
   * running thread is held up by an episode as a parked one woken inside it is (docs/semantics.md,
   * "Host-contention episodes").
   */
  private takePause(th: number, at: number): number {
    const len = this.epRng !== null && this.inEpisode(at) ? this.c.episode!.wake : this.c.noisePause;
    const p = Math.round(sampleCost(len, this.rngNoise));
    this.thrT[th] += p;
    this.stDesched[th] += p;
    this.stNoisePauses[th]++;
    this.noiseLeft[th] += this.rngNoise.exponential(this.noiseMeanGapNs);
    return p;
  }

  /**
   * After a poll: account busy time and move the task to its next state. Returns the outcome
   * unchanged, except R_BLOCK with a notification during the poll becomes R_SELF (tokio requeues a
   * task woken while running through the yield path).
   */
  finishPoll(th: number, outcome: number): number {
    const tk = this.tasks;
    const task = this.thrTask[th];
    const d = this.thrT[th] - this.thrPollStart[th];
    tk.busyNs[task] += d;
    this.stBusy[th] += d;
    if ((this.noiseLeft[th] -= d) <= 0) this.notePause(th);
    if (this.traceRoom > 0) {
      this.traceRoom--;
      this.spans.push({
        thread: th,
        task: this.plan.tasks[tk.def[task]].name,
        startNs: this.thrPollStart[th],
        endNs: this.thrT[th],
        kind: 'poll',
        id: task,
      });
    } else if (this.maxSpans !== 0) this.traceFull = true;
    this.thrTask[th] = -1;
    if (outcome === E.R_DONE) {
      this.tasksDone++;
      tk.state[task] = S.T_DONE;
      tk.endNs[task] = this.thrT[th];
      const j = tk.joiner[task];
      if (j >= 0) this.wake(j, th);
      if (task === this.blockOnTask) this.finish(this.thrT[th]);
      else if (this.blockOnTask < 0 && this.allDone()) this.finish(this.thrT[th] + this.rootWakeNs(this.thrT[th]));
      return E.R_DONE;
    }
    if (outcome === E.R_BLOCK && tk.notified[task]) {
      tk.notified[task] = 0;
      this.endWait(task, th);
      tk.state[task] = S.T_QUEUED;
      tk.blockReason[task] = S.W_RUNNABLE;
      tk.blockedSince[task] = this.thrT[th];
      return E.R_SELF;
    }
    if (outcome === E.R_SELF) {
      tk.state[task] = S.T_QUEUED;
      tk.blockReason[task] = S.W_RUNNABLE;
      tk.blockedSince[task] = this.thrT[th];
    } else if (outcome === E.R_YIELD) {
      tk.state[task] = S.T_DEFERRED;
      tk.blockReason[task] = S.W_DEFERRED;
      tk.blockedSince[task] = this.thrT[th];
    }
    return outcome;
  }
}

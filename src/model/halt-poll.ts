/**
 * KVM's adaptive halt-polling rule (virt/kvm/kvm_main.c, kvm_vcpu_halt), one definition for the
 * simulator (runtime/simulator.ts, haltEnded) and the calibration that fits halt_poll_max
 * (calibrate/halt-poll.ts, adaptiveWarm). Defaults: halt_poll_ns_grow 2, halt_poll_ns_grow_start
 * 10 µs, halt_poll_ns_shrink 2.
 */
const KVM_POLL_GROW = 2;
const KVM_POLL_GROW_START = 10_000;
const KVM_POLL_SHRINK = 2;

/**
 * The vCPU's poll window (ns) after a halt of `haltNs` (its start to the wake-up, polling
 * included) with window `w` and cap `maxNs`: unchanged when the halt ended inside it; shrunk
 * (÷2, below 10 µs: 0) after a halt longer than the cap; grown (×2, at least 10 µs, at most the
 * cap) after one shorter than the cap that outlasted it.
 */
export function nextPollWindow(w: number, haltNs: number, maxNs: number): number {
  if (haltNs <= w) return w;
  if (w > 0 && haltNs > maxNs) {
    const shrunk = Math.floor(w / KVM_POLL_SHRINK);
    return shrunk < KVM_POLL_GROW_START ? 0 : shrunk;
  }
  if (w < maxNs && haltNs < maxNs) return Math.min(Math.max(w * KVM_POLL_GROW, KVM_POLL_GROW_START), maxNs);
  return w;
}

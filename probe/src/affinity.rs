//! Thread placement for the wake-up benchmarks: on a VM, waking a thread parked on another
//! (halted) vCPU costs an inter-processor interrupt through the hypervisor, several times a
//! wake-up on the waker's own vCPU — so `xwake` states where its two threads run.

/// The CPUs this thread may run on (its affinity mask), ascending.
#[cfg(target_os = "linux")]
pub fn allowed_cpus() -> Result<Vec<usize>, String> {
    let mask = get_mask()?;
    Ok((0..MASK_WORDS * 64)
        .filter(|&c| mask[c / 64] >> (c % 64) & 1 == 1)
        .collect())
}

#[cfg(not(target_os = "linux"))]
pub fn allowed_cpus() -> Result<Vec<usize>, String> {
    Err("thread placement needs Linux (sched_setaffinity)".into())
}

/// Restricts the calling thread to `cpu`; threads it creates afterwards inherit that.
/// The returned guard gives the thread its previous mask back when dropped.
pub fn pin_current_thread(cpu: usize) -> Result<PinGuard, String> {
    pin_current_thread_to(&[cpu])
}

/// Restricts the calling thread to `cpus` (threads it creates afterwards inherit them).
#[cfg(target_os = "linux")]
pub fn pin_current_thread_to(cpus: &[usize]) -> Result<PinGuard, String> {
    let before = get_mask()?;
    let mut mask = [0u64; MASK_WORDS];
    for &cpu in cpus {
        if cpu >= MASK_WORDS * 64 {
            return Err(format!("cpu {cpu} is beyond the affinity mask"));
        }
        mask[cpu / 64] |= 1 << (cpu % 64);
    }
    set_mask(&mask)?;
    Ok(PinGuard { before })
}

#[cfg(not(target_os = "linux"))]
pub fn pin_current_thread_to(_cpus: &[usize]) -> Result<PinGuard, String> {
    Err("thread placement needs Linux (sched_setaffinity)".into())
}

/// Puts the pinned thread's previous affinity back (later benchmarks of a suite run unpinned).
pub struct PinGuard {
    #[cfg(target_os = "linux")]
    before: [u64; MASK_WORDS],
}

#[cfg(target_os = "linux")]
impl Drop for PinGuard {
    fn drop(&mut self) {
        // Nothing useful to do if this fails: the thread keeps the narrower mask.
        let _ = set_mask(&self.before);
    }
}

/// cpu_set_t as glibc sizes it: 1024 CPUs.
#[cfg(target_os = "linux")]
const MASK_WORDS: usize = 16;

#[cfg(target_os = "linux")]
extern "C" {
    fn sched_getaffinity(pid: i32, size: usize, mask: *mut u64) -> i32;
    fn sched_setaffinity(pid: i32, size: usize, mask: *const u64) -> i32;
}

#[cfg(target_os = "linux")]
fn get_mask() -> Result<[u64; MASK_WORDS], String> {
    let mut mask = [0u64; MASK_WORDS];
    // SAFETY: the buffer is MASK_WORDS * 8 bytes, the size passed; pid 0 = this thread.
    if unsafe { sched_getaffinity(0, MASK_WORDS * 8, mask.as_mut_ptr()) } != 0 {
        return Err(format!(
            "sched_getaffinity: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(mask)
}

#[cfg(target_os = "linux")]
fn set_mask(mask: &[u64; MASK_WORDS]) -> Result<(), String> {
    // SAFETY: as above; the kernel only reads the mask.
    if unsafe { sched_setaffinity(0, MASK_WORDS * 8, mask.as_ptr()) } != 0 {
        return Err(format!(
            "sched_setaffinity: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}
